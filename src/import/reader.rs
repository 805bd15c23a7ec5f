//! The spec-driven CSV reader: text in, a typed polars frame out, every problem with its row.
//!
//! Why not polars' own CSV reader: it gives no row number for a bad value and silently coerces
//! (nulls for unparsable cells, renamed duplicate headers, padded short rows). Here the `csv`
//! crate splits records (so ragged rows and broken quotes are seen), each cell is parsed by the
//! rules in [`super::cell`], and the values go straight into polars builders, so memory stays
//! near the size of the file.

use std::hash::{DefaultHasher, Hash, Hasher};

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use super::cell;
use super::problem::{Problem, Problems};
use super::row::{RowCtx, Val};
use super::schema::{ColumnSpec, Kind, TableKind};
use crate::model::label_key;
use crate::progress::Progress;

/// For each column of a table's spec: its index and header in the file, if present.
pub type SourceColumns = Vec<Option<(usize, String)>>;

/// Name of the column that holds each record's row in the source file.
pub const SOURCE_ROW: &str = "source_row";

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

enum Builder {
    Str(StringChunkedBuilder),
    I64(PrimitiveChunkedBuilder<Int64Type>),
    I32(PrimitiveChunkedBuilder<Int32Type>),
    F64(PrimitiveChunkedBuilder<Float64Type>),
    Date(PrimitiveChunkedBuilder<Int32Type>),
}

impl Builder {
    fn new(spec: &ColumnSpec, capacity: usize) -> Self {
        let name = PlSmallStr::from_static(spec.name);
        match spec.kind {
            Kind::Text
            | Kind::Prose
            | Kind::PatentNo
            | Kind::Ipc
            | Kind::Enum(_)
            | Kind::ParamKey => Builder::Str(StringChunkedBuilder::new(name, capacity)),
            Kind::Integer { .. } => Builder::I64(PrimitiveChunkedBuilder::new(name, capacity)),
            Kind::Year | Kind::Period => Builder::I32(PrimitiveChunkedBuilder::new(name, capacity)),
            Kind::Money { .. } | Kind::Rate { .. } | Kind::Years { .. } | Kind::Number { .. } => {
                Builder::F64(PrimitiveChunkedBuilder::new(name, capacity))
            }
            Kind::Date => Builder::Date(PrimitiveChunkedBuilder::new(name, capacity)),
        }
    }

    fn push(&mut self, v: &Val<'_>) {
        match (self, v) {
            (Builder::Str(b), Val::Str(s)) => b.append_value(s.as_ref()),
            (Builder::I64(b), Val::Int(i)) => b.append_value(*i),
            (Builder::I32(b), Val::Int(i)) => b.append_value(*i as i32),
            (Builder::I32(b), Val::Period(y, _)) => b.append_value(*y),
            (Builder::F64(b), Val::Num(x)) => b.append_value(*x),
            (Builder::Date(b), Val::Date(d)) => b.append_value(cell::date_to_days(*d)),
            (Builder::Str(b), _) => b.append_null(),
            (Builder::I64(b), _) => b.append_null(),
            (Builder::I32(b), _) | (Builder::Date(b), _) => b.append_null(),
            (Builder::F64(b), _) => b.append_null(),
        }
    }

    fn finish(self) -> Column {
        match self {
            Builder::Str(b) => b.finish().into_column(),
            Builder::I64(b) => b.finish().into_column(),
            Builder::I32(b) => b.finish().into_column(),
            Builder::F64(b) => b.finish().into_column(),
            Builder::Date(b) => b.finish().into_date().into_column(),
        }
    }
}

/// Options for reading one table.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Dates after this are rejected; cost years after its year too.
    pub valuation_date: NaiveDate,
    /// At most this many problems are listed; the rest are counted.
    pub max_problems: usize,
}

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

/// Picks the field delimiter from the header line: comma, tab or semicolon.
pub fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let mut best = (b',', first.matches(',').count());
    for d in [b'\t', b';'] {
        let n = first.matches(d as char).count();
        if n > best.1 {
            best = (d, n);
        }
    }
    best.0
}

/// Matches the header cells to a table's columns. Returns `None` when the header has errors.
fn read_header(
    kind: TableKind,
    record: &csv::StringRecord,
    file: &str,
    problems: &mut Problems,
) -> Option<Vec<HeaderCell>> {
    let specs = kind.columns();
    let mut cells = Vec::with_capacity(record.len());
    let mut first_of: Vec<Option<usize>> = vec![None; specs.len()];
    let mut ok = true;
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
            None => problems.push(
                Problem::file_error(file, "column is not one patval reads; it is ignored")
                    .warning()
                    .at_row(1)
                    .at_column(i, &text),
            ),
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
                                super::problem::column_letter(prev)
                            ),
                        )
                        .at_row(1)
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
                                .at_row(1)
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
                                .at_row(1)
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

