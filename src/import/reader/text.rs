//! Records of decoded CSV text. A line with no quote and no lone carriage return is split at
//! its delimiters where it lies: its fields are slices of the text, and its row is the line
//! being read. Any other line (a quoted field, perhaps with line breaks inside) goes through
//! the CSV state machine of the `csv` crate (`csv_core`), so both ways split every record
//! alike and a broken quote is seen as the `csv` crate sees it.

use csv_core::ReadRecordResult;

use super::source::{RecordBuf, RecordSource, sniff_delimiter};
use crate::import::problem::Problem;

/// Records of decoded CSV text (comma, tab or semicolon separated).
pub struct CsvSource<'t> {
    text: &'t str,
    delimiter: u8,
    /// Where the next record is looked for, and the 1-based line it is on.
    pos: usize,
    line: usize,
    /// The state machine for lines that need it, and its output buffers (reused).
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    /// Where this run of records starts in the whole text (for progress).
    base: u64,
    /// The fields [`RecordSource::next_record`] copies from, kept for the next call.
    lent: RecordBuf<'t>,
}

impl<'t> CsvSource<'t> {
    pub fn new(text: &'t str) -> Self {
        Self::run(text, sniff_delimiter(text), 0, 1)
    }

    /// Records of `text` (a run of whole records of a larger text that starts `base` bytes in,
    /// on line `first_line`), split at `delimiter`.
    pub fn run(text: &'t str, delimiter: u8, base: u64, first_line: usize) -> Self {
        // A byte-order mark opens only a whole text (the csv crate skips it too).
        let bom = if base == 0 && text.starts_with('\u{feff}') {
            3
        } else {
            0
        };
        Self {
            text,
            delimiter,
            pos: bom,
            line: first_line,
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            out: vec![0; 1024],
            ends: vec![0; 64],
            base,
            lent: RecordBuf::new(),
        }
    }

    /// Reads the record at `self.pos` with the CSV state machine into `record`.
    fn read_with_core(&mut self, record: &mut csv::StringRecord) -> Result<(), Box<Problem>> {
        let input = &self.text.as_bytes()[self.pos..];
        let (mut nin, mut nout, mut nend) = (0, 0, 0);
        loop {
            let (res, i, o, e) =
                self.core
                    .read_record(&input[nin..], &mut self.out[nout..], &mut self.ends[nend..]);
            (nin, nout, nend) = (nin + i, nout + o, nend + e);
            match res {
                // An empty input tells the machine the text has ended.
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => self.out.resize(self.out.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                ReadRecordResult::Record | ReadRecordResult::End => break,
            }
        }
        let row = self.line;
        let consumed = &input[..nin];
        self.line += memchr::memchr_iter(b'\n', consumed).count();
        self.pos += nin;
        // Quotes and delimiters are ASCII: the fields of valid text are valid text.
        let out = std::str::from_utf8(&self.out[..nout]).map_err(|e| {
            Box::new(Problem::file_error("", format!("cannot read the record: {e}")).at_row(row))
        })?;
        record.clear();
        let mut start = 0;
        for &end in &self.ends[..nend] {
            record.push_field(out.get(start..end).unwrap_or(""));
            start = end;
        }
        Ok(())
    }
}

impl<'t> RecordSource<'t> for CsvSource<'t> {
    fn next_record(
        &mut self,
        record: &mut csv::StringRecord,
    ) -> Result<Option<usize>, Box<Problem>> {
        let mut buf = std::mem::take(&mut self.lent);
        let row = self.next_fields(&mut buf);
        buf.copy_into(record);
        self.lent = buf;
        row
    }

