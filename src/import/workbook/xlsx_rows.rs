//! An `.xlsx` sheet's XML read in runs on every core. One thread inflates the XML and cuts it
//! into blocks of whole rows (after a row's end tag, which cannot occur inside a value: XML
//! escapes `<` there); each block's rows are parsed where its records are read. Cells are read
//! as calamine reads them (types, shared strings, date styles, formulas' cached values), into
//! the same [`Row`]s as a streamed or whole sheet.

use std::io::Read;
use std::sync::mpsc::SyncSender;

use calamine::{CellErrorType, DataRef, ExcelDateTime, ExcelDateTimeType};
use quick_xml::Reader;

use super::sheet::{Row, push_cell};
use super::value;
use super::xlsx_parts::{CellParts, NumberShown, read_rich, unescape_ooxml};
use super::xlsx_scan::{Cell, Item, Scan};

/// A block of whole rows of a sheet's XML, or why the XML could not be inflated.
pub type Block = Result<String, String>;

/// Inflates a sheet's XML and sends it in blocks of whole rows of about `size` bytes, until the
/// XML ends or the receiver is gone. The first block holds at least `first_rows` rows (where the
/// header is looked for), or the whole sheet. A sheet whose rows do not number themselves (`<row r=…>`,
/// which every common writer gives) is sent as one block: its row numbers need every row before.
pub fn cut_blocks(mut xml: impl Read, mut size: usize, first_rows: usize, tx: &SyncSender<Block>) {
    let mut buf: Vec<u8> = Vec::with_capacity(size.min(64 << 20) + (64 << 10));
    let mut chunk = vec![0u8; size.clamp(1, 64 << 10)];
    let (mut numbering_checked, mut sent) = (false, false);
    let send = |block: Vec<u8>| {
        let block =
            String::from_utf8(block).map_err(|_| "the sheet's XML is not UTF-8".to_string());
        let failed = block.is_err();
        tx.send(block).is_ok() && !failed
    };
    loop {
        let n = match xml.read(&mut chunk) {
            Ok(n) => n,
            Err(e) => {
                let _ = tx.send(Err(e.to_string()));
                return;
            }
        };
        if n == 0 {
            if !buf.is_empty() || !sent {
                send(buf);
            }
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
        if !numbering_checked && let Some(numbered) = first_row_numbered(&buf) {
            numbering_checked = true;
            if !numbered {
                size = usize::MAX;
            }
        }
        if buf.len() >= size
            && (sent || row_ends(&buf) >= first_rows)
            && let Some(cut) = last_row_end(&buf)
        {
            let rest = buf[cut..].to_vec();
            buf.truncate(cut);
            if !send(std::mem::replace(&mut buf, rest)) {
                return;
            }
            buf.reserve(size.min(64 << 20));
            sent = true;
        }
    }
}

/// Whether the sheet's first row has an `r` (row number) attribute; `None` while the text read
/// so far does not hold its start tag whole.
fn first_row_numbered(xml: &[u8]) -> Option<bool> {
    let text = match std::str::from_utf8(xml) {
        Ok(t) => t,
        // The read may have cut a character: look at the text before it.
        Err(e) => std::str::from_utf8(&xml[..e.valid_up_to()]).ok()?,
    };
    match Scan::new(text).next_item() {
        Ok(Some(Item::RowStart { r, .. })) => Some(r.is_some()),
        _ => None,
    }
}

/// The offset just after the text's last row end tag (`</row>` or `</x:row>`).
fn last_row_end(xml: &[u8]) -> Option<usize> {
    memchr::memmem::rfind_iter(xml, b"row>")
        .find(|&i| is_row_end(xml, i))
        .map(|i| i + 4)
}

/// How many row end tags the text holds.
fn row_ends(xml: &[u8]) -> usize {
    memchr::memmem::find_iter(xml, b"row>")
        .filter(|&i| is_row_end(xml, i))
        .count()
}

/// Whether the `row>` at `i` ends a row end tag (`</row>`, `</x:row>`).
fn is_row_end(xml: &[u8], i: usize) -> bool {
    let before = &xml[..i];
    let Some(lt) = before.iter().rposition(|&b| b == b'<') else {
        return false;
    };
    let name = &before[lt + 1..];
    name.first() == Some(&b'/')
        && (name.len() == 1 || name.last() == Some(&b':'))
        && name[1..]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b':' || b == b'_')
}

