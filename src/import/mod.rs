//! CSV → polars import with validation.
//!
//! Each input table ([`TableKind`]) is read by one spec-driven reader: the bytes are decoded
//! (BOM → strict UTF-8 → GB18030), the header is matched against English and Chinese aliases,
//! every cell is normalised and checked, and all problems are collected with file, row, column
//! and value, up to a cap. The result is a typed polars [`DataFrame`] with canonical column names
//! plus a `source_row` column that keeps each record's row in the file.

pub mod cell;
pub mod codes;
mod cross;
pub mod encoding;
pub mod parameters;
pub mod problem;
mod reader;
mod row;
mod rules;
pub mod schema;
pub mod template;
pub mod workbook;

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use polars::prelude::*;

pub use encoding::SourceEncoding;
pub use problem::{Problem, Problems, Severity};
pub(crate) use reader::{CsvSource, RecordSource};
pub use reader::{ReadOptions, SOURCE_ROW, SourceColumns, has_no_value, sniff_delimiter};
pub use schema::{ColumnSpec, Kind, TableKind};

use crate::model::{Assumptions, label_key};
use crate::progress::Progress;

/// A table that loaded, with any warnings.
#[derive(Debug, Clone)]
pub struct Table {
    pub kind: TableKind,
    /// The file as the user named it.
    pub file: String,
    /// The worksheet, for a table read from a workbook.
    pub sheet: Option<String>,
    pub encoding: SourceEncoding,
    pub df: DataFrame,
    pub warnings: Vec<Problem>,
    /// For each column of `kind.columns()`: its index and header in the file, if present.
    pub source_columns: SourceColumns,
    /// The file's bytes exactly as read, so a saved report version keeps its inputs as used.
    pub source: Arc<Vec<u8>>,
}

impl Table {
    /// The codes of an enum column of this table (its cells are numbers: see [`codes`]).
    pub fn codes(&self, column: &str) -> Result<Vec<Option<&'static str>>, String> {
        let Some(e) = self.kind.enum_of(column) else {
            return Err(format!("{}: {column} is not an enum column", self.file));
        };
        let c = self
            .df
            .column(column)
            .map_err(|e| format!("{}: {e}", self.file))?;
        codes::codes(c, e).map_err(|err| format!("{}: column {column}: {err}", self.file))
    }

    /// A problem located at a row and a canonical column of this table.
    pub fn problem_at(&self, row: usize, column: &str, message: String) -> Problem {
        let p = Problem::file_error(&self.file, message)
            .in_sheet(self.sheet.as_deref())
            .at_row(row);
        let spec = self.kind.columns().iter().position(|c| c.name == column);
        match spec
            .and_then(|i| self.source_columns.get(i))
            .and_then(Option::as_ref)
        {
            Some((i, header)) => p.at_column(*i, header),
            None => p.with_column_name(column),
        }
    }
}

/// A table that did not load: every problem found, errors first in file order.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", render(.problems, *.suppressed))]
pub struct ImportError {
    pub problems: Vec<Problem>,
    /// Problems past the cap, counted but not listed.
    pub suppressed: usize,
}

impl ImportError {
    fn from_problems(p: Problems) -> Self {
        Self {
            problems: p.list,
            suppressed: p.suppressed,
        }
    }

    fn single(p: Problem) -> Self {
        Self {
            problems: vec![p],
            suppressed: 0,
        }
    }

    pub fn error_count(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error()).count()
    }
}

fn render(problems: &[Problem], suppressed: usize) -> String {
    let mut lines: Vec<String> = problems.iter().map(Problem::to_string).collect();
    if suppressed > 0 {
        lines.push(format!("… and {suppressed} more problems not listed"));
    }
    lines.join("\n")
}

impl ReadOptions {
    pub fn new(valuation_date: NaiveDate) -> Self {
        Self {
            valuation_date,
            max_problems: 100,
        }
    }
}

/// Reads a table from a file.
pub fn read_table(
    kind: TableKind,
    path: &Path,
    opts: &ReadOptions,
    progress: Option<&Progress>,
) -> Result<Table, ImportError> {
    let file = path.display().to_string();
    let bytes =
        crate::progress::timed("file bytes", || crate::files::read_bytes(path)).map_err(|e| {
            ImportError::single(Problem::file_error(
                &file,
                format!("cannot read the file: {e}"),
            ))
        })?;
    read_table_shared(kind, Arc::new(bytes), &file, opts, progress)
}

