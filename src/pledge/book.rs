//! The bank's book of pledge loans (docs/bank.md §4): per loan the credit analysis of its
//! collateral at its current exposure and status, and for the book the totals, the
//! risk-compensation fund's expected and actual claims, concentration by borrower, product and
//! IPC class, and the IP-pledge NPL ratio against the bank's own with the guideline's tolerance
//! of 3 percentage points (深圳 2023 指引 第二十条: 高出 3 个百分点（含）以内 不作扣分因素).

use std::collections::BTreeMap;

use serde::Serialize;

use super::credit::{Collateral, PledgeResult, settle};
use super::loans::{LoanState, LoanTerms};
use super::policy::Policy;
use super::{fen, yuan};
use crate::model::LoanStatus;

/// The tolerance of the IP-pledge NPL ratio over the bank's own, percentage points (inclusive).
pub const NPL_TOLERANCE_POINTS: f64 = 3.0;

/// What the book is judged against.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct BookOptions {
    /// The bank's overall NPL ratio (all loans), e.g. 0.012.
    pub bank_npl_ratio: f64,
    /// A loan whose coverage (accepted value / exposure) falls below this is flagged.
    pub coverage_alert: f64,
}

impl Default for BookOptions {
    fn default() -> Self {
        Self {
            bank_npl_ratio: 0.0,
            coverage_alert: 1.0,
        }
    }
}

/// Why a loan on the book needs attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Alert {
    /// Accepted value / exposure below the alert threshold.
    CoverageBelow,
    /// The collateral's credit limit is below the exposure.
    LimitBelowExposure,
}

/// One loan of the book.
#[derive(Debug, Clone, Serialize)]
pub struct LoanLine {
    pub loan_id: String,
    pub loan_no: String,
    pub borrower: String,
    pub product: String,
    pub status: LoanStatus,
    pub since: chrono::NaiveDate,
    pub collateral: Collateral,
    pub policy: String,
    /// Current exposure, yuan (0 once the loan has left the book).
    pub exposure: f64,
    pub accepted: f64,
    pub other_collateral: f64,
    pub credit_limit: f64,
    pub liquidation: f64,
    /// Accepted (IP) value / exposure.
    pub coverage: f64,
    /// PD × the bank's loss after guarantor, insurer and fund (PD = 1 once non-performing).
    pub expected_loss: f64,
    /// What the fund would pay if the loan defaulted now.
    pub fund_on_default: f64,
    /// PD × fund on default while on the book (PD = 1 once non-performing).
    pub fund_expected: f64,
    /// What the fund pays on a closed loss (recovered or written off), from realised proceeds.
    pub fund_actual: Option<f64>,
    pub alerts: Vec<Alert>,
    /// Accepted value by IPC class (three characters, `—` when the patent has none).
    #[serde(skip)]
    pub by_ipc_class: Vec<(String, f64)>,
}

/// A loan's figures from its terms, its state and the credit analysis of its collateral at the
/// current exposure (`r`, computed with PD = 1 once non-performing).
pub fn line(
    id: &str,
    terms: &LoanTerms,
    state: &LoanState,
    r: &PledgeResult,
    policy: &Policy,
    by_ipc_class: Vec<(String, f64)>,
    opts: &BookOptions,
) -> LoanLine {
    let on_book = state.status.on_book();
    let closed_loss = matches!(state.status, LoanStatus::Recovered | LoanStatus::WrittenOff);
    let fund_actual = closed_loss.then(|| {
        settle(
            r.loan.exposure,
            state.proceeds.unwrap_or(0.0),
            (terms.guarantee_share, terms.insurance_share),
            policy,
            terms.collateral,
        )
        .0
        .fund
    });
    let mut alerts = Vec::new();
    if on_book && r.coverage < opts.coverage_alert {
        alerts.push(Alert::CoverageBelow);
    }
    if on_book && r.credit_limit < r.loan.exposure {
        alerts.push(Alert::LimitBelowExposure);
    }
    let live = |x: f64| if on_book { x } else { 0.0 };
    LoanLine {
        loan_id: id.into(),
        loan_no: terms.loan_no.clone(),
        borrower: terms.borrower.clone(),
        product: terms.product.clone(),
        status: state.status,
        since: state.since,
        collateral: terms.collateral,
        policy: terms.policy.clone(),
        exposure: live(r.loan.exposure),
        accepted: r.accepted_total,
        other_collateral: terms.other_collateral_value,
        credit_limit: r.credit_limit,
        liquidation: r.liquidation_value,
        coverage: r.coverage,
        expected_loss: live(r.expected_loss),
        fund_on_default: r.allocation.fund,
        fund_expected: live(yuan(fen(r.loan.pd * r.allocation.fund))),
        fund_actual,
        alerts,
        by_ipc_class,
    }
}

/// The PD a loan is analysed at: its own while performing or overdue, 1 once non-performing.
pub fn effective_pd(terms: &LoanTerms, status: LoanStatus) -> f64 {
    if status.non_performing() {
        1.0
    } else {
        terms.pd
    }
}

/// One key's amount and its share of the total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    pub key: String,
    pub amount: f64,
    pub share: f64,
}

/// The IP-pledge NPL ratio against the bank's own.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NplCheck {
    pub npl_exposure: f64,
    pub book_exposure: f64,
    pub ip_npl_ratio: f64,
    pub bank_npl_ratio: f64,
    /// (IP-pledge NPL ratio − bank NPL ratio) × 100.
    pub excess_points: f64,
    pub tolerance_points: f64,
    /// The excess is above the tolerance (3.00 points is within it, 3.01 is not).
    pub flagged: bool,
}

