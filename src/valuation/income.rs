//! Income approach (收益法): the patent's share of its product line's future revenue or profit,
//! discounted to the valuation date. docs/methods.md §3.
//!
//! For each forecast year y of the patent's asset group, from the valuation year on:
//! CFᵧ = baseᵧ × lengthᵧ × sᵧ × (1 − tax) × allocation × coverᵧ and
//! V = Σ CFᵧ × (1 + r)^(−tᵧ) × pending factor, where baseᵧ is revenue (or revenue × margin for a
//! profit share), lengthᵧ the part of the year after the valuation date, sᵧ the share rate after
//! decay (or the forecast's own rate, or the royalty rate for relief from royalty), coverᵧ the
//! part of the period within the remaining economic life, and tᵧ the end (or middle) of the period.

use chrono::Datelike;

use super::trace::{IncomeTrace, YearTrace};
use super::{Engine, MIN_RATE, MethodResult, NoValue, Tweak, discount, period};
use crate::model::LegalStatus;
use crate::model::assumptions::{IncomeVariant, ShareBasis};

/// Values patent `i` by the income approach.
pub fn value(
    e: &Engine,
    i: usize,
    tw: &Tweak,
    mut trace: Option<&mut IncomeTrace>,
) -> MethodResult {
    let a = &e.assumptions;
    let p = &e.inputs.patents[i];
    let b = &e.base[i];
    let Some(g) = p.group else {
        if let Some(t) = trace {
            t.asset_group = e
                .inputs
                .group_names
                .get(p.group_name as usize)
                .cloned()
                .unwrap_or_default();
            t.note = Some(NoValue::NoForecast.describe());
        }
        return Err(NoValue::NoForecast);
    };
    let fc = &e.inputs.groups[g as usize];
    let vd_year = a.valuation_date.year();
    let life = (b.life.remaining_economic * tw.life_mult).min(b.life.remaining_legal);
    let r = (b.discount.rate + tw.discount_shift).max(MIN_RATE);
    let tax = if a.income.apply_tax { a.tax_rate } else { 0.0 };
    let rfr = a.income.variant == IncomeVariant::ReliefFromRoyalty;
    let profit = !rfr && a.share_rate.basis == ShareBasis::Profit;
    if let Some(t) = trace.as_deref_mut() {
        t.asset_group = fc.name.clone();
        t.variant = if rfr { "relief_from_royalty" } else { "share" }.into();
        t.basis = if profit { "profit" } else { "revenue" }.into();
        t.tax_rate = tax;
        t.discount_rate = r;
        t.allocation = b.allocation;
        t.remaining_life = life;
        t.pending_factor = b.pending_factor;
    }
    let dead = matches!(p.status, LegalStatus::Lapsed | LegalStatus::Invalidated);
    if dead || b.allocation <= 0.0 || life <= 0.0 {
        if let Some(t) = trace {
            t.value = Some(0.0);
            t.note = Some(
                if dead {
                    "lapsed or invalidated: no income"
                } else {
                    "no remaining economic life"
                }
                .into(),
            );
        }
        return Ok(0.0);
    }
    let decay = 1.0 - a.share_rate.annual_decay;
    let ln_1p_r = r.ln_1p();
    let mut total = 0.0;
    for fy in &fc.years {
        let (start, length) = period(vd_year, e.first_fraction, fy.year);
        if length <= 0.0 {
            continue;
        }
        let cover = ((life - start) / length).clamp(0.0, 1.0);
        if cover <= 0.0 {
            break;
        }
        let assumed = if rfr {
            a.income.royalty_rate
        } else {
            fy.share_rate
                .unwrap_or_else(|| b.share_rate * decay.powi(fy.year - vd_year))
        };
        let share = assumed * tw.share_mult;
        let revenue = fy.revenue * tw.revenue_mult;
        let base = if profit {
            match fy.profit_margin {
                Some(m) => revenue * m,
                None => {
                    let why = NoValue::NoProfitMargin { year: fy.year };
                    if let Some(t) = trace {
                        t.note = Some(why.describe());
                    }
                    return Err(why);
                }
            }
        } else {
            revenue
        };
        let time = if a.share_rate.mid_year {
            start + length / 2.0
        } else {
            start + length
        };
        let cash_flow = base * length * share * (1.0 - tax) * b.allocation * cover;
        let df = discount::discount_factor_ln(ln_1p_r, time);
        let pv = cash_flow * df;
        total += pv;
        if let Some(t) = trace.as_deref_mut() {
            t.years.push(YearTrace {
                year: fy.year,
                start,
                length,
                time,
                revenue,
                base,
                share_rate: share,
                life_cover: cover,
                cash_flow,
                discount_factor: df,
                present_value: pv,
            });
        }
    }
    let v = total * b.pending_factor;
    if let Some(t) = trace {
        t.value = Some(v);
    }
    Ok(v)
}