/// Reads several table files at once, each on its own thread (a portfolio, its cost items and its
/// comparables load side by side); the results come in the order given.
pub fn read_tables(
    files: &[(TableKind, &Path)],
    opts: &ReadOptions,
    progress: Option<&Progress>,
) -> Vec<Result<Table, ImportError>> {
    std::thread::scope(|s| {
        let readers: Vec<_> = files
            .iter()
            .map(|&(kind, path)| s.spawn(move || read_table(kind, path, opts, progress)))
            .collect();
        readers
            .into_iter()
            .zip(files)
            .map(|(r, (_, path))| {
                r.join().unwrap_or_else(|_| {
                    let file = path.display().to_string();
                    Err(ImportError::single(Problem::file_error(
                        &file,
                        "internal error: reading the file failed",
                    )))
                })
            })
            .collect()
    })
}

/// Reads a table from bytes; `file` names the source in messages.
pub fn read_table_bytes(
    kind: TableKind,
    bytes: &[u8],
    file: &str,
    opts: &ReadOptions,
    progress: Option<&Progress>,
) -> Result<Table, ImportError> {
    read_table_shared(kind, Arc::new(bytes.to_vec()), file, opts, progress)
}

/// Reads a table from shared bytes, which the table keeps.
pub fn read_table_shared(
    kind: TableKind,
    bytes: Arc<Vec<u8>>,
    file: &str,
    opts: &ReadOptions,
    progress: Option<&Progress>,
) -> Result<Table, ImportError> {
    if workbook::is_workbook(&bytes, file) {
        return table_of_workbook(kind, &bytes, file, opts, progress);
    }
    let (text, encoding) = encoding::decode_detect(&bytes).map_err(|e| {
        ImportError::single(Problem::file_error(file, e.to_string()).at_row(e.line))
    })?;
    table_of_text(kind, &text, encoding, &bytes, file, opts, progress)
}

/// Reads a table from its decoded text; the table keeps the bytes it was decoded from.
fn table_of_text(
    kind: TableKind,
    text: &str,
    encoding: SourceEncoding,
    bytes: &Arc<Vec<u8>>,
    file: &str,
    opts: &ReadOptions,
    progress: Option<&Progress>,
) -> Result<Table, ImportError> {
    let shared = reader::SharedBytes::new(bytes);
    match reader::read_text(kind, text, Some(&shared), file, opts, progress) {
        Ok((df, warnings, source_columns)) => Ok(Table {
            kind,
            file: file.to_string(),
            sheet: None,
            encoding,
            df,
            warnings: warnings.list,
            source_columns,
            source: bytes.clone(),
        }),
        Err(p) => Err(ImportError::from_problems(p)),
    }
}

/// The sheet of one table in a workbook; the workbook's warnings (hidden sheets) go with it.
fn table_of_workbook(
    kind: TableKind,
    bytes: &[u8],
    file: &str,
    opts: &ReadOptions,
    progress: Option<&Progress>,
) -> Result<Table, ImportError> {
    let wb = workbook::read_workbook(bytes, file, opts, progress, Some(kind))?;
    let (errors, warnings): (Vec<Problem>, Vec<Problem>) =
        wb.notes.into_iter().partition(Problem::is_error);
    match wb.tables.into_iter().next().map(|t| t.result) {
        Some(Ok(mut t)) if errors.is_empty() => {
            t.warnings.extend(warnings);
            Ok(t)
        }
        Some(Err(mut e)) => {
            e.problems.extend(errors);
            Err(e)
        }
        _ => Err(ImportError {
            problems: errors,
            suppressed: 0,
        }),
    }
}