/// The number of rows a sheet declares (`<dimension ref="A1:O1000001"/>`), 0 when it does not.
pub fn declared_rows(xml: &str) -> u64 {
    let Some(at) = xml.find("<dimension ").or_else(|| xml.find(":dimension ")) else {
        return 0;
    };
    let tag = &xml[at..xml[at..].find('>').map_or(xml.len(), |e| at + e)];
    let Some(reference) = tag.split("ref=\"").nth(1).and_then(|r| r.split('"').next()) else {
        return 0;
    };
    let last = reference.rsplit(':').next().unwrap_or("");
    last.trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .unwrap_or(0)
}

/// The rows with content in a block, and the error that ended it, if one did.
pub fn parse_block(xml: &str, parts: &CellParts) -> (Vec<Row>, Option<String>) {
    let mut scan = Scan::new(xml);
    let mut rows = Vec::new();
    let mut row: Option<Row> = None;
    let (mut row_no, mut next_col) = (0usize, 0u32);
    let (mut text, mut shown) = (String::new(), String::new());
    loop {
        let item = match scan.next_item() {
            Ok(Some(item)) => item,
            Ok(None) => break,
            Err(e) => return (rows, Some(e)),
        };
        match item {
            Item::RowStart { r, empty } => {
                row_no = r.and_then(|r| r.trim().parse().ok()).unwrap_or(row_no + 1);
                next_col = 0;
                row = (!empty).then(|| Row::new(row_no));
            }
            Item::RowEnd => {
                if let Some(r) = row.take().filter(|r| !r.record.is_empty()) {
                    rows.push(r);
                }
            }
            Item::Cell(cell) => {
                let col = cell.r.and_then(column_of).unwrap_or(next_col);
                next_col = col + 1;
                let value = match cell_value(&cell, parts, &mut text) {
                    Ok(v) => v,
                    Err(e) => return (rows, Some(e)),
                };
                let (Some(r), false) = (&mut row, matches!(value, DataRef::Empty)) else {
                    continue;
                };
                let read = value::write_text(&value, &mut shown);
                let read = read
                    .as_ref()
                    .map(|()| shown.as_str())
                    .map_err(String::clone);
                push_cell(r, col as usize, read);
            }
        }
    }
    if let Some(r) = row.filter(|r| !r.record.is_empty()) {
        rows.push(r);
    }
    (rows, None)
}

/// The 0-based column of a cell reference (`B2` → 1).
fn column_of(reference: &str) -> Option<u32> {
    let letters = reference.bytes().take_while(u8::is_ascii_alphabetic);
    let n = letters.fold(0u32, |n, b| {
        n.saturating_mul(26) + u32::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    n.checked_sub(1)
}

/// A cell's value: its inline string, or its `<v>` (a formula's cached value) by type and style.
fn cell_value<'p>(
    cell: &Cell<'_>,
    parts: &'p CellParts,
    text: &mut String,
) -> Result<DataRef<'p>, String> {
    let style = cell.s.and_then(|s| s.trim().parse().ok());
    if let Some(is) = cell.is {
        // The inline string's XML from after `<is>`: its end tag closes no tag it opened.
        let mut reader = Reader::from_str(is);
        reader.config_mut().allow_unmatched_ends = true;
        return read_rich(&mut reader, "is").map(DataRef::String);
    }
    let (Some(v), false) = (cell.v, matches!(cell.t, Some("inlineStr" | "is"))) else {
        return Ok(DataRef::Empty);
    };
    text.clear();
    if v.contains(['&', '\r']) {
        let v = quick_xml::escape::unescape(v).map_err(|e| e.to_string())?;
        text.push_str(&v.replace("\r\n", "\n").replace('\r', "\n"));
    } else {
        text.push_str(v);
    }
    typed(text, style, cell.t, parts)
}

