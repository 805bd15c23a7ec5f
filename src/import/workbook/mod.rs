//! Workbooks in: `.xlsx`, `.xlsm`, `.xls` and `.ods` (read with calamine). One workbook may hold
//! several tables: each worksheet is recognised by its name (Chinese or English, such as `组合` or
//! `portfolio`) or by its header row, which may sit under title rows. Every sheet is read by the
//! same reader and rules as a CSV file, and every message names the sheet and the cell (`组合!C7`).
//! Hidden sheets are reported, not read.

mod sheet;
pub mod value;
mod xlsx_parts;
mod xlsx_rows;
mod xlsx_scan;

use std::io::{Cursor, Read, Seek};
use std::sync::Arc;

use calamine::{Reader, SheetType, SheetVisible, Sheets, Xlsx};

use super::problem::Problem;
use super::reader::{self, ReadOptions};
use super::{ImportError, SourceEncoding, Table, TableKind};
use crate::model::label_key;
use crate::progress::Progress;
use sheet::{Cells, RowReader, SheetSource};
use xlsx_parts::XlsxParts;

/// File extensions read as workbooks.
pub const EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

/// How many rows at the top of a sheet are searched for its header row (title rows above it
/// are common).
const HEADER_SEARCH_ROWS: usize = 20;

/// Whether a file is read as a workbook: its bytes are a workbook container (zip: xlsx, xlsm,
/// ods; OLE: xls), or its name says it is one (so a damaged or misnamed one gets a workbook's
/// message, not a text file's).
pub fn is_workbook(bytes: &[u8], file: &str) -> bool {
    let container = bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&OLE_MAGIC);
    let named = std::path::Path::new(file)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)));
    container || named
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Sheet names recognised for each table, compared as [`label_key`]s (case, spaces and `_`
/// ignored).
const SHEET_NAMES: [(TableKind, &[&str]); 6] = [
    (
        TableKind::Portfolio,
        &[
            "portfolio",
            "patents",
            "组合",
            "专利组合",
            "专利清单",
            "专利",
            "资产清单",
        ],
    ),
    (
        TableKind::Forecasts,
        &["forecasts", "forecast", "预测", "收益预测", "盈利预测"],
    ),
    (
        TableKind::CostItems,
        &[
            "cost items",
            "costs",
            "成本",
            "成本明细",
            "研发成本",
            "成本项目",
        ],
    ),
    (
        TableKind::Comparables,
        &["comparables", "可比交易", "可比案例", "交易案例", "市场法"],
    ),
    (TableKind::Parameters, &["parameters", "参数", "评估参数"]),
    (
        TableKind::External,
        &["external appraisal", "external", "外部评估", "外部评估结果"],
    ),
];

/// The tables a sheet's header may show: the data set's, and the bank's external appraisal.
const EVERY_TABLE: [TableKind; 6] = [
    TableKind::Portfolio,
    TableKind::Forecasts,
    TableKind::CostItems,
    TableKind::Comparables,
    TableKind::Parameters,
    TableKind::External,
];

/// Sheets that explain a workbook (the template's first sheet) and are skipped quietly.
const NOTE_SHEETS: [&str; 6] = [
    "instructions",
    "readme",
    "说明",
    "填写说明",
    "使用说明",
    "lists",
];

/// The table a sheet's name says it holds.
pub fn kind_of_sheet_name(name: &str) -> Option<TableKind> {
    let key = label_key(name.trim());
    SHEET_NAMES
        .iter()
        .find(|(_, names)| names.iter().any(|n| label_key(n) == key))
        .map(|(k, _)| *k)
}

/// What a workbook gave: a table (or its problems) per recognised sheet, in sheet order, and
/// findings about the workbook as a whole (hidden sheets, sheets that hold no table, two sheets
/// of one kind).
#[derive(Debug, Default)]
pub struct WorkbookTables {
    pub tables: Vec<TableRead>,
    pub notes: Vec<Problem>,
}

/// One table as read from a file or a sheet.
#[derive(Debug)]
pub struct TableRead {
    /// The table, when it could be told.
    pub kind: Option<TableKind>,
    /// The worksheet it came from.
    pub sheet: Option<String>,
    pub result: Result<Table, ImportError>,
}

/// The workbook, opened by what its bytes are (not its name).
enum Book<'b> {
    /// calamine tells the sheets; their XML is read from the package's parts.
    Xlsx(Box<Xlsx<Cursor<&'b [u8]>>>, Box<XlsxParts<'b>>),
    Other(Box<Sheets<Cursor<&'b [u8]>>>),
}

fn open(bytes: &[u8]) -> Result<Book<'_>, String> {
    let cursor = Cursor::new(bytes);
    let password = "the workbook is protected by a password (encrypted): open it in Excel or WPS, remove the password (File → Info → Protect Workbook; WPS: 文件 → 文档加密) and save it, then open it here";
    if bytes.starts_with(&OLE_MAGIC) {
        return match calamine::open_workbook_from_rs::<calamine::Xls<_>, _>(cursor.clone()) {
            Ok(x) => Ok(Book::Other(Box::new(Sheets::Xls(x)))),
            Err(calamine::XlsError::Password) => Err(password.into()),
            // An encrypted .xlsx is an OLE container too.
            Err(e) => match calamine::open_workbook_from_rs::<Xlsx<_>, _>(cursor) {
                Err(calamine::XlsxError::Password) => Err(password.into()),
                _ => Err(damaged(&e.to_string())),
            },
        };
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(not_a_workbook(bytes));
    }
    let is_ods = bytes.get(30..38) == Some(b"mimetype")
        && bytes
            .get(38..90)
            .is_some_and(|m| m.windows(11).any(|w| w == b"opendocumen"));
    if is_ods {
        return calamine::open_workbook_from_rs::<calamine::Ods<_>, _>(cursor)
            .map(|o| Book::Other(Box::new(Sheets::Ods(o))))
            .map_err(|e| damaged(&e.to_string()));
    }
    let book = calamine::open_workbook_from_rs::<Xlsx<_>, _>(cursor).map_err(|e| match e {
        calamine::XlsxError::Password => password.into(),
        e => damaged(&e.to_string()),
    })?;
    let parts = XlsxParts::open(bytes, book.has_1904_epoch()).map_err(|e| damaged(&e))?;
    Ok(Book::Xlsx(Box::new(book), Box::new(parts)))
}

