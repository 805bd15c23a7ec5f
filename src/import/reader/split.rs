//! A large CSV text read on every core. The text is split at record boundaries found by the
//! same CSV state machine that reads it (so a quoted field with line breaks is never cut), each
//! run of records is read on its own thread, and the runs' columns, problems and key hashes are
//! joined in file order: the frame and every message are those of reading it in one pass.

use rayon::prelude::*;

use super::source::{RecordSource, csv_reader, sniff_delimiter};
use super::text::CsvSource;
use super::text_column::SharedBytes;
use super::{
    Layout, Part, ReadCtx, ReadOk, ReadOptions, finish, read_header_of, read_part, source_columns,
};
use crate::import::problem::{Problem, Problems};
use crate::import::schema::TableKind;
use crate::progress::Progress;

/// Texts smaller than this are read in one pass: splitting would not pay.
pub const PARALLEL_BYTES: usize = 8 << 20;

/// Reads a table from decoded CSV text, in `threads` runs when it is at least `min_bytes` long
/// (else in one).
pub fn read_text_split(
    kind: TableKind,
    text: &str,
    shared: Option<&SharedBytes>,
    file: &str,
    opts: &ReadOptions,
    progress: Option<&Progress>,
    (min_bytes, threads): (usize, usize),
) -> Result<ReadOk, Problems> {
    let delimiter = sniff_delimiter(text);
    let starts = if text.len() >= min_bytes && threads > 1 {
        crate::progress::timed("split", || {
            line_starts(text, threads).unwrap_or_else(|| record_starts(text, delimiter, threads))
        })
    } else {
        vec![(0, 1)]
    };
    let ends = starts.iter().skip(1).map(|&(s, _)| s).chain([text.len()]);
    let mut runs = starts
        .iter()
        .zip(ends)
        .map(|(&(s, line), e)| CsvSource::run(&text[s..e], delimiter, s as u64, line));
    // The first run starts at 0: there is always one.
    let first = runs.next().unwrap_or_else(|| CsvSource::new(text));
    let job = RunsJob {
        file,
        opts,
        progress,
        shared,
    };
    read_runs(kind, first, runs, &job, text.len() as u64).0
}

/// What [`read_runs`] reads for: the file named in messages, the options, the progress bar, and
/// the bytes the text columns may address.
#[derive(Clone, Copy)]
pub struct RunsJob<'a> {
    pub file: &'a str,
    pub opts: &'a ReadOptions,
    pub progress: Option<&'a Progress>,
    pub shared: Option<&'a SharedBytes>,
}

/// Reads a table whose records come in runs, in order: the header from the first run, then
/// every run's records on the thread pool as the runs arrive. The runs' columns, problems (under
/// one cap, in order) and key hashes are joined in order, so the frame and every message are
/// those of one pass. The sources are given back (a sheet's keep the records they served).
/// `total` is the progress bar's length in the sources' units.
pub fn read_runs<'t, S: RecordSource<'t> + Send>(
    kind: TableKind,
    mut first: S,
    rest: impl Iterator<Item = S> + Send,
    job: &RunsJob<'_>,
    total: u64,
) -> (Result<ReadOk, Problems>, Vec<S>) {
    let RunsJob {
        file,
        opts,
        progress,
        shared,
    } = *job;
    let mut problems = Problems::new(opts.max_problems);
    let Some(header) = read_header_of(kind, &mut first, file, &mut problems) else {
        return (Err(problems), vec![first]);
    };
    let cols = source_columns(kind, &header);
    let layout = Layout::new(kind, &header, &cols);
    if let Some(p) = progress {
        p.start(&format!("reading {file}"), total);
    }
    let ctx = ReadCtx {
        kind,
        file,
        opts,
        progress,
    };
    let cancelled = || progress.is_some_and(Progress::is_cancelled);
    let runs = crate::progress::timed("runs", || {
        let mut runs: Vec<_> = std::iter::once(first)
            .chain(rest)
            .enumerate()
            .par_bridge()
            .map(|(i, mut src)| {
                // The first run's columns are sized for the whole table: the others are
                // joined onto them, which then need not move.
                let hint = if i == 0 {
                    whole_table_hint(&src, total)
                } else {
                    src.size_hint()
                };
                let mut part = Part::new(kind, hint, shared);
                let mut found = Problems::new(opts.max_problems);
                let done =
                    !cancelled() && read_part(&ctx, &mut src, &layout, &mut part, &mut found);
                (i, src, part, found, done)
            })
            .collect();
        runs.sort_unstable_by_key(|r| r.0);
        runs
    });
    let noun = runs.first().map_or("file", |r| r.1.noun());
    let (mut parts, mut sources, mut done) = (Vec::new(), Vec::new(), true);
    for (_, src, part, found, ok) in runs {
        problems.absorb(found);
        done &= ok;
        parts.push(part);
        sources.push(src);
    }
    if !done {
        if !problems.has_errors() {
            problems.push(Problem::file_error(file, "cancelled"));
        }
        return (Err(problems), sources);
    }
    if let Some(p) = progress {
        p.set(total);
    }
    let frame = crate::progress::timed("frame", || finish(kind, noun, parts, cols, file, problems));
    (frame, sources)
}

