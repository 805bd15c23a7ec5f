//! A sheet's XML as the rows and cells it holds, found by scanning for tags (memchr) rather than
//! by a general XML parser: `sheetData` is a flat, regular structure (`<row>`, `<c>` with `<v>`,
//! `<f>` or `<is>`), and this scan reads it several times faster than an event parser, which
//! matters at a million rows. Everything else in the sheet (columns, views, merges, comments,
//! processing instructions, CDATA) is skipped. An inline string's XML is handed back whole for
//! an XML parser to read.

/// What the scan finds.
#[derive(Debug, PartialEq)]
pub enum Item<'x> {
    /// A row starts: its `r` (1-based row number), and whether it is empty (`<row …/>`).
    RowStart {
        r: Option<&'x str>,
        empty: bool,
    },
    RowEnd,
    Cell(Cell<'x>),
}

/// A cell's attributes and raw content.
#[derive(Debug, Default, PartialEq)]
pub struct Cell<'x> {
    pub r: Option<&'x str>,
    pub s: Option<&'x str>,
    pub t: Option<&'x str>,
    /// The text of its `<v>`, entities not yet resolved.
    pub v: Option<&'x str>,
    /// The XML inside its `<is>` (an inline string), up to and including `</is>`.
    pub is: Option<&'x str>,
}

/// One tag.
struct Tag<'x> {
    /// The name without its namespace prefix; empty for comments, CDATA and the like.
    local: &'x str,
    closing: bool,
    /// `<… />`
    empty: bool,
    attrs: &'x str,
    /// Where the text after the tag starts.
    after: usize,
}

/// Scans a sheet's XML (or a block of its rows) from the start.
pub struct Scan<'x> {
    xml: &'x str,
    pos: usize,
}

impl<'x> Scan<'x> {
    pub fn new(xml: &'x str) -> Self {
        Self { xml, pos: 0 }
    }

    /// The next row start, row end or cell.
    pub fn next_item(&mut self) -> Result<Option<Item<'x>>, String> {
        while let Some(tag) = self.next_tag()? {
            match (tag.closing, tag.local) {
                (true, "row") => return Ok(Some(Item::RowEnd)),
                (false, "row") => {
                    let r = attrs(tag.attrs).find(|(k, _)| *k == "r").map(|(_, v)| v);
                    let empty = tag.empty;
                    return Ok(Some(Item::RowStart { r, empty }));
                }
                (false, "c") => {
                    let mut cell = Cell::default();
                    for (k, v) in attrs(tag.attrs) {
                        match k {
                            "r" => cell.r = Some(v),
                            "s" => cell.s = Some(v),
                            "t" => cell.t = Some(v),
                            _ => {}
                        }
                    }
                    if !tag.empty {
                        self.cell_body(&mut cell)?;
                    }
                    return Ok(Some(Item::Cell(cell)));
                }
                _ => {}
            }
        }
        Ok(None)
    }

    /// Reads a cell's content up to its end tag.
    fn cell_body(&mut self, cell: &mut Cell<'x>) -> Result<(), String> {
        loop {
            let Some(tag) = self.next_tag()? else {
                return Err("the sheet's XML ends inside a cell".into());
            };
            match (tag.closing, tag.local) {
                (true, "c") => return Ok(()),
                (_, "") | (true, _) => {}
                (false, "v") if tag.empty => cell.v = Some(""),
                (false, "v") => {
                    let end = self
                        .find(b"<")
                        .ok_or("the sheet's XML ends inside a value")?;
                    cell.v = Some(&self.xml[tag.after..end]);
                    self.pos = end;
                }
                (false, _) if tag.empty => {}
                (false, name) => {
                    let end = self.skip_to_end_of(name)?;
                    if name == "is" {
                        cell.is = Some(&self.xml[tag.after..end]);
                    }
                }
            }
        }
    }

    /// Skips past the end tag of the element `name` just opened (nested ones of the same name
    /// included); returns where the text after that end tag starts.
    fn skip_to_end_of(&mut self, name: &str) -> Result<usize, String> {
        let mut depth = 1;
        while let Some(tag) = self.next_tag()? {
            if tag.local == name && !tag.empty {
                depth += if tag.closing { -1 } else { 1 };
                if depth == 0 {
                    return Ok(tag.after);
                }
            }
        }
        Err(format!("the sheet's XML ends inside <{name}>"))
    }

    fn find(&self, needle: &[u8]) -> Option<usize> {
        let b = &self.xml.as_bytes()[self.pos..];
        let at = if needle.len() == 1 {
            memchr::memchr(needle[0], b)
        } else {
            memchr::memmem::find(b, needle)
        };
        at.map(|i| i + self.pos)
    }

    /// The next tag, or `None` at the end of the text.
    fn next_tag(&mut self) -> Result<Option<Tag<'x>>, String> {
        let Some(lt) = self.find(b"<") else {
            self.pos = self.xml.len();
            return Ok(None);
        };
        let xml = self.xml;
        let rest = &xml.as_bytes()[lt + 1..];
        let unclosed = |what: &str| format!("the sheet's XML ends inside {what}");
        let skipped: [(&[u8], &[u8], &str); 4] = [
            (b"!--", b"-->", "a comment"),
            (b"![CDATA[", b"]]>", "a CDATA section"),
            (b"?", b"?>", "a processing instruction"),
            (b"!", b">", "a declaration"),
        ];
        for (open, end, what) in skipped {
            if rest.starts_with(open) {
                self.pos = lt + 1;
                let e = self.find(end).ok_or_else(|| unclosed(what))?;
                self.pos = e + end.len();
                return Ok(Some(Tag {
                    local: "",
                    closing: false,
                    empty: true,
                    attrs: "",
                    after: self.pos,
                }));
            }
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = lt + 1 + usize::from(closing);
        let b = xml.as_bytes();
        let mut i = name_start;
        while i < b.len() && !matches!(b[i], b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>') {
            i += 1;
        }
        let name = &xml[name_start..i];
        let gt = tag_end(b, i).ok_or_else(|| unclosed(&format!("the tag <{name}")))?;
        let empty = !closing && b[gt - 1] == b'/';
        let attrs_end = if empty { gt - 1 } else { gt };
        let tag = Tag {
            local: local(name),
            closing,
            empty,
            attrs: &xml[i.min(attrs_end)..attrs_end],
            after: gt + 1,
        };
        self.pos = tag.after;
        Ok(Some(tag))
    }
}

