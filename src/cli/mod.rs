//! The command line: `patval <command>`. Every command that prints results takes `--json`
//! (schemas in `docs/cli.md`). The GUI starts when no command is given.

/// `?` for a store result in a command: the error is printed and the command exits with 1.
macro_rules! try_store {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return $crate::cli::out::fail(e.into()),
        }
    };
}

pub mod args;
pub mod bank;
pub mod experts;
pub mod export;
pub mod loans;
pub mod loans_monitor;
mod out;
pub mod panel;
pub mod review;
pub mod store;
mod validate;
pub mod value;
pub mod whitelist;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::progress::Progress;

/// patval — patent valuation for IP pledge financing.
#[derive(Debug, Parser)]
#[command(name = "patval", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check input files (CSV tables and assumptions TOML) and list every problem.
    ///
    /// Each CSV's table (portfolio, forecasts, cost items, comparables) is recognised from its
    /// headers. Exits with status 1 when any file has an error.
    Validate(ValidateArgs),
    /// Write the input workbook (.xlsx): one sheet per table with the accepted headers, notes and
    /// drop-down lists, an instructions sheet, and the sample case filled in as the example.
    Template(TemplateArgs),
    /// Write a synthetic data set (portfolio, forecasts, cost items, comparables, assumptions).
    GenSample(GenSampleArgs),
    /// Value a portfolio by the cost, income and market approaches and reconcile.
    ///
    /// Exits with status 1 when an input has errors.
    Value(Box<value::ValueArgs>),
    /// Value a portfolio and save it as a new, immutable report version in the store.
    Save(Box<store::SaveArgs>),
    /// List the cases and report versions in the store.
    Reports(store::ListArgs),
    /// Show a report version: metadata, totals, reviews, annotations (exit 1 if it fails a check).
    Show(store::ShowArgs),
    /// Record a reviewer's verdict on a report version.
    Review(review::ReviewArgs),
    /// Add, reply to, resolve or reopen annotations.
    #[command(subcommand)]
    Annotate(review::AnnotateCmd),
    /// Check a store: SQLite integrity, the audit chain, every row and fingerprint (exit 1 on tampering).
    Verify(export::VerifyArgs),
    /// Export a report version as PDF or HTML (with charts), or its per-patent results as CSV or xlsx.
    Export(export::ExportArgs),
    /// Write a self-contained review package of a version for offline review.
    ExportReview(review::ExportReviewArgs),
    /// Merge a review package into the store (exit 3 if conflicts were recorded).
    ImportReview(review::ImportReviewArgs),
    /// Cross-check an outside appraisal against the bank's valuation: deviations and value bridge.
    Crosscheck(Box<bank::CrosscheckArgs>),
    /// Credit limit, liquidation value, coverage and expected loss of a pledge loan.
    Pledge(Box<bank::PledgeArgs>),
    /// Post-loan monitoring: re-value a stored version at a new date with updated inputs.
    Monitor(Box<bank::MonitorArgs>),
    /// The bank's book of pledge loans: add, list, show, status, book.
    #[command(subcommand)]
    Loans(loans::LoansCmd),
    /// Whitelist pre-assessment: many firms' patents valued and ranked, thresholds select firms.
    Whitelist(Box<whitelist::WhitelistArgs>),
    /// The expert pool: add, list, export and import the registry.
    #[command(subcommand)]
    Experts(experts::ExpertsCmd),
    /// Reviewers' signing keys: new, rotate, revoke.
    #[command(subcommand)]
    Keys(experts::KeysCmd),
    /// Review panels: assign, list, show progress, conclude, write members' packages.
    #[command(subcommand)]
    Panel(panel::PanelCmd),
    /// Save the sample case in a loop (for crash tests).
    #[command(hide = true)]
    InternalSaveLoop(store::SaveLoopArgs),
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// CSV and TOML files to check.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Assumptions file whose valuation date bounds the dates in the CSVs (a .toml among FILES is used too).
    #[arg(long)]
    pub assumptions: Option<PathBuf>,
    /// Valuation date when no assumptions file is given (default: today).
    #[arg(long, value_parser = parse_date_arg)]
    pub valuation_date: Option<NaiveDate>,
    /// List at most this many problems per file.
    #[arg(long, default_value_t = 100)]
    pub max_problems: usize,
    /// Print a JSON report instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct TemplateArgs {
    /// The workbook to write (.xlsx).
    #[arg(long)]
    pub out: PathBuf,
    /// Language of the headers, notes and instructions.
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: export::LangArg,
}

