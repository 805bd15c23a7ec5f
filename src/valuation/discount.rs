//! Discount rate by build-up (累加法): risk-free rate + technology, market, funding and
//! management risk premiums (China Appraisal Society, 资产评估执业准则——无形资产 and the
//! 专利资产评估指导意见; IVS 210 §30 on rates for intangible assets).

use serde::Serialize;

use super::scorecard::Score;
use crate::model::assumptions::{DiscountConfig, PremiumSource, ScorecardConfig};

/// The build-up for one patent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DiscountBuildUp {
    pub risk_free: f64,
    pub technology: f64,
    pub market: f64,
    pub funding: f64,
    pub management: f64,
    pub rate: f64,
    /// The rate was typed directly (the premiums are shown but not summed).
    pub direct: bool,
}

/// The discount rate of a patent: a rate typed directly, or the build-up of premiums as typed
/// in, or technology and market premiums from the scorecard (`max × (1 − degree / 100)`).
pub fn build_up(
    cfg: &DiscountConfig,
    direct: Option<f64>,
    score: &Score,
    sc: &ScorecardConfig,
) -> DiscountBuildUp {
    let (technology, market) = match cfg.premium_source {
        PremiumSource::Manual => (cfg.technology_risk, cfg.market_risk),
        PremiumSource::Scorecard => (
            sc.technology_risk_max * (1.0 - score.technical / 100.0),
            sc.market_risk_max * (1.0 - score.economic / 100.0),
        ),
    };
    let built = cfg.risk_free_rate + technology + market + cfg.funding_risk + cfg.management_risk;
    DiscountBuildUp {
        risk_free: cfg.risk_free_rate,
        technology,
        market,
        funding: cfg.funding_risk,
        management: cfg.management_risk,
        rate: direct.unwrap_or(built),
        direct: direct.is_some(),
    }
}

/// Present value of 1 received after `t` years at rate `r`: `(1 + r)^(−t)`.
#[inline]
pub fn discount_factor(r: f64, t: f64) -> f64 {
    discount_factor_ln(r.ln_1p(), t)
}

/// [`discount_factor`] given `ln(1 + r)`, for loops over many `t` at one rate:
/// `exp(−t · ln(1 + r))`.
#[inline]
pub fn discount_factor_ln(ln_1p_r: f64, t: f64) -> f64 {
    (-t * ln_1p_r).exp()
}

/// Present value of 1 a year for `n` years (fractional allowed) at rate `r`:
/// `(1 − (1 + r)^(−n)) / r`, or `n` when `r` is 0.
#[inline]
pub fn annuity_factor(r: f64, n: f64) -> f64 {
    annuity_factor_ln(r, r.ln_1p(), n)
}

/// [`annuity_factor`] given `ln(1 + r)`, for many `n` at one rate (the same figure to the bit).
#[inline]
pub fn annuity_factor_ln(r: f64, ln_1p_r: f64, n: f64) -> f64 {
    if r.abs() < 1e-12 {
        n
    } else {
        (1.0 - discount_factor_ln(ln_1p_r, n)) / r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors() {
        assert!((discount_factor(0.1, 2.0) - 1.0 / 1.21).abs() < 1e-15);
        assert!((annuity_factor(0.1, 3.0) - (1.0 / 1.1 + 1.0 / 1.21 + 1.0 / 1.331)).abs() < 1e-12);
        assert_eq!(annuity_factor(0.0, 4.5), 4.5);
    }
}
