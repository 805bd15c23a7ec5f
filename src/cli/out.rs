//! How the store commands end: an error printed with exit status 1, results as text or JSON.

use std::process::ExitCode;

use super::CliError;
use crate::store::StoreError;

pub(crate) fn fail(e: StoreError) -> Result<ExitCode, CliError> {
    eprintln!("error: {e}");
    Ok(ExitCode::from(1))
}

pub(crate) fn print(
    json: bool,
    value: serde_json::Value,
    text: impl FnOnce() -> String,
) -> Result<(), CliError> {
    if json {
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        println!("{}", text());
    }
    Ok(())
}
