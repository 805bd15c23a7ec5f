//! Import problems: each names the file, row and column it is about and the offending value.

use std::fmt;

use serde::Serialize;

/// How serious a problem is. Errors stop the file from loading; warnings are reported only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in an input file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    /// The file as the user named it.
    pub file: String,
    /// The worksheet, for a table read from a workbook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// 1-based row in the file (the header is row 1); for a record with a quoted line break, the
    /// row where it starts.
    pub row: Option<usize>,
    /// The column's header as written in the file.
    pub column: Option<String>,
    /// The column's spreadsheet letter (A, B, … AA).
    pub column_letter: Option<String>,
    /// The offending cell, as written.
    pub value: Option<String>,
    /// What is wrong, in English.
    pub message: String,
}

impl Problem {
    pub fn file_error(file: &str, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            file: file.to_string(),
            sheet: None,
            row: None,
            column: None,
            column_letter: None,
            value: None,
            message: message.into(),
        }
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn at_row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }

    pub fn at_column(mut self, index: usize, header: &str) -> Self {
        self.column_letter = Some(column_letter(index));
        self.column = Some(header.to_string());
        self
    }

    /// Places the problem in a worksheet (rows and columns are then the sheet's).
    pub fn in_sheet(mut self, sheet: Option<&str>) -> Self {
        self.sheet = sheet.map(str::to_string);
        self
    }

    /// The cell in A1 form with its sheet (`组合!C7`), when sheet, row and column are known.
    pub fn cell(&self) -> Option<String> {
        let (sheet, row, letter) = (
            self.sheet.as_ref()?,
            self.row?,
            self.column_letter.as_ref()?,
        );
        Some(format!("{}!{letter}{row}", sheet_ref(sheet)))
    }

    pub fn with_value(mut self, value: &str) -> Self {
        self.value = Some(value.to_string());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}", self.file)?;
        if let Some(cell) = self.cell() {
            write!(f, ", {cell}")?;
            if let Some(col) = &self.column {
                write!(f, " \"{col}\"")?;
            }
            return write!(f, ": {}", self.message);
        }
        if let Some(s) = &self.sheet {
            write!(f, ", sheet {}", sheet_ref(s))?;
        }
        if let Some(r) = self.row {
            write!(f, ", row {r}")?;
        }
        match (&self.column_letter, &self.column) {
            (Some(letter), Some(col)) => write!(f, ", column {letter} \"{col}\"")?,
            (None, Some(col)) => write!(f, ", column \"{col}\"")?,
            _ => {}
        }
        write!(f, ": {}", self.message)
    }
}

/// A sheet's name as a formula would write it: quoted when it holds spaces or punctuation.
pub fn sheet_ref(name: &str) -> String {
    if name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "''"))
    }
}

/// Spreadsheet column letter of a 0-based index: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Collects problems up to a cap and counts the ones past it.
#[derive(Debug, Clone)]
pub struct Problems {
    pub list: Vec<Problem>,
    pub cap: usize,
    /// Problems found after the cap was reached (errors and warnings).
    pub suppressed: usize,
    errors: usize,
}

impl Problems {
    pub fn new(cap: usize) -> Self {
        Self {
            list: Vec::new(),
            cap,
            suppressed: 0,
            errors: 0,
        }
    }

    pub fn push(&mut self, p: Problem) {
        if p.is_error() {
            self.errors += 1;
        }
        if self.list.len() < self.cap {
            self.list.push(p);
        } else {
            self.suppressed += 1;
        }
    }

    /// Takes in the problems of a later part of the same file, in order, under this cap.
    pub fn absorb(&mut self, other: Problems) {
        let listed_errors = other.list.iter().filter(|p| p.is_error()).count();
        for p in other.list {
            self.push(p);
        }
        self.errors += other.errors - listed_errors;
        self.suppressed += other.suppressed;
    }

    /// Errors found, including those past the cap.
    pub fn error_count(&self) -> usize {
        self.errors
    }

    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn display_names_file_row_column() {
        let p = Problem::file_error("p.csv", "invalid date \"x\"")
            .at_row(5)
            .at_column(2, "申请日");
        assert_eq!(
            p.to_string(),
            "error: p.csv, row 5, column C \"申请日\": invalid date \"x\""
        );
    }

    #[test]
    fn display_names_sheet_and_cell() {
        let p = Problem::file_error("case.xlsx", "invalid date \"x\"")
            .in_sheet(Some("组合"))
            .at_row(7)
            .at_column(2, "申请日");
        assert_eq!(
            p.to_string(),
            "error: case.xlsx, 组合!C7 \"申请日\": invalid date \"x\""
        );
        let p = Problem::file_error("case.xlsx", "has 3 fields")
            .in_sheet(Some("My data"))
            .at_row(4);
        assert_eq!(
            p.to_string(),
            "error: case.xlsx, sheet 'My data', row 4: has 3 fields"
        );
    }

    #[test]
    fn cap_counts_the_rest() {
        let mut ps = Problems::new(2);
        for _ in 0..5 {
            ps.push(Problem::file_error("f", "x"));
        }
        assert_eq!((ps.list.len(), ps.suppressed, ps.error_count()), (2, 3, 5));
    }
}
