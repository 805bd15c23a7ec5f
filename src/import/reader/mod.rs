//! The spec-driven table reader: records in, a typed polars frame out, every problem with its row.
//!
//! Why not polars' own CSV reader: it gives no row number for a bad value and silently coerces
//! (nulls for unparsable cells, renamed duplicate headers, padded short rows). Here a
//! [`RecordSource`] splits records (for text, a quote-free line at its delimiters and any other
//! through the `csv` crate's state machine, so ragged rows and broken quotes are seen; a
//! worksheet's cells for a workbook), each cell is parsed by the rules in [`super::cell`], and
//! the values go straight into column builders whose text cells address the file's bytes
//! where they can, so memory stays near the size of the input: an enum's cell is a 4-byte code
//! ([`super::codes`]), whole numbers are 32-bit, a column with no value is one null, and the
//! runs read on other threads are joined onto the first run's columns, one chunk each.

mod columns;
mod frame;
mod header;
mod parse;
mod source;
mod split;
mod text;
mod text_column;

use std::hash::{BuildHasher, Hasher};

use chrono::NaiveDate;
use polars::prelude::*;
use rayon::prelude::*;

use super::cell;
use super::problem::{Problem, Problems};
use super::row::{RowCtx, Val};
use super::schema::{Kind, TableKind};
use crate::progress::Progress;
use frame::Builder;
pub use source::{RecordBuf, RecordSource, csv_reader, sniff_delimiter};
pub use split::{RunsJob, read_runs};
pub use text::CsvSource;
pub use text_column::SharedBytes;

/// For each column of a table's spec: its index and header in the file, if present.
pub type SourceColumns = Vec<Option<(usize, String)>>;

/// Name of the column that holds each record's row in the source file.
pub const SOURCE_ROW: &str = "source_row";

/// Whether a column holds no value: the reader keeps such a column as one null, and reading
/// it cell by cell would first materialise a null for every row (check this instead).
pub fn has_no_value(column: &Column) -> bool {
    column.null_count() == column.len()
}

/// How a header cell was understood.
#[derive(Debug, Clone)]
struct HeaderCell {
    /// Header text as written (after full-width folding and trimming).
    text: String,
    /// Index into the table's column specs, if the header names one.
    spec: Option<usize>,
    /// Power of ten for money columns, from a unit such as `(万元)`.
    money_shift: i32,
    /// The header says the column is in percent.
    percent: bool,
}

/// Options for reading one table.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Dates after this are rejected; cost years after its year too.
    pub valuation_date: NaiveDate,
    /// At most this many problems are listed; the rest are counted.
    pub max_problems: usize,
}

/// A table as read: its frame, its warnings, and where each spec column was found.
pub type ReadOk = (DataFrame, Problems, SourceColumns);

/// Reads one table from decoded CSV text; its text columns address `shared` where the text
/// lies in it (the file's bytes, when they are the text).
pub fn read_text(
    kind: TableKind,
    text: &str,
    shared: Option<&SharedBytes>,
    file: &str,
    opts: &ReadOptions,
    progress: Option<&Progress>,
) -> Result<ReadOk, Problems> {
    let threads = rayon::current_num_threads();
    split::read_text_split(
        kind,
        text,
        shared,
        file,
        opts,
        progress,
        (split::PARALLEL_BYTES, threads),
    )
}

/// What the loop knows about the table being read.
struct Layout<'h> {
    header: &'h [HeaderCell],
    cols: &'h SourceColumns,
    key_cols: Vec<usize>,
}

/// The header row, matched to the table's columns; `None` (with the problems) when it is bad.
fn read_header_of<'t>(
    kind: TableKind,
    src: &mut dyn RecordSource<'t>,
    file: &str,
    problems: &mut Problems,
) -> Option<Vec<HeaderCell>> {
    let mut record = csv::StringRecord::new();
    match src.next_record(&mut record) {
        Ok(Some(row)) => header::read_header(kind, &record, file, row, problems),
        Ok(None) => {
            let what = src.noun();
            problems.push(Problem::file_error(
                file,
                format!("the {what} is empty: a header row is needed"),
            ));
            None
        }
        Err(mut p) => {
            p.file = file.to_string();
            problems.push(*p);
            None
        }
    }
}

/// Spec column → (file column, header text).
fn source_columns(kind: TableKind, header: &[HeaderCell]) -> SourceColumns {
    let mut cols: SourceColumns = vec![None; kind.columns().len()];
    for (i, h) in header.iter().enumerate() {
        if let Some(s) = h.spec
            && cols[s].is_none()
        {
            cols[s] = Some((i, h.text.clone()));
        }
    }
    cols
}

impl<'h> Layout<'h> {
    fn new(kind: TableKind, header: &'h [HeaderCell], cols: &'h SourceColumns) -> Self {
        let specs = kind.columns();
        Layout {
            header,
            cols,
            key_cols: kind
                .unique_key()
                .iter()
                .filter_map(|k| specs.iter().position(|c| c.name == *k))
                .collect(),
        }
    }
}

