//! Checks that involve more than one cell of a row: date order, claim counts, dates after the
//! valuation date, and the like.

use super::cell;
use super::problem::Problems;
use super::reader::{RowCtx, Val, year_of};
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
        TableKind::Forecasts => {}
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
