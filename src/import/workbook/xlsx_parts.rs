//! The parts of an `.xlsx` workbook that its sheets' cells need, read once: where each sheet's
//! XML is, the shared strings, which cell styles show dates, and the date system. calamine opens
//! the workbook (its sheets, which are hidden, whether it is encrypted or damaged); these parts
//! let a sheet's own XML be read in runs on every core ([`super::xlsx_rows`]).

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

/// How a cell style shows a number: as a date (or date-time), as a time span, or otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberShown {
    Other,
    Date,
    Span,
}

/// What the cells of every sheet refer to.
#[derive(Debug, Default)]
pub struct CellParts {
    pub strings: Vec<String>,
    /// Per cell style (`s="N"`): how it shows a number.
    pub styles: Vec<NumberShown>,
    /// Dates count from 1904 (old Mac workbooks) rather than 1900.
    pub is_1904: bool,
}

/// An `.xlsx` package opened for reading its sheets' XML.
pub struct XlsxParts<'b> {
    zip: zip::ZipArchive<Cursor<&'b [u8]>>,
    /// Sheet name and the path of its XML in the package.
    sheets: Vec<(String, String)>,
    pub cells: CellParts,
}

impl<'b> XlsxParts<'b> {
    pub fn open(bytes: &'b [u8], is_1904: bool) -> Result<Self, String> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
        let main = relationships(&mut zip, "_rels/.rels")?
            .into_iter()
            .find(|(_, typ, _)| typ.ends_with("/officeDocument"))
            .map_or_else(
                || "xl/workbook.xml".to_string(),
                |(_, _, t)| resolve("", &t),
            );
        let base = main.rfind('/').map_or("", |i| &main[..=i]).to_string();
        let rels_path = format!("{base}_rels/{}.rels", &main[base.len()..]);
        let rels = relationships(&mut zip, &rels_path)?;
        let target = |typ: &str| {
            rels.iter()
                .find(|(_, t, _)| t.ends_with(typ))
                .map(|(_, _, target)| resolve(&base, target))
        };
        let strings = match target("/sharedStrings") {
            Some(path) => entry_text(&mut zip, &path)?
                .map(|x| shared_strings(&x))
                .transpose()?
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let styles = match target("/styles") {
            Some(path) => entry_text(&mut zip, &path)?
                .map(|x| cell_styles(&x))
                .transpose()?
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let book = entry_text(&mut zip, &main)?.ok_or("the package has no workbook part")?;
        let sheets = sheet_paths(&book, &rels, &base)?;
        Ok(Self {
            zip,
            sheets,
            cells: CellParts {
                strings,
                styles,
                is_1904,
            },
        })
    }

    /// The sheet's XML as it is inflated, its inflated size, and what its cells refer to.
    pub fn sheet(
        &mut self,
        name: &str,
    ) -> Result<(impl Read + Send + '_, u64, &CellParts), String> {
        let path = self
            .sheets
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p.clone())
            .ok_or_else(|| format!("the workbook lists no part for sheet {name}"))?;
        let file = self
            .zip
            .by_name(&path)
            .map_err(|e| format!("{path}: {e}"))?;
        let size = file.size();
        Ok((file, size, &self.cells))
    }
}

/// A part of the package as text; `None` when the package has no such part.
fn entry_text(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    path: &str,
) -> Result<Option<String>, String> {
    let mut file = match zip.by_name(path) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("{path}: {e}")),
    };
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|e| format!("{path}: {e}"))?;
    Ok(Some(text))
}

/// A relationships part: (id, type, target) of each relationship.
fn relationships(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    path: &str,
) -> Result<Vec<(String, String, String)>, String> {
    let Some(text) = entry_text(zip, path)? else {
        return Ok(Vec::new());
    };
    let doc = roxmltree::Document::parse(&text).map_err(|e| format!("{path}: {e}"))?;
    Ok(doc
        .descendants()
        .filter(|n| n.tag_name().name() == "Relationship")
        .map(|n| {
            let a = |k: &str| n.attribute(k).unwrap_or("").to_string();
            (a("Id"), a("Type"), a("Target"))
        })
        .collect())
}

