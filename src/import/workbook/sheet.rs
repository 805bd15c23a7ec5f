//! One worksheet as a [`RecordSource`]: its cells, row by row, as the text the table reader
//! parses. An `.xlsx` sheet is streamed cell by cell (a 1,000,000-row sheet is never held as a
//! grid); `.xls` and `.ods` sheets come from calamine as a whole range.

use std::collections::VecDeque;
use std::io::{Read, Seek};

use calamine::{Data, Range, XlsxCellReader};

use super::value;
use crate::import::problem::Problem;
use crate::import::reader::RecordSource;

/// The cells of a sheet in row order, empty cells left out.
pub enum Cells<'a, RS: Read + Seek> {
    Stream(Box<XlsxCellReader<'a, RS>>),
    /// The stream has ended (it must not be asked again).
    Ended,
    Whole {
        range: Range<Data>,
        next: usize,
    },
}

/// One cell: 0-based row and column, and its text or why it has none.
type Cell = (u32, u32, Result<String, String>);

impl<RS: Read + Seek> Cells<'_, RS> {
    /// The next cell with content.
    fn next(&mut self) -> Result<Option<Cell>, String> {
        match self {
            Cells::Ended => Ok(None),
            Cells::Stream(r) => loop {
                let Some(c) = r.next_cell().map_err(|e| e.to_string())? else {
                    *self = Cells::Ended;
                    return Ok(None);
                };
                let v = c.get_value();
                if matches!(v, calamine::DataRef::Empty) {
                    continue;
                }
                let (row, col) = c.get_position();
                let mut s = String::new();
                let text = value::write_text(v, &mut s).map(|()| s);
                return Ok(Some((row, col, text)));
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

/// Groups a sheet's cells into rows.
pub struct RowReader<'a, RS: Read + Seek> {
    cells: Cells<'a, RS>,
    /// The first cell of the next row, read ahead.
    ahead: Option<Cell>,
}

impl<'a, RS: Read + Seek> RowReader<'a, RS> {
    pub fn new(cells: Cells<'a, RS>) -> Self {
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

/// Where a sheet's rows come from: read here, or by another thread (a streamed `.xlsx` sheet is
/// parsed while the rows before are checked, so the two cores share the work).
pub type RowFeed<'a> = Box<dyn FnMut() -> Option<RowResult> + 'a>;

/// Rows handed over in batches from the thread that parses the sheet.
pub fn channel_feed<'a>(rx: std::sync::mpsc::Receiver<Vec<RowResult>>) -> RowFeed<'a> {
    let mut batch = VecDeque::new();
    Box::new(move || {
        loop {
            if let Some(r) = batch.pop_front() {
                return Some(r);
            }
            batch.extend(rx.recv().ok()?);
        }
    })
}

/// Parses a sheet into rows and sends them in batches until the sheet ends or the receiver is
/// gone.
pub fn send_rows<RS: Read + Seek>(
    mut rows: RowReader<'_, RS>,
    tx: &std::sync::mpsc::SyncSender<Vec<RowResult>>,
) {
    const BATCH: usize = 2048;
    loop {
        let mut batch = Vec::with_capacity(BATCH);
        let mut end = false;
        while batch.len() < BATCH {
            match rows.next_row() {
                Some(r) => {
                    end = r.is_err();
                    batch.push(r);
                    if end {
                        break;
                    }
                }
                None => {
                    end = true;
                    break;
                }
            }
        }
        if tx.send(batch).is_err() || end {
            return;
        }
    }
}

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
