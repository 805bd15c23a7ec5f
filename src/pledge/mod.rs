//! The bank's side: cross-checking an outside firm's appraisal ([`crosscheck`]), the credit
//! limit, liquidation value, coverage and expected loss of a patent-pledge loan under a policy
//! profile ([`credit`], [`policy`]), and post-loan monitoring ([`monitor`]). Every formula is in
//! docs/bank.md with a worked example that a test checks to the cent.

pub mod credit;
pub mod crosscheck;
pub mod external;
pub mod monitor;
pub mod policy;

pub use credit::{Collateral, Loan, PledgeResult, pledge};
pub use crosscheck::{BridgeStep, CrossCheck, ExternalSide, crosscheck};
pub use external::ExternalAppraisal;
pub use policy::Policy;

/// Bank-side failures.
#[derive(Debug, thiserror::Error)]
pub enum PledgeError {
    #[error("{0}")]
    Import(#[from] crate::import::ImportError),
    #[error("{0}")]
    Valuation(#[from] crate::valuation::ValuationError),
    #[error("policy {file}: {message}")]
    Policy { file: String, message: String },
    #[error("loan: {0}")]
    Loan(String),
    #[error("{0}")]
    Other(String),
}

/// Rounds yuan to whole fen (cents), the unit every bank-side total is reconciled in.
pub fn fen(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

/// Fen back to yuan.
pub fn yuan(f: i64) -> f64 {
    f as f64 / 100.0
}
