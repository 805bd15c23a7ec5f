//! Thin binary edge: no command opens the GUI, a command runs the CLI.

use std::process::ExitCode;

use clap::Parser;

fn main() -> anyhow::Result<ExitCode> {
    let cli = patval::cli::Cli::parse();
    match cli.command {
        None => {
            patval::gui::run().map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?;
            Ok(ExitCode::SUCCESS)
        }
        Some(cmd) => Ok(patval::cli::run(cmd)?),
    }
}
