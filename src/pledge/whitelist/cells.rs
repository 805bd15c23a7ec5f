//! The firm id column in CSV text: its headers and cells, each record's row as the ordinary
//! reader numbers it, and the forecasts text rewritten with every asset group scoped by its
//! firm ([`scoped_group`]) and every record kept on its row.

use crate::import::problem::{Problem, Problems};
use crate::import::{self, ImportError, TableKind, cell};
use crate::model::label_key;

/// Accepted headers of the firm id column (matching ignores case, spaces, `_`, `-` and `.`).
pub const FIRM_ID_HEADERS: &[&str] = &[
    "firm_id",
    "firm",
    "enterprise id",
    "company id",
    "企业编号",
    "企业代码",
    "企业标识",
    "企业id",
    "脱敏企业编号",
    "匿名企业编号",
];

/// Longest firm id accepted, in characters.
const MAX_FIRM_ID: usize = 64;

/// A patent's asset group scoped by its firm. Firm ids hold no spaces, so the first " / "
/// ends the firm id and two firms' groups never meet.
pub fn scoped_group(firm: &str, group: &str) -> String {
    format!("{firm} / {group}")
}

/// Where the firm column is: its index and header.
#[derive(Debug, Clone)]
pub(super) struct FirmColumn {
    pub(super) index: usize,
    pub(super) header: String,
}

/// A header cell's matching key: folded, a trailing unit in brackets dropped, case and
/// separators ignored (as the reader matches headers).
pub(super) fn header_key(raw: &str) -> String {
    let h = cell::normalize(raw);
    let name = h
        .strip_suffix([')', ']', '】'])
        .and_then(|s| s.rfind(['(', '[', '【']).map(|i| s[..i].trim()))
        .filter(|n| !n.is_empty())
        .unwrap_or(&h);
    label_key(name)
}

/// The firm column of a header row; a second one is an error.
pub(super) fn firm_column(
    header: &csv::StringRecord,
    file: &str,
    row: usize,
) -> Result<Option<FirmColumn>, Box<Problem>> {
    let keys: Vec<String> = FIRM_ID_HEADERS.iter().map(|a| label_key(a)).collect();
    let mut found: Option<FirmColumn> = None;
    for (i, h) in header.iter().enumerate() {
        if !keys.contains(&header_key(h)) {
            continue;
        }
        if let Some(first) = &found {
            return Err(Box::new(
                Problem::file_error(
                    file,
                    format!(
                        "a second \"firm_id\" column (the first is column {} \"{}\"); remove one",
                        crate::import::problem::column_letter(first.index),
                        first.header
                    ),
                )
                .at_row(row)
                .at_column(i, h),
            ));
        }
        found = Some(FirmColumn {
            index: i,
            header: cell::normalize(h).into_owned(),
        });
    }
    Ok(found)
}

pub(super) fn missing_column(file: &str, table: &str) -> Problem {
    Problem::file_error(
        file,
        format!(
            "missing required column \"firm_id\": each row of the {table} names its firm (accepted headers: {})",
            FIRM_ID_HEADERS.join(", ")
        ),
    )
}

/// What is wrong with a firm id cell (normalised), if anything.
pub(super) fn firm_id_problem(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("required value is missing".into());
    }
    if id.chars().count() > MAX_FIRM_ID {
        return Some(format!(
            "firm id \"{id}\" is longer than {MAX_FIRM_ID} characters"
        ));
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some(format!(
            "firm id \"{id}\" holds a space or a control character; a firm id is one word (such as F000123)"
        ));
    }
    None
}

/// The firm cell of a record, normalised, or its problem.
pub(super) fn firm_cell<'r>(
    record: &'r csv::StringRecord,
    col: &FirmColumn,
    file: &str,
    row: usize,
) -> Result<std::borrow::Cow<'r, str>, Box<Problem>> {
    let raw = record.get(col.index).unwrap_or("");
    let id = cell::normalize(raw);
    match firm_id_problem(&id) {
        None => Ok(id),
        Some(why) => {
            let p = Problem::file_error(file, why)
                .at_row(row)
                .at_column(col.index, &col.header);
            Err(Box::new(if raw.trim().is_empty() {
                p
            } else {
                p.with_value(raw)
            }))
        }
    }
}

/// Records of a CSV text with the row each starts on, as the reader numbers them (the
/// import's own record source).
pub(super) struct Records<'t>(import::CsvSource<'t>);

impl<'t> Records<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Self(import::CsvSource::new(text))
    }

    /// The next record's row, or `None` at the end (a record the csv reader cannot split ends
    /// the text too; the ordinary reader reports it).
    pub(super) fn next(&mut self, record: &mut csv::StringRecord) -> Option<usize> {
        use import::RecordSource as _;
        self.0.next_record(record).ok().flatten()
    }
}

pub(super) fn blank(record: &csv::StringRecord) -> bool {
    record.iter().all(|f| f.trim().is_empty())
}

/// The index of the header cell that names a table's column.
pub(super) fn column_of(header: &csv::StringRecord, kind: TableKind, name: &str) -> Option<usize> {
    let spec = kind.column(name)?;
    header.iter().position(|h| {
        let k = header_key(h);
        label_key(spec.name) == k || spec.aliases.iter().any(|a| label_key(a) == k)
    })
}

