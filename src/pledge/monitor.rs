//! Post-loan monitoring: a stored valuation re-valued at a new date with updated inputs. Flags
//! patents that lapsed, were invalidated, reached or neared the end of their legal term, or left
//! the portfolio, and shows the change in collateral value, credit limit and coverage.

use serde::Serialize;

use super::PledgeError;
use super::credit::{Loan, PledgeResult, pledge};
use super::policy::Policy;
use crate::model::LegalStatus;
use crate::valuation::Engine;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    Lapsed,
    Invalidated,
    TermEnded,
    NearTermEnd,
    Removed,
}

/// One patent that needs attention.
#[derive(Debug, Clone, Serialize)]
pub struct Flag {
    pub patent_no: String,
    pub kind: FlagKind,
    pub detail: String,
    pub detail_zh: String,
    /// Accepted value before and after, yuan.
    pub before: f64,
    pub after: f64,
}

/// The monitoring result.
#[derive(Debug, Clone, Serialize)]
pub struct Monitoring {
    pub flags: Vec<Flag>,
    pub before: PledgeResult,
    pub after: PledgeResult,
    /// Coverage after − before.
    pub coverage_change: f64,
    pub credit_limit_change: f64,
}

/// Compares the valuation at the loan's start (`before`) with the re-valuation (`after`).
pub fn monitor(
    before: &Engine,
    after: &Engine,
    policy: &Policy,
    loan: &Loan,
) -> Result<Monitoring, PledgeError> {
    let vb = before.reconciled_values();
    let va = after.reconciled_values();
    let pb = pledge(before, &vb, policy, loan)?;
    let pa = pledge(after, &va, policy, loan)?;
    let near = policy.monitoring.near_term_years;
    let mut flags = Vec::new();
    let after_index = super::index_of(after);
    for (i, no) in before.inputs.patent_nos.iter().enumerate() {
        let old = before.inputs.patents[i].status;
        let Some(&j) = after_index.get(no.as_str()) else {
            flags.push(Flag {
                patent_no: no.clone(),
                kind: FlagKind::Removed,
                detail: "no longer in the portfolio".into(),
                detail_zh: "已不在质押专利清单中".into(),
                before: vb[i],
                after: 0.0,
            });
            continue;
        };
        let new = after.inputs.patents[j].status;
        let legal = after.base[j].life.remaining_legal;
        let flag = match new {
            LegalStatus::Lapsed if old != LegalStatus::Lapsed => Some((
                FlagKind::Lapsed,
                "lapsed (fees unpaid, abandoned or expired)".to_string(),
                "已失效（未缴年费、放弃或届满）".to_string(),
            )),
            LegalStatus::Invalidated if old != LegalStatus::Invalidated => Some((
                FlagKind::Invalidated,
                "invalidated".to_string(),
                "已被宣告无效".to_string(),
            )),
            LegalStatus::Granted if legal <= 0.0 => Some((
                FlagKind::TermEnded,
                "legal term has ended".to_string(),
                "法定保护期已届满".to_string(),
            )),
            LegalStatus::Granted if legal < near => Some((
                FlagKind::NearTermEnd,
                format!("legal term ends in {legal:.2} years"),
                format!("法定保护期剩余 {legal:.2} 年"),
            )),
            _ => None,
        };
        if let Some((kind, detail, detail_zh)) = flag {
            flags.push(Flag {
                patent_no: no.clone(),
                kind,
                detail,
                detail_zh,
                before: pb.patents[i].accepted,
                after: pa.patents[j].accepted,
            });
        }
    }
    Ok(Monitoring {
        flags,
        coverage_change: pa.coverage - pb.coverage,
        credit_limit_change: pa.credit_limit - pb.credit_limit,
        before: pb,
        after: pa,
    })
}
