//! The bundled sample case (a Shenzhen SME pledging 30 patents), compiled into the binary so the
//! app opens on a full data set on any machine.

use crate::import::{self, Dataset, ImportError, ReadOptions, TableKind};
use crate::model::Assumptions;
use crate::model::assumptions::AssumptionsError;

pub const PORTFOLIO: &[u8] = include_bytes!("../sample_data/portfolio.csv");
pub const PORTFOLIO_GBK: &[u8] = include_bytes!("../sample_data/portfolio_gbk.csv");
pub const FORECASTS: &[u8] = include_bytes!("../sample_data/forecasts.csv");
pub const COST_ITEMS: &[u8] = include_bytes!("../sample_data/cost_items.csv");
pub const COMPARABLES: &[u8] = include_bytes!("../sample_data/comparables.csv");
/// Parameters with their bases (the appraiser's workpapers).
pub const PARAMETERS: &[u8] = include_bytes!("../sample_data/parameters.csv");
pub const ASSUMPTIONS: &str = include_str!("../sample_data/assumptions.toml");
/// An outside firm's appraisal of the sample portfolio (for the bank cross-check).
pub const EXTERNAL_APPRAISAL: &[u8] = include_bytes!("../sample_data/external_appraisal.csv");

/// The sample case did not load (a build with broken sample data).
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error(transparent)]
    Assumptions(#[from] AssumptionsError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Case(#[from] crate::model::case::CaseError),
}

/// Loads the bundled sample case.
pub fn load() -> Result<Dataset, SampleError> {
    let assumptions = Assumptions::from_toml(ASSUMPTIONS, "sample_data/assumptions.toml")?;
    let opts = ReadOptions::new(assumptions.valuation_date);
    let mut ds = Dataset {
        assumptions: Some(assumptions),
        ..Dataset::default()
    };
    for (kind, bytes, name) in [
        (TableKind::Portfolio, PORTFOLIO, "sample_data/portfolio.csv"),
        (TableKind::Forecasts, FORECASTS, "sample_data/forecasts.csv"),
        (
            TableKind::CostItems,
            COST_ITEMS,
            "sample_data/cost_items.csv",
        ),
        (
            TableKind::Comparables,
            COMPARABLES,
            "sample_data/comparables.csv",
        ),
        (
            TableKind::Parameters,
            PARAMETERS,
            "sample_data/parameters.csv",
        ),
    ] {
        ds.set_table(import::read_table_bytes(kind, bytes, name, &opts, None)?);
    }
    ds.case = Some(crate::model::case::CaseInfo::from_toml(
        include_str!("../sample_data/case.toml"),
        "sample_data/case.toml",
    )?);
    Ok(ds)
}