fn damaged(e: &str) -> String {
    format!(
        "cannot read the workbook: it is damaged or incomplete (cut short while copying or downloading?); open it in Excel or WPS and save it again ({e})"
    )
}

fn not_a_workbook(bytes: &[u8]) -> String {
    let text = bytes
        .iter()
        .take(512)
        .all(|b| !b.is_ascii_control() || b.is_ascii_whitespace());
    if text {
        "the file is named as a workbook but holds text: if it is a CSV file, name it .csv".into()
    } else {
        "the file is not a workbook (.xlsx, .xlsm, .xls or .ods) that patval can read".into()
    }
}

/// Reads every table of a workbook, or only the sheet of `only`. A workbook is a complex format
/// parsed by a third-party crate: should its parser fail on a malformed file in a way it does not
/// report (a panic), that too becomes a message about the file.
pub fn read_workbook(
    bytes: &[u8],
    file: &str,
    opts: &ReadOptions,
    progress: Option<&Progress>,
    only: Option<TableKind>,
) -> Result<WorkbookTables, ImportError> {
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_workbook_inner(bytes, file, (opts, progress), only, BLOCK_BYTES)
    }));
    read.unwrap_or_else(|_| {
        Err(ImportError::single(Problem::file_error(
            file,
            damaged("the workbook reader failed on it"),
        )))
    })
}