/// What the record loop needs besides the records.
struct ReadCtx<'a> {
    kind: TableKind,
    file: &'a str,
    opts: &'a ReadOptions,
    progress: Option<&'a Progress>,
}

/// The columns of a run of records as read: values, source rows, and unique-key hashes.
struct Part {
    builders: Vec<Builder>,
    rows: Vec<u32>,
    /// Each row's [`frame::key_hash`], when the table has a unique key.
    key_hashes: Vec<u64>,
}

impl Part {
    fn new(kind: TableKind, size_hint: usize, shared: Option<&SharedBytes>) -> Self {
        let capacity = size_hint.min(1 << 24);
        Part {
            builders: kind
                .columns()
                .iter()
                .map(|s| Builder::new(s, capacity, shared))
                .collect(),
            rows: Vec::with_capacity(capacity),
            key_hashes: Vec::with_capacity(if kind.unique_key().is_empty() {
                0
            } else {
                capacity
            }),
        }
    }
}

/// Reads every record of `src` into `part`. Returns false when the user cancelled.
fn read_part<'t>(
    ctx: &ReadCtx<'_>,
    src: &mut dyn RecordSource<'t>,
    layout: &Layout<'_>,
    part: &mut Part,
    problems: &mut Problems,
) -> bool {
    let (kind, file) = (ctx.kind, ctx.file);
    let mut record = RecordBuf::new();
    // One list of values for every row: it is emptied and lent to the next row's cells.
    let mut spare: Vec<Val<'static>> = Vec::with_capacity(layout.cols.len());
    let mut n = 0usize;
    loop {
        let row = match src.next_fields(&mut record) {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(mut p) => {
                p.file = file.to_string();
                problems.push(*p);
                break;
            }
        };
        n += 1;
        if n.is_multiple_of(16_384)
            && let Some(p) = ctx.progress
        {
            if p.is_cancelled() {
                problems.push(Problem::file_error(file, "cancelled"));
                return false;
            }
            p.set(src.progress().0);
        }
        if record.iter().all(|f| f.trim().is_empty()) && src.unreadable().is_empty() {
            continue;
        }
        if !check_width(&record, layout.header, file, row, problems) {
            continue;
        }
        let mut vals = relend(std::mem::take(&mut spare));
        let (row_ok, key_unread) = parse_record(
            kind,
            &record,
            src.unreadable(),
            layout,
            (file, row),
            &mut vals,
            problems,
        );
        let rctx = RowCtx {
            file,
            row,
            valuation_date: ctx.opts.valuation_date,
            cols: layout.cols,
        };
        if row_ok {
            super::rules::normalise_row(kind, &mut vals, &rctx, problems);
            super::rules::check_row(kind, &vals, &rctx, problems);
        }
        if !layout.key_cols.is_empty() && !key_unread {
            // A fixed seed: the runs read on other threads hash alike (equal hashes are
            // compared by their keys before a row is called a duplicate).
            let mut hasher = foldhash::fast::FixedState::with_seed(0x5eed).build_hasher();
            for &k in &layout.key_cols {
                vals[k].hash_key(&mut hasher);
            }
            part.key_hashes.push(frame::key_hash(hasher.finish()));
        } else if !layout.key_cols.is_empty() {
            part.key_hashes.push(0);
        }
        for (b, v) in part.builders.iter_mut().zip(&vals) {
            b.push(v);
        }
        part.rows.push(row as u32);
        spare = relend(vals);
    }
    true
}

/// Empties a list of values and gives its memory back for values of another life (the
/// collection reuses the allocation: the element type's size and alignment do not change).
fn relend<'b>(mut vals: Vec<Val<'_>>) -> Vec<Val<'b>> {
    vals.clear();
    vals.into_iter().map(|_| Val::Null).collect()
}

/// Parses every spec column of one record into `vals`. Returns whether the row is clean, and
/// whether a key cell could not be read (such a row repeats no other).
fn parse_record<'r>(
    kind: TableKind,
    record: &'r RecordBuf<'_>,
    unreadable: &[(usize, String)],
    layout: &Layout<'_>,
    (file, row): (&str, usize),
    vals: &mut Vec<Val<'r>>,
    problems: &mut Problems,
) -> (bool, bool) {
    let mut row_ok = true;
    let mut key_unread = false;
    for (s, spec) in kind.columns().iter().enumerate() {
        let Some((ci, _)) = &layout.cols[s] else {
            vals.push(Val::Null);
            continue;
        };
        let h = &layout.header[*ci];
        let raw = record.get(*ci).unwrap_or("");
        if let Some((_, why)) = unreadable.iter().find(|(c, _)| c == ci) {
            problems.push(
                Problem::file_error(file, why.clone())
                    .at_row(row)
                    .at_column(*ci, &h.text)
                    .with_value(raw),
            );
            row_ok = false;
            key_unread |= layout.key_cols.contains(&s);
            vals.push(Val::Null);
            continue;
        }
        let norm = if spec.kind == Kind::Prose {
            std::borrow::Cow::Borrowed(cell::trim(raw))
        } else {
            cell::normalize(raw)
        };
        if norm.is_empty() {
            if spec.required {
                problems.push(
                    Problem::file_error(file, "required value is missing")
                        .at_row(row)
                        .at_column(*ci, &h.text),
                );
                row_ok = false;
            }
            vals.push(Val::Null);
            continue;
        }
        match parse::parse_cell(spec, h, norm) {
            Ok(v) => vals.push(v),
            Err(reason) => {
                problems.push(
                    Problem::file_error(file, format!("\"{raw}\" {reason}"))
                        .at_row(row)
                        .at_column(*ci, &h.text)
                        .with_value(raw),
                );
                row_ok = false;
                key_unread |= layout.key_cols.contains(&s);
                vals.push(Val::Null);
            }
        }
    }
    (row_ok, key_unread)
}

