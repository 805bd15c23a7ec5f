//! Word tables written as XML directly. A 1,000-patent report holds hundreds of thousands of
//! cells; built as docx-rs elements they took most of the export's time and over a gigabyte.
//! Each table is written in parallel to the same markup docx-rs gives (borders, grid, header
//! row repeated on every page, 9-point text, numbers right-aligned) and put in the place of a
//! placeholder paragraph once the rest of the body is written.

use std::fmt::Write as _;

use docx_rs::{Paragraph, Run};
use rayon::prelude::*;

use super::TEXT_W_TWIPS;
use crate::report::ReportError;
use crate::report::doc::Table;

/// Marks a placeholder's text; private-use, so no report text contains it.
const MARK: char = '\u{E000}';

/// The paragraph that holds table `n`'s place in the body.
pub fn placeholder(n: usize) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(format!("{MARK}table-{n}{MARK}")))
}

/// The tables' XML, in order, written in parallel.
pub fn write_all(tables: &[&Table]) -> Vec<String> {
    tables.par_iter().map(|t| xml(t)).collect()
}

/// Puts each table in the place of its placeholder paragraph (the whole `w:p` element).
pub fn substitute(body: &str, tables: &[String]) -> Result<String, ReportError> {
    let extra: usize = tables.iter().map(String::len).sum();
    let mut out = String::with_capacity(body.len() + extra);
    let mut rest = body;
    for (n, t) in tables.iter().enumerate() {
        let marker = format!("{MARK}table-{n}{MARK}");
        let missing = || ReportError::Docx(format!("table {n}'s place is missing in the body"));
        let at = rest.find(&marker).ok_or_else(missing)?;
        let start = rest[..at]
            .rfind("<w:p ")
            .or_else(|| rest[..at].rfind("<w:p>"));
        let start = start.ok_or_else(missing)?;
        let end = at + rest[at..].find("</w:p>").ok_or_else(missing)? + "</w:p>".len();
        out.push_str(&rest[..start]);
        out.push_str(t);
        rest = &rest[end..];
    }
    out.push_str(rest);
    Ok(out)
}

/// One table: borders, column grid, a header row that repeats, then the body rows.
fn xml(t: &Table) -> String {
    const BORDER: &str = "w:val=\"single\" w:sz=\"2\" w:space=\"0\" w:color=\"000000\"";
    let cells: usize = t.rows.iter().map(Vec::len).sum::<usize>() + t.headers.len();
    let mut x = String::with_capacity(600 + cells * 220);
    let _ = write!(
        x,
        "<w:tbl><w:tblPr><w:tblW w:w=\"{TEXT_W_TWIPS}\" w:type=\"dxa\" /><w:jc w:val=\"left\" /><w:tblBorders>"
    );
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        let _ = write!(x, "<w:{side} {BORDER} />");
    }
    x.push_str("</w:tblBorders></w:tblPr><w:tblGrid>");
    let total: f32 = t.widths.iter().sum::<f32>().max(f32::EPSILON);
    for w in &t.widths {
        let twips = (TEXT_W_TWIPS as f32 * w / total) as usize;
        let _ = write!(x, "<w:gridCol w:w=\"{twips}\" w:type=\"dxa\" />");
    }
    x.push_str("</w:tblGrid>");
    row(&mut x, t, &t.headers, true);
    for r in &t.rows {
        row(&mut x, t, r, false);
    }
    x.push_str("</w:tbl>");
    x
}

fn row(x: &mut String, t: &Table, cells: &[String], header: bool) {
    x.push_str(if header {
        "<w:tr><w:trPr><w:cantSplit /><w:tblHeader /></w:trPr>"
    } else {
        "<w:tr><w:trPr />"
    });
    for (i, c) in cells.iter().enumerate() {
        let right = t.numeric.get(i).copied().unwrap_or(false);
        x.push_str("<w:tc><w:tcPr /><w:p><w:pPr><w:rPr />");
        if right {
            x.push_str("<w:jc w:val=\"right\" />");
        }
        x.push_str("</w:pPr><w:r><w:rPr><w:sz w:val=\"18\" /><w:szCs w:val=\"18\" />");
        if header {
            x.push_str("<w:b /><w:bCs />");
        }
        x.push_str("</w:rPr><w:t xml:space=\"preserve\">");
        escape(x, c);
        x.push_str("</w:t></w:r></w:p></w:tc>");
    }
    x.push_str("</w:tr>");
}

/// Text as XML character data.
fn escape(x: &mut String, s: &str) {
    for ch in s.chars() {
        match ch {
            '&' => x.push_str("&amp;"),
            '<' => x.push_str("&lt;"),
            '>' => x.push_str("&gt;"),
            '"' => x.push_str("&quot;"),
            '\'' => x.push_str("&apos;"),
            c => x.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_takes_its_placeholders_place_with_its_text_escaped() {
        let t = Table {
            headers: vec!["名称".into(), "金额".into()],
            rows: vec![vec!["A & <B>".into(), "1,234.50".into()]],
            numeric: vec![false, true],
            widths: vec![1.0, 1.0],
        };
        let tables = write_all(&[&t, &t]);
        let body = format!(
            "<w:p><w:r><w:t>before</w:t></w:r></w:p><w:p w14:paraId=\"1\"><w:r><w:t>{MARK}table-0{MARK}</w:t></w:r></w:p><w:p><w:r><w:t>{MARK}table-1{MARK}</w:t></w:r></w:p>"
        );
        let out = substitute(&body, &tables).unwrap();
        assert!(!out.contains(MARK), "every placeholder replaced");
        assert_eq!(out.matches("<w:tbl>").count(), 2);
        assert!(out.starts_with("<w:p><w:r><w:t>before</w:t></w:r></w:p><w:tbl>"));
        assert!(out.contains("A &amp; &lt;B&gt;"));
        assert!(out.contains("<w:tblHeader />"));
        assert!(
            roxmltree::Document::parse(&format!("<r xmlns:w=\"w\" xmlns:w14=\"x\">{out}</r>"))
                .is_ok()
        );
        assert!(
            substitute(&body, &write_all(&[&t, &t, &t])).is_err(),
            "a lost place is an error"
        );
    }
}
