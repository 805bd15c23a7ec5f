//! A parsed row as the reader hands it to the rules: each cell's value ([`Val`]) and where the
//! row came from ([`RowCtx`]), so a rule's message names the file, row and column.

use chrono::{Datelike, NaiveDate};

use super::problem::Problem;

/// A parsed cell value, before it goes into its column builder.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<'a> {
    Null,
    Str(std::borrow::Cow<'a, str>),
    Int(i64),
    Num(f64),
    Date(NaiveDate),
    /// A forecast year with the months of a part-year amount (normalised to `Int` before use).
    Period(i32, Option<(u32, u32)>),
}

impl Val<'_> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Val::Int(i) => Some(*i),
            _ => None,
        }
    }
    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Val::Date(d) => Some(*d),
            _ => None,
        }
    }
}

/// Where a parsed row's cells came from, for cross-field checks.
pub struct RowCtx<'r> {
    pub file: &'r str,
    pub row: usize,
    pub valuation_date: NaiveDate,
    /// For each spec column, (column index in the file, header text), if present.
    pub cols: &'r [Option<(usize, String)>],
}

impl RowCtx<'_> {
    /// An error about a spec column in this row.
    pub fn problem(&self, spec_index: usize, message: String, value: Option<&str>) -> Problem {
        let mut p = Problem::file_error(self.file, message).at_row(self.row);
        if let Some((i, h)) = &self.cols[spec_index] {
            p = p.at_column(*i, h);
        }
        if let Some(v) = value {
            p = p.with_value(v);
        }
        p
    }
}

/// The year of a date, for rules that compare years.
pub fn year_of(d: NaiveDate) -> i32 {
    d.year()
}
