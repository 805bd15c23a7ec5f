//! Income approach (收益法): the patent's share of its product line's future revenue or profit,
//! its royalty saved, or its excess earnings, discounted to the valuation date. docs/methods.md
//! §3 and §10.
//!
//! For each forecast year y of the patent's asset group, from the valuation year on:
//! CFᵧ = baseᵧ × proᵧ × sᵧ × (1 − tax) × allocation × coverᵧ and
//! V = Σ CFᵧ × (1 + r)^(−tᵧ) × pending factor × TAB factor, where baseᵧ is revenue (or revenue ×
//! margin for a profit share, or the excess income with sᵧ = 1), proᵧ the part of a full-year
//! amount that falls after the valuation date (1 when the forecast states the rest of the year
//! itself), sᵧ the share rate after decay (or the forecast's own rate, or the royalty rate),
//! coverᵧ the part of the period within the remaining economic life, and tᵧ the end (or middle)
//! of the period. Every parameter comes from the patent's resolved [`Params`].

use chrono::Datelike;

use super::discount::{annuity_factor, discount_factor_ln};
use super::inputs::GroupForecast;
use super::parameters::{FactorTable, Params};
use super::trace::{IncomeTrace, YearTrace};
use super::{Engine, MIN_RATE, MethodResult, NoValue, Tweak};
use crate::model::LegalStatus;
use crate::model::assumptions::{IncomeVariant, ShareBasis};
use crate::model::parameters::ParamScope;

/// Length in years of the valuation year's period, and whether the forecast states the amount
/// of that part itself (months given) rather than a full-year amount to pro-rate.
fn first_period(e: &Engine, fc: &GroupForecast, vd_year: i32) -> (f64, bool) {
    match fc
        .years
        .iter()
        .find(|y| y.year == vd_year)
        .and_then(|y| y.months)
    {
        Some(m) => (f64::from(m) / 12.0, true),
        None => (e.first_fraction, false),
    }
}

/// The discount factor of a period ending (or centred) at `time` that began at `start`, exact or
/// as a 4-decimal factor table gives it (docs/methods.md §10.4).
fn factor(pp: &Params, r: f64, ln_1p_r: f64, start: f64, time: f64) -> f64 {
    let round4 = |x: f64| (x * 1e4).round() / 1e4;
    match pp.factor_table {
        FactorTable::Exact => discount_factor_ln(ln_1p_r, time),
        FactorTable::Pf4 => round4(discount_factor_ln(ln_1p_r, time)),
        FactorTable::Pa4 => round4(annuity_factor(r, time)) - round4(annuity_factor(r, start)),
    }
}

/// Tax amortisation benefit factor (IVS 210): `n / (n − t × AF(r, n))`, with the annuity factor
/// at mid-year when cash flows are discounted at mid-year.
pub fn tab_factor(r: f64, tax: f64, years: f64, mid_year: bool) -> f64 {
    let af = annuity_factor(r, years) * if mid_year { (1.0 + r).sqrt() } else { 1.0 };
    let d = years - tax * af;
    if d > 0.0 { years / d } else { 1.0 }
}

