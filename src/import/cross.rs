//! Checks between the tables of a data set: cost items, forecasts and parameters must name
//! patents and asset groups the portfolio has, and every asset group needs a forecast.
//!
//! Each kind of mismatch is listed row by row up to [`LISTED_PER_KIND`]; the rest are counted in
//! one line. A cost-items file of a million rows opened against the wrong portfolio gives a
//! readable list, not half a million messages.

use std::hash::BuildHasher;

use foldhash::fast::RandomState;
use hashbrown::HashTable;
use polars::prelude::*;
use polars_arrow::array::Utf8ViewArray;
use polars_arrow::datatypes::ArrowDataType;

use super::{Dataset, Problem, SOURCE_ROW, Table, parameters};

/// Values of a column, borrowed from its frame (a fast hash), for columns of few distinct values.
type Set<'a> = PlHashSet<&'a str>;

/// What values are looked up in: the portfolio's patents or its asset groups.
pub trait Known {
    fn has(&self, value: &str) -> bool;
}

impl Known for Set<'_> {
    fn has(&self, value: &str) -> bool {
        self.contains(value)
    }
}

/// The distinct values of a text column, kept as its row numbers: 4 bytes a slot where a set
/// of `&str` takes 16 (a million patent numbers: about 10 MB instead of 34).
struct RowSet {
    /// The column as one array (the reader's frames have one chunk: sharing it copies nothing).
    values: Utf8ViewArray,
    rows: HashTable<u32>,
    state: RandomState,
}

impl RowSet {
    fn of(df: &DataFrame, col: &str) -> Self {
        let values = texts(df, col)
            .and_then(|c| c.rechunk().downcast_iter().next().cloned())
            .unwrap_or_else(|| Utf8ViewArray::new_empty(ArrowDataType::Utf8View));
        let state = RandomState::default();
        let mut rows = HashTable::with_capacity(values.len());
        for (i, v) in values.iter().enumerate() {
            let Some(v) = v else { continue };
            let h = state.hash_one(v);
            if rows.find(h, |&r| values.value(r as usize) == v).is_none() {
                rows.insert_unique(h, i as u32, |&r| state.hash_one(values.value(r as usize)));
            }
        }
        Self {
            values,
            rows,
            state,
        }
    }
}

impl Known for RowSet {
    fn has(&self, value: &str) -> bool {
        let h = self.state.hash_one(value);
        self.rows
            .find(h, |&r| self.values.value(r as usize) == value)
            .is_some()
    }
}

/// Mismatches of one kind listed one by one; the rest are counted.
pub const LISTED_PER_KIND: usize = 20;

/// The first problems of one kind, and a count of the rest.
struct Capped {
    list: Vec<Problem>,
    more: usize,
}

impl Capped {
    fn new() -> Self {
        Self {
            list: Vec::new(),
            more: 0,
        }
    }

    fn push_with(&mut self, make: impl FnOnce() -> Problem) {
        if self.list.len() < LISTED_PER_KIND {
            self.list.push(make());
        } else {
            self.more += 1;
        }
    }

    /// Moves the problems to `out`, with one line for those not listed.
    fn finish(self, out: &mut Vec<Problem>, what: &str) {
        let summary = self.list.first().filter(|_| self.more > 0).map(|first| {
            let mut p = Problem::file_error(
                &first.file,
                format!("… and {} more {what}, not listed", self.more),
            )
            .in_sheet(first.sheet.as_deref());
            p.severity = first.severity;
            p
        });
        out.extend(self.list);
        out.extend(summary);
    }
}

impl Dataset {
    /// Checks that the tables agree with each other: cost items and forecasts name patents and
    /// asset groups that the portfolio has, and every asset group has a forecast.
    pub fn cross_check(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let Some(portfolio) = &self.portfolio else {
            return out;
        };
        if self.forecasts.is_none() && self.parameters.is_none() && self.cost_items.is_none() {
            return out;
        }
        let (patents, groups) = rayon::join(
            || RowSet::of(&portfolio.df, "patent_no"),
            || string_set(&portfolio.df, "asset_group"),
        );
        if let Some(f) = &self.forecasts {
            forecasts(f, portfolio, &groups, &mut out);
        }
        if let Some(t) = &self.parameters {
            match crate::model::parameters::ParameterSet::from_table(t) {
                Ok(set) => {
                    let mut c = Capped::new();
                    for p in parameters::unknown_targets(t, &set, &patents, &groups) {
                        c.push_with(|| p);
                    }
                    c.finish(
                        &mut out,
                        "parameter rows whose target is not in the portfolio",
                    );
                }
                Err(p) => out.push(*p),
            }
        }
        if let Some(c) = &self.cost_items {
            let file = &portfolio.file;
            let (mut by_patent, mut by_group) = (Vec::new(), Vec::new());
            rayon::join(
                || unknown_in(c, ("patent_no", "patent"), &patents, file, &mut by_patent),
                || {
                    unknown_in(
                        c,
                        ("asset_group", "asset group"),
                        &groups,
                        file,
                        &mut by_group,
                    )
                },
            );
            out.extend(by_patent);
            out.extend(by_group);
        }
        out
    }
}