/// Parses one non-empty cell by its column's kind.
fn parse_cell<'a>(
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

/// Reads one table from decoded text.
pub fn read_text(
    kind: TableKind,
    text: &str,
    file: &str,
    opts: &ReadOptions,
    progress: Option<&Progress>,
) -> Result<(DataFrame, Problems, SourceColumns), Problems> {
    let mut problems = Problems::new(opts.max_problems);
    let specs = kind.columns();
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let header = match rdr.read_record(&mut record) {
        Ok(true) => read_header(kind, &record, file, &mut problems),
        Ok(false) => {
            problems.push(Problem::file_error(
                file,
                "the file is empty: a header row is needed",
            ));
            None
        }
        Err(e) => {
            problems
                .push(Problem::file_error(file, format!("cannot read the header: {e}")).at_row(1));
            None
        }
    };
    let Some(header) = header else {
        return Err(problems);
    };
    // Spec column → (file column, header text).
    let mut cols: SourceColumns = vec![None; specs.len()];
    for (i, h) in header.iter().enumerate() {
        if let Some(s) = h.spec
            && cols[s].is_none()
        {
            cols[s] = Some((i, h.text.clone()));
        }
    }
    // Records ≤ lines: reserve exactly that, not a guess that over-allocates every builder.
    let estimated_rows = text.as_bytes().iter().filter(|&&b| b == b'\n').count() + 1;
    let mut builders: Vec<Builder> = specs
        .iter()
        .map(|s| Builder::new(s, estimated_rows.min(1 << 24)))
        .collect();
    let mut rows: Vec<u32> = Vec::with_capacity(estimated_rows.min(1 << 24));
    let mut key_hashes: Vec<(u64, u32)> = Vec::new();
    let key_cols: Vec<usize> = kind
        .unique_key()
        .iter()
        .filter_map(|k| specs.iter().position(|c| c.name == *k))
        .collect();
    let total = text.len() as u64;
    if let Some(p) = progress {
        p.start(&format!("reading {file}"), total);
    }
    let width = header.len();
    let mut lines = LineCounter::new(text.as_bytes());
    let mut n = 0usize;
    loop {
        match rdr.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let row = e.position().map(|p| p.line() as usize).unwrap_or(0);
                problems.push(
                    Problem::file_error(file, format!("cannot read the record: {e}")).at_row(row),
                );
                break;
            }
        }
        n += 1;
        if n.is_multiple_of(16_384)
            && let Some(p) = progress
        {
            if p.is_cancelled() {
                problems.push(Problem::file_error(file, "cancelled"));
                return Err(problems);
            }
            p.set(record.position().map_or(0, |pos| pos.byte()));
        }
        let row = lines.row_at(record.position().map_or(0, |p| p.byte() as usize));
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if !check_width(&record, &header, width, file, row, &mut problems) {
            continue;
        }
        // Parse every column of the spec.
        let mut vals: Vec<Val<'_>> = Vec::with_capacity(specs.len());
        let mut row_ok = true;
        // A key cell that could not be read (already reported): the row repeats no other.
        let mut key_unread = false;
        for (s, spec) in specs.iter().enumerate() {
            let Some((ci, _)) = &cols[s] else {
                vals.push(Val::Null);
                continue;
            };
            let raw = record.get(*ci).unwrap_or("");
            let norm = if spec.kind == Kind::Prose {
                std::borrow::Cow::Borrowed(raw.trim())
            } else {
                cell::normalize(raw)
            };
            if norm.is_empty() {
                if spec.required {
                    problems.push(
                        Problem::file_error(file, "required value is missing")
                            .at_row(row)
                            .at_column(*ci, &header[*ci].text),
                    );
                    row_ok = false;
                }
                vals.push(Val::Null);
                continue;
            }
            match parse_cell(spec, &header[*ci], norm) {
                Ok(v) => vals.push(v),
                Err(reason) => {
                    problems.push(
                        Problem::file_error(file, format!("\"{raw}\" {reason}"))
                            .at_row(row)
                            .at_column(*ci, &header[*ci].text)
                            .with_value(raw),
                    );
                    row_ok = false;
                    key_unread |= key_cols.contains(&s);
                    vals.push(Val::Null);
                }
            }
        }
        let ctx = RowCtx {
            file,
            row,
            valuation_date: opts.valuation_date,
            cols: &cols,
        };
        if row_ok {
            super::rules::normalise_row(kind, &mut vals, &ctx, &mut problems);
            super::rules::check_row(kind, &vals, &ctx, &mut problems);
        }
        if !key_cols.is_empty() && !key_unread {
            let mut hasher = DefaultHasher::new();
            for &k in &key_cols {
                vals[k].hash_key(&mut hasher);
            }
            key_hashes.push((hasher.finish(), rows.len() as u32));
        }
        for (b, v) in builders.iter_mut().zip(&vals) {
            b.push(v);
        }
        rows.push(row as u32);
    }
    if let Some(p) = progress {
        p.set(total);
    }
    let height = rows.len();
    if height == 0 && !problems.has_errors() {
        problems.push(Problem::file_error(
            file,
            "the file has a header but no data rows",
        ));
        return Err(problems);
    }
    let mut columns: Vec<Column> = Vec::with_capacity(specs.len() + 1);
    columns.push(UInt32Chunked::from_vec(PlSmallStr::from_static(SOURCE_ROW), rows).into_column());
    columns.extend(builders.into_iter().map(Builder::finish));
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
    check_duplicates(kind, &df, key_hashes, &cols, file, &mut problems);
    if problems.has_errors() {
        Err(problems)
    } else {
        Ok((df, problems, cols))
    }
}