/// `block_bytes`: the size of the runs of an `.xlsx` sheet's XML read on every core.
fn read_workbook_inner(
    bytes: &[u8],
    file: &str,
    (opts, progress): (&ReadOptions, Option<&Progress>),
    only: Option<TableKind>,
    block_bytes: usize,
) -> Result<WorkbookTables, ImportError> {
    let mut book = open(bytes).map_err(|m| ImportError::single(Problem::file_error(file, m)))?;
    let metas: Vec<calamine::Sheet> = match &book {
        Book::Xlsx(x, _) => x.sheets_metadata().to_vec(),
        Book::Other(s) => s.sheets_metadata().to_vec(),
    };
    let mut out = WorkbookTables::default();
    let mut seen: Vec<(TableKind, String)> = Vec::new();
    for meta in metas.iter().filter(|m| m.typ == SheetType::WorkSheet) {
        let name = meta.name.as_str();
        let note = |m: String| Problem::file_error(file, m).in_sheet(Some(name));
        if NOTE_SHEETS.iter().any(|n| label_key(n) == label_key(name)) {
            continue;
        }
        let by_name = kind_of_sheet_name(name);
        if only.is_some() && by_name.is_some() && by_name != only {
            continue;
        }
        if meta.visible != SheetVisible::Visible {
            out.notes.push(
                note("the sheet is hidden and is not read: unhide it (right-click a sheet tab → Unhide; WPS: 取消隐藏) if it holds a table".into())
                    .warning(),
            );
            continue;
        }
        let job = SheetJob {
            file,
            name,
            by_name,
            only,
            opts,
            progress,
            block_bytes,
        };
        let read = match &mut book {
            Book::Xlsx(_, parts) => read_xlsx_sheet(parts, &job),
            Book::Other(s) => read_range_sheet(s, &job),
        };
        let Some((kind, read)) = read else { continue };
        let read = job.placed(read);
        let kind = kind.or(by_name);
        if let Some(k) = kind {
            if let Some((_, first)) = seen.iter().find(|(s, _)| *s == k) {
                out.notes.push(note(format!(
                    "the sheet holds a second {} table (the first is sheet {}); keep one",
                    k.name(),
                    super::problem::sheet_ref(first)
                )));
                continue;
            }
            seen.push((k, name.to_string()));
        }
        out.tables.push(TableRead {
            kind,
            sheet: Some(name.to_string()),
            result: read,
        });
    }
    let sheets = || {
        let names: Vec<&str> = metas.iter().map(|m| m.name.as_str()).collect();
        names.join(", ")
    };
    let guide = "as docs/input-formats.md lists, or give it the table's header row";
    if out.tables.is_empty() && !out.notes.iter().any(Problem::is_error) {
        let message = match only {
            None => format!(
                "no sheet holds a table patval reads (its sheets: {}); name each sheet {guide}",
                sheets()
            ),
            Some(k) => format!(
                "the workbook has no {} sheet (its sheets: {}); name the sheet {guide}",
                k.name(),
                sheets()
            ),
        };
        out.notes.push(Problem::file_error(file, message));
    }
    Ok(out)
}

/// One sheet to read: where it is, the table its name says it holds, and the table wanted.
struct SheetJob<'a> {
    file: &'a str,
    name: &'a str,
    by_name: Option<TableKind>,
    /// Only this table is wanted (a workbook given as one table file).
    only: Option<TableKind>,
    opts: &'a ReadOptions,
    progress: Option<&'a Progress>,
    /// The size of the runs of an `.xlsx` sheet's XML read on every core.
    block_bytes: usize,
}

/// A sheet's table, if it holds one: the kind (when it could be told) and the table or its
/// problems.
type SheetRead = Option<(Option<TableKind>, Result<Table, ImportError>)>;

impl SheetJob<'_> {
    /// The sheet could not be read at all.
    fn unreadable(&self, e: impl std::fmt::Display) -> SheetRead {
        let p = Problem::file_error(self.file, format!("cannot read the sheet: {e}"));
        Some((self.by_name, Err(ImportError::single(p))))
    }

    /// Every problem of the sheet's table, errors and warnings, placed in the sheet.
    fn placed(&self, read: Result<Table, ImportError>) -> Result<Table, ImportError> {
        let sheet = Some(self.name.to_string());
        match read {
            Ok(mut t) => {
                t.warnings
                    .iter_mut()
                    .for_each(|p| p.sheet.clone_from(&sheet));
                Ok(t)
            }
            Err(mut e) => {
                e.problems
                    .iter_mut()
                    .for_each(|p| p.sheet.clone_from(&sheet));
                Err(e)
            }
        }
    }
}

/// XML text per run of an `.xlsx` sheet's rows (about 18,000 rows of a portfolio).
const BLOCK_BYTES: usize = 8 << 20;