/// The book's totals over the loans still on it (fund actual: over the closed losses).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    pub loans_on_book: usize,
    pub loans_closed: usize,
    pub exposure: f64,
    pub accepted: f64,
    pub credit_limit: f64,
    pub liquidation: f64,
    /// Accepted value / exposure over the book.
    pub coverage: f64,
    pub expected_loss: f64,
    pub fund_expected: f64,
    pub fund_actual: f64,
}

/// The whole book.
#[derive(Debug, Clone, Serialize)]
pub struct Book {
    pub options: BookOptions,
    pub loans: Vec<LoanLine>,
    pub totals: Totals,
    pub by_borrower: Vec<Share>,
    pub by_product: Vec<Share>,
    pub by_ipc_class: Vec<Share>,
    pub npl: NplCheck,
}

/// Sums in fen, so the totals are the sums of the lines to the fen.
fn sum<'a>(lines: impl Iterator<Item = &'a LoanLine>, f: impl Fn(&LoanLine) -> f64) -> f64 {
    yuan(lines.map(|l| fen(f(l))).sum())
}

fn shares(amounts: BTreeMap<String, i64>) -> Vec<Share> {
    let total: i64 = amounts.values().sum();
    let mut out: Vec<Share> = amounts
        .into_iter()
        .map(|(key, a)| Share {
            key,
            amount: yuan(a),
            share: if total > 0 {
                a as f64 / total as f64
            } else {
                0.0
            },
        })
        .collect();
    out.sort_by(|a, b| b.amount.total_cmp(&a.amount).then(a.key.cmp(&b.key)));
    out
}

/// The NPL check: flagged when the excess, rounded to 0.0001 point, is above the tolerance.
pub fn npl_check(npl_exposure: f64, book_exposure: f64, bank_npl_ratio: f64) -> NplCheck {
    let ip = if book_exposure > 0.0 {
        npl_exposure / book_exposure
    } else {
        0.0
    };
    let excess_points = (ip - bank_npl_ratio) * 100.0;
    NplCheck {
        npl_exposure,
        book_exposure,
        ip_npl_ratio: ip,
        bank_npl_ratio,
        excess_points,
        tolerance_points: NPL_TOLERANCE_POINTS,
        flagged: (excess_points * 1e4).round() > (NPL_TOLERANCE_POINTS * 1e4).round(),
    }
}

/// The book from its loans' lines.
pub fn summarise(loans: Vec<LoanLine>, options: BookOptions) -> Book {
    let live: Vec<&LoanLine> = loans.iter().filter(|l| l.status.on_book()).collect();
    let exposure = sum(live.iter().copied(), |l| l.exposure);
    let accepted = sum(live.iter().copied(), |l| l.accepted);
    let totals = Totals {
        loans_on_book: live.len(),
        loans_closed: loans.len() - live.len(),
        exposure,
        accepted,
        credit_limit: sum(live.iter().copied(), |l| l.credit_limit),
        liquidation: sum(live.iter().copied(), |l| l.liquidation),
        coverage: if exposure > 0.0 {
            accepted / exposure
        } else {
            0.0
        },
        expected_loss: sum(live.iter().copied(), |l| l.expected_loss),
        fund_expected: sum(live.iter().copied(), |l| l.fund_expected),
        fund_actual: sum(loans.iter(), |l| l.fund_actual.unwrap_or(0.0)),
    };
    let mut borrower = BTreeMap::new();
    let mut product = BTreeMap::new();
    let mut ipc = BTreeMap::new();
    for l in &live {
        *borrower.entry(l.borrower.clone()).or_insert(0) += fen(l.exposure);
        let p = if l.product.is_empty() {
            "—"
        } else {
            &l.product
        };
        *product.entry(p.to_string()).or_insert(0) += fen(l.exposure);
        for (class, v) in &l.by_ipc_class {
            *ipc.entry(class.clone()).or_insert(0) += fen(*v);
        }
    }
    let npl_exposure = sum(
        live.iter().copied().filter(|l| l.status.non_performing()),
        |l| l.exposure,
    );
    Book {
        npl: npl_check(npl_exposure, exposure, options.bank_npl_ratio),
        options,
        totals,
        by_borrower: shares(borrower),
        by_product: shares(product),
        by_ipc_class: shares(ipc),
        loans,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npl_excess_of_three_points_is_tolerated_and_three_point_zero_one_is_not() {
        // Book 10,000,000; bank NPL 1.00 %.
        let at = |npl: f64| npl_check(npl, 10_000_000.0, 0.01);
        let c = at(400_000.0);
        assert!((c.ip_npl_ratio - 0.04).abs() < 1e-12);
        assert!(!c.flagged, "{c:?}");
        let c = at(401_000.0);
        assert!(c.flagged, "{c:?}");
        assert!((c.excess_points - 3.01).abs() < 1e-9);
        assert!(!at(0.0).flagged);
        assert!(!npl_check(0.0, 0.0, 0.0).flagged);
    }

    #[test]
    fn shares_sum_to_one_and_sort_largest_first() {
        let mut m = BTreeMap::new();
        m.insert("A".to_string(), 100);
        m.insert("B".to_string(), 300);
        let s = shares(m);
        assert_eq!(s[0].key, "B");
        assert!((s[0].share - 0.75).abs() < 1e-12);
        assert!((s.iter().map(|x| x.share).sum::<f64>() - 1.0).abs() < 1e-12);
    }
}