    fn next_fields(&mut self, buf: &mut RecordBuf<'t>) -> Result<Option<usize>, Box<Problem>> {
        let bytes = self.text.as_bytes();
        loop {
            let rest = bytes.get(self.pos..).unwrap_or_default();
            if rest.is_empty() {
                return Ok(None);
            }
            let (line_len, next) = match memchr::memchr(b'\n', rest) {
                Some(n) => (n, n + 1),
                None => (rest.len(), rest.len()),
            };
            let content = rest[..line_len]
                .strip_suffix(b"\r")
                .unwrap_or(&rest[..line_len]);
            let lone_crs = content.iter().take_while(|&&b| b == b'\r').count();
            if lone_crs > 0 {
                // A carriage return alone ends an empty record, which is no record either.
                self.pos += lone_crs;
                continue;
            }
            if content.is_empty() {
                // A blank line is no record (as the csv crate reads it).
                self.pos += next;
                self.line += 1;
                continue;
            }
            let row = self.line;
            if memchr::memchr2(b'"', b'\r', content).is_some() {
                let start = self.pos;
                self.read_with_core(buf.use_record())?;
                debug_assert!(self.pos > start, "the state machine read nothing");
                return Ok(Some(row));
            }
            let line = &self.text[self.pos..self.pos + content.len()];
            let fields = buf.use_slices();
            let mut start = 0;
            for at in memchr::memchr_iter(self.delimiter, content) {
                fields.push(line.get(start..at).unwrap_or_default());
                start = at + 1;
            }
            fields.push(line.get(start..).unwrap_or_default());
            self.pos += next;
            self.line += 1;
            return Ok(Some(row));
        }
    }

    fn progress(&self) -> (u64, u64) {
        (
            self.base + self.pos as u64,
            self.base + self.text.len() as u64,
        )
    }

    fn size_hint(&self) -> usize {
        // About the number of lines, from the length of the first ones, with a margin: memory
        // reserved and never written costs nothing, and a column that outgrows it still grows.
        let bytes = self.text.as_bytes();
        let sample = &bytes[..bytes.len().min(1 << 16)];
        let lines = memchr::memchr_iter(b'\n', sample).count() + 1;
        bytes.len() / sample.len().max(1) * lines * 5 / 4 + lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `text` as (row, fields), read by this source.
    fn records(text: &str) -> Vec<(usize, Vec<String>)> {
        let mut s = CsvSource::new(text);
        let mut buf = RecordBuf::new();
        let mut out = Vec::new();
        while let Some(row) = s.next_fields(&mut buf).ok().flatten() {
            out.push((row, buf.iter().map(str::to_string).collect()));
        }
        out
    }

    /// The same, as the csv crate's reader splits them (rows are its records' start lines).
    fn csv_crate_records(text: &str) -> Vec<Vec<String>> {
        let mut r = super::super::source::csv_reader(text.as_bytes(), sniff_delimiter(text));
        r.records()
            .map(|r| {
                r.map(|r| r.iter().map(str::to_string).collect())
                    .unwrap_or_default()
            })
            .collect()
    }

    /// The row each record of `text` starts on.
    fn rows(text: &str) -> Vec<usize> {
        records(text).into_iter().map(|r| r.0).collect()
    }

    #[test]
    fn rows_follow_lines_after_blank_lines_and_crlf() {
        assert_eq!(rows("a,b\r\n1,2\r\n\r\n3,4\n"), vec![1, 2, 4]);
    }

    #[test]
    fn fields_are_those_of_the_csv_crate() {
        for text in [
            "a,b,c\n1,2,3\n",
            "a,b\r\n1,\"x,\r\ny\"\r\n\r\n2,\"\"\"q\"\"\"\r\n3,4",
            "a;b\n1;2\n\n\n3;\"4\n5\"\n6;7\n",
            "a\tb\n1\t2\r3\t4\n\"5\t6\"\t7\n",
            "a,b\n1,\"never closed\n2,3\n4,5\n",
            "a,b\n x , y \n,\n1\n1,2,3,,\nab\"c,d\n\"\"\n",
            "\u{feff}a,b\n1,2\n",
            "a,b\n\r\r\n\r1,2\r\r\n3,4\n",
            "头,尾\n\"一，二\",三\n四,\"五\n六\"\n",
        ] {
            let ours: Vec<Vec<String>> = records(text).into_iter().map(|r| r.1).collect();
            assert_eq!(ours, csv_crate_records(text), "{text:?}");
            // The same records copied out one by one into a reused record.
            let (mut s, mut record, mut copied) =
                (CsvSource::new(text), csv::StringRecord::new(), Vec::new());
            while let Some(_row) = s.next_record(&mut record).ok().flatten() {
                copied.push(record.iter().map(str::to_string).collect::<Vec<_>>());
            }
            assert_eq!(copied, ours, "{text:?}");
        }
    }

    #[test]
    fn a_quoted_record_starts_on_its_first_line() {
        assert_eq!(
            rows("a,b\n1,\"x\ny\nz\"\n2,3\n\"4\",5\r\n6,7"),
            vec![1, 2, 5, 6, 7]
        );
    }
}