/// An `.xlsx`/`.xlsm` sheet: its XML is inflated on one thread and cut into blocks of rows,
/// whose rows are parsed and read on every core. `None` when it holds no table to read.
fn read_xlsx_sheet(parts: &mut XlsxParts<'_>, job: &SheetJob<'_>) -> SheetRead {
    let (xml, xml_size, cells) = match parts.sheet(job.name) {
        Ok(s) => s,
        Err(e) => return job.unreadable(e),
    };
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel(2);
        s.spawn(move || xlsx_rows::cut_blocks(xml, job.block_bytes, HEADER_SEARCH_ROWS + 1, &tx));
        let mut blocks = rx.into_iter();
        let first = match blocks.next() {
            Some(Ok(b)) => b,
            Some(Err(e)) => return job.unreadable(e),
            None => return job.unreadable("the sheet has no XML"),
        };
        let rows = xlsx_rows::declared_rows(&first);
        // A block is parsed when its first row is asked for (on the thread that reads it), and
        // its text dropped then.
        let feed = |block: Result<String, String>| -> sheet::RowFeed<'_> {
            let mut block = Some(block);
            let mut rows = Vec::new().into_iter();
            Box::new(move || {
                if let Some(b) = block.take() {
                    rows = block_rows(&b, cells).into_iter();
                }
                rows.next()
            })
        };
        let src = SheetSource::new(feed(Ok(first)), rows);
        let rest = |width: usize| {
            // Rows per block, from the sheet's size and declared rows: the columns are sized
            // by it.
            let row_bytes = (xml_size / rows.max(1)).max(1) as usize;
            blocks.map(move |b| {
                let estimate = b.as_ref().map_or(0, |t| t.len() / row_bytes);
                SheetSource::run(feed(b), rows, width, estimate)
            })
        };
        read_sheet(src, rest, job)
    })
}

/// The rows of one block of a sheet's XML, then the error that ended the sheet, if one did.
fn block_rows(
    block: &Result<String, String>,
    cells: &xlsx_parts::CellParts,
) -> Vec<sheet::RowResult> {
    let (rows, error) = match block {
        Ok(xml) => xlsx_rows::parse_block(xml, cells),
        Err(e) => (Vec::new(), Some(e.clone())),
    };
    let mut out: Vec<sheet::RowResult> = rows.into_iter().map(Ok).collect();
    if let Some(e) = error {
        let p = Problem::file_error("", format!("cannot read the sheet: {e}"));
        out.push(Err(Box::new(p)));
    }
    out
}

/// An `.xls` or `.ods` sheet, read whole.
fn read_range_sheet<RS: Read + Seek>(s: &mut Sheets<RS>, job: &SheetJob<'_>) -> SheetRead {
    let range = match s.worksheet_range(job.name) {
        Ok(r) => r,
        Err(e) => return job.unreadable(e),
    };
    let rows = range.end().map_or(0, |e| u64::from(e.0) + 1);
    let mut reader = RowReader::new(Cells { range, next: 0 });
    let src = SheetSource::new(Box::new(move || reader.next_row().map(Ok)), rows);
    read_sheet(src, |_| std::iter::empty(), job)
}

/// Finds the sheet's header row and table in its first rows (`src`), then reads it like a CSV
/// file, with the runs of rows that follow (`rest`, made for the header's width) read on every
/// core.
fn read_sheet<'a, I>(
    mut src: SheetSource<'a>,
    rest: impl FnOnce(usize) -> I,
    job: &SheetJob<'_>,
) -> SheetRead
where
    I: Iterator<Item = SheetSource<'a>> + Send,
{
    let found = match find_header(&mut src, job.by_name) {
        Ok(f) => f,
        Err(mut p) => {
            p.file = job.file.to_string();
            return Some((job.by_name, Err(ImportError::single(*p))));
        }
    };
    let Some((kind, at)) = found else {
        // A sheet named for a table must hold it; another sheet may hold none.
        return job.by_name.map(|k| {
            let p = Problem::file_error(
                job.file,
                format!(
                    "no header row naming the {} table's columns in the sheet's first {HEADER_SEARCH_ROWS} rows (docs/input-formats.md lists the headers)",
                    k.name()
                ),
            );
            (Some(k), Err(ImportError::single(p)))
        });
    };
    if job.only.is_some_and(|k| k != kind) {
        return None;
    }
    fill_header_from_above(&mut src, at);
    let rest = rest(src.header_width());
    let total = reader::RecordSource::progress(&src).1;
    let runs = reader::RunsJob {
        file: job.file,
        opts: job.opts,
        progress: job.progress,
        shared: None,
    };
    let (read, sources) = reader::read_runs(kind, src, rest, &runs, total);
    let mut kept: Vec<u8> = Vec::new();
    for src in sources {
        kept.extend_from_slice(&src.into_kept());
    }
    let table = read
        .map_err(ImportError::from_problems)
        .map(|(df, warnings, source_columns)| Table {
            kind,
            file: job.file.to_string(),
            sheet: Some(job.name.to_string()),
            encoding: SourceEncoding::Workbook,
            df,
            warnings: warnings.list,
            source_columns,
            source: Arc::new(kept),
        });
    Some((Some(kind), table))
}