/// Forecasts of asset groups the portfolio lacks (warnings), and groups without a forecast.
fn forecasts(f: &Table, portfolio: &Table, groups: &Set<'_>, out: &mut Vec<Problem>) {
    let mut c = Capped::new();
    for (row, g) in unknown_rows(&f.df, "asset_group", groups) {
        c.push_with(|| {
            f.problem_at(
                row,
                "asset_group",
                format!("asset group \"{g}\" has no patents in {}", portfolio.file),
            )
            .warning()
        });
    }
    c.finish(out, "forecast asset groups with no patents");
    let forecast_groups = string_set(&f.df, "asset_group");
    let mut missing: Vec<&str> = groups
        .iter()
        .filter(|g| !forecast_groups.contains(*g))
        .copied()
        .collect();
    missing.sort();
    let mut c = Capped::new();
    for g in missing {
        c.push_with(|| {
            Problem::file_error(
                &f.file,
                format!("asset group \"{g}\" of {} has no forecast: the income approach cannot value its patents", portfolio.file),
            )
            .in_sheet(f.sheet.as_deref())
            .warning()
        });
    }
    c.finish(out, "asset groups without a forecast");
}

/// Rows of `t` whose column `col` (called `what`) names a value not in `known`, each value once
/// at its first row.
fn unknown_in(
    t: &Table,
    (col, what): (&str, &str),
    known: &dyn Known,
    portfolio: &str,
    out: &mut Vec<Problem>,
) {
    let mut c = Capped::new();
    for (row, v) in unknown_rows(&t.df, col, known) {
        c.push_with(|| t.problem_at(row, col, format!("{what} \"{v}\" is not in {portfolio}")));
    }
    c.finish(out, &format!("rows naming a {what} not in {portfolio}"));
}

/// A text column's cells, unless it has none.
fn texts<'a>(df: &'a DataFrame, col: &str) -> Option<&'a StringChunked> {
    let c = df.column(col).ok()?;
    if super::has_no_value(c) {
        return None;
    }
    c.str().ok()
}

fn string_set<'a>(df: &'a DataFrame, col: &str) -> Set<'a> {
    let Some(s) = texts(df, col) else {
        return Set::default();
    };
    // Few distinct values (asset groups): the set grows as they come.
    s.iter().flatten().collect()
}

/// `(source row, value)` of each distinct non-null value not in `known`, at its first
/// occurrence, in row order (known values cost one look-up and are not kept).
fn unknown_rows<'a>(df: &'a DataFrame, col: &str, known: &dyn Known) -> Vec<(usize, &'a str)> {
    let (Ok(rows), Some(vals)) = (df.column(SOURCE_ROW), texts(df, col)) else {
        return Vec::new();
    };
    let Ok(rows) = rows.u32() else {
        return Vec::new();
    };
    let mut seen = Set::default();
    rows.iter()
        .zip(vals.iter())
        .filter_map(|(r, v)| Some((r? as usize, v?)))
        .filter(|(_, v)| !known.has(v) && seen.insert(*v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Known, RowSet, Set};
    use crate::import::{ReadOptions, TableKind, read_table_bytes};
    use polars::prelude::*;

    #[test]
    fn a_set_of_rows_knows_what_a_set_of_texts_knows() {
        // Repeated values, nulls, an empty text, and texts long and short (inline views).
        let cells: Vec<Option<String>> = (0..5000)
            .map(|i| match i % 7 {
                0 => None,
                1 => Some(String::new()),
                _ => Some(format!("CN2017105{:05}.X", i % 1200)),
            })
            .collect();
        let df = DataFrame::new(cells.len(), vec![Column::new("v".into(), &cells)]).unwrap();
        let rows = RowSet::of(&df, "v");
        let texts: Set<'_> = cells.iter().flatten().map(String::as_str).collect();
        assert_eq!(rows.rows.len(), texts.len());
        for probe in (0..1500)
            .map(|i| format!("CN2017105{i:05}.X"))
            .chain(["".into(), "x".into()])
        {
            assert_eq!(rows.has(&probe), texts.contains(probe.as_str()), "{probe}");
        }
        assert!(!RowSet::of(&df, "no such column").has("CN201710500002.X"));
    }

    #[test]
    fn mismatches_of_one_kind_are_listed_up_to_the_cap_and_counted() {
        let mut ds = crate::sample::load().unwrap();
        let opts = ReadOptions::new(ds.assumptions.as_ref().unwrap().valuation_date);
        let mut csv = String::from("专利号,费用类别,发生年度,金额\n");
        for i in 0..50 {
            csv.push_str(&format!("CN2017105{i:05}.X,人工费,2020,1000\n"));
        }
        let t = read_table_bytes(TableKind::CostItems, csv.as_bytes(), "c.csv", &opts, None);
        ds.cost_items = Some(t.unwrap());
        let found = ds.cross_check();
        let from_costs: Vec<String> = found
            .iter()
            .filter(|p| p.file == "c.csv")
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            from_costs.len(),
            super::LISTED_PER_KIND + 1,
            "{from_costs:#?}"
        );
        assert_eq!(
            from_costs[0],
            "error: c.csv, row 2, column A \"专利号\": patent \"CN201710500000.X\" is not in sample_data/portfolio.csv"
        );
        assert_eq!(
            from_costs[super::LISTED_PER_KIND],
            "error: c.csv: … and 30 more rows naming a patent not in sample_data/portfolio.csv, not listed"
        );
    }
}
