//! One cell's text parsed by its column's kind.

use super::HeaderCell;
use crate::import::cell;
use crate::import::row::Val;
use crate::import::schema::{ColumnSpec, Kind};

/// Parses one non-empty cell by its column's kind.
pub(super) fn parse_cell<'a>(
    spec: &ColumnSpec,
    h: &HeaderCell,
    norm: std::borrow::Cow<'a, str>,
) -> Result<Val<'a>, String> {
    let range = |v: f64, min: f64, max: f64| -> Result<f64, String> {
        if v < min || v > max {
            Err(format!("is outside the allowed range {min} to {max}"))
        } else {
            Ok(v)
        }
    };
    Ok(match spec.kind {
        Kind::Text | Kind::Prose => Val::Str(norm),
        Kind::PatentNo | Kind::Ipc => {
            if spec.kind == Kind::PatentNo
                && let Some(why) = cell::spreadsheet_mangled_patent_no(&norm)
            {
                return Err(why);
            }
            if norm
                .bytes()
                .any(|b| b.is_ascii_lowercase() || b.is_ascii_whitespace())
                || !norm.is_ascii()
            {
                Val::Str(cell::normalize_patent_no(&norm).into())
            } else {
                Val::Str(norm)
            }
        }
        Kind::Integer { min, max } => {
            let v = cell::parse_integer(&norm)?;
            if v < min || v > max {
                return Err(format!("is outside the allowed range {min} to {max}"));
            }
            Val::Int(v)
        }
        Kind::Money { positive } => {
            let v = cell::parse_money(&norm, h.money_shift)?;
            if v < 0.0 {
                return Err("is negative; an amount must be 0 or more".into());
            }
            if positive && v == 0.0 {
                return Err("is zero; a price must be above 0".into());
            }
            Val::Num(v)
        }
        Kind::Rate { min, max } => {
            let v = cell::parse_rate(&norm, h.percent)?;
            if v < min || v > max {
                let hint = if !h.percent && !norm.ends_with('%') && v > 1.0 && v <= 100.0 {
                    format!(" (did you mean {norm}%?)")
                } else {
                    String::new()
                };
                return Err(format!(
                    "is outside the allowed range {}% to {}%{hint}",
                    min * 100.0,
                    max * 100.0
                ));
            }
            Val::Num(v)
        }
        Kind::Years { max } => {
            let v = cell::parse_years(&norm)?;
            if v <= 0.0 || v > max {
                return Err(format!(
                    "is outside the allowed range: more than 0 and at most {max} years"
                ));
            }
            Val::Num(v)
        }
        Kind::Year => Val::Int(i64::from(cell::parse_year(&norm)?)),
        Kind::Period => {
            let (y, months) = cell::parse_period(&norm)?;
            Val::Period(y, months)
        }
        Kind::ParamKey => match crate::model::parameters::ParamKey::parse(&norm) {
            Some(k) => Val::Str(k.code().into()),
            None => {
                return Err(
                    "is not a known parameter key (docs/input-formats.md lists them; market-grid cells are comparable.<deal id>.<factor>)"
                        .into(),
                );
            }
        },
        Kind::Date => Val::Date(cell::parse_date(&norm)?),
        Kind::Number { min, max } => Val::Num(range(cell::parse_number(&norm)?, min, max)?),
        Kind::Enum(e) => match e.parse(&norm) {
            Some(code) => Val::Str(code.into()),
            None => {
                return Err(format!(
                    "is not a known {} (accepted: {})",
                    e.what(),
                    e.accepted()
                ));
            }
        },
    })
}