/// Values patent `i` by the income approach.
pub fn value(
    e: &Engine,
    i: usize,
    tw: &Tweak,
    mut trace: Option<&mut IncomeTrace>,
) -> MethodResult {
    let a = &e.assumptions;
    let pp = e.params(i);
    let p = &e.inputs.patents[i];
    let b = &e.base[i];
    let Some(g) = p.group else {
        if let Some(t) = trace {
            t.asset_group = e.group_name(i).to_string();
            t.note = Some(NoValue::NoForecast.describe());
        }
        return Err(NoValue::NoForecast);
    };
    let fc = &e.inputs.groups[g as usize];
    let vd_year = a.valuation_date.year();
    let life = (b.life.remaining_economic * tw.life_mult).min(b.life.remaining_legal);
    let r = (b.discount.rate + tw.discount_shift).max(MIN_RATE);
    let tax = if pp.apply_tax { pp.tax_rate } else { 0.0 };
    let variant = pp.variant;
    let profit = variant == IncomeVariant::Share && pp.share_basis == ShareBasis::Profit;
    let (first, stated) = first_period(e, fc, vd_year);
    if let Some(t) = trace.as_deref_mut() {
        t.asset_group = fc.name.clone();
        t.variant = variant.code().into();
        t.basis = if profit { "profit" } else { "revenue" }.into();
        t.tax_rate = tax;
        t.discount_rate = r;
        t.allocation = b.allocation;
        t.remaining_life = life;
        t.pending_factor = b.pending_factor;
        t.first_period = Some(if stated {
            format!(
                "stated: the forecast gives the last {} months of {vd_year}",
                (first * 12.0).round()
            )
        } else {
            format!(
                "pro-rated: {:.6} of {vd_year}'s full-year amount falls after the valuation date",
                first
            )
        });
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
    // A share rate the parameters set for the group or patent beats the forecast's column.
    let forecast_rate_applies = !matches!(
        pp.share_rate,
        Some((_, ParamScope::Group | ParamScope::Patent))
    );
    let decay = 1.0 - pp.annual_decay;
    let ln_1p_r = r.ln_1p();
    let mut total = 0.0;
    for fy in &fc.years {
        let (start, length) = super::period(vd_year, first, fy.year);
        if length <= 0.0 {
            continue;
        }
        let cover = ((life - start) / length).clamp(0.0, 1.0);
        if cover <= 0.0 {
            break;
        }
        let pro_rata = if fy.year == vd_year && stated {
            1.0
        } else {
            length
        };
        let assumed = match variant {
            IncomeVariant::ReliefFromRoyalty => pp.royalty_rate,
            IncomeVariant::ExcessEarnings => 1.0,
            IncomeVariant::Share => fy
                .share_rate
                .filter(|_| forecast_rate_applies)
                .unwrap_or_else(|| b.share_rate * decay.powi(fy.year - vd_year)),
        };
        let share = if variant == IncomeVariant::ExcessEarnings {
            1.0
        } else {
            assumed * tw.share_mult
        };
        let revenue = fy.revenue * tw.revenue_mult;
        let base = match variant {
            IncomeVariant::ExcessEarnings => fy.excess.income() * tw.revenue_mult,
            _ if profit => match fy.profit_margin {
                Some(m) => revenue * m,
                None => {
                    let why = NoValue::NoProfitMargin { year: fy.year };
                    if let Some(t) = trace {
                        t.note = Some(why.describe());
                    }
                    return Err(why);
                }
            },
            _ => revenue,
        };
        let time = if pp.mid_year {
            start + length / 2.0
        } else {
            start + length
        };
        let cash_flow = base * pro_rata * share * (1.0 - tax) * b.allocation * cover;
        let df = factor(pp, r, ln_1p_r, start, time);
        let pv = cash_flow * df;
        total += pv;
        if let Some(t) = trace.as_deref_mut() {
            t.years.push(YearTrace {
                year: fy.year,
                start,
                length,
                pro_rata,
                time,
                revenue,
                base,
                excess: (variant == IncomeVariant::ExcessEarnings).then_some(fy.excess),
                share_rate: share,
                life_cover: cover,
                cash_flow,
                discount_factor: df,
                present_value: pv,
            });
        }
    }
    let tab = if pp.tax_amortisation {
        tab_factor(r, tax, pp.tax_amortisation_years, pp.mid_year)
    } else {
        1.0
    };
    let v = total * b.pending_factor * tab;
    if let Some(t) = trace {
        t.tab_factor = pp.tax_amortisation.then_some(tab);
        t.value = Some(v);
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_factor_matches_its_formula() {
        // r = 10 %, t = 25 %, n = 10: AF = 6.144567; 10 / (10 − 0.25 × 6.144567) = 1.181494.
        let f = tab_factor(0.10, 0.25, 10.0, false);
        assert!((f - 10.0 / (10.0 - 0.25 * annuity_factor(0.10, 10.0))).abs() < 1e-12);
        assert!((f - 1.181494).abs() < 1e-6, "{f}");
        assert_eq!(tab_factor(0.10, 0.0, 10.0, true), 1.0);
    }
}