/// The `>` that ends the tag whose attributes start at `from` (a `>` inside a quoted value does
/// not).
fn tag_end(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    loop {
        i += memchr::memchr3(b'>', b'"', b'\'', &b[i..])?;
        match b[i] {
            b'>' => return Some(i),
            quote => i += 1 + memchr::memchr(quote, &b[i + 1..])? + 1,
        }
    }
}

/// A name without its namespace prefix (`x:row` → `row`).
fn local(name: &str) -> &str {
    match name.as_bytes().iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// A tag's attributes as (local name, raw value).
fn attrs(text: &str) -> impl Iterator<Item = (&str, &str)> {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let name_start = i;
        while i < b.len() && b[i] != b'=' && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        let name = &text[name_start..i];
        while i < b.len() && b[i] != b'=' {
            i += 1;
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let quote = *b.get(i)?;
        if !matches!(quote, b'"' | b'\'') {
            return None;
        }
        let start = i + 1;
        let len = b[start..].iter().position(|&c| c == quote)?;
        i = start + len + 1;
        Some((local(name), &text[start..start + len]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(xml: &str) -> Vec<Item<'_>> {
        let mut scan = Scan::new(xml);
        std::iter::from_fn(|| scan.next_item().unwrap()).collect()
    }

    #[test]
    fn rows_and_cells_are_found_and_the_rest_skipped() {
        let xml = r#"<?xml version="1.0"?><x:worksheet><!-- a <row> in a comment --><x:sheetData><x:row r="2" spans="1:3"><x:c r="A2" s="1" t='s'><x:f>A1&gt;0</x:f><x:v>7</x:v></x:c><x:c r="B2"/><x:c t="inlineStr"><x:is><x:t>a &lt; b</x:t></x:is></x:c></x:row><x:row r="3"/></x:sheetData><x:mergeCells><x:mergeCell ref="A1:B1"/></x:mergeCells></x:worksheet>"#;
        let got = items(xml);
        assert_eq!(got.len(), 6, "{got:#?}");
        assert_eq!(
            got[0],
            Item::RowStart {
                r: Some("2"),
                empty: false
            }
        );
        let Item::Cell(c) = &got[1] else { panic!() };
        assert_eq!(
            (c.r, c.s, c.t, c.v),
            (Some("A2"), Some("1"), Some("s"), Some("7"))
        );
        let Item::Cell(c) = &got[2] else { panic!() };
        assert_eq!((c.r, c.v), (Some("B2"), None));
        let Item::Cell(c) = &got[3] else { panic!() };
        assert_eq!(c.is, Some("<x:t>a &lt; b</x:t></x:is>"));
        assert_eq!(got[4], Item::RowEnd);
        assert_eq!(
            got[5],
            Item::RowStart {
                r: Some("3"),
                empty: true
            }
        );
    }

    #[test]
    fn a_cut_short_cell_is_an_error() {
        let mut scan = Scan::new(r#"<row r="1"><c r="A1"><v>1"#);
        assert!(scan.next_item().unwrap().is_some());
        assert!(scan.next_item().is_err());
    }
}