/// A relationship's target as a path in the package: absolute (`/xl/…`) or relative to `base`.
fn resolve(base: &str, target: &str) -> String {
    match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => {
            let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
            for p in target.split('/') {
                match p {
                    ".." => {
                        parts.pop();
                    }
                    "." | "" => {}
                    p => parts.push(p),
                }
            }
            parts.join("/")
        }
    }
}

/// Each sheet's name and the path of its XML, from the workbook part and its relationships.
fn sheet_paths(
    book: &str,
    rels: &[(String, String, String)],
    base: &str,
) -> Result<Vec<(String, String)>, String> {
    let doc = roxmltree::Document::parse(book).map_err(|e| format!("workbook part: {e}"))?;
    let mut out = Vec::new();
    for sheet in doc.descendants().filter(|n| n.tag_name().name() == "sheet") {
        let id = sheet
            .attributes()
            .find(|a| a.name() == "id" && a.namespace().is_some())
            .map(|a| a.value());
        let (Some(name), Some(id)) = (sheet.attribute("name"), id) else {
            continue;
        };
        if let Some((_, _, target)) = rels.iter().find(|(i, _, _)| i == id) {
            out.push((name.to_string(), resolve(base, target)));
        }
    }
    Ok(out)
}

/// The shared strings table.
fn shared_strings(xml: &str) -> Result<Vec<String>, String> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "si" => {
                out.push(read_rich(&mut reader, "si")?);
            }
            Ok(Event::Empty(e)) if e.local_name().as_ref() == "si" => out.push(String::new()),
            Ok(Event::Eof) => return Ok(out),
            Err(e) => return Err(format!("shared strings: {e}")),
            _ => {}
        }
    }
}

/// The text of a string item (`<si>`, or an inline `<is>`) up to its end tag: plain or rich text
/// (runs joined), phonetic guides (`<rPh>`) left out, each run trimmed unless it preserves its
/// spaces, and OOXML's `_xHHHH_` escapes resolved, as calamine reads them.
pub fn read_rich(reader: &mut Reader<&[u8]>, end: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut phonetic = false;
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) if e.local_name().as_ref() == "rPh" => phonetic = true,
            Event::End(e) if e.local_name().as_ref() == "rPh" => phonetic = false,
            Event::Start(e) if e.local_name().as_ref() == "t" && !phonetic => {
                let preserve = e
                    .attributes()
                    .flatten()
                    .any(|a| a.key.as_ref() == "xml:space" && a.value.as_ref() == "preserve");
                let mut text = String::new();
                read_text(reader, "t", &mut text)?;
                let text = if preserve {
                    &text[..]
                } else {
                    text.trim_matches([' ', '\t', '\r', '\n'])
                };
                unescape_ooxml(text, &mut out);
            }
            Event::End(e) if e.local_name().as_ref() == end => return Ok(out),
            Event::Eof => return Err("the XML ends inside a string".into()),
            _ => {}
        }
    }
}

/// Appends the text of the element being read, up to its end tag, to `out`: text, CDATA and
/// entity references resolved.
fn read_text(reader: &mut Reader<&[u8]>, end: &str, out: &mut String) -> Result<(), String> {
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Text(t) => out.push_str(&t.xml10_content()),
            Event::CData(t) => out.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let ch = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => quick_xml::escape::resolve_predefined_entity(&r)
                        .and_then(|s| s.chars().next()),
                };
                match ch {
                    Some(c) => out.push(c),
                    None => return Err(format!("unknown entity &{};", &*r)),
                }
            }
            Event::End(e) if e.local_name().as_ref() == end => return Ok(()),
            Event::Eof => return Err("the XML ends inside a value".into()),
            _ => {}
        }
    }
}

/// Resolves OOXML's `_xHHHH_` escapes (a control character or a UTF-16 unit written in hex).
pub fn unescape_ooxml(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(i) = rest.find("_x") {
        let unit = |s: &str| {
            let hex = s.get(2..6)?;
            (s.as_bytes().get(6) == Some(&b'_')).then_some(())?;
            u16::from_str_radix(hex, 16).ok()
        };
        let Some(u) = unit(&rest[i..]) else {
            out.push_str(&rest[..i + 2]);
            rest = &rest[i + 2..];
            continue;
        };
        out.push_str(&rest[..i]);
        rest = &rest[i + 7..];
        let c = match u {
            0xD800..=0xDBFF => match unit(rest) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    rest = &rest[7..];
                    char::from_u32(
                        0x10000 + ((u32::from(u) - 0xD800) << 10) + (u32::from(low) - 0xDC00),
                    )
                }
                _ => None,
            },
            u => char::from_u32(u32::from(u)),
        };
        out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
    }
    out.push_str(rest);
}