/// A source's size hint scaled from its share of the table (`total`, in its progress units) to
/// the whole table.
fn whole_table_hint<'t>(src: &impl RecordSource<'t>, total: u64) -> usize {
    let (done, end) = src.progress();
    let share = end.saturating_sub(done).max(1) as u128;
    let scaled = src.size_hint() as u128 * u128::from(total) / share;
    usize::try_from(scaled)
        .unwrap_or(usize::MAX)
        .max(src.size_hint())
}

/// [`record_starts`] for a text whose runs but the last hold no quote: there every line break
/// ends a record, so the cuts are the line breaks after each equal share of the text, found
/// without the CSV state machine. `None` when a quote comes before the last cut.
fn line_starts(text: &str, parts: usize) -> Option<Vec<(usize, usize)>> {
    let bytes = text.as_bytes();
    let last_cut = bytes.len() / parts * (parts - 1);
    if memchr::memchr(b'"', bytes.get(..last_cut)?).is_some() {
        return None;
    }
    let mut starts = vec![(0, 1)];
    let (mut counted, mut line) = (0, 1);
    for k in 1..parts {
        let cut = bytes.len() / parts * k;
        let Some(nl) = memchr::memchr(b'\n', bytes.get(cut..)?) else {
            break;
        };
        let start = cut + nl + 1;
        if start >= bytes.len() || start <= starts.last().map_or(0, |s| s.0) {
            continue;
        }
        line += memchr::memchr_iter(b'\n', &bytes[counted..start]).count();
        counted = start;
        starts.push((start, line));
    }
    Some(starts)
}

