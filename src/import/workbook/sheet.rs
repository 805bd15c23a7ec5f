//! One worksheet as a [`RecordSource`]: its cells, row by row, as the text the table reader
//! parses. An `.xlsx` sheet is streamed cell by cell (a 1,000,000-row sheet is never held as a
//! grid); `.xls` and `.ods` sheets come from calamine as a whole range.

use std::collections::VecDeque;
use std::io::{Read, Seek};

use calamine::{Data, DataRef, Range, XlsxCellReader};

use super::value;
use crate::import::problem::Problem;
use crate::import::reader::RecordSource;

/// A cell as parsed: its 0-based position and its value (a shared string is borrowed from the
/// workbook, so handing cells to another thread copies no text).
pub type RawCell<'a> = ((u32, u32), DataRef<'a>);

/// Cells in batches, or the error that ended the sheet.
pub type CellBatch<'a> = Result<Vec<RawCell<'a>>, String>;

/// The cells of a sheet in row order, empty cells left out.
pub enum Cells<'a> {
    /// A streamed `.xlsx` sheet, parsed by another thread ([`send_cells`]).
    Received {
        rx: std::sync::mpsc::Receiver<CellBatch<'a>>,
        batch: std::vec::IntoIter<RawCell<'a>>,
    },
    Whole {
        range: Range<Data>,
        next: usize,
    },
}

/// One cell: 0-based row and column, and its text or why it has none.
type Cell = (u32, u32, Result<String, String>);

impl Cells<'_> {
    /// The next cell with content.
    fn next(&mut self) -> Result<Option<Cell>, String> {
        match self {
            Cells::Received { rx, batch } => loop {
                if let Some(((row, col), v)) = batch.next() {
                    let mut s = String::new();
                    let text = value::write_text(&v, &mut s).map(|()| s);
                    return Ok(Some((row, col, text)));
                }
                match rx.recv() {
                    Ok(b) => *batch = b?.into_iter(),
                    Err(_) => return Ok(None),
                }
            },
            Cells::Whole { range, next } => {
                let (Some(start), w) = (range.start(), range.width()) else {
                    return Ok(None);
                };
                let total = w * range.height();
                while *next < total {
                    let (r, c) = (*next / w, *next % w);
                    *next += 1;
                    let Some(v) = range.get((r, c)).filter(|v| !matches!(v, Data::Empty)) else {
                        continue;
                    };
                    let mut s = String::new();
                    let text = value::write_text_owned(v, &mut s).map(|()| s);
                    return Ok(Some((start.0 + r as u32, start.1 + c as u32, text)));
                }
                Ok(None)
            }
        }
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

/// A row, or the problem that ended the sheet.
pub type RowResult = Result<Row, Box<Problem>>;

/// Parses a streamed `.xlsx` sheet and sends its non-empty cells in batches until the sheet ends
/// or the receiver is gone; the thread that receives them turns them into rows and checks them.
pub fn send_cells<'a, RS: Read + Seek>(
    mut reader: XlsxCellReader<'a, RS>,
    tx: &std::sync::mpsc::SyncSender<CellBatch<'a>>,
) {
    const BATCH: usize = 16_384;
    loop {
        let mut batch = Vec::with_capacity(BATCH);
        let mut end = false;
        while batch.len() < BATCH {
            match reader.next_cell() {
                Ok(Some(c)) if matches!(c.get_value(), DataRef::Empty) => {}
                Ok(Some(c)) => {
                    let pos = c.get_position();
                    batch.push((pos, c.get_value().clone()));
                }
                Ok(None) => {
                    end = true;
                    break;
                }
                Err(e) => {
                    let _ = tx.send(Ok(batch));
                    let _ = tx.send(Err(e.to_string()));
                    return;
                }
            }
        }
        if tx.send(Ok(batch)).is_err() || end {
            return;
        }
    }
}

/// Groups a sheet's cells into rows.
pub struct RowReader<'a> {
    cells: Cells<'a>,
    /// The first cell of the next row, read ahead.
    ahead: Option<Cell>,
}

impl<'a> RowReader<'a> {
    pub fn new(cells: Cells<'a>) -> Self {
        Self { cells, ahead: None }
    }

    /// The next row with content.
    pub fn next_row(&mut self) -> Option<RowResult> {
        let sheet_error = |e: String| {
            Box::new(Problem::file_error(
                "",
                format!("cannot read the sheet: {e}"),
            ))
        };
        let first = match self.ahead.take() {
            Some(c) => c,
            None => match self.cells.next() {
                Ok(Some(c)) => c,
                Ok(None) => return None,
                Err(e) => return Some(Err(sheet_error(e))),
            },
        };
        let mut row = Row {
            row: first.0 as usize + 1,
            record: csv::StringRecord::new(),
            unreadable: Vec::new(),
        };
        let at = first.0;
        push(&mut row, first);
        loop {
            match self.cells.next() {
                Ok(Some(c)) if c.0 == at => push(&mut row, c),
                Ok(Some(c)) => {
                    self.ahead = Some(c);
                    break;
                }
                Ok(None) => break,
                Err(e) => return Some(Err(sheet_error(e))),
            }
        }
        Some(Ok(row))
    }
}

fn push(row: &mut Row, (_, col, text): Cell) {
    let col = col as usize;
    let record = &mut row.record;
    if col < record.len() {
        return;
    }
    while record.len() < col {
        record.push_field("");
    }
    match text {
        Ok(t) => record.push_field(&t),
        Err(why) => {
            record.push_field("");
            row.unreadable.push((col, why));
        }
    }
}

/// Where a sheet's rows come from.
pub type RowFeed<'a> = Box<dyn FnMut() -> Option<RowResult> + 'a>;

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
        }
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

impl RecordSource for SheetSource<'_> {
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
        (self.rows_total.saturating_sub(self.row_now) as usize).max(self.replay.len()) + 1
    }

    fn noun(&self) -> &'static str {
        "sheet"
    }
}
