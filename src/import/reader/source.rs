//! Where a table's records come from. The reader's loop is the same for every source; a source
//! only splits records and says which row each starts on. [`super::CsvSource`] reads decoded
//! CSV text; a worksheet is another source (`import::workbook`).

use crate::import::problem::Problem;

/// Records of one table, header first, in order. `'t` is the life of the text a source may
/// lend its fields from.
pub trait RecordSource<'t> {
    /// Reads the next record into `record` and returns the 1-based row it starts on, or `None`
    /// at the end. A record that cannot be split ends the table with the problem.
    fn next_record(
        &mut self,
        record: &mut csv::StringRecord,
    ) -> Result<Option<usize>, Box<Problem>> {
        let mut buf = RecordBuf::new();
        let row = self.next_fields(&mut buf)?;
        buf.copy_into(record);
        Ok(row)
    }

    /// Reads the next record into `buf` (as [`Self::next_record`] does), where a source that
    /// reads text may lend the fields from the text instead of copying them. A source
    /// implements one of the two.
    fn next_fields(&mut self, buf: &mut RecordBuf<'t>) -> Result<Option<usize>, Box<Problem>> {
        self.next_record(buf.use_record())
    }

    /// Columns of the last record whose cells hold no value to read (a formula error), each with
    /// the reason.
    fn unreadable(&self) -> &[(usize, String)] {
        &[]
    }

    /// How far reading has got, as (done, total) in the source's own units.
    fn progress(&self) -> (u64, u64);

    /// At least the number of records still to come, to size the columns.
    fn size_hint(&self) -> usize;

    /// What the records are read from, for messages: "file" or "sheet".
    fn noun(&self) -> &'static str {
        "file"
    }
}

/// One record's fields: copied into a record, or lent by the text they were read from.
#[derive(Debug, Default)]
pub struct RecordBuf<'t> {
    record: csv::StringRecord,
    slices: Vec<&'t str>,
    in_slices: bool,
}

impl<'t> RecordBuf<'t> {
    pub fn new() -> Self {
        Self::default()
    }

    /// The record to read the next fields into.
    pub fn use_record(&mut self) -> &mut csv::StringRecord {
        self.in_slices = false;
        &mut self.record
    }

    /// The (emptied) list to lend the next fields into.
    pub fn use_slices(&mut self) -> &mut Vec<&'t str> {
        self.in_slices = true;
        self.slices.clear();
        &mut self.slices
    }

    /// Copies the fields into `record` (reusing its memory).
    pub fn copy_into(&self, record: &mut csv::StringRecord) {
        if self.in_slices {
            record.clear();
            self.slices.iter().for_each(|f| record.push_field(f));
        } else {
            record.clone_from(&self.record);
        }
    }

    pub fn len(&self) -> usize {
        if self.in_slices {
            self.slices.len()
        } else {
            self.record.len()
        }
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        if self.in_slices {
            self.slices.get(i).copied()
        } else {
            self.record.get(i)
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i).unwrap_or_default())
    }
}

/// A CSV reader as patval reads every table: the header is a record like the others, and rows
/// may be ragged (their width is checked against the header with row and column).
pub fn csv_reader(bytes: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3"), b',');
        assert_eq!(sniff_delimiter("a\tb\tc,d\n"), b'\t');
        assert_eq!(sniff_delimiter("a;b;c\n"), b';');
    }
}
