//! The terms of a pledge loan on the bank's book and the events of its life (贷后管理): what is
//! stored per loan, checked before it is stored.

use chrono::NaiveDate;
use serde::Serialize;

use super::credit::{Accept, Collateral, Loan};
use crate::model::LoanStatus;

/// A loan's terms as granted. The collateral is a stored report version; with an outside
/// appraisal stored as another version, `accept` says which value counts per patent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoanTerms {
    /// The bank's own loan number (unique in the store).
    pub loan_no: String,
    pub borrower: String,
    /// Loan product or business line (concentration is reported by it).
    pub product: String,
    /// Exposure at grant, yuan (principal; later events may restate it).
    pub exposure: f64,
    /// Annual interest rate.
    pub interest_rate: f64,
    /// Probability of default over the term.
    pub pd: f64,
    pub start: NaiveDate,
    pub maturity: NaiveDate,
    /// The stored report version whose values secure the loan.
    pub version_id: String,
    /// An outside appraisal stored as a version, compared under `accept`.
    pub external_version_id: Option<String>,
    pub accept: Accept,
    pub collateral: Collateral,
    /// Value of the other collateral of a mixed loan, yuan (0 for an all-IP loan).
    pub other_collateral_value: f64,
    pub guarantor: String,
    pub guarantee_share: f64,
    pub insurer: String,
    pub insurance_share: f64,
    /// Policy profile: a bundled id, a profile in the user folder, or a TOML file.
    pub policy: String,
}

impl LoanTerms {
    /// Every problem with the terms, each naming the field (empty when they are sound).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.loan_no.trim().is_empty() {
            out.push("the loan number is required".to_string());
        }
        if self.borrower.trim().is_empty() {
            out.push("the borrower is required".to_string());
        }
        if !(self.exposure > 0.0 && self.exposure.is_finite()) {
            out.push(format!("exposure {} must be above 0", self.exposure));
        }
        let shares = [
            ("interest rate", self.interest_rate),
            ("PD", self.pd),
            ("guarantee share", self.guarantee_share),
            ("insurance cover", self.insurance_share),
        ];
        for (what, v) in shares {
            if !(0.0..=1.0).contains(&v) {
                out.push(format!("{what} {v} is outside 0–1"));
            }
        }
        if self.maturity <= self.start {
            out.push(format!(
                "maturity {} is not after the start {}",
                self.maturity, self.start
            ));
        }
        if !(self.other_collateral_value >= 0.0 && self.other_collateral_value.is_finite()) {
            out.push(format!(
                "other collateral value {} must be 0 or more",
                self.other_collateral_value
            ));
        }
        if self.collateral == Collateral::IpOnly && self.other_collateral_value > 0.0 {
            out.push("an all-IP loan has no other collateral: give --collateral mixed".into());
        }
        if self.guarantee_share > 0.0 && self.guarantor.trim().is_empty() {
            out.push("a guarantee share needs the guarantor's name".into());
        }
        if self.insurance_share > 0.0 && self.insurer.trim().is_empty() {
            out.push("an insurance cover needs the insurer's name".into());
        }
        if self.accept != Accept::Bank && self.external_version_id.is_none() {
            out.push(format!(
                "accepting the {} value needs the outside appraisal's version",
                self.accept.code()
            ));
        }
        out
    }

    /// The loan as the credit analysis takes it, at `exposure` and `pd`.
    pub fn loan(&self, exposure: f64, pd: f64) -> Loan {
        Loan {
            exposure,
            pd,
            collateral: self.collateral,
            guarantee_share: self.guarantee_share,
            insurance_share: self.insurance_share,
        }
    }
}

/// Where a loan stands after its events: the last status, the exposure as last restated, and
/// the proceeds realised when it was closed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LoanState {
    pub status: LoanStatus,
    pub since: NaiveDate,
    pub exposure: f64,
    /// Disposal proceeds realised (net), yuan, when recorded.
    pub proceeds: Option<f64>,
}

/// Whether a loan at `from` may move to `to`. A closed loan stays closed, except that a
/// written-off loan may still be recovered.
pub fn transition_allowed(from: LoanStatus, to: LoanStatus) -> bool {
    from.on_book() || (from == LoanStatus::WrittenOff && to == LoanStatus::Recovered)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> LoanTerms {
        LoanTerms {
            loan_no: "L1".into(),
            borrower: "B".into(),
            product: String::new(),
            exposure: 1.0,
            interest_rate: 0.04,
            pd: 0.02,
            start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
            maturity: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default(),
            version_id: "v".into(),
            external_version_id: None,
            accept: Accept::Bank,
            collateral: Collateral::IpOnly,
            other_collateral_value: 0.0,
            guarantor: String::new(),
            guarantee_share: 0.0,
            insurer: String::new(),
            insurance_share: 0.0,
            policy: "shenzhen".into(),
        }
    }

    #[test]
    fn sound_terms_have_no_problems_and_each_fault_is_named() {
        assert!(terms().problems().is_empty());
        let mut t = terms();
        t.pd = 1.5;
        t.guarantee_share = 0.4;
        t.maturity = t.start;
        t.accept = Accept::Lower;
        let p = t.problems().join("\n");
        assert!(p.contains("PD 1.5 is outside 0–1"), "{p}");
        assert!(p.contains("guarantor's name"), "{p}");
        assert!(p.contains("not after the start"), "{p}");
        assert!(p.contains("outside appraisal's version"), "{p}");
    }

    #[test]
    fn a_closed_loan_stays_closed_but_a_written_off_one_may_be_recovered() {
        use LoanStatus::*;
        assert!(transition_allowed(Performing, Npl));
        assert!(transition_allowed(InDisposal, Recovered));
        assert!(!transition_allowed(Repaid, Performing));
        assert!(transition_allowed(WrittenOff, Recovered));
        assert!(!transition_allowed(WrittenOff, Performing));
    }
}