/// How each cell style (`cellXfs`) shows a number, from its number format.
fn cell_styles(xml: &str) -> Result<Vec<NumberShown>, String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("styles: {e}"))?;
    let custom: Vec<(&str, &str)> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "numFmt")
        .filter_map(|n| Some((n.attribute("numFmtId")?, n.attribute("formatCode")?)))
        .collect();
    let Some(xfs) = doc.descendants().find(|n| n.tag_name().name() == "cellXfs") else {
        return Ok(Vec::new());
    };
    Ok(xfs
        .children()
        .filter(|n| n.tag_name().name() == "xf")
        .map(|xf| {
            let id = xf.attribute("numFmtId").unwrap_or("0");
            match custom.iter().find(|(i, _)| *i == id) {
                Some((_, code)) => custom_format(code),
                None => builtin_format(id.parse().unwrap_or(0)),
            }
        })
        .collect())
}

/// The built-in number formats that show dates and times (ECMA-376 18.8.30; 27–36 and 50–58
/// are the East Asian date formats, such as `yyyy年m月d日`).
fn builtin_format(id: u32) -> NumberShown {
    match id {
        14..=22 | 27..=36 | 45 | 47 | 50..=58 => NumberShown::Date,
        46 => NumberShown::Span,
        _ => NumberShown::Other,
    }
}

/// Whether a custom number format shows a date: a date or time letter outside quotes, escapes
/// and brackets in its first section; `[h]`, `[m]`, `[s]` make it a time span. (calamine's rule,
/// MIT licence, which it ports from openpyxl.)
fn custom_format(code: &str) -> NumberShown {
    let (mut escaped, mut quoted, mut ap, mut hms) = (false, false, false, false);
    let mut brackets = 0u8;
    let mut prev = ' ';
    for c in code.chars() {
        match (c, escaped, quoted, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => quoted = false,
            (_, _, true, _, _) => {}
            ('"', ..) => quoted = true,
            (';', ..) => return NumberShown::Other,
            ('[', ..) => brackets += 1,
            (']', .., 1) if hms => return NumberShown::Span,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return NumberShown::Date,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => {
                return NumberShown::Date;
            }
            _ => {
                if !(hms && c.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(c, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = c;
    }
    NumberShown::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_formats_are_told() {
        for code in [
            "yyyy-mm-dd",
            "yyyy\"年\"m\"月\"d\"日\"",
            "m/d/yy h:mm",
            "[$-804]yyyy/m/d",
        ] {
            assert_eq!(custom_format(code), NumberShown::Date, "{code}");
        }
        for code in ["0.00", "#,##0", "@", "0%", "\"day\"0", "0.00;[Red]-0.00"] {
            assert_eq!(custom_format(code), NumberShown::Other, "{code}");
        }
        assert_eq!(custom_format("[h]:mm:ss"), NumberShown::Span);
        assert_eq!(builtin_format(14), NumberShown::Date);
        assert_eq!(builtin_format(31), NumberShown::Date);
        assert_eq!(builtin_format(4), NumberShown::Other);
    }

    #[test]
    fn strings_are_read_as_excel_shows_them() {
        let xml = r#"<sst><si><t>专利</t></si><si><r><t>一种</t></r><r><rPr/><t xml:space="preserve"> 方法 </t></r><rPh><t>ほう</t></rPh></si><si><t>a &amp; b_x000D_c</t></si><si/></sst>"#;
        let s = shared_strings(xml).unwrap();
        assert_eq!(s, ["专利", "一种 方法 ", "a & b\rc", ""]);
        let mut out = String::new();
        unescape_ooxml("x_x00e9_y_xD83D__xDE00_z_x12_", &mut out);
        assert_eq!(out, "xéy😀z_x12_");
    }

    #[test]
    fn targets_resolve_in_the_package() {
        assert_eq!(
            resolve("xl/", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl/", "/xl/worksheets/s.xml"),
            "xl/worksheets/s.xml"
        );
        assert_eq!(resolve("xl/", "../custom/s.xml"), "custom/s.xml");
    }
}
