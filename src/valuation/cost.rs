//! Cost approach (成本法): replacement cost less depreciation and obsolescence.
//!
//! Replacement cost = restated R&D costs times (1 + developer's profit rate), plus restated
//! official fees; depreciation rate = used life / (used life + remaining economic life);
//! value = replacement cost times (1 − depreciation), (1 − functional obsolescence) and
//! (1 − economic obsolescence). docs/methods.md §2.
//!
//! Under `cost_method = multiplier` (倍加系数法, docs/methods.md §10) the replacement cost is
//! `(C + β·V) / (1 − r) × (1 + L)` from the patent's parameters instead of its cost items.

use chrono::Datelike;

use super::trace::{CostItemTrace, CostTrace};
use super::{Engine, MethodResult, NoValue, Tweak};
use crate::model::{CostCategory, LegalStatus};

/// Restated costs of one patent: R&D costs and official fees at valuation-year prices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Restated {
    pub rd: f64,
    pub fees: f64,
    /// The portfolio's R&D cost column stood in for cost items.
    pub from_rd_override: bool,
}

/// Restates patent `i`'s cost items (its own and its share of its asset group's), or its R&D
/// cost override; records each item in `trace`.
pub fn restate(
    e: &Engine,
    i: usize,
    mut trace: Option<&mut CostTrace>,
) -> Result<Restated, NoValue> {
    let p = &e.inputs.patents[i];
    let vd_year = e.assumptions.valuation_date.year();
    let own = e.inputs.own_costs(i);
    let group_items = &e.inputs.group_cost_items[p.group_name as usize];
    let group_size = f64::from(e.inputs.group_sizes[p.group_name as usize].max(1));
    let mut acc = Acc::default();
    for c in own {
        acc.add(
            e, vd_year, c.category, c.year, c.amount, false, c.row, &mut trace,
        );
    }
    for c in group_items {
        acc.add(
            e,
            vd_year,
            c.category,
            c.year,
            c.amount / group_size,
            true,
            c.row,
            &mut trace,
        );
    }
    let mut from_rd_override = false;
    if acc.items == 0
        && let Some(rd_cost) = p.rd_cost_override
    {
        acc.add(
            e,
            vd_year,
            CostCategory::Other,
            p.filing.year(),
            rd_cost,
            false,
            0,
            &mut trace,
        );
        from_rd_override = true;
    }
    if acc.items == 0 {
        return Err(NoValue::NoCostData);
    }
    Ok(Restated {
        rd: acc.rd,
        fees: acc.fees,
        from_rd_override,
    })
}

/// Values patent `i` by the cost approach.
pub fn value(e: &Engine, i: usize, tw: &Tweak, mut trace: Option<&mut CostTrace>) -> MethodResult {
    let pp = e.params(i);
    if pp.cost_multiplier {
        let m = pp.multiplier;
        let rc = multiplier_cost(&m);
        if let Some(t) = trace.as_deref_mut() {
            t.multiplier = Some(m);
            t.rd_restated = m.material + m.beta * m.labour;
        }
        return finish(e, i, tw, rc, trace);
    }
    // The bulk path reads the cached restatement; a trace recomputes it, recording each item,
    // by the same function.
    let restated = match trace.as_deref_mut() {
        Some(t) => restate(e, i, Some(t)),
        None => e
            .cost_base
            .get(i)
            .copied()
            .unwrap_or_else(|| restate(e, i, None)),
    };
    let Restated {
        rd,
        fees,
        from_rd_override: from_override,
    } = match restated {
        Ok(r) => r,
        Err(why) => {
            if let Some(t) = trace {
                t.note = Some(why.describe());
            }
            return Err(why);
        }
    };
    let profit_rate = pp.developer_profit_rate;
    let profit = rd * profit_rate;
    let replacement = rd + profit + fees;
    if let Some(t) = trace.as_deref_mut() {
        t.from_rd_override = from_override;
        t.rd_restated = rd;
        t.developer_profit_rate = profit_rate;
        t.developer_profit = profit;
        t.fees_restated = fees;
    }
    finish(e, i, tw, replacement, trace)
}

/// Replacement cost by the multiplier method: `(C + β·V) / (1 − r) × (1 + L)`.
pub fn multiplier_cost(m: &super::parameters::Multiplier) -> f64 {
    (m.material + m.beta * m.labour) / (1.0 - m.risk_rate) * (1.0 + m.return_rate)
}

/// Depreciation and obsolescence of a replacement cost: `RC × (1 − d) × (1 − of) × (1 − oe)`.
fn finish(
    e: &Engine,
    i: usize,
    tw: &Tweak,
    replacement: f64,
    trace: Option<&mut CostTrace>,
) -> MethodResult {
    let pp = e.params(i);
    let p = &e.inputs.patents[i];
    let b = &e.base[i];
    let dead = matches!(p.status, LegalStatus::Lapsed | LegalStatus::Invalidated);
    let remaining = (b.life.remaining_economic * tw.life_mult).min(b.life.remaining_legal);
    let used = pp.used_life.unwrap_or(b.life.used);
    let depreciation = if dead || used + remaining <= 0.0 {
        1.0
    } else {
        used / (used + remaining)
    };
    let of = pp.functional_obsolescence;
    let oe = pp.economic_obsolescence;
    let v = replacement * (1.0 - depreciation) * (1.0 - of) * (1.0 - oe) * b.pending_factor;
    if let Some(t) = trace {
        t.replacement_cost = replacement;
        t.used_life = used;
        t.remaining_life = remaining;
        t.depreciation_rate = depreciation;
        t.functional_obsolescence = of;
        t.economic_obsolescence = oe;
        t.pending_factor = b.pending_factor;
        t.value = Some(v);
        if dead {
            t.note = Some("lapsed or invalidated: fully depreciated".into());
        }
    }
    Ok(v)
}

/// Restated R&D costs and official fees.
#[derive(Default)]
struct Acc {
    rd: f64,
    fees: f64,
    items: usize,
}

impl Acc {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        e: &Engine,
        vd_year: i32,
        category: CostCategory,
        year: i32,
        amount: f64,
        from_group: bool,
        row: u32,
        trace: &mut Option<&mut CostTrace>,
    ) {
        let ratio = e.index_ratio(year, vd_year);
        let restated = amount * ratio;
        let fee = category.is_official_fee();
        if fee {
            self.fees += restated;
        } else {
            self.rd += restated;
        }
        self.items += 1;
        if let Some(t) = trace.as_deref_mut() {
            t.items.push(CostItemTrace {
                category,
                year,
                amount,
                index_year: e.index_year_used(year),
                index_ratio: ratio,
                restated,
                official_fee: fee,
                from_group,
                source_row: row,
            });
        }
    }
}