/// Builds the frame from the parts' columns, in order, and checks the unique key over all rows.
fn finish(
    kind: TableKind,
    noun: &str,
    parts: Vec<Part>,
    cols: SourceColumns,
    file: &str,
    mut problems: Problems,
) -> Result<ReadOk, Problems> {
    let height: usize = parts.iter().map(|p| p.rows.len()).sum();
    if height == 0 && !problems.has_errors() {
        problems.push(Problem::file_error(
            file,
            format!("the {noun} has a header but no data rows"),
        ));
        return Err(problems);
    }
    let Some(part) = crate::progress::timed("join runs", || join_parts(parts, height)) else {
        return Err(problems);
    };
    let key_hashes = part.key_hashes;
    let mut columns: Vec<Column> = Vec::with_capacity(part.builders.len() + 1);
    columns.push(
        UInt32Chunked::from_vec(PlSmallStr::from_static(SOURCE_ROW), part.rows).into_column(),
    );
    // One chunk per column, whatever the number of runs: later look-ups by row stay direct.
    columns.par_extend(part.builders.into_par_iter().map(Builder::finish));
    let df = match DataFrame::new(height, columns) {
        Ok(df) => df,
        Err(e) => {
            problems.push(Problem::file_error(
                file,
                format!("internal error building the table: {e}"),
            ));
            return Err(problems);
        }
    };
    crate::progress::timed("duplicates", || {
        frame::check_duplicates(kind, &df, key_hashes, &cols, file, &mut problems)
    });
    if problems.has_errors() {
        Err(problems)
    } else {
        Ok((df, problems, cols))
    }
}

/// The runs' columns, source rows and key hashes joined in order into the first run's (its
/// columns grow once to hold them all; each later run's cells are copied in and freed).
fn join_parts(parts: Vec<Part>, height: usize) -> Option<Part> {
    let mut parts = parts.into_iter();
    let mut all = parts.next()?;
    let more = height - all.rows.len();
    if more == 0 {
        return Some(all);
    }
    all.rows.reserve_exact(more);
    for b in &mut all.builders {
        b.reserve(more);
    }
    all.key_hashes.reserve_exact(more);
    // Each later run's vectors are dropped as soon as they are copied.
    for Part {
        builders,
        rows,
        key_hashes,
    } in parts
    {
        all.key_hashes.extend_from_slice(&key_hashes);
        drop(key_hashes);
        all.rows.extend_from_slice(&rows);
        drop(rows);
        for (a, b) in all.builders.iter_mut().zip(builders) {
            a.append(b);
            // The run's column is freed: let the system have it before the next is copied.
            crate::memory::release_freed();
        }
    }
    Some(all)
}

/// Checks a record's field count against the header. Short rows are fine when only blank-header
/// columns are missing; long rows when the extra fields are blank (Excel pads with commas).
fn check_width(
    record: &RecordBuf<'_>,
    header: &[HeaderCell],
    file: &str,
    row: usize,
    problems: &mut Problems,
) -> bool {
    let n = record.len();
    let width = header.len();
    if n < width && header[n..].iter().any(|h| h.spec.is_some()) {
        let msg = if record.iter().any(|f| f.contains('\n')) {
            format!(
                "has {n} fields but the header has {width}: a quoted field that starts in this row is never closed (a \" is missing)"
            )
        } else {
            format!("has {n} fields but the header has {width}")
        };
        problems.push(Problem::file_error(file, msg).at_row(row));
        return false;
    }
    if n > width
        && let Some((i, extra)) = record
            .iter()
            .enumerate()
            .skip(width)
            .find(|(_, f)| !f.trim().is_empty())
    {
        problems.push(
            Problem::file_error(
                file,
                format!(
                    "has {n} fields but the header has {width}: value \"{extra}\" in column {} has no header",
                    super::problem::column_letter(i)
                ),
            )
            .at_row(row),
        );
        return false;
    }
    // Data under a blank header.
    for (i, h) in header.iter().enumerate().take(n) {
        if h.text.is_empty() && record.get(i).is_some_and(|f| !f.trim().is_empty()) {
            problems.push(
                Problem::file_error(
                    file,
                    format!(
                        "value \"{}\" in column {} has no header",
                        record.get(i).unwrap_or(""),
                        super::problem::column_letter(i)
                    ),
                )
                .at_row(row),
            );
            return false;
        }
    }
    true
}