/// A `<v>` value by the cell's type and style, as calamine reads it.
fn typed<'p>(
    v: &str,
    style: Option<usize>,
    typ: Option<&str>,
    parts: &'p CellParts,
) -> Result<DataRef<'p>, String> {
    match typ {
        Some("s") if v.is_empty() => Ok(DataRef::Empty),
        Some("s") => {
            let i: usize = v.trim().parse().unwrap_or(usize::MAX);
            parts
                .strings
                .get(i)
                .map(|s| DataRef::SharedString(s))
                .ok_or_else(|| format!("the cell's shared string {v} is not in the workbook"))
        }
        Some("b") => match v {
            "1" | "true" => Ok(DataRef::Bool(true)),
            "0" | "false" => Ok(DataRef::Bool(false)),
            _ => Err(format!("\"{v}\" is no boolean")),
        },
        Some("d") => Ok(DataRef::DateTimeIso(v.to_string())),
        Some("e") => error_value(v).map(DataRef::Error),
        Some("str") => {
            let mut s = String::new();
            unescape_ooxml(v, &mut s);
            Ok(DataRef::String(s))
        }
        Some("n") | None if v.is_empty() => Ok(DataRef::Empty),
        Some("n") | None => match v.parse::<f64>() {
            Ok(n) => Ok(number(n, style, parts)),
            Err(_) if typ.is_none() => Ok(DataRef::String(v.to_string())),
            Err(_) => Err(format!("\"{v}\" is no number")),
        },
        Some(t) => Err(format!("unknown cell type t=\"{t}\"")),
    }
}

/// A number as its style shows it: a date, a time span, or a number.
fn number(n: f64, style: Option<usize>, parts: &CellParts) -> DataRef<'static> {
    let shown = match style {
        Some(s) => parts.styles.get(s).copied(),
        None => Some(NumberShown::Other),
    };
    let kind = match shown {
        Some(NumberShown::Date) => ExcelDateTimeType::DateTime,
        Some(NumberShown::Span) => ExcelDateTimeType::TimeDelta,
        _ => return DataRef::Float(n),
    };
    DataRef::DateTime(ExcelDateTime::new(n, kind, parts.is_1904))
}

