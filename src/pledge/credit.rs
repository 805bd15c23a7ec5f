//! Credit limit, liquidation value, coverage and expected loss of a patent-pledge loan.
//!
//! Per patent: band from the value degree, pledge rate by type and band (pending applications
//! and lapsed or invalidated patents lend nothing), credit limit = accepted value × pledge rate,
//! liquidation value = accepted value × (1 − quick-sale discount).
//! On default: each disposal path realises liquidation value × recovery rate × (1 − cost rate),
//! discounted by its months; the expected recovery weights the paths. The proceeds and the
//! loss are split by the waterfall in [`allocate`]. EL = PD × LGD × exposure.

use serde::Serialize;

use super::policy::{Band, Policy};
use super::split::{Part, allocate_agreed};
use super::{PledgeError, fen, yuan};
use crate::model::{LegalStatus, PatentType};
use crate::valuation::Engine;

/// What secures the loan besides the patents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Collateral {
    /// Only intellectual property (patents, trademarks, copyrights).
    IpOnly,
    /// Other collateral mixed in.
    Mixed,
}

impl Collateral {
    /// Stable code (the store and the CLI).
    pub fn code(self) -> &'static str {
        match self {
            Self::IpOnly => "ip_only",
            Self::Mixed => "mixed",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "ip_only" => Some(Self::IpOnly),
            "mixed" => Some(Self::Mixed),
            _ => None,
        }
    }
}

/// The loan.
#[derive(Debug, Clone, Serialize)]
pub struct Loan {
    /// Exposure at default, yuan (principal plus accrued interest).
    pub exposure: f64,
    /// Probability of default over the loan's term.
    pub pd: f64,
    pub collateral: Collateral,
    /// Share of the bank's shortfall a guarantor pays (0 without a guarantor).
    pub guarantee_share: f64,
    /// Share of the shortfall left after the guarantor that an insurer pays (0 uninsured).
    #[serde(default)]
    pub insurance_share: f64,
}

impl Loan {
    pub fn check(&self) -> Result<(), PledgeError> {
        if !(self.exposure > 0.0 && self.exposure.is_finite()) {
            return Err(PledgeError::Loan(format!(
                "exposure {} must be above 0",
                self.exposure
            )));
        }
        if !(0.0..=1.0).contains(&self.pd) {
            return Err(PledgeError::Loan(format!("PD {} is outside 0–1", self.pd)));
        }
        if !(0.0..=1.0).contains(&self.guarantee_share) {
            return Err(PledgeError::Loan(format!(
                "guarantee share {} is outside 0–1",
                self.guarantee_share
            )));
        }
        if !(0.0..=1.0).contains(&self.insurance_share) {
            return Err(PledgeError::Loan(format!(
                "insurance cover {} is outside 0–1",
                self.insurance_share
            )));
        }
        Ok(())
    }
}

/// One pledged patent.
#[derive(Debug, Clone, Serialize)]
pub struct PledgedPatent {
    pub patent_no: String,
    pub patent_type: PatentType,
    pub status: LegalStatus,
    pub score: f64,
    pub band: Band,
    pub accepted: f64,
    pub pledge_rate: f64,
    pub credit_limit: f64,
    pub liquidation: f64,
}

/// One disposal path's expected recovery.
#[derive(Debug, Clone, Serialize)]
pub struct Recovery {
    pub path: String,
    pub name_zh: String,
    pub name_en: String,
    /// Renormalised weight.
    pub weight: f64,
    pub gross: f64,
    pub cost: f64,
    pub months: f64,
    /// Net proceeds discounted by the months they take.
    pub present_value: f64,
}

/// How the exposure is met after a default (the waterfall), yuan in whole fen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Allocation {
    pub exposure: f64,
    /// Disposal proceeds (net of costs, discounted).
    pub proceeds: f64,
    /// 1. Proceeds go to the bank up to the exposure.
    pub to_bank: f64,
    /// 2. Proceeds above the exposure go to other parties (the pledgor, junior creditors).
    pub to_others: f64,
    /// The bank's shortfall after the proceeds.
    pub shortfall: f64,
    /// 3. The guarantor pays its share of the shortfall.
    pub guarantor: f64,
    /// 3a. An insurer pays its cover of what is left after the guarantor.
    pub insurer: f64,
    /// 4. The risk-compensation fund pays its share of the bank's actual loss after the
    ///    guarantee, up to the cap.
    pub fund: f64,
    pub fund_share: f64,
    pub fund_capped: bool,
    /// 5. What the bank finally loses.
    pub bank_loss: f64,
}