/// The forecasts text with every asset group cell scoped by the row's firm, and the firm
/// column (`None` for an empty text, which the reader reports).
pub(super) fn scope_text(
    text: &str,
    file: &str,
    cap: usize,
) -> Result<(Vec<u8>, Option<FirmColumn>), ImportError> {
    let one = |p: Problem| ImportError {
        problems: vec![p],
        suppressed: 0,
    };
    let mut records = Records::new(text);
    let mut record = csv::StringRecord::new();
    let Some(hrow) = records.next(&mut record) else {
        return Ok((text.as_bytes().to_vec(), None));
    };
    let col = firm_column(&record, file, hrow)
        .map_err(|p| one(*p))?
        .ok_or_else(|| one(missing_column(file, "forecasts")))?;
    let group = column_of(&record, TableKind::Forecasts, "asset_group");
    let mut out = Rewriter::new(text, import::sniff_delimiter(text));
    out.write(hrow, &record).map_err(|e| one(e.problem(file)))?;
    let mut problems = Problems::new(cap);
    let mut scoped = csv::StringRecord::new();
    while let Some(row) = records.next(&mut record) {
        let firm = if blank(&record) {
            None
        } else {
            firm_cell(&record, &col, file, row)
                .map_err(|p| problems.push(*p))
                .ok()
        };
        scoped.clear();
        for (i, f) in record.iter().enumerate() {
            let name = (Some(i) == group).then(|| cell::normalize(f));
            match (&firm, name) {
                (Some(id), Some(n)) if !n.is_empty() => scoped.push_field(&scoped_group(id, &n)),
                _ => scoped.push_field(f),
            }
        }
        out.write(row, &scoped).map_err(|e| one(e.problem(file)))?;
    }
    if problems.has_errors() {
        return Err(ImportError {
            problems: problems.list,
            suppressed: problems.suppressed,
        });
    }
    let bytes = out.finish().map_err(|e| one(e.problem(file)))?;
    Ok((bytes, Some(col)))
}

/// A CSV writer that puts each record on the row it had in the source (blank lines pad).
struct Rewriter {
    w: csv::Writer<Vec<u8>>,
    line: usize,
}

/// A failure of the in-memory CSV writer.
struct WriteError(String);

impl WriteError {
    fn problem(&self, file: &str) -> Problem {
        Problem::file_error(
            file,
            format!("internal error: rewriting the table: {}", self.0),
        )
    }
}

impl Rewriter {
    fn new(text: &str, delimiter: u8) -> Self {
        let w = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::with_capacity(text.len() + text.len() / 4));
        Self { w, line: 1 }
    }

    fn write(&mut self, row: usize, record: &csv::StringRecord) -> Result<(), WriteError> {
        let e = |e: &dyn std::fmt::Display| WriteError(e.to_string());
        while self.line < row {
            // A padding line: one empty field (`""`), a blank record the reader skips.
            self.w.write_record(None::<&[u8]>).map_err(|x| e(&x))?;
            self.line += 1;
        }
        self.w.write_record(record).map_err(|x| e(&x))?;
        let inner: usize = record.iter().map(|f| f.matches('\n').count()).sum();
        self.line += inner + 1;
        Ok(())
    }

    fn finish(self) -> Result<Vec<u8>, WriteError> {
        self.w.into_inner().map_err(|e| WriteError(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forecasts_keep_their_rows_when_scoped() {
        let text = "企业编号,资产组,年度,营业收入\r\nF1,门锁,2026,100\r\n\r\n\r\nF2,\"门\n锁\",2026,100\r\nF2, 门锁 ,2027,100\r\n";
        let (out, col) = scope_text(text, "f.csv", 100).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(col.unwrap().index, 0);
        assert_eq!(
            out,
            "企业编号,资产组,年度,营业收入\nF1,F1 / 门锁,2026,100\n\"\"\n\"\"\nF2,\"F2 / 门\n锁\",2026,100\nF2,F2 / 门锁,2027,100\n"
        );
        let mut r = Records::new(&out);
        let mut rec = csv::StringRecord::new();
        let mut rows = Vec::new();
        while let Some(row) = r.next(&mut rec) {
            // The padding lines are blank records, which the reader skips.
            if !blank(&rec) {
                rows.push(row);
            }
        }
        let mut r = Records::new(text);
        let mut before = Vec::new();
        while let Some(row) = r.next(&mut rec) {
            before.push(row);
        }
        assert_eq!(rows, before);
        assert_eq!(rows, vec![1, 2, 5, 7]);
    }

    #[test]
    fn firm_headers_match_like_the_others() {
        for h in [
            "firm_id",
            "Firm ID",
            "企业编号",
            "企业编号(脱敏)",
            "ＦＩＲＭ＿ＩＤ",
        ] {
            assert!(
                FIRM_ID_HEADERS
                    .iter()
                    .any(|a| label_key(a) == header_key(h)),
                "{h}"
            );
        }
        assert_eq!(scoped_group("F1", "门锁"), "F1 / 门锁");
    }
}
