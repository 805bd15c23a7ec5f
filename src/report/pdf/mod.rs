//! The PDF report: A4 pages laid out from the report blocks, with the bundled Noto Sans SC subset
//! embedded (krilla subsets it again to the glyphs used and writes ToUnicode maps, so the text can
//! be searched, copied and extracted), the charts drawn as vectors from their SVG, a running
//! header, a footer with the version's fingerprint and "page X of Y", bookmarks per section, and
//! tables that break across pages with their header row repeated.
//!
//! Layout is two passes: blocks become positioned drawing operations page by page (text is
//! measured with the same font), then the pages are drawn once the page count is known.

mod draw;
mod layout;
mod text;

use super::ReportError;
use super::doc::{Block, Doc};
use text::Metrics;

pub use draw::render_doc;

pub(crate) const PAGE_W: f32 = 595.28;
pub(crate) const PAGE_H: f32 = 841.89;
pub(crate) const LEFT: f32 = 50.0;
pub(crate) const RIGHT: f32 = PAGE_W - 50.0;
pub(crate) const TEXT_W: f32 = RIGHT - LEFT;
pub(crate) const TOP: f32 = 66.0;
pub(crate) const BOTTOM: f32 = PAGE_H - 58.0;

pub(crate) const INK: (u8, u8, u8) = (34, 34, 34);
pub(crate) const BLUE: (u8, u8, u8) = (40, 100, 170);
pub(crate) const GREY: (u8, u8, u8) = (110, 110, 110);
pub(crate) const RULE: (u8, u8, u8) = (190, 190, 190);
pub(crate) const HEAD_BG: (u8, u8, u8) = (238, 243, 249);
pub(crate) const FORMULA_BG: (u8, u8, u8) = (245, 245, 245);
pub(crate) const ORANGE: (u8, u8, u8) = (200, 80, 40);

/// Characters of the report's text that the embedded font has no glyph for (they would show as
/// empty boxes), in order of first appearance.
pub fn missing_glyphs(d: &Doc) -> Result<Vec<char>, ReportError> {
    let m = Metrics::new()?;
    let mut texts: Vec<&str> = vec![&d.title, &d.case];
    for b in &d.blocks {
        match b {
            Block::Cover { title, case, facts } => {
                texts.extend([title.as_str(), case.as_str()]);
                for (k, v) in facts {
                    texts.extend([k.as_str(), v.as_str()]);
                }
            }
            Block::Section { title, .. } => texts.push(title),
            Block::Sub(t) | Block::Para(t) | Block::Formula(t) => texts.push(t),
            Block::Lead { label, value } => texts.extend([label.as_str(), value.as_str()]),
            Block::Table(t) => {
                texts.extend(t.headers.iter().map(String::as_str));
                for r in &t.rows {
                    texts.extend(r.iter().map(String::as_str));
                }
            }
            Block::Chart(_) | Block::Toc => {}
        }
    }
    let mut out: Vec<char> = Vec::new();
    for t in texts {
        for c in t.chars() {
            if !c.is_whitespace() && !c.is_control() && !m.has_glyph(c) && !out.contains(&c) {
                out.push(c);
            }
        }
    }
    Ok(out)
}