/// The waterfall without insurance, in fen so that to_bank + guarantor + fund + bank_loss =
/// exposure exactly.
pub fn allocate(
    exposure: f64,
    proceeds: f64,
    guarantee_share: f64,
    policy: &Policy,
    collateral: Collateral,
) -> Allocation {
    allocate_covered(
        exposure,
        proceeds,
        (guarantee_share, 0.0),
        policy,
        collateral,
    )
}

/// The waterfall with a guarantor's and an insurer's shares `(guarantee, insurance)`: the
/// guarantor pays its share of the shortfall, the insurer its cover of the rest, the fund its
/// share of what is left (capped); to_bank + guarantor + insurer + fund + bank_loss = exposure
/// to the fen.
pub fn allocate_covered(
    exposure: f64,
    proceeds: f64,
    (guarantee_share, insurance_share): (f64, f64),
    policy: &Policy,
    collateral: Collateral,
) -> Allocation {
    let (ead, r) = (fen(exposure), fen(proceeds.max(0.0)));
    let to_bank = r.min(ead);
    let to_others = r - to_bank;
    let shortfall = ead - to_bank;
    let guarantor = fen(yuan(shortfall) * guarantee_share);
    let insurer = fen(yuan(shortfall - guarantor) * insurance_share);
    let actual_loss = shortfall - guarantor - insurer;
    let share = match collateral {
        Collateral::IpOnly => policy.compensation.ip_only_share,
        Collateral::Mixed => policy.compensation.mixed_share,
    };
    let uncapped = fen(yuan(actual_loss) * share);
    let cap = fen(policy.compensation.cap_per_loan);
    let fund = uncapped.min(cap);
    Allocation {
        exposure: yuan(ead),
        proceeds: yuan(r),
        to_bank: yuan(to_bank),
        to_others: yuan(to_others),
        shortfall: yuan(shortfall),
        guarantor: yuan(guarantor),
        insurer: yuan(insurer),
        fund: yuan(fund),
        fund_share: share,
        fund_capped: uncapped > cap,
        bank_loss: yuan(actual_loss - fund),
    }
}

/// Settles a default: the policy's agreed split of the proceeds when it has one (then the
/// parties' parts are returned too), otherwise the waterfall of [`allocate_covered`].
pub fn settle(
    exposure: f64,
    proceeds: f64,
    shares: (f64, f64),
    policy: &Policy,
    collateral: Collateral,
) -> (Allocation, Vec<Part>) {
    if policy.split.is_empty() {
        let a = allocate_covered(exposure, proceeds, shares, policy, collateral);
        (a, Vec::new())
    } else {
        let a = allocate_agreed(
            exposure,
            proceeds,
            &policy.split,
            shares,
            policy,
            collateral,
        );
        (a.waterfall, a.parts)
    }
}

/// The pledge analysis.
#[derive(Debug, Clone, Serialize)]
pub struct PledgeResult {
    pub policy: String,
    pub loan: Loan,
    pub patents: Vec<PledgedPatent>,
    pub accepted_total: f64,
    pub credit_limit: f64,
    pub liquidation_value: f64,
    /// Accepted value / exposure.
    pub coverage: f64,
    /// Liquidation value / exposure.
    pub liquidation_coverage: f64,
    /// Credit limit − exposure (negative: the loan is above what the collateral supports).
    pub headroom: f64,
    pub recoveries: Vec<Recovery>,
    pub expected_recovery: f64,
    pub allocation: Allocation,
    /// The parties' parts of the expected recovery under the policy's agreed split (empty under
    /// the waterfall).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
    /// Bank loss / exposure.
    pub lgd: f64,
    /// PD × LGD × exposure.
    pub expected_loss: f64,
}