/// Whether a file is TOML (assumptions or case facts) rather than a table file.
pub fn is_toml(p: &Path) -> bool {
    p.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

/// One file as [`read_files`] gives it: its name for messages, and its bytes with every table
/// it holds, or why it could not be read.
pub type FileRead = (
    String,
    std::io::Result<(Arc<Vec<u8>>, workbook::WorkbookTables)>,
);

/// Reads files with [`read_file_tables`], largest first and one at a time (a large CSV is split
/// across the cores); the results come in the order given.
pub fn read_files(
    paths: &[&Path],
    opts: &ReadOptions,
    progress: Option<&Progress>,
) -> Vec<FileRead> {
    let read = |path: &Path| {
        let file = path.display().to_string();
        let read =
            crate::progress::timed("file bytes", || crate::files::read_bytes(path)).map(|b| {
                let b = Arc::new(b);
                let tables = read_file_tables(&b, &file, opts, progress);
                (b, tables)
            });
        (file, read)
    };
    // Largest first, one after another (each large one is read on every core): a run's
    // columns freed while joining a large table then go back to the system at once instead
    // of waiting in the allocator beside another table's.
    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    let mut order: Vec<usize> = (0..paths.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(size(paths[i])));
    let mut out: Vec<Option<FileRead>> = (0..paths.len()).map(|_| None).collect();
    for i in order {
        out[i] = Some(read(paths[i]));
    }
    out.into_iter().flatten().collect()
}

/// Every table one input file holds: a CSV file one (its kind told by its header), a workbook
/// one per recognised sheet.
pub fn read_file_tables(
    bytes: &Arc<Vec<u8>>,
    file: &str,
    opts: &ReadOptions,
    progress: Option<&Progress>,
) -> workbook::WorkbookTables {
    if workbook::is_workbook(bytes, file) {
        return workbook::read_workbook(bytes, file, opts, progress, None).unwrap_or_else(|e| {
            workbook::WorkbookTables {
                tables: Vec::new(),
                notes: e.problems,
            }
        });
    }
    let mut out = workbook::WorkbookTables::default();
    if bytes.iter().all(u8::is_ascii_whitespace) {
        out.notes.push(Problem::file_error(
            file,
            "the file is empty: a header row is needed",
        ));
        return out;
    }
    // Decoded once: the kind is told from the text that is then read.
    let (text, encoding) = match crate::progress::timed("decode", || encoding::decode_detect(bytes))
    {
        Ok(x) => x,
        Err(e) => {
            out.notes
                .push(Problem::file_error(file, e.to_string()).at_row(e.line));
            return out;
        }
    };
    match kind_of_text(&text) {
        Some(kind) => out.tables.push(workbook::TableRead {
            kind: Some(kind),
            sheet: None,
            result: table_of_text(kind, &text, encoding, bytes, file, opts, progress),
        }),
        None => out.notes.push(Problem::file_error(
            file,
            "cannot tell which table this is: its header names too few known columns (see docs/input-formats.md)",
        )),
    }
    out
}

/// Guesses which table a file holds from its header row: the table with the most matching
/// headers, if at least two match.
pub fn detect_kind(bytes: &[u8]) -> Option<TableKind> {
    kind_of_text(&encoding::decode(bytes).ok()?)
}

/// Guesses which table a decoded CSV text holds from its header row.
fn kind_of_text(text: &str) -> Option<TableKind> {
    let mut rdr = reader::csv_reader(text.as_bytes(), sniff_delimiter(text));
    let mut record = csv::StringRecord::new();
    if !rdr.read_record(&mut record).ok()? {
        return None;
    }
    kind_of_header(&record, &TableKind::ALL)
}

/// The table among `kinds` whose columns a header row names: all its required columns first,
/// then the most matches; at least two must match.
pub fn kind_of_header(header: &csv::StringRecord, kinds: &[TableKind]) -> Option<TableKind> {
    let keys = header_keys(header);
    let best = kinds.iter().copied().max_by_key(|&t| {
        let (r, m) = header_score(&keys, t);
        let complete = t.columns().iter().filter(|c| c.required).count() == r;
        (complete, m)
    })?;
    (header_score(&keys, best).1 >= 2).then_some(best)
}

/// How many of a table's columns a header row names.
pub fn header_matches(header: &csv::StringRecord, kind: TableKind) -> usize {
    header_score(&header_keys(header), kind).1
}

fn header_keys(header: &csv::StringRecord) -> Vec<String> {
    header
        .iter()
        .map(|h| {
            let h = cell::normalize(h);
            let name = h.split(['(', '[', '【']).next().unwrap_or("").to_string();
            label_key(&name)
        })
        .collect()
}

/// (required columns named, columns named).
fn header_score(keys: &[String], t: TableKind) -> (usize, usize) {
    let mut matched = 0;
    let mut required = 0;
    for c in t.columns() {
        let hit = keys
            .iter()
            .any(|k| *k == label_key(c.name) || c.aliases.iter().any(|a| label_key(a) == *k));
        if hit {
            matched += 1;
            if c.required {
                required += 1;
            }
        }
    }
    (required, matched)
}

/// A directory of inputs could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error(transparent)]
    Assumptions(#[from] crate::model::assumptions::AssumptionsError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Case(#[from] crate::model::case::CaseError),
}

/// Reads, decodes (UTF-8 or GBK) and checks an assumptions file.
pub fn load_assumptions(
    path: &Path,
) -> Result<Assumptions, crate::model::assumptions::AssumptionsError> {
    use crate::model::assumptions::AssumptionsError;
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| AssumptionsError::Io {
        file: file.clone(),
        source,
    })?;
    let text = encoding::decode(&bytes).map_err(|e| AssumptionsError::Parse {
        file: file.clone(),
        message: format!("line {}: {e}", e.line),
    })?;
    Assumptions::from_toml(&text, &file)
}

