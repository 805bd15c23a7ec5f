//! Patent value degree (专利价值度): legal, technical and economic value degrees from portfolio
//! columns, after the structure of CNIPA's *专利价值分析指标体系操作手册* (2012):
//! PVD = α·LVD + β·TVD + γ·EVD. The factors are patval's, computed from the data the portfolio
//! holds; their tables are in docs/methods.md §5.

use serde::Serialize;

use super::inputs::Patent;
use super::life::Life;
use crate::model::assumptions::ScorecardConfig;
use crate::model::{LegalStatus, PatentType};

/// The three degrees and the overall value degree, each 0–100, with the factors behind them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Score {
    /// Legal factors, each 0–1: status, remaining legal term, claim breadth, family.
    pub legal_factors: [f64; 4],
    /// Technical factors, each 0–1: forward citations, claims, patent type.
    pub technical_factors: [f64; 3],
    /// Economic factors, each 0–1: remaining economic life, market size.
    pub economic_factors: [f64; 2],
    pub legal: f64,
    pub technical: f64,
    pub economic: f64,
    pub overall: f64,
}

fn weighted(factors: &[f64], weights: &[f64]) -> f64 {
    let wsum: f64 = weights.iter().sum();
    if wsum <= 0.0 {
        return 0.0;
    }
    100.0 * factors.iter().zip(weights).map(|(f, w)| f * w).sum::<f64>() / wsum
}

/// Status factor: granted 1, pending 0.5, lapsed or invalidated 0.
pub fn status_factor(s: LegalStatus) -> f64 {
    match s {
        LegalStatus::Granted => 1.0,
        LegalStatus::Pending => 0.5,
        LegalStatus::Lapsed | LegalStatus::Invalidated => 0.0,
    }
}

/// Type factor: invention 1, utility model 0.6, design 0.4.
pub fn type_factor(t: PatentType) -> f64 {
    match t {
        PatentType::Invention => 1.0,
        PatentType::UtilityModel => 0.6,
        PatentType::Design => 0.4,
    }
}

/// Scores one patent. `first_revenue` is the asset group's revenue in its first forecast year
/// (0 when it has none); `max_years` is the economic-life cap.
pub fn score(
    p: &Patent,
    life: &Life,
    first_revenue: f64,
    max_years: f64,
    cfg: &ScorecardConfig,
) -> Score {
    let legal_factors = [
        status_factor(p.status),
        if life.term_years > 0 {
            (life.remaining_legal / f64::from(life.term_years)).clamp(0.0, 1.0)
        } else {
            0.0
        },
        (f64::from(p.independent_claims) / 3.0).min(1.0),
        (f64::from(p.family_size.unwrap_or(1)) / 5.0).min(1.0),
    ];
    let technical_factors = [
        ((1.0 + f64::from(p.forward_citations.unwrap_or(0))).ln() / 51f64.ln()).min(1.0),
        (f64::from(p.claims) / 20.0).min(1.0),
        type_factor(p.patent_type),
    ];
    let economic_factors = [
        if max_years > 0.0 {
            (life.remaining_economic / max_years).clamp(0.0, 1.0)
        } else {
            0.0
        },
        ((1.0 + first_revenue.max(0.0) / 1e6).ln() / 1001f64.ln()).min(1.0),
    ];
    let legal = weighted(&legal_factors, &cfg.legal);
    let technical = weighted(&technical_factors, &cfg.technical);
    let economic = weighted(&economic_factors, &cfg.economic);
    let overall = weighted(
        &[legal / 100.0, technical / 100.0, economic / 100.0],
        &[cfg.legal_weight, cfg.technical_weight, cfg.economic_weight],
    );
    Score {
        legal_factors,
        technical_factors,
        economic_factors,
        legal,
        technical,
        economic,
        overall,
    }
}