/// Each disposal path's recovery from a liquidation value, and the weighted expected recovery
/// (whole fen): PV = L · recovery rate · (1 − cost rate) / (1 + r)^(months / 12).
pub fn expected_recovery(liquidation_value: f64, policy: &Policy) -> (Vec<Recovery>, f64) {
    let weights: f64 = policy.disposal.iter().map(|d| d.weight).sum();
    let recoveries: Vec<Recovery> = policy
        .disposal
        .iter()
        .map(|d| {
            let gross = liquidation_value * d.recovery_rate;
            let cost = gross * d.cost_rate;
            let pv =
                (gross - cost) / (1.0 + policy.liquidation.discount_rate).powf(d.months / 12.0);
            Recovery {
                path: d.path.clone(),
                name_zh: d.name_zh.clone(),
                name_en: d.name_en.clone(),
                weight: d.weight / weights,
                gross,
                cost,
                months: d.months,
                present_value: pv,
            }
        })
        .collect();
    let expected = yuan(fen(recoveries
        .iter()
        .map(|r| r.weight * r.present_value)
        .sum()));
    (recoveries, expected)
}

/// One patent's terms under a policy: its band, the value the bank counts and the pledge rate.
/// A lapsed or invalidated patent counts 0 at rate 0; a pending application lends at the
/// pending rate; a negative value counts 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PatentTerms {
    pub band: Band,
    pub value: f64,
    pub rate: f64,
}

impl PatentTerms {
    pub fn of(
        policy: &Policy,
        patent_type: PatentType,
        status: LegalStatus,
        score: f64,
        accepted: f64,
    ) -> Self {
        let band = policy.band(score);
        let dead = matches!(status, LegalStatus::Lapsed | LegalStatus::Invalidated);
        let value = if dead { 0.0 } else { accepted.max(0.0) };
        let rate = if dead {
            0.0
        } else {
            policy.pledge_rate(patent_type, band, status == LegalStatus::Pending)
        };
        Self { band, value, rate }
    }

    /// Credit limit = value × pledge rate.
    pub fn credit_limit(&self) -> f64 {
        self.value * self.rate
    }
}

/// Analyses a loan against the patents of `engine`, each at its `accepted` value (engine order).
pub fn pledge(
    engine: &Engine,
    accepted: &[f64],
    policy: &Policy,
    loan: &Loan,
) -> Result<PledgeResult, PledgeError> {
    loan.check()?;
    if accepted.len() != engine.len() {
        return Err(PledgeError::Other(format!(
            "{} accepted values for {} patents",
            accepted.len(),
            engine.len()
        )));
    }
    let keep = 1.0 - policy.liquidation.quick_sale_discount;
    let patents: Vec<PledgedPatent> = (0..engine.len())
        .map(|i| {
            let p = &engine.inputs.patents[i];
            let score = engine.base[i].score.overall;
            let t = PatentTerms::of(policy, p.patent_type, p.status, score, accepted[i]);
            PledgedPatent {
                patent_no: engine.inputs.patent_nos[i].clone(),
                patent_type: p.patent_type,
                status: p.status,
                score,
                band: t.band,
                accepted: t.value,
                pledge_rate: t.rate,
                credit_limit: t.credit_limit(),
                liquidation: t.value * keep,
            }
        })
        .collect();
    let accepted_total = yuan(fen(patents.iter().map(|p| p.accepted).sum()));
    let credit_limit = yuan(fen(patents.iter().map(|p| p.credit_limit).sum()));
    let liquidation_value = yuan(fen(patents.iter().map(|p| p.liquidation).sum()));
    let (recoveries, expected_recovery) = expected_recovery(liquidation_value, policy);
    let (allocation, parts) = settle(
        loan.exposure,
        expected_recovery,
        (loan.guarantee_share, loan.insurance_share),
        policy,
        loan.collateral,
    );
    let lgd = allocation.bank_loss / allocation.exposure;
    let expected_loss = yuan(fen(loan.pd * allocation.bank_loss));
    Ok(PledgeResult {
        policy: policy.id.clone(),
        loan: loan.clone(),
        coverage: accepted_total / loan.exposure,
        liquidation_coverage: liquidation_value / loan.exposure,
        headroom: credit_limit - loan.exposure,
        patents,
        accepted_total,
        credit_limit,
        liquidation_value,
        recoveries,
        expected_recovery,
        allocation,
        parts,
        lgd,
        expected_loss,
    })
}

/// 押品认定价值 (recognised collateral value, docs/bank.md §2): the value the bank confirms,
/// less the patents that cannot be pledged and the claims that rank before the bank's
/// (法定优先受偿款), never below zero, to the fen.
pub fn recognised_value(confirmed: f64, not_pledgeable: f64, prior_claims: f64) -> f64 {
    yuan(fen((confirmed - not_pledgeable - prior_claims).max(0.0)))
}

