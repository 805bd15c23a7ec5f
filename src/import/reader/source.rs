//! Where a table's records come from. The reader's loop is the same for every source; a source
//! only splits records and says which row each starts on. [`CsvSource`] reads decoded CSV text;
//! a worksheet is another source (`import::workbook`).

use crate::import::problem::Problem;

/// Records of one table, header first, in order.
pub trait RecordSource {
    /// Reads the next record into `record` and returns the 1-based row it starts on, or `None`
    /// at the end. A record that cannot be split ends the table with the problem.
    fn next_record(
        &mut self,
        record: &mut csv::StringRecord,
    ) -> Result<Option<usize>, Box<Problem>>;

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

/// Records of decoded CSV text (comma, tab or semicolon separated).
pub struct CsvSource<'t> {
    reader: csv::Reader<&'t [u8]>,
    lines: LineCounter<'t>,
    text: &'t str,
    header_read: bool,
    /// Where this run of records starts in the whole text (for progress).
    base: u64,
}

impl<'t> CsvSource<'t> {
    pub fn new(text: &'t str) -> Self {
        Self::run(text, sniff_delimiter(text), 0, 1)
    }

    /// Records of `text` (a run of whole records of a larger text that starts `base` bytes in,
    /// on line `first_line`), split at `delimiter`.
    pub fn run(text: &'t str, delimiter: u8, base: u64, first_line: usize) -> Self {
        let reader = csv_reader(text.as_bytes(), delimiter);
        let mut lines = LineCounter::new(text.as_bytes());
        lines.line = first_line;
        Self {
            reader,
            lines,
            text,
            header_read: false,
            base,
        }
    }
}

impl RecordSource for CsvSource<'_> {
    fn next_record(
        &mut self,
        record: &mut csv::StringRecord,
    ) -> Result<Option<usize>, Box<Problem>> {
        let first = !self.header_read;
        self.header_read = true;
        match self.reader.read_record(record) {
            Ok(false) => Ok(None),
            Ok(true) => {
                let offset = record.position().map_or(0, |p| p.byte() as usize);
                Ok(Some(self.lines.row_at(offset)))
            }
            Err(e) if first => Err(Box::new(
                Problem::file_error("", format!("cannot read the header: {e}")).at_row(1),
            )),
            Err(e) => {
                let row = e.position().map(|p| p.line() as usize).unwrap_or(0);
                Err(Box::new(
                    Problem::file_error("", format!("cannot read the record: {e}")).at_row(row),
                ))
            }
        }
    }

    fn progress(&self) -> (u64, u64) {
        let base = self.base;
        (
            base + self.reader.position().byte(),
            base + self.text.len() as u64,
        )
    }

    fn size_hint(&self) -> usize {
        // Records ≤ lines: reserve exactly that, not a guess that over-allocates every builder.
        self.text.as_bytes().iter().filter(|&&b| b == b'\n').count() + 1
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3"), b',');
        assert_eq!(sniff_delimiter("a\tb\tc,d\n"), b'\t');
        assert_eq!(sniff_delimiter("a;b;c\n"), b';');
    }

    #[test]
    fn rows_follow_lines_after_blank_lines_and_crlf() {
        let text = "a,b\r\n1,2\r\n\r\n3,4\n";
        let mut s = CsvSource::new(text);
        let mut r = csv::StringRecord::new();
        let mut rows = Vec::new();
        while let Some(row) = s.next_record(&mut r).ok().flatten() {
            rows.push(row);
        }
        assert_eq!(rows, vec![1, 2, 4]);
    }
}
