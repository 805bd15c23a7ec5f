//! One worksheet as [`RecordSource`]s: its cells, row by row, as the text the table reader
//! parses. An `.xlsx` sheet comes in blocks of rows read on every core
//! ([`super::xlsx_rows`]; a 1,000,000-row sheet is never held as a grid); `.xls` and `.ods`
//! sheets come from calamine as a whole range.

use std::collections::VecDeque;

use calamine::{Data, Range};

use super::value;
use crate::import::problem::Problem;
use crate::import::reader::RecordSource;

/// The cells of an `.xls` or `.ods` sheet in row order, empty cells left out.
pub struct Cells {
    pub range: Range<Data>,
    pub next: usize,
}

/// One cell: 0-based row and column, and its text or why it has none.
type Cell = (u32, u32, Result<String, String>);

impl Cells {
    /// The next cell with content.
    fn next(&mut self) -> Option<Cell> {
        let (range, next) = (&self.range, &mut self.next);
        let (start, w) = (range.start()?, range.width());
        let total = w * range.height();
        while *next < total {
            let (r, c) = (*next / w, *next % w);
            *next += 1;
            let Some(v) = range.get((r, c)).filter(|v| !matches!(v, Data::Empty)) else {
                continue;
            };
            let mut s = String::new();
            let text = value::write_text_owned(v, &mut s).map(|()| s);
            return Some((start.0 + r as u32, start.1 + c as u32, text));
        }
        None
    }
}

/// One row of a sheet with its cells as text.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based row in the sheet.
    pub row: usize,
    pub record: csv::StringRecord,
    /// Cells that hold no value to read (formula errors), with the reason.
    pub unreadable: Vec<(usize, String)>,
}

impl Row {
    /// An empty row; `row` is 1-based.
    pub fn new(row: usize) -> Self {
        Self {
            row,
            record: csv::StringRecord::new(),
            unreadable: Vec::new(),
        }
    }
}

/// A row, or the problem that ended the sheet.
pub type RowResult = Result<Row, Box<Problem>>;

/// Groups a sheet's cells into rows.
pub struct RowReader {
    cells: Cells,
    /// The first cell of the next row, read ahead.
    ahead: Option<Cell>,
}

impl RowReader {
    pub fn new(cells: Cells) -> Self {
        Self { cells, ahead: None }
    }

    /// The next row with content.
    pub fn next_row(&mut self) -> Option<Row> {
        let first = self.ahead.take().or_else(|| self.cells.next())?;
        let at = first.0;
        let mut row = Row::new(at as usize + 1);
        let put = |row: &mut Row, (_, col, text): Cell| {
            push_cell(row, col as usize, text.as_deref().map_err(String::clone));
        };
        put(&mut row, first);
        while let Some(c) = self.cells.next() {
            if c.0 != at {
                self.ahead = Some(c);
                break;
            }
            put(&mut row, c);
        }
        Some(row)
    }
}

/// Puts a cell's text (or why it has none) in its column; a column left of one already filled
/// is ignored.
pub fn push_cell(row: &mut Row, col: usize, text: Result<&str, String>) {
    let record = &mut row.record;
    if col < record.len() {
        return;
    }
    while record.len() < col {
        record.push_field("");
    }
    match text {
        Ok(t) => record.push_field(t),
        Err(why) => {
            record.push_field("");
            row.unreadable.push((col, why));
        }
    }
}

/// Where a sheet's rows come from.
pub type RowFeed<'a> = Box<dyn FnMut() -> Option<RowResult> + Send + 'a>;

/// A worksheet's rows for the table reader.
pub struct SheetSource<'a> {
    feed: RowFeed<'a>,
    /// Rows read ahead (while the header row is looked for), served again in order.
    replay: VecDeque<Row>,
    unreadable: Vec<(usize, String)>,
    /// Rows the sheet declares, for progress; and the row last read.
    rows_total: u64,
    row_now: u64,
    /// The records served, as CSV: what a stored version keeps of a table read from a sheet.
    kept: csv::Writer<Vec<u8>>,
    /// The header's width, once served: a row's trailing empty cells are not stored in a sheet,
    /// so shorter rows are padded to it.
    width: Option<usize>,
    /// Rows this source will serve, when known better than from `rows_total` (a block of rows).
    rows_hint: Option<usize>,
}

impl<'a> SheetSource<'a> {
    pub fn new(feed: RowFeed<'a>, rows_total: u64) -> Self {
        Self {
            feed,
            replay: VecDeque::new(),
            unreadable: Vec::new(),
            rows_total,
            row_now: 0,
            kept: csv::Writer::from_writer(Vec::new()),
            width: None,
            rows_hint: None,
        }
    }

    /// A source for a later run of the sheet's rows: they are padded to the header's `width`
    /// and number about `rows`.
    pub fn run(feed: RowFeed<'a>, rows_total: u64, width: usize, rows: usize) -> Self {
        Self {
            width: Some(width),
            rows_hint: Some(rows),
            ..Self::new(feed, rows_total)
        }
    }

    /// The header row's width, once the rows above it are dropped: the first row read ahead.
    pub fn header_width(&self) -> usize {
        self.replay.front().map_or(0, |r| r.record.len())
    }

    /// Reads up to `n` rows ahead and returns them; they are served again unless dropped.
    pub fn peek(&mut self, n: usize) -> Result<&VecDeque<Row>, Box<Problem>> {
        while self.replay.len() < n {
            match (self.feed)() {
                Some(r) => self.replay.push_back(r?),
                None => break,
            }
        }
        Ok(&self.replay)
    }

    /// Rows read ahead, to change (a merged header cell) before they are served.
    pub fn peeked_mut(&mut self) -> &mut VecDeque<Row> {
        &mut self.replay
    }

    /// The records served so far, as CSV.
    pub fn into_kept(self) -> Vec<u8> {
        self.kept.into_inner().unwrap_or_default()
    }
}

impl RecordSource<'_> for SheetSource<'_> {
    fn next_record(
        &mut self,
        record: &mut csv::StringRecord,
    ) -> Result<Option<usize>, Box<Problem>> {
        let next = match self.replay.pop_front() {
            Some(r) => Some(r),
            None => (self.feed)().transpose()?,
        };
        let Some(r) = next else {
            return Ok(None);
        };
        *record = r.record;
        self.unreadable = r.unreadable;
        self.row_now = r.row as u64;
        match self.width {
            Some(w) => {
                while record.len() < w {
                    record.push_field("");
                }
            }
            None => self.width = Some(record.len()),
        }
        let _ = self.kept.write_record(record.iter());
        Ok(Some(r.row))
    }

    fn unreadable(&self) -> &[(usize, String)] {
        &self.unreadable
    }

    fn progress(&self) -> (u64, u64) {
        (self.row_now, self.rows_total.max(self.row_now))
    }

    fn size_hint(&self) -> usize {
        let rest = self.rows_total.saturating_sub(self.row_now) as usize;
        self.rows_hint.unwrap_or(rest).max(self.replay.len()) + 1
    }

    fn noun(&self) -> &'static str {
        "sheet"
    }
}