/// The table and the index (among the rows read ahead) of the header row: the first row of the
/// sheet's first rows that names at least two of the table's columns. Rows above it (a title)
/// are dropped.
fn find_header(
    src: &mut SheetSource<'_>,
    by_name: Option<TableKind>,
) -> Result<Option<(TableKind, usize)>, Box<Problem>> {
    let rows = src.peek(HEADER_SEARCH_ROWS)?;
    let mut found = None;
    for (i, r) in rows.iter().enumerate() {
        let kind = match by_name {
            Some(k) => (super::header_matches(&r.record, k) >= 2).then_some(k),
            None => super::kind_of_header(&r.record, &EVERY_TABLE),
        };
        if let Some(k) = kind {
            found = Some((k, i));
            break;
        }
    }
    Ok(found)
}

/// A blank header cell takes the text of the cell right above it: a title merged down over a
/// two-row header keeps its text in the upper cell only. (Reading the sheet's merged regions
/// would cost a second pass over the whole sheet.) The rows above the header are then dropped.
fn fill_header_from_above(src: &mut SheetSource<'_>, at: usize) {
    let rows = src.peeked_mut();
    if at > 0 && rows[at - 1].row + 1 == rows[at].row {
        let above = rows[at - 1].record.clone();
        let header = &rows[at].record;
        let blank = |f: Option<&str>| f.is_none_or(|t| t.trim().is_empty());
        let width = header.len().max(above.len());
        if (0..width).any(|c| blank(header.get(c)) && !blank(above.get(c))) {
            let fields: Vec<String> = (0..width)
                .map(|c| match header.get(c) {
                    Some(h) if !h.trim().is_empty() => h.to_string(),
                    _ => above.get(c).unwrap_or("").to_string(),
                })
                .collect();
            rows[at].record = csv::StringRecord::from(fields);
        }
    }
    rows.drain(..at);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(
        bytes: &[u8],
        block_bytes: usize,
    ) -> Vec<(Option<String>, Result<Table, ImportError>)> {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
        let opts = ReadOptions::new(date);
        read_workbook_inner(bytes, "case.xlsx", (&opts, None), None, block_bytes)
            .unwrap()
            .tables
            .into_iter()
            .map(|t| (t.sheet, t.result))
            .collect()
    }

    /// A sheet read in runs of a few rows gives the table, the kept cells and the messages of
    /// one run: the template, and workbooks with bad cells, duplicates and formula errors.
    #[test]
    fn a_sheet_read_in_runs_is_the_sheet_read_whole() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad_workbooks");
        let mut books =
            vec![crate::import::template::template_xlsx(crate::report::ReportLang::Zh).unwrap()];
        for name in [
            "duplicate_patent",
            "formula_errors",
            "unknown_patent_type",
            "ok_title_rows_and_merged_header",
        ] {
            books.push(std::fs::read(dir.join(format!("{name}.xlsx"))).unwrap());
        }
        let mut runs_read = 0;
        for bytes in &books {
            let whole = tables(bytes, usize::MAX);
            let runs = tables(bytes, 200);
            assert_eq!(whole.len(), runs.len());
            for ((sheet, a), (_, b)) in whole.iter().zip(&runs) {
                match (a, b) {
                    (Ok(a), Ok(b)) => {
                        assert!(a.df.equals_missing(&b.df), "{sheet:?}");
                        assert_eq!(a.source, b.source, "{sheet:?}");
                        assert_eq!(a.warnings, b.warnings, "{sheet:?}");
                        assert_eq!(b.df.first_col_n_chunks(), 1, "{sheet:?}");
                        runs_read += usize::from(b.df.height() > 4);
                    }
                    (Err(a), Err(b)) => assert_eq!(a.problems, b.problems, "{sheet:?}"),
                    _ => panic!("{sheet:?}: one read failed and the other did not"),
                }
            }
        }
        assert!(runs_read >= 4, "{runs_read}");
    }
}