fn error_value(v: &str) -> Result<CellErrorType, String> {
    Ok(match v {
        "#DIV/0!" => CellErrorType::Div0,
        "#N/A" => CellErrorType::NA,
        "#NAME?" => CellErrorType::Name,
        "#NULL!" => CellErrorType::Null,
        "#NUM!" => CellErrorType::Num,
        "#REF!" => CellErrorType::Ref,
        "#VALUE!" => CellErrorType::Value,
        _ => return Err(format!("unknown formula error {v}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> CellParts {
        CellParts {
            strings: vec!["专利号".into(), "CN1".into()],
            styles: vec![NumberShown::Other, NumberShown::Date],
            is_1904: false,
        }
    }

    #[test]
    fn cells_are_read_by_type_and_style() {
        let xml = r#"<worksheet><dimension ref="A1:F3"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>申请日</t></is></c></row><row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3"><f>1/0</f><v>#DIV/0!</v></c><c r="B3" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C3" s="1"><v>44256</v></c><c s="0"><v>202110000001</v></c><c r="F3" t="str"><v>a&amp;b</v></c></row><row r="4"><c r="A4" s="1"/></row></sheetData></worksheet>"#;
        assert_eq!(declared_rows(xml), 3);
        let (rows, err) = parse_block(xml, &parts());
        assert_eq!(err, None);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].row, 1);
        assert_eq!(
            rows[0].record.iter().collect::<Vec<_>>(),
            ["专利号", "", "申请日"]
        );
        assert_eq!(rows[1].row, 3);
        assert_eq!(
            rows[1].record.iter().collect::<Vec<_>>(),
            // B3 has no type, so its text is text; D3 follows C3; E3 is empty.
            ["CN1", "#DIV/0!", "2021-03-01", "202110000001", "", "a&b"]
        );
        assert!(rows[1].unreadable.is_empty());
    }

    #[test]
    fn formula_errors_are_unreadable_cells() {
        let xml = r#"<row r="2"><c r="A2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="B2"><v>1</v></c></row>"#;
        let (rows, err) = parse_block(xml, &parts());
        assert_eq!(err, None);
        assert_eq!(rows[0].unreadable.len(), 1);
        assert_eq!(rows[0].unreadable[0].0, 0);
    }

    #[test]
    fn blocks_end_after_whole_rows() {
        let mut xml = String::from(r#"<x:worksheet><x:sheetData>"#);
        for r in 1..=2000 {
            xml.push_str(&format!(
                r#"<x:row r="{r}"><x:c r="A{r}"><x:v>{r}</x:v></x:c></x:row>"#
            ));
        }
        xml.push_str("</x:sheetData></x:worksheet>");
        let (tx, rx) = std::sync::mpsc::sync_channel(4096);
        cut_blocks(xml.as_bytes(), 1000, 1, &tx);
        drop(tx);
        let blocks: Vec<String> = rx.into_iter().map(Result::unwrap).collect();
        assert!(blocks.len() > 10, "{}", blocks.len());
        assert_eq!(blocks.concat(), xml);
        let rows: Vec<usize> = blocks
            .iter()
            .flat_map(|b| parse_block(b, &parts()).0)
            .map(|r| r.row)
            .collect();
        assert_eq!(rows, (1..=2000).collect::<Vec<_>>());
        // Rows without numbers: one block.
        let plain = "<sheetData><row><c><v>1</v></c></row><row><c><v>2</v></c></row></sheetData>"
            .repeat(50);
        let (tx, rx) = std::sync::mpsc::sync_channel(4096);
        cut_blocks(plain.as_bytes(), 100, 1, &tx);
        drop(tx);
        assert_eq!(rx.into_iter().count(), 1);
    }

    /// Every sheet of every `.xlsx` file the tests keep (built by rust_xlsxwriter and by
    /// LibreOffice), and of the templates, read whole and cut into small blocks, gives the rows
    /// that calamine gives.
    #[test]
    fn every_sheet_reads_as_calamine_reads_it() {
        use super::super::sheet::{Cells, RowReader};
        use super::super::xlsx_parts::XlsxParts;
        use calamine::Reader as _;
        use std::io::Cursor;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
        let mut files: Vec<(String, Vec<u8>)> = ["bad_workbooks", "workbooks"]
            .iter()
            .flat_map(|d| std::fs::read_dir(root.join(d)).unwrap())
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "xlsx"))
            .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
            .collect();
        for lang in [crate::report::ReportLang::Zh, crate::report::ReportLang::En] {
            let t = crate::import::template::template_xlsx(lang).unwrap();
            files.push((format!("template {lang:?}"), t));
        }
        let shape = |r: Row| {
            (
                r.row,
                r.record.iter().map(String::from).collect::<Vec<_>>(),
                r.unreadable,
            )
        };
        let mut compared = 0;
        for (name, bytes) in &files {
            let Ok(mut book) =
                calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(Cursor::new(&bytes[..]))
            else {
                continue;
            };
            let mut parts = XlsxParts::open(bytes, book.has_1904_epoch()).unwrap();
            for sheet in book.sheet_names() {
                let mut reader = RowReader::new(Cells {
                    range: book.worksheet_range(&sheet).unwrap(),
                    next: 0,
                });
                let want: Vec<_> = std::iter::from_fn(|| reader.next_row())
                    .map(shape)
                    .collect();
                let (mut xml, _, cells) = parts.sheet(&sheet).unwrap();
                let mut text = Vec::new();
                std::io::Read::read_to_end(&mut xml, &mut text).unwrap();
                for size in [usize::MAX, 300] {
                    let (tx, rx) = std::sync::mpsc::sync_channel(1 << 16);
                    cut_blocks(&text[..], size, 1, &tx);
                    drop(tx);
                    let got: Vec<_> = rx
                        .into_iter()
                        .flat_map(|b| {
                            let (rows, err) = parse_block(&b.unwrap(), cells);
                            assert_eq!(err, None, "{name} {sheet}");
                            rows
                        })
                        .map(shape)
                        .collect();
                    assert_eq!(got, want, "{name}, sheet {sheet}, blocks of {size}");
                }
                compared += 1;
            }
        }
        assert!(compared >= 39, "{compared} sheets");
    }
}
