//! The outside firm's appraisal as the bank receives it, in files: its per-patent CSV and,
//! when given, its revenue forecasts, its parameters table (with bases) and its method
//! weights. [`FirmFiles::side`] reads and checks them and applies them to the bank's data set;
//! the CLI and the GUI both call it.

use std::path::PathBuf;

use super::crosscheck::{ExternalSide, FirmInputs};
use super::{ExternalAppraisal, PledgeError};
use crate::import::{self, Dataset, ReadOptions, TableKind};
use crate::model::assumptions::MethodWeights;
use crate::model::parameters::ParameterSet;
use crate::valuation::Engine;
use polars::prelude::PlHashSet;

/// The firm's files.
#[derive(Debug, Clone, Default)]
pub struct FirmFiles {
    /// Per-patent values and the rates and lives the firm stated (external_appraisal.csv).
    pub appraisal: PathBuf,
    /// The firm's revenue forecasts (the columns of forecasts.csv).
    pub forecasts: Option<PathBuf>,
    /// The firm's parameters table with its bases (the columns of parameters.csv).
    pub parameters: Option<PathBuf>,
    /// The firm's method weights for the whole appraisal.
    pub weights: Option<MethodWeights>,
}

impl FirmFiles {
    /// Reads the files and applies them to the bank's data set `ds` and valuation `bank`.
    pub fn side(&self, ds: &Dataset, bank: &Engine) -> Result<ExternalSide, PledgeError> {
        let opts = ReadOptions::new(bank.assumptions.valuation_date);
        let ext = ExternalAppraisal::read(&self.appraisal, &opts)?;
        let revenue = match &self.forecasts {
            Some(f) => {
                let t = import::read_table(TableKind::Forecasts, f, &opts, None)?;
                let mut firm_ds = ds.clone();
                firm_ds.set_table(t);
                Some(Engine::new(
                    &firm_ds,
                    &bank.assumptions,
                    bank.methods,
                    None,
                )?)
            }
            None => None,
        };
        let parameters = match &self.parameters {
            Some(f) => Some(parameters(f, &opts, bank)?),
            None => None,
        };
        let firm = FirmInputs {
            parameters: parameters.as_ref(),
            revenue: revenue.as_ref(),
            weights: self.weights.as_ref(),
        };
        ExternalSide::from_csv(bank, &ext, firm)
    }
}

/// The firm's parameters table, checked like the appraiser's own: every row's key and value,
/// and every asset group and patent it names against the bank's portfolio.
fn parameters(
    path: &std::path::Path,
    opts: &ReadOptions,
    bank: &Engine,
) -> Result<ParameterSet, PledgeError> {
    let t = import::read_table(TableKind::Parameters, path, opts, None)?;
    let set = ParameterSet::from_table(&t).map_err(|p| PledgeError::Other(p.to_string()))?;
    let patents: PlHashSet<&str> = bank.inputs.patent_nos.iter().map(String::as_str).collect();
    let groups: PlHashSet<&str> = bank.inputs.group_names.iter().map(String::as_str).collect();
    let problems = import::parameters::unknown_targets(&t, &set, &patents, &groups);
    if problems.is_empty() {
        return Ok(set);
    }
    let lines: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    Err(PledgeError::Other(lines.join("\n")))
}