/// 抵质押率 (pledge ratio, docs/bank.md §2): the secured principal over the recognised value;
/// `None` when the recognised value is zero.
pub fn pledge_ratio(principal: f64, recognised: f64) -> Option<f64> {
    (recognised > 0.0).then(|| principal / recognised)
}

/// Which value the bank accepts for each patent when an external appraisal is at hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Accept {
    /// The bank's own value.
    Bank,
    /// The outside firm's value.
    External,
    /// The lower of the two (a patent missing from the external appraisal counts as 0).
    Lower,
}

impl Accept {
    /// Stable code (the store and the CLI).
    pub fn code(self) -> &'static str {
        match self {
            Self::Bank => "bank",
            Self::External => "external",
            Self::Lower => "lower",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "bank" => Some(Self::Bank),
            "external" => Some(Self::External),
            "lower" => Some(Self::Lower),
            _ => None,
        }
    }
}

/// Accepted values in the engine's order, given the external appraisal's reported values per
/// (normalised) patent number.
pub fn accepted_values(
    engine: &Engine,
    bank: &[f64],
    reported: Option<&[(String, f64)]>,
    rule: Accept,
) -> Vec<f64> {
    let Some(reported) = reported else {
        return bank.to_vec();
    };
    let map: std::collections::HashMap<&str, f64> =
        reported.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    engine
        .inputs
        .patent_nos
        .iter()
        .zip(bank)
        .map(|(no, &b)| {
            let x = map.get(no.as_str()).copied().unwrap_or(0.0);
            match rule {
                Accept::Bank => b,
                Accept::External => x,
                Accept::Lower => b.min(x),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sz() -> Policy {
        Policy::shenzhen()
    }

    #[test]
    fn shenzhen_fund_pays_half_of_an_ip_only_loss_up_to_two_million() {
        // 10,000,000 exposure, 4,000,000 recovered: 6,000,000 short; half is 3,000,000, capped.
        let a = allocate(10_000_000.0, 4_000_000.0, 0.0, &sz(), Collateral::IpOnly);
        assert_eq!(a.shortfall, 6_000_000.0);
        assert_eq!(a.fund, 2_000_000.0);
        assert!(a.fund_capped);
        assert_eq!(a.bank_loss, 4_000_000.0);
        // A smaller loss is not capped: 1,000,000 short → 500,000.
        let a = allocate(5_000_000.0, 4_000_000.0, 0.0, &sz(), Collateral::IpOnly);
        assert_eq!(
            (a.fund, a.fund_capped, a.bank_loss),
            (500_000.0, false, 500_000.0)
        );
    }

    #[test]
    fn shenzhen_fund_pays_a_fifth_when_collateral_is_mixed_same_cap() {
        let a = allocate(10_000_000.0, 4_000_000.0, 0.0, &sz(), Collateral::Mixed);
        assert_eq!((a.fund, a.fund_capped), (1_200_000.0, false));
        // 20% of 12,000,000 is 2,400,000: capped at 2,000,000.
        let a = allocate(15_000_000.0, 3_000_000.0, 0.0, &sz(), Collateral::Mixed);
        assert_eq!((a.fund, a.fund_capped), (2_000_000.0, true));
        assert_eq!(a.bank_loss, 10_000_000.0);
    }

    #[test]
    fn the_guarantor_pays_first_and_the_fund_shares_the_bank_actual_loss() {
        // 3,000,000 short; guarantor 40% = 1,200,000; actual loss 1,800,000; fund 50% = 900,000.
        let a = allocate(8_000_000.0, 5_000_000.0, 0.4, &sz(), Collateral::IpOnly);
        assert_eq!(
            (a.guarantor, a.fund, a.bank_loss),
            (1_200_000.0, 900_000.0, 900_000.0)
        );
        assert_eq!(
            fen(a.to_bank) + fen(a.guarantor) + fen(a.fund) + fen(a.bank_loss),
            fen(a.exposure)
        );
        // Proceeds above the exposure go to other parties; nobody else pays.
        let a = allocate(1_000_000.0, 1_250_000.5, 0.4, &sz(), Collateral::IpOnly);
        assert_eq!(
            (a.to_bank, a.to_others, a.fund, a.bank_loss),
            (1_000_000.0, 250_000.5, 0.0, 0.0)
        );
    }
}
