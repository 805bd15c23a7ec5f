//! Reading a .docx back (tests and `verify`): the body's paragraphs, its tables with the
//! heading before each, and the custom properties.

use std::io::{Cursor, Read};

use super::{W, err};
use crate::report::ReportError;

/// The text of a .docx's body, paragraph by paragraph (tests and `verify`), and its custom
/// properties.
pub struct DocxText {
    pub paragraphs: Vec<String>,
    /// The body's tables in order, each with the paragraph just before it.
    pub tables: Vec<DocxTable>,
    /// `word/document.xml` as stored.
    pub xml: String,
    pub properties: Vec<(String, String)>,
}

/// Reads a .docx back: the body's paragraphs in order and the custom properties.
pub fn read(bytes: &[u8]) -> Result<DocxText, ReportError> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).map_err(err)?;
    let mut part = |name: &str| -> Result<String, ReportError> {
        let mut s = String::new();
        match z.by_name(name) {
            Ok(mut f) => {
                f.read_to_string(&mut s).map_err(err)?;
            }
            Err(zip::result::ZipError::FileNotFound) => {}
            Err(e) => return Err(err(e)),
        }
        Ok(s)
    };
    let xml = part("word/document.xml")?;
    let custom = part("docProps/custom.xml")?;
    Ok(DocxText {
        paragraphs: paragraphs(&xml)?,
        tables: tables(&xml)?,
        properties: properties(&custom)?,
        xml,
    })
}

fn parse(xml: &str) -> Result<Option<roxmltree::Document<'_>>, ReportError> {
    if xml.is_empty() {
        return Ok(None);
    }
    roxmltree::Document::parse(xml).map(Some).map_err(err)
}

/// The text of each `w:p` that has any, joining its `w:t` runs.
fn paragraphs(xml: &str) -> Result<Vec<String>, ReportError> {
    let Some(doc) = parse(xml)? else {
        return Ok(Vec::new());
    };
    Ok(doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .map(text_of)
        .filter(|s| !s.is_empty())
        .collect())
}

/// A table read back: the text of the last non-empty paragraph before it (its heading), and
/// every row's cells, empty cells included.
#[derive(Debug, Clone)]
pub struct DocxTable {
    pub after: String,
    pub rows: Vec<Vec<String>>,
}

/// The text of a node's `w:t` runs.
fn text_of(n: roxmltree::Node) -> String {
    n.descendants()
        .filter(|t| t.has_tag_name((W, "t")))
        .filter_map(|t| t.text())
        .collect()
}

/// The tables among the body's children, each after the paragraph that precedes it.
fn tables(xml: &str) -> Result<Vec<DocxTable>, ReportError> {
    let Some(doc) = parse(xml)? else {
        return Ok(Vec::new());
    };
    let Some(body) = doc.descendants().find(|n| n.has_tag_name((W, "body"))) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut after = String::new();
    for n in body.children() {
        if n.has_tag_name((W, "p")) {
            let t = text_of(n);
            if !t.is_empty() {
                after = t;
            }
        } else if n.has_tag_name((W, "tbl")) {
            let rows = n
                .children()
                .filter(|r| r.has_tag_name((W, "tr")))
                .map(|r| {
                    r.children()
                        .filter(|c| c.has_tag_name((W, "tc")))
                        .map(text_of)
                        .collect()
                })
                .collect();
            out.push(DocxTable {
                after: after.clone(),
                rows,
            });
        }
    }
    Ok(out)
}

/// The custom document properties as (name, text value).
fn properties(xml: &str) -> Result<Vec<(String, String)>, ReportError> {
    let Some(doc) = parse(xml)? else {
        return Ok(Vec::new());
    };
    Ok(doc
        .descendants()
        .filter(|n| n.tag_name().name() == "property")
        .map(|p| {
            let name = p.attribute("name").unwrap_or_default().to_string();
            let value = p
                .descendants()
                .find(|n| n.tag_name().name() == "lpwstr")
                .and_then(|n| n.text())
                .unwrap_or_default()
                .to_string();
            (name, value)
        })
        .collect())
}