#[derive(Debug, clap::Args)]
pub struct GenSampleArgs {
    /// Number of patents.
    #[arg(long, default_value_t = 1000)]
    pub patents: usize,
    /// Output directory (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Random seed; the same seed writes the same files.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Print the list of files as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn parse_date_arg(s: &str) -> Result<NaiveDate, String> {
    crate::import::cell::parse_date(s).map_err(|e| format!("\"{s}\" {e}"))
}

/// Failures of a command that are not problems in the user's data.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Synth(#[from] crate::synth::SynthError),
    #[error("cannot write to standard output: {0}")]
    Output(#[from] std::io::Error),
    #[error("cannot encode JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Runs a command; the exit code says whether the user's data passed.
pub fn run(command: Command) -> Result<ExitCode, CliError> {
    match command {
        Command::Validate(args) => validate::run(&args),
        Command::Template(args) => template(&args),
        Command::GenSample(args) => gen_sample(&args),
        Command::Value(args) => value::run(&args),
        Command::Save(args) => store::save(&args),
        Command::Reports(args) => store::reports(&args),
        Command::Show(args) => store::show(&args),
        Command::Review(args) => review::review(&args),
        Command::Annotate(cmd) => review::annotate(&cmd),
        Command::Verify(args) => export::verify(&args),
        Command::Export(args) => export::export(&args),
        Command::ExportReview(args) => review::export_review(&args),
        Command::ImportReview(args) => review::import_review(&args),
        Command::Crosscheck(args) => bank::crosscheck_cmd(&args),
        Command::Pledge(args) => bank::pledge_cmd(&args),
        Command::Monitor(args) => bank::monitor_cmd(&args),
        Command::Loans(cmd) => loans::run(&cmd),
        Command::Whitelist(args) => whitelist::run(&args),
        Command::Experts(cmd) => experts::experts(&cmd),
        Command::Keys(cmd) => experts::keys_cmd(&cmd),
        Command::Panel(cmd) => panel::run(&cmd),
        Command::InternalSaveLoop(args) => store::save_loop(&args),
    }
}

fn template(args: &TemplateArgs) -> Result<ExitCode, CliError> {
    let lang = match args.lang {
        export::LangArg::Zh => crate::report::ReportLang::Zh,
        export::LangArg::En => crate::report::ReportLang::En,
    };
    let bytes = match crate::import::template::template_xlsx(lang) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    if let Err(e) = crate::files::write_bytes_replacing(&args.out, &bytes) {
        eprintln!("error: cannot write {}: {e}", args.out.display());
        return Ok(ExitCode::FAILURE);
    }
    println!("{}", args.out.display());
    Ok(ExitCode::SUCCESS)
}

fn gen_sample(args: &GenSampleArgs) -> Result<ExitCode, CliError> {
    let mut spec = crate::synth::SynthSpec::new(args.patents);
    spec.seed = args.seed;
    let progress = Progress::new();
    let out = with_progress_bar(&progress, || {
        crate::synth::generate(&spec, &args.out, Some(&progress))
    })?;
    if args.json {
        let files: Vec<serde_json::Value> = out
            .files
            .iter()
            .map(|(p, rows)| serde_json::json!({ "path": p.display().to_string(), "rows": rows }))
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "files": files }))?
        );
    } else {
        for (p, rows) in &out.files {
            println!("{:>10} rows  {}", rows, p.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `work` while a progress bar on standard error follows `progress`; draws nothing when
/// standard error is not a terminal.
pub fn with_progress_bar<T>(progress: &Progress, work: impl FnOnce() -> T) -> T {
    if !std::io::stderr().is_terminal() {
        return work();
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:30} [{bar:40}] {percent:>3}% {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let (d, t) = progress.get();
                bar.set_length(t.max(1));
                bar.set_position(d);
                bar.set_message(progress.stage());
                std::thread::sleep(Duration::from_millis(100));
            }
            bar.finish_and_clear();
        });
        let out = work();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        out
    })
}