/// Turns a record's byte offset into the 1-based line where its first field starts. The csv
/// crate's own line numbers lag behind after CRLF line ends and skipped blank lines.
struct LineCounter<'t> {
    bytes: &'t [u8],
    offset: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    fn new(bytes: &'t [u8]) -> Self {
        Self {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// Records come in file order, so counting resumes where the last call stopped.
    fn row_at(&mut self, record_offset: usize) -> usize {
        let mut start = record_offset.min(self.bytes.len());
        while start < self.bytes.len() && matches!(self.bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start >= self.offset {
            self.line += self.bytes[self.offset..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.offset = start;
        }
        self.line
    }
}

impl Val<'_> {
    fn hash_key(&self, h: &mut DefaultHasher) {
        match self {
            Val::Null => 0u8.hash(h),
            Val::Str(s) => s.as_ref().hash(h),
            Val::Int(i) => i.hash(h),
            Val::Num(x) => x.to_bits().hash(h),
            Val::Date(d) => d.num_days_from_ce().hash(h),
            Val::Period(y, m) => (y, m).hash(h),
        }
    }
}

/// Checks a record's field count against the header. Short rows are fine when only blank-header
/// columns are missing; long rows when the extra fields are blank (Excel pads with commas).
fn check_width(
    record: &csv::StringRecord,
    header: &[HeaderCell],
    width: usize,
    file: &str,
    row: usize,
    problems: &mut Problems,
) -> bool {
    let n = record.len();
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

/// Reports rows whose unique key repeats an earlier row's.
fn check_duplicates(
    kind: TableKind,
    df: &DataFrame,
    mut key_hashes: Vec<(u64, u32)>,
    cols: &[Option<(usize, String)>],
    file: &str,
    problems: &mut Problems,
) {
    if key_hashes.len() < 2 {
        return;
    }
    key_hashes.sort_unstable();
    let Ok(rows) = df.column(SOURCE_ROW).and_then(|c| c.u32().cloned()) else {
        return;
    };
    let key_names = kind.unique_key();
    let key_text = |i: usize| -> String {
        key_names
            .iter()
            .map(|k| {
                df.column(k)
                    .ok()
                    .and_then(|c| c.get(i).ok())
                    .map(|v| v.str_value().to_string())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(" / ")
    };
    let mut dups: Vec<(u32, u32)> = Vec::new();
    let mut i = 0;
    while i < key_hashes.len() {
        let mut j = i + 1;
        while j < key_hashes.len() && key_hashes[j].0 == key_hashes[i].0 {
            j += 1;
        }
        if j - i > 1 {
            // Same hash: compare the real keys (rows in file order, so the first stays first).
            let mut group: Vec<u32> = key_hashes[i..j].iter().map(|&(_, r)| r).collect();
            group.sort_unstable();
            for (a, &first) in group.iter().enumerate() {
                for &later in &group[a + 1..] {
                    if key_text(first as usize) == key_text(later as usize)
                        && !dups.iter().any(|d| d.1 == later)
                    {
                        dups.push((first, later));
                    }
                }
            }
        }
        i = j;
    }
    dups.sort_by_key(|d| d.1);
    let spec_index = kind
        .columns()
        .iter()
        .position(|c| c.name == key_names[0])
        .unwrap_or(0);
    for (first, later) in dups {
        let (Some(fr), Some(lr)) = (rows.get(first as usize), rows.get(later as usize)) else {
            continue;
        };
        let key = key_text(later as usize);
        let mut p = Problem::file_error(
            file,
            format!(
                "duplicate {} \"{key}\": already given in row {fr}",
                key_names.join(" + ")
            ),
        )
        .at_row(lr as usize)
        .with_value(&key);
        if let Some((ci, h)) = &cols[spec_index] {
            p = p.at_column(*ci, h);
        }
        problems.push(p);
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

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3"), b',');
        assert_eq!(sniff_delimiter("a\tb\tc,d\n"), b'\t');
        assert_eq!(sniff_delimiter("a;b;c\n"), b';');
    }
}
