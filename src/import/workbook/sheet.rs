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

/// A row read ahead (while the header row is looked for), served again in order.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based row in the sheet.
    pub row: usize,
    pub record: csv::StringRecord,
    pub unreadable: Vec<(usize, String)>,
}

/// A worksheet's rows for the table reader.
pub struct SheetSource<'a, RS: Read + Seek> {
    cells: Cells<'a, RS>,
    /// The first cell of the next row, read ahead.
    ahead: Option<Cell>,
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

impl<'a, RS: Read + Seek> SheetSource<'a, RS> {
    pub fn new(cells: Cells<'a, RS>, rows_total: u64) -> Self {
        Self {
            cells,
            ahead: None,
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
            let mut record = csv::StringRecord::new();
            let Some(row) = self.read_row(&mut record)? else {
                break;
            };
            self.replay.push_back(Row {
                row,
                record,
                unreadable: std::mem::take(&mut self.unreadable),
            });
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

    fn read_row(&mut self, record: &mut csv::StringRecord) -> Result<Option<usize>, Box<Problem>> {
        record.clear();
        self.unreadable.clear();
        let sheet_error =
            |e: String| Problem::file_error("", format!("cannot read the sheet: {e}"));
        let first = match self.ahead.take() {
            Some(c) => c,
            None => match self.cells.next().map_err(sheet_error)? {
                Some(c) => c,
                None => return Ok(None),
            },
        };
        let row = first.0;
        self.push(record, first);
        loop {
            match self.cells.next().map_err(sheet_error)? {
                Some(c) if c.0 == row => self.push(record, c),
                Some(c) => {
                    self.ahead = Some(c);
                    break;
                }
                None => break,
            }
        }
        self.row_now = u64::from(row) + 1;
        Ok(Some(row as usize + 1))
    }

    fn push(&mut self, record: &mut csv::StringRecord, (_, col, text): Cell) {
        let col = col as usize;
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
                self.unreadable.push((col, why));
            }
        }
    }
}

impl<RS: Read + Seek> RecordSource for SheetSource<'_, RS> {
    fn next_record(
        &mut self,
        record: &mut csv::StringRecord,
    ) -> Result<Option<usize>, Box<Problem>> {
        let row = match self.replay.pop_front() {
            Some(r) => {
                *record = r.record;
                self.unreadable = r.unreadable;
                Some(r.row)
            }
            None => self.read_row(record)?,
        };
        if row.is_some() {
            match self.width {
                Some(w) => {
                    while record.len() < w {
                        record.push_field("");
                    }
                }
                None => self.width = Some(record.len()),
            }
            let _ = self.kept.write_record(record.iter());
        }
        Ok(row)
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
