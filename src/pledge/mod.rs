//! The bank's side: cross-checking an outside firm's appraisal ([`crosscheck`]), the credit
//! limit, liquidation value, coverage and expected loss of a patent-pledge loan under a policy
//! profile ([`credit`], [`policy`]), and post-loan monitoring ([`monitor`]). Every formula is in
//! docs/bank.md with a worked example that a test checks to the cent.

pub mod batch;
pub mod book;
mod book_load;
pub mod credit;
pub mod crosscheck;
pub mod external;
pub mod firm;
pub mod loans;
pub mod monitor;
pub mod policy;
pub mod split;
pub mod subsidy;
pub mod whitelist;

pub use book_load::load_book;
pub use credit::{Collateral, Loan, PledgeResult, pledge};
pub use crosscheck::{BridgeStep, CrossCheck, ExternalSide, FirmInputs, crosscheck};
pub use external::ExternalAppraisal;
pub use firm::FirmFiles;
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
    Store(#[from] crate::store::StoreError),
    #[error("{0}")]
    Other(String),
}

/// Patent number → index in an engine, for lookups in loops (`Engine::find` scans).
pub fn index_of(e: &crate::valuation::Engine) -> std::collections::HashMap<&str, usize> {
    e.inputs
        .patent_nos
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect()
}

/// Rounds yuan to whole fen (cents), the unit every bank-side total is reconciled in.
pub fn fen(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

/// Fen back to yuan.
pub fn yuan(f: i64) -> f64 {
    f as f64 / 100.0
}

/// The bank-side sections of a report: a cross-check and a pledge analysis, each when present.
#[derive(Debug, Clone, Default)]
pub struct BankAnalysis {
    pub crosscheck: Option<CrossCheck>,
    pub pledge: Option<PledgeResult>,
    /// The policy profile, when a loan was analysed.
    pub policy: Option<Policy>,
    /// Which value was accepted per patent, when a loan was analysed.
    pub accept: Option<credit::Accept>,
    /// The outside firm's case metadata, when the external side carries it.
    pub external_case: Option<crate::model::case::CaseInfo>,
    /// The outside firm's valuation date (the external side's).
    pub external_date: Option<chrono::NaiveDate>,
}

impl BankAnalysis {
    pub fn is_empty(&self) -> bool {
        self.crosscheck.is_none() && self.pledge.is_none()
    }
}

/// Cross-checks the external side against the bank's valuation in `engine` and analyses `loan` under
/// `policy`, as far as each is given.
pub fn analyse(
    engine: &crate::valuation::Engine,
    side: Option<&ExternalSide>,
    threshold: f64,
    loan: Option<(&Policy, &Loan, credit::Accept)>,
) -> Result<BankAnalysis, PledgeError> {
    let cc = side.map(|s| crosscheck(engine, s, threshold));
    let mut out = BankAnalysis {
        crosscheck: cc,
        external_case: side.and_then(|s| s.case.clone()),
        external_date: side.map(|s| s.engine.assumptions.valuation_date),
        ..BankAnalysis::default()
    };
    if let Some((policy, loan, rule)) = loan {
        let bank = engine.reconciled_values();
        let accepted =
            credit::accepted_values(engine, &bank, side.map(|s| s.reported.as_slice()), rule);
        out.pledge = Some(pledge(engine, &accepted, policy, loan)?);
        out.policy = Some(policy.clone());
        out.accept = Some(rule);
    }
    Ok(out)
}