/// Byte offsets where records start, with the 1-based lines they start on, that cut `text`
/// after its header into about `parts` runs of equal size (the first is (0, 1)).
fn record_starts(text: &str, delimiter: u8, parts: usize) -> Vec<(usize, usize)> {
    let mut reader = csv_reader(text.as_bytes(), delimiter);
    let mut record = csv::ByteRecord::new();
    let mut starts = vec![(0, 1)];
    let mut next = 1;
    while next < parts && reader.read_byte_record(&mut record).unwrap_or(false) {
        let Some(at) = record.position() else { break };
        let byte = at.byte() as usize;
        if byte >= text.len() * next / parts && byte > 0 {
            starts.push((byte, at.line() as usize));
            next += 1;
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header of the portfolio texts below.
    const HEADER: &str = "专利号,专利名称,专利类型,IPC分类号,申请日,法律状态,专利权人,权利要求数,独立权利要求数,资产组";

    /// A portfolio read from `text` as a file's text is read; `split` is (least bytes to split
    /// at, threads).
    fn read_portfolio(
        text: &str,
        shared: Option<&SharedBytes>,
        split: (usize, usize),
    ) -> Result<ReadOk, Problems> {
        let opts = ReadOptions::new(chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
        read_text_split(
            TableKind::Portfolio,
            text,
            shared,
            "p.csv",
            &opts,
            None,
            split,
        )
    }

    /// A portfolio text with bad cells, a duplicate, quoted line breaks and CRLF line ends.
    fn text(rows: usize) -> String {
        let mut t = format!("{HEADER}\r\n");
        for i in 0..rows {
            let no = format!("CN2017105{:05}.X", i % (rows - 3));
            let title = if i % 7 == 0 {
                format!("\"一种方法,\r\n第{i}部分\"")
            } else {
                format!("方法{i}")
            };
            let date = if i % 97 == 0 {
                "2019-13-45"
            } else {
                "2019-03-14"
            };
            t.push_str(&format!(
                "{no},{title},发明,G06V 40/12,{date},有效,某公司,{},{},门锁\r\n",
                i % 30 + 1,
                if i % 211 == 0 { "x" } else { "1" }
            ));
            if i % 50 == 0 {
                t.push_str("\r\n");
            }
        }
        t
    }

    /// Read in one run, whatever the size.
    const ONE_PASS: (usize, usize) = (usize::MAX, 1);

    #[test]
    fn split_reading_gives_the_frame_and_messages_of_one_pass() {
        let t = text(3_000);
        let one = read_portfolio(&t, None, ONE_PASS);
        for threads in [2, 3, 7] {
            let split = read_portfolio(&t, None, (0, threads));
            let (Err(a), Err(b)) = (&one, &split) else {
                panic!("both reads should fail on the bad cells");
            };
            assert!(a.list.len() > 30, "{:#?}", a.list);
            assert_eq!(a.list, b.list, "{threads} runs");
            assert_eq!(
                (a.suppressed, a.error_count()),
                (b.suppressed, b.error_count())
            );
        }
        // A clean text: the same frame.
        let clean: String = t
            .lines()
            .filter(|l| !l.contains("2019-13-45") && !l.contains(",x"))
            .collect::<Vec<_>>()
            .join("\n");
        let one = read_portfolio(&clean, None, ONE_PASS);
        let split = read_portfolio(&clean, None, (0, 4));
        match (one, split) {
            (Ok((a, _, _)), Ok((b, _, _))) => assert!(a.equals_missing(&b)),
            (Err(a), Err(b)) => assert_eq!(a.list, b.list),
            _ => panic!("one read failed and the other did not"),
        }
    }

    /// Text columns that address the file's bytes hold what copied ones hold: cells read as
    /// written, changed ones (full-width forms, lower-case patent numbers, enum codes), quoted
    /// ones (read by the state machine), long and short ones.
    #[test]
    fn columns_on_the_file_bytes_are_the_copied_columns() {
        let mut t = format!("{HEADER}\n");
        for i in 0..3_000 {
            let no = if i % 5 == 0 {
                format!("cn2017105{i:05}.x")
            } else {
                format!("CN2017105{i:05}.X")
            };
            let title = match i % 4 {
                0 => format!("\"一种方法,第{i}部分\""),
                1 => format!("一种ＡＢＣ方法{i}"),
                _ => format!("一种基于毫米波雷达的电量估算方法{i}"),
            };
            let group = if i % 3 == 0 {
                "产品线0074号"
            } else {
                "门锁"
            };
            t.push_str(&format!(
                "{no},{title},发明,G06V 40/12,2019-03-14,有效,深圳市星河智联科技有限公司,{},1,{group}\n",
                i % 30 + 1
            ));
        }
        let bytes = std::sync::Arc::new(t.into_bytes());
        let text = std::str::from_utf8(&bytes).unwrap();
        let shared = SharedBytes::new(&bytes);
        let read = |shared, split| {
            read_portfolio(text, shared, split)
                .map_err(|p| p.list)
                .expect("a clean table")
                .0
        };
        let copied = read(None, ONE_PASS);
        for split in [ONE_PASS, (0, 3)] {
            let viewed = read(Some(&shared), split);
            assert!(copied.equals_missing(&viewed), "{copied}\n{viewed}");
            // The titles written as they are read are views of the bytes, not copies.
            let titles = viewed.column("title").unwrap().str().unwrap().clone();
            let on_bytes = titles.downcast_iter().any(|a| {
                a.data_buffers()
                    .iter()
                    .any(|b| b.as_slice().as_ptr() == bytes.as_ptr())
            });
            assert!(on_bytes);
        }
    }

    #[test]
    fn without_quotes_runs_start_at_line_breaks_as_the_state_machine_finds() {
        let t = "a,b\r\n1,2\r\n\r\n3,4\n5,6\r7,8\n9,10\n\n\n11,12\n13,14\n15,16";
        for parts in 2..8 {
            let lines = line_starts(t, parts).expect("no quotes");
            let records = record_starts(t, b',', parts);
            for &(s, line) in &lines[1..] {
                assert!(t[..s].ends_with('\n'), "{s}");
                assert_eq!(line, 1 + t[..s].matches('\n').count(), "{s}");
            }
            assert_eq!(
                lines.len(),
                records.len(),
                "{parts} parts: {lines:?} {records:?}"
            );
        }
        // A quote before the last cut: the state machine must find the records.
        assert_eq!(line_starts("a,b\n\"1\",2\n3,4\n5,6\n", 2), None);
    }

    #[test]
    fn runs_start_at_records_not_inside_quotes() {
        let t = "a,b\n1,\"x\ny\nz\"\n2,3\n4,5\n";
        let starts = record_starts(t, b',', 4);
        assert_eq!(starts[0], (0, 1));
        for &(s, line) in &starts[1..] {
            assert!(t[..s].ends_with('\n'), "{s}");
            assert!(!t[..s].ends_with("x\n") && !t[..s].ends_with("y\n"), "{s}");
            // The line a run starts on counts the line breaks inside quotes before it.
            assert_eq!(line, 1 + t[..s].matches('\n').count(), "{s}");
        }
    }
}
