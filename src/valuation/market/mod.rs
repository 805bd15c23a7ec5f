//! Market approach (市场法): adjusted prices of the most similar past transactions.
//!
//! Selection (docs/methods.md §4): comparables are bucketed by patent type and IPC level (main
//! group, subclass, class, section, any) and sorted by remaining life within each bucket. For a
//! patent the buckets are visited from the narrowest, taking from each the comparables nearest in
//! remaining life, until enough candidates are gathered; the candidates are scored by similarity
//! and the best kept. The cost per patent is independent of the number of comparables (a binary
//! search per bucket), so a million patents against a hundred thousand comparables is no
//! all-pairs scan.
//!
//! Each kept comparable's price is multiplied by factors for deal circumstances, date (price
//! index), technology (score ratio), remaining life (annuity-factor ratio) and deal kind, each
//! clamped to [1/max, max]; the value is the similarity-weighted mean of the adjusted prices.

mod grid;
mod select;

pub use grid::Fixed;
pub use select::{Selection, ipc_similarity, similarity};

use grid::{Subject, fixed_row, row, trace_row};

use super::discount::annuity_factor;
use super::trace::MarketTrace;
use super::{Engine, MIN_RATE, MethodResult, NoValue, Tweak};
use crate::model::LegalStatus;
use crate::model::parameters::GridFactor;

/// Fewest comparables below which the market value carries a warning.
pub const WARN_BELOW: usize = 3;

/// Values patent `i` by the market approach; `fixed` is its [`Fixed`] rows when the caller
/// values it many times (a simulation), else they are worked out here.
pub fn value(
    e: &Engine,
    i: usize,
    tw: &Tweak,
    fixed: Option<&Fixed>,
    mut trace: Option<&mut MarketTrace>,
) -> MethodResult {
    let pp = e.params(i);
    let p = &e.inputs.patents[i];
    let b = &e.base[i];
    if let Some(t) = trace.as_deref_mut() {
        t.pending_factor = b.pending_factor;
        t.excluded = pp
            .grid
            .iter()
            .filter(|g| g.factor == GridFactor::Exclude && g.value > 0.0)
            .map(|g| (g.deal_id.clone(), g.reason.clone()))
            .collect();
    }
    if matches!(p.status, LegalStatus::Lapsed | LegalStatus::Invalidated) {
        if let Some(t) = trace {
            t.value = Some(0.0);
            t.note = Some("lapsed or invalidated: no market value".into());
        }
        return Ok(0.0);
    }
    let picks = e.market.of(i).len();
    if picks < pp.min_comparables {
        let why = NoValue::TooFewComparables {
            found: picks as u32,
            needed: pp.min_comparables as u32,
        };
        if let Some(t) = trace {
            t.note = Some(format!(
                "{}: only {picks} comparables have a similarity of at least {}",
                why.describe(),
                e.assumptions.market.min_similarity
            ));
        }
        return Err(why);
    }
    let life = (b.life.remaining_economic * tw.life_mult).min(b.life.remaining_legal);
    let r = (b.discount.rate + tw.discount_shift).max(MIN_RATE);
    let subject = Subject {
        life,
        life_af: annuity_factor(r, life),
        rate: r,
        ln_1p_rate: r.ln_1p(),
    };
    let mean = weighted_mean(e, i, &subject, fixed, trace.as_deref_mut());
    let v = if life <= 0.0 {
        0.0
    } else {
        mean * b.pending_factor
    };
    if let Some(t) = trace {
        t.weighted_mean = Some(mean);
        t.value = Some(v);
        if life <= 0.0 {
            t.note = Some("no remaining economic life".into());
        }
        if picks < WARN_BELOW {
            t.warning = Some(format!(
                "only {picks} comparable(s): the market value rests on fewer than {WARN_BELOW} transactions"
            ));
        }
    }
    Ok(v)
}

/// The weighted mean of the adjusted prices (a trace also gets each row, the low and the high).
fn weighted_mean(
    e: &Engine,
    i: usize,
    subject: &Subject,
    fixed: Option<&Fixed>,
    mut trace: Option<&mut MarketTrace>,
) -> f64 {
    let pp = e.params(i);
    let mut wsum = 0.0;
    let mut acc = 0.0;
    let mut low = f64::INFINITY;
    let mut high = f64::NEG_INFINITY;
    let mut add = |f: &grid::FixedRow| {
        let row = row(pp, f, subject);
        wsum += f.weight;
        acc += f.weight * row.adjusted;
        low = low.min(row.adjusted);
        high = high.max(row.adjusted);
        if let Some(t) = trace.as_deref_mut() {
            let c = &e.inputs.comparables[f.ci as usize];
            t.comparables.push(trace_row(e, i, c, &row, f.weight));
        }
    };
    match fixed {
        Some(f) => f.rows.iter().for_each(&mut add),
        None => e
            .market
            .of(i)
            .iter()
            .for_each(|&ci| add(&fixed_row(e, i, ci))),
    }
    if let Some(t) = trace {
        t.low = Some(low);
        t.high = Some(high);
    }
    if wsum > 0.0 { acc / wsum } else { 0.0 }
}
