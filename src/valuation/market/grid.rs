//! The adjustment grid (因素修正表): each comparable's factors as computed and as used. The
//! factors no tweak changes (circumstance, date, technology, deal kind, hand-set values, the
//! factors the appraiser added, the weight) form a [`FixedRow`], computed once per patent when a
//! simulation values it thousands of times; only the life factor is worked out per draw.

use chrono::Datelike;

use crate::model::assumptions::{LifeFactor, Weighting};
use crate::model::parameters::GridFactor;
use crate::valuation::Engine;
use crate::valuation::discount::annuity_factor_ln;
use crate::valuation::inputs::Comparable;
use crate::valuation::parameters::Params;
use crate::valuation::trace::{ComparableTrace, FactorOverride};

/// The subject patent's side of the grid under one tweak.
pub(super) struct Subject {
    pub life: f64,
    pub life_af: f64,
    pub rate: f64,
    /// `ln(1 + rate)`, shared by every comparable's annuity factor.
    pub ln_1p_rate: f64,
}

/// The five computed factors of the grid, in [`GRID_FACTORS`] order.
const GRID_FACTORS: [GridFactor; 5] = [
    GridFactor::Circumstance,
    GridFactor::Date,
    GridFactor::Technology,
    GridFactor::Life,
    GridFactor::DealKind,
];
const LIFE: usize = 3;

/// A comparable's row without the life factor (its slot holds 1 until [`row`] fills it).
#[derive(Debug, Clone, Copy)]
pub(super) struct FixedRow {
    pub ci: u32,
    /// The comparable's price and remaining life, copied here so a draw reads one row only.
    price: f64,
    remaining_life: f64,
    similarity: f64,
    computed: [f64; 5],
    used: [f64; 5],
    /// A hand-set life factor.
    life_set: Option<f64>,
    /// The product of the factors the appraiser added.
    others: f64,
    /// The comparable's weight in the mean (similarity, 1, or set by hand).
    pub weight: f64,
}

/// The grid rows of one patent that no tweak changes, for valuing it many times.
#[derive(Debug, Clone, Default)]
pub struct Fixed {
    pub(super) rows: Vec<FixedRow>,
}

impl Fixed {
    /// Patent `i`'s rows, one per selected comparable, for use with the same engine.
    pub fn of(e: &Engine, i: usize) -> Fixed {
        Fixed {
            rows: e
                .market
                .of(i)
                .iter()
                .map(|&ci| fixed_row(e, i, ci))
                .collect(),
        }
    }
}

/// One row of the grid as numbers: each factor as computed (and clamped) and as used (a
/// hand-set value replaces the computed one). No allocation: the bulk path values with it, and
/// a trace turns it into a [`ComparableTrace`].
pub(super) struct GridRow {
    similarity: f64,
    computed: [f64; 5],
    used: [f64; 5],
    /// Price × every factor used × the factors the appraiser added.
    pub adjusted: f64,
}

/// Clamps a computed factor to `[1/max, max]`, unless the bound is off.
fn clamp_factor(f: f64, max: Option<f64>) -> f64 {
    match max {
        Some(m) => f.clamp(1.0 / m, m),
        None => f,
    }
}

pub(super) fn fixed_row(e: &Engine, i: usize, ci: u32) -> FixedRow {
    let cfg = &e.assumptions.market;
    let pp = e.params(i);
    let b = &e.base[i];
    let c = e.market.traits(ci);
    let max = pp.max_factor;
    let vd_year = e.assumptions.valuation_date.year();
    let kind = cfg.deal_kind_factors.of(cfg.subject_deal_kind);
    let computed = [
        clamp_factor(pp.circumstance_factor, max),
        clamp_factor(e.index_ratio(c.year, vd_year), max),
        match c.technical_score {
            t if t > 0.0 => clamp_factor(b.score.technical / t, max),
            _ => 1.0,
        },
        1.0,
        clamp_factor(kind / cfg.deal_kind_factors.of(c.deal_kind), max),
    ];
    let mut used = computed;
    let mut life_set = None;
    let mut others = 1.0;
    // The deal id (a string in the comparables' records) is read only when cells are set.
    let deal_id = || e.inputs.comparables[ci as usize].deal_id.as_str();
    for g in pp.grid.iter().filter(|g| g.deal_id == deal_id()) {
        match GRID_FACTORS.iter().position(|f| *f == g.factor) {
            Some(LIFE) => life_set = Some(g.value),
            Some(k) => used[k] = g.value,
            None if matches!(g.factor, GridFactor::Other(_)) => others *= g.value,
            None => {}
        }
    }
    let similarity = c.similarity(&e.inputs.patents[i], b.life.remaining_economic);
    FixedRow {
        ci,
        price: c.price,
        remaining_life: c.remaining_life,
        similarity,
        computed,
        used,
        life_set,
        others,
        weight: weight(pp, deal_id, similarity),
    }
}

fn weight<'a>(pp: &Params, deal_id: impl Fn() -> &'a str, similarity: f64) -> f64 {
    match pp.weighting {
        Weighting::Similarity => similarity,
        Weighting::Equal => 1.0,
        Weighting::Manual => pp
            .grid_cell(deal_id(), &GridFactor::Weight)
            .map_or(1.0, |g| g.value),
    }
}

/// The whole row under a tweak: the life factor worked out and the adjusted price.
pub(super) fn row(pp: &Params, f: &FixedRow, s: &Subject) -> GridRow {
    let life_ratio = match pp.life_factor {
        LifeFactor::Annuity => {
            s.life_af / annuity_factor_ln(s.rate, s.ln_1p_rate, f.remaining_life)
        }
        LifeFactor::Ratio => s.life / f.remaining_life,
    };
    let life = clamp_factor(life_ratio, pp.max_factor);
    let mut computed = f.computed;
    computed[LIFE] = life;
    let mut used = f.used;
    used[LIFE] = f.life_set.unwrap_or(life);
    GridRow {
        similarity: f.similarity,
        computed,
        used,
        adjusted: f.price * used.iter().product::<f64>() * f.others,
    }
}

/// The trace of a grid row: the comparable, each factor, what was set by hand and why.
pub(super) fn trace_row(
    e: &Engine,
    i: usize,
    c: &Comparable,
    row: &GridRow,
    weight: f64,
) -> ComparableTrace {
    let pp = e.params(i);
    let overrides = GRID_FACTORS
        .iter()
        .enumerate()
        .filter_map(|(k, f)| {
            pp.grid_cell(&c.deal_id, f).map(|g| FactorOverride {
                factor: f.code().to_string(),
                computed: row.computed[k],
                value: g.value,
                reason: g.reason.clone(),
            })
        })
        .collect();
    let other_factors = pp
        .grid
        .iter()
        .filter(|g| g.deal_id == c.deal_id && matches!(g.factor, GridFactor::Other(_)))
        .map(|g| (g.factor.code().to_string(), g.value, g.reason.clone()))
        .collect();
    let [circumstance, date, technology, life, kind] = row.used;
    ComparableTrace {
        deal_id: c.deal_id.clone(),
        deal_date: c.date.to_string(),
        ipc: c.ipc_text.clone(),
        patent_type: c.patent_type,
        deal_kind: c.deal_kind,
        price: c.price,
        remaining_life: c.remaining_life,
        claims: c.claims,
        similarity: row.similarity,
        circumstance_factor: circumstance,
        date_factor: date,
        technology_factor: technology,
        life_factor: life,
        deal_kind_factor: kind,
        other_factors,
        overrides,
        weight,
        adjusted_price: row.adjusted,
    }
}