/// Reads and checks a case file (`case.toml`).
pub fn load_case(
    path: &Path,
) -> Result<crate::model::case::CaseInfo, crate::model::case::CaseError> {
    use crate::model::case::CaseError;
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| CaseError::Parse {
        file: file.clone(),
        message: e.to_string(),
    })?;
    let text = encoding::decode(&bytes).map_err(|e| CaseError::Parse {
        file: file.clone(),
        message: format!("line {}: {e}", e.line),
    })?;
    crate::model::case::CaseInfo::from_toml(&text, &file)
}

/// File names of a data-set directory, as `gen-sample` writes them and report versions keep them.
pub const DIRECTORY_FILES: [(TableKind, &str); 5] = [
    (TableKind::Portfolio, "portfolio.csv"),
    (TableKind::Forecasts, "forecasts.csv"),
    (TableKind::CostItems, "cost_items.csv"),
    (TableKind::Comparables, "comparables.csv"),
    (TableKind::Parameters, "parameters.csv"),
];

/// The case metadata's file name in a data-set directory and in a stored version.
pub const CASE_FILE: &str = "case.toml";

/// Loads `assumptions.toml` and whichever of the [`DIRECTORY_FILES`] and `case.toml` a
/// directory holds.
pub fn load_directory(dir: &Path) -> Result<Dataset, DirectoryError> {
    let a = load_assumptions(&dir.join("assumptions.toml"))?;
    let opts = ReadOptions::new(a.valuation_date);
    let mut ds = Dataset {
        assumptions: Some(a),
        ..Dataset::default()
    };
    for (kind, name) in DIRECTORY_FILES {
        let path = dir.join(name);
        if path.exists() {
            ds.set_table(read_table(kind, &path, &opts, None)?);
        }
    }
    let case = dir.join(CASE_FILE);
    if case.exists() {
        ds.case = Some(load_case(&case)?);
    }
    Ok(ds)
}

/// The inputs of one valuation, as loaded.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub portfolio: Option<Table>,
    pub forecasts: Option<Table>,
    pub cost_items: Option<Table>,
    pub comparables: Option<Table>,
    pub parameters: Option<Table>,
    pub assumptions: Option<Assumptions>,
    /// Case metadata for the documents (`case.toml`).
    pub case: Option<crate::model::case::CaseInfo>,
}

impl Dataset {
    pub fn table(&self, kind: TableKind) -> Option<&Table> {
        match kind {
            TableKind::Portfolio => self.portfolio.as_ref(),
            TableKind::Forecasts => self.forecasts.as_ref(),
            TableKind::CostItems => self.cost_items.as_ref(),
            TableKind::Comparables => self.comparables.as_ref(),
            TableKind::Parameters => self.parameters.as_ref(),
            TableKind::External => None,
        }
    }

    /// A portfolio column as text in portfolio order, dates as `YYYY-MM-DD` and empty cells
    /// as "" (empty without a portfolio or the column).
    pub fn portfolio_text(&self, column: &str) -> Vec<String> {
        let Some(c) = self
            .portfolio
            .as_ref()
            .and_then(|t| t.df.column(column).ok())
        else {
            return Vec::new();
        };
        let Ok(c) = c.cast(&polars::prelude::DataType::String) else {
            return Vec::new();
        };
        c.str()
            .map(|s| s.iter().map(|v| v.unwrap_or("").to_string()).collect())
            .unwrap_or_default()
    }

    /// Patent titles in portfolio order (empty without a portfolio).
    pub fn titles(&self) -> Vec<String> {
        self.portfolio
            .as_ref()
            .and_then(|t| t.df.column("title").ok())
            .and_then(|c| {
                c.str()
                    .ok()
                    .map(|s| s.iter().map(|v| v.unwrap_or("").to_string()).collect())
            })
            .unwrap_or_default()
    }

    /// The parameters table as a set (empty without one).
    pub fn parameter_set(&self) -> Result<crate::model::parameters::ParameterSet, Box<Problem>> {
        self.parameters
            .as_ref()
            .map(crate::model::parameters::ParameterSet::from_table)
            .transpose()
            .map(Option::unwrap_or_default)
    }

    /// Puts a table in its slot. An external appraisal is no part of a data set and is ignored.
    pub fn set_table(&mut self, t: Table) {
        let slot = match t.kind {
            TableKind::Portfolio => &mut self.portfolio,
            TableKind::Forecasts => &mut self.forecasts,
            TableKind::CostItems => &mut self.cost_items,
            TableKind::Comparables => &mut self.comparables,
            TableKind::Parameters => &mut self.parameters,
            TableKind::External => return,
        };
        *slot = Some(t);
    }
}

impl Problem {
    /// Names a column by its canonical name when its letter is not known.
    pub fn with_column_name(mut self, name: &str) -> Self {
        self.column = Some(name.to_string());
        self
    }
}
