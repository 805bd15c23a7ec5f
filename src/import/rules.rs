//! Checks that involve more than one cell of a row: date order, claim counts, dates after the
//! valuation date, and the like.

use super::cell;
use super::problem::Problems;
use super::row::{RowCtx, Val, year_of};
use super::schema::TableKind;

fn idx(kind: TableKind, name: &str) -> usize {
    kind.columns()
        .iter()
        .position(|c| c.name == name)
        .unwrap_or(usize::MAX)
}

fn get<'v, 'a>(vals: &'v [Val<'a>], kind: TableKind, name: &str) -> &'v Val<'a> {
    vals.get(idx(kind, name)).unwrap_or(&Val::Null)
}

/// Normalises values that span columns: a forecast period `2026(10-12)` becomes the year and its
/// month count in `months` (the count must agree with a `months` cell if both are given).
pub fn normalise_row(
    kind: TableKind,
    vals: &mut [Val<'_>],
    ctx: &RowCtx<'_>,
    problems: &mut Problems,
) {
    if kind != TableKind::Forecasts {
        return;
    }
    let (yi, mi) = (idx(kind, "year"), idx(kind, "months"));
    let Some(Val::Period(year, months)) = vals.get(yi).cloned() else {
        return;
    };
    vals[yi] = Val::Int(i64::from(year));
    let Some((first, last)) = months else {
        return;
    };
    let count = i64::from(last - first + 1);
    match vals.get(mi).and_then(Val::as_int) {
        Some(given) if given != count => problems.push(ctx.problem(
            mi,
            format!("{given} months disagrees with the period {year}({first}-{last}), which is {count} months"),
            Some(&given.to_string()),
        )),
        _ => {
            if let Some(v) = vals.get_mut(mi) {
                *v = Val::Int(count);
            }
            if last != 12 {
                problems.push(ctx.problem(
                    yi,
                    format!("the period {year}({first}-{last}) must run to December: a part-year amount is the rest of the valuation year"),
                    None,
                ));
            }
        }
    }
}

/// Runs the cross-field rules of a table on one parsed row.
pub fn check_row(kind: TableKind, vals: &[Val<'_>], ctx: &RowCtx<'_>, problems: &mut Problems) {
    let vd = ctx.valuation_date;
    let after = |name: &str, problems: &mut Problems| {
        if let Some(d) = get(vals, kind, name).as_date()
            && d > vd
        {
            problems.push(ctx.problem(
                idx(kind, name),
                format!("{d} is after the valuation date {vd}"),
                Some(&d.to_string()),
            ));
        }
    };
    match kind {
        TableKind::Portfolio => {
            after("filing_date", problems);
            after("grant_date", problems);
            let filing = get(vals, kind, "filing_date").as_date();
            let grant = get(vals, kind, "grant_date").as_date();
            if let (Some(f), Some(g)) = (filing, grant)
                && g < f
            {
                problems.push(ctx.problem(
                    idx(kind, "grant_date"),
                    format!("grant date {g} is before the filing date {f}"),
                    Some(&g.to_string()),
                ));
            }
            let claims = get(vals, kind, "claims").as_int();
            let indep = get(vals, kind, "independent_claims").as_int();
            if let (Some(c), Some(i)) = (claims, indep)
                && i > c
            {
                problems.push(ctx.problem(
                    idx(kind, "independent_claims"),
                    format!("{i} independent claims is more than the {c} claims in all"),
                    Some(&i.to_string()),
                ));
            }
            let status = get(vals, kind, "legal_status").as_str();
            if status == Some("granted") && grant.is_none() {
                problems.push(
                    ctx.problem(
                        idx(kind, "grant_date"),
                        "the patent is granted but its grant date is blank".into(),
                        None,
                    )
                    .warning(),
                );
            }
            if status == Some("pending") && grant.is_some() {
                problems.push(ctx.problem(
                    idx(kind, "legal_status"),
                    "a pending application cannot have a grant date; correct the status or the grant date".into(),
                    Some("pending"),
                ));
            }
            if let Some(no) = get(vals, kind, "patent_no").as_str()
                && cell::cn_check_digit_ok(no) == Some(false)
            {
                problems.push(
                    ctx.problem(
                        idx(kind, "patent_no"),
                        format!("\"{no}\": the check digit does not match the application number; check for a typing error"),
                        Some(no),
                    )
                    .warning(),
                );
            }
        }
        TableKind::Forecasts => {
            if let (Some(m), Some(y)) = (
                get(vals, kind, "months").as_int(),
                get(vals, kind, "year").as_int(),
            ) {
                let vd_year = i64::from(year_of(vd));
                if y != vd_year {
                    problems.push(ctx.problem(
                        idx(kind, "year"),
                        format!("a part-year amount ({m} months) is only for the valuation year {vd_year}, not {y}"),
                        Some(&y.to_string()),
                    ));
                } else {
                    let rest = 12 - i64::from(chrono::Datelike::month(&vd));
                    if m != rest {
                        problems.push(
                            ctx.problem(
                                idx(kind, "months"),
                                format!("{m} months, but {rest} months of {vd_year} follow the valuation date {vd}"),
                                Some(&m.to_string()),
                            )
                            .warning(),
                        );
                    }
                }
            }
        }
        TableKind::Parameters => check_parameter_row(kind, vals, ctx, problems),
        TableKind::CostItems => {
            let has_patent = get(vals, kind, "patent_no").as_str().is_some();
            let has_group = get(vals, kind, "asset_group").as_str().is_some();
            if !has_patent && !has_group {
                let i = if ctx.cols[idx(kind, "patent_no")].is_some() {
                    idx(kind, "patent_no")
                } else {
                    idx(kind, "asset_group")
                };
                problems.push(ctx.problem(
                    i,
                    "the cost belongs to nothing: give a patent number or an asset group".into(),
                    None,
                ));
            }
            if let Some(y) = get(vals, kind, "year").as_int()
                && y > i64::from(year_of(vd))
            {
                problems.push(ctx.problem(
                    idx(kind, "year"),
                    format!("{y} is after the year of the valuation date {vd}"),
                    Some(&y.to_string()),
                ));
            }
        }
        TableKind::Comparables => after("deal_date", problems),
        TableKind::External => {}
    }
}

/// A parameters row: target given where the scope needs one, the key allowed at the scope, the
/// value valid for the key.
fn check_parameter_row(
    kind: TableKind,
    vals: &[Val<'_>],
    ctx: &RowCtx<'_>,
    problems: &mut Problems,
) {
    use crate::model::parameters::{ParamKey, ParamScope};
    let scope = get(vals, kind, "scope")
        .as_str()
        .and_then(ParamScope::from_code);
    let target = get(vals, kind, "target").as_str();
    let key = get(vals, kind, "key").as_str().and_then(ParamKey::parse);
    let (Some(scope), Some(key)) = (scope, key) else {
        return;
    };
    match (scope, target) {
        (ParamScope::Portfolio, Some(t)) => problems.push(ctx.problem(
            idx(kind, "target"),
            format!(
                "a portfolio parameter has no target; \"{t}\" belongs with scope group or patent"
            ),
            Some(t),
        )),
        (ParamScope::Group | ParamScope::Patent, None) => problems.push(ctx.problem(
            idx(kind, "target"),
            format!(
                "{} {}: name the {} it applies to",
                scope.code(),
                key.code(),
                if scope == ParamScope::Group {
                    "asset group"
                } else {
                    "patent"
                }
            ),
            None,
        )),
        _ => {}
    }
    if let Some(why) = super::parameters::scope_problem(scope, &key) {
        problems.push(ctx.problem(idx(kind, "key"), why, Some(&key.code())));
    }
    if let Some(text) = get(vals, kind, "value").as_str()
        && let Err(why) = super::parameters::parse_value(&key, text)
    {
        problems.push(ctx.problem(
            idx(kind, "value"),
            format!("{}: {why}", key.code()),
            Some(text),
        ));
    }
}
