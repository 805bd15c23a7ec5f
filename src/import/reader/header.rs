//! The header row: each cell matched to a table's column by its English or Chinese name, with
//! the unit a money or rate column declares.

use super::HeaderCell;
use crate::import::cell;
use crate::import::problem::{Problem, Problems};
use crate::import::schema::{Kind, TableKind};
use crate::model::label_key;

/// Splits a trailing unit in brackets off a header: `成交价格(万元)` → (`成交价格`, `万元`).
fn split_header_unit(h: &str) -> (&str, &str) {
    for (open, close) in [('(', ')'), ('[', ']'), ('【', '】')] {
        if let Some(stripped) = h.strip_suffix(close)
            && let Some(i) = stripped.rfind(open)
        {
            let name = stripped[..i].trim();
            if !name.is_empty() {
                return (name, stripped[i + open.len_utf8()..].trim());
            }
        }
    }
    (h, "")
}

/// Matches the header cells to a table's columns. Returns `None` when the header has errors.
pub(super) fn read_header(
    kind: TableKind,
    record: &csv::StringRecord,
    file: &str,
    row: usize,
    problems: &mut Problems,
) -> Option<Vec<HeaderCell>> {
    let specs = kind.columns();
    let mut cells = Vec::with_capacity(record.len());
    let mut first_of: Vec<Option<usize>> = vec![None; specs.len()];
    let mut ok = true;
    let mut unknown: Vec<(usize, String)> = Vec::new();
    for (i, raw) in record.iter().enumerate() {
        let text = cell::normalize(raw).into_owned();
        let (name, unit) = split_header_unit(&text);
        let key = label_key(name);
        let spec = specs.iter().position(|c| {
            label_key(c.name) == key || c.aliases.iter().any(|a| label_key(a) == key)
        });
        let mut h = HeaderCell {
            text: text.clone(),
            spec,
            money_shift: 0,
            percent: false,
        };
        if text.is_empty() {
            cells.push(h);
            continue;
        }
        match spec {
            None => unknown.push((i, text.clone())),
            Some(s) => {
                if let Some(prev) = first_of[s] {
                    let prev_text: &str = &cells
                        .get(prev)
                        .map(|c: &HeaderCell| c.text.clone())
                        .unwrap_or_default();
                    problems.push(
                        Problem::file_error(
                            file,
                            format!(
                                "a second \"{}\" column (the first is column {} \"{prev_text}\"); remove one",
                                specs[s].name,
                                crate::import::problem::column_letter(prev)
                            ),
                        )
                        .at_row(row)
                        .at_column(i, &text),
                    );
                    ok = false;
                } else {
                    first_of[s] = Some(i);
                }
                match specs[s].kind {
                    Kind::Money { .. } => match cell::money_unit_shift(unit) {
                        Some(shift) => h.money_shift = shift,
                        None => {
                            problems.push(
                                Problem::file_error(
                                    file,
                                    format!("unit \"{unit}\" in the header is not supported (use 元, 万元 or 亿元)"),
                                )
                                .at_row(row)
                                .at_column(i, &text),
                            );
                            ok = false;
                        }
                    },
                    Kind::Rate { .. } => match unit {
                        "%" | "％" => h.percent = true,
                        "" => {}
                        other => {
                            problems.push(
                                Problem::file_error(
                                    file,
                                    format!("unit \"{other}\" in the header is not supported for a rate (use % or none)"),
                                )
                                .at_row(row)
                                .at_column(i, &text),
                            );
                            ok = false;
                        }
                    },
                    _ => {}
                }
            }
        }
        cells.push(h);
    }
    report_unknown(&unknown, file, row, problems);
    for (s, spec) in specs.iter().enumerate() {
        if spec.required && first_of[s].is_none() {
            let mut accepted = vec![spec.name];
            accepted.extend(spec.aliases.iter().copied());
            problems.push(Problem::file_error(
                file,
                format!(
                    "missing required column \"{}\" (accepted headers: {})",
                    spec.name,
                    accepted.join(", ")
                ),
            ));
            ok = false;
        }
    }
    if kind == TableKind::CostItems && first_of[0].is_none() && first_of[1].is_none() {
        problems.push(Problem::file_error(
            file,
            "needs a \"patent_no\" or an \"asset_group\" column to say what each cost belongs to",
        ));
        ok = false;
    }
    ok.then_some(cells)
}

/// Headers patval does not read: the first few one by one, the rest (a sheet with thousands
/// of columns) in one line.
fn report_unknown(unknown: &[(usize, String)], file: &str, row: usize, problems: &mut Problems) {
    const LISTED: usize = 10;
    for (i, text) in unknown.iter().take(LISTED) {
        problems.push(
            Problem::file_error(file, "column is not one patval reads; it is ignored")
                .warning()
                .at_row(row)
                .at_column(*i, text),
        );
    }
    if let (Some(first), Some(last)) = (unknown.get(LISTED), unknown.last()) {
        problems.push(
            Problem::file_error(
                file,
                format!(
                    "{} more columns, {} to {}, are not ones patval reads; they are ignored",
                    unknown.len() - LISTED,
                    crate::import::problem::column_letter(first.0),
                    crate::import::problem::column_letter(last.0)
                ),
            )
            .warning()
            .at_row(row),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_units() {
        assert_eq!(split_header_unit("成交价格(万元)"), ("成交价格", "万元"));
        assert_eq!(split_header_unit("price [yuan]"), ("price", "yuan"));
        assert_eq!(split_header_unit("专利(申请)号"), ("专利(申请)号", ""));
        assert_eq!(split_header_unit("(万元)"), ("(万元)", ""));
    }
}
