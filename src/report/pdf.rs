//! The PDF report: A4 pages laid out from the report blocks, with the bundled Noto Sans SC subset
//! embedded (krilla subsets it again to the glyphs used and writes ToUnicode maps, so the text can
//! be searched, copied and extracted), the charts drawn as vectors from their SVG, a running
//! header, a footer with the version's fingerprint and "page X of Y", bookmarks per section, and
//! tables that break across pages with their header row repeated.
//!
//! Layout is two passes: blocks become positioned drawing operations page by page (text is
//! measured with the same font), then the pages are drawn once the page count is known.

use std::sync::Arc;

use ab_glyph::{Font as _, FontRef};
use krilla::Document;
use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla_svg::{SurfaceExt, SvgSettings};

use super::ReportError;
use super::doc::{self, Block, Doc};

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 50.0;
const RIGHT: f32 = PAGE_W - 50.0;
const TEXT_W: f32 = RIGHT - LEFT;
const TOP: f32 = 66.0;
const BOTTOM: f32 = PAGE_H - 58.0;

const INK: (u8, u8, u8) = (34, 34, 34);
const BLUE: (u8, u8, u8) = (40, 100, 170);
const GREY: (u8, u8, u8) = (110, 110, 110);
const RULE: (u8, u8, u8) = (190, 190, 190);
const HEAD_BG: (u8, u8, u8) = (238, 243, 249);
const FORMULA_BG: (u8, u8, u8) = (245, 245, 245);
const ORANGE: (u8, u8, u8) = (200, 80, 40);

/// A positioned drawing operation.
enum Op {
    /// Text with its baseline at `y`.
    Text {
        x: f32,
        y: f32,
        size: f32,
        color: (u8, u8, u8),
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<(u8, u8, u8)>,
        stroke: Option<(u8, u8, u8)>,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: (u8, u8, u8),
    },
    /// A chart: index into the parsed SVG trees.
    Svg {
        tree: usize,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

/// Text measurement with the embedded font.
struct Metrics {
    font: FontRef<'static>,
    per_em: f32,
}

impl Metrics {
    fn new() -> Result<Self, ReportError> {
        let font = FontRef::try_from_slice(crate::assets::CJK_FONT)
            .map_err(|e| ReportError::Pdf(format!("the bundled font does not parse: {e}")))?;
        let per_em = font.units_per_em().unwrap_or(1000.0);
        Ok(Metrics { font, per_em })
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        let units: f32 = text
            .chars()
            .map(|c| self.font.h_advance_unscaled(self.font.glyph_id(c)))
            .sum();
        units / self.per_em * size
    }

    /// Wraps text into lines no wider than `max`: breaks at spaces, between CJK characters, and
    /// inside a word only when the word alone is too wide. Closing punctuation never starts a
    /// line. `\n` starts a new line.
    fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            let mut lw = 0.0f32;
            for tok in tokens(para) {
                let tw = self.width(tok, size);
                let space = tok.chars().all(char::is_whitespace);
                if lw + tw <= max || (line.is_empty() && space) || closing(tok) {
                    if !(line.is_empty() && space) {
                        line.push_str(tok);
                        lw += tw;
                    }
                    continue;
                }
                if !line.is_empty() {
                    lines.push(line.trim_end().to_string());
                    line.clear();
                    lw = 0.0;
                }
                if space {
                    continue;
                }
                if tw <= max {
                    line.push_str(tok);
                    lw = tw;
                } else {
                    // A word wider than the column (a fingerprint, a long number): split it.
                    for c in tok.chars() {
                        let cw = self.width(c.encode_utf8(&mut [0; 4]), size);
                        if lw + cw > max && !line.is_empty() {
                            lines.push(std::mem::take(&mut line));
                            lw = 0.0;
                        }
                        line.push(c);
                        lw += cw;
                    }
                }
            }
            lines.push(line.trim_end().to_string());
        }
        lines
    }
}

fn is_cjk(c: char) -> bool {
    ('\u{2E80}'..='\u{9FFF}').contains(&c)
        || ('\u{F900}'..='\u{FAFF}').contains(&c)
        || ('\u{FF00}'..='\u{FFEF}').contains(&c)
}

fn closing(tok: &str) -> bool {
    let mut cs = tok.chars();
    matches!(
        (cs.next(), cs.next()),
        (
            Some(
                '，' | '。'
                    | '；'
                    | '：'
                    | '、'
                    | '）'
                    | '》'
                    | '」'
                    | '』'
                    | '！'
                    | '？'
                    | ','
                    | '.'
                    | ';'
                    | ':'
                    | ')'
            ),
            None
        )
    )
}

/// Break units: runs of spaces, single CJK characters, and words.
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None::<usize>;
    let mut start_space = false;
    for (i, c) in s.char_indices() {
        let space = c.is_whitespace();
        if is_cjk(c) {
            if let Some(st) = start.take() {
                out.push(&s[st..i]);
            }
            out.push(&s[i..i + c.len_utf8()]);
            continue;
        }
        match start {
            Some(st) if start_space != space => {
                out.push(&s[st..i]);
                start = Some(i);
                start_space = space;
            }
            Some(_) => {}
            None => {
                start = Some(i);
                start_space = space;
            }
        }
    }
    if let Some(st) = start {
        out.push(&s[st..]);
    }
    out
}

/// Pages of positioned operations.
struct Layout {
    m: Metrics,
    pages: Vec<Vec<Op>>,
    y: f32,
    /// Section bookmarks: title, page, y.
    outline: Vec<(String, usize, f32)>,
    trees: Vec<usvg::Tree>,
    /// Charts parsed by an earlier pass, in order (a second pass reuses them).
    parsed: std::vec::IntoIter<usvg::Tree>,
}

impl Layout {
    fn page(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `h` more points fit on this one.
    fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, y: f32, size: f32, color: (u8, u8, u8), text: &str) {
        if !text.is_empty() {
            self.page().push(Op::Text {
                x,
                y,
                size,
                color,
                text: text.to_string(),
            });
        }
    }

    fn para(&mut self, text: &str, size: f32, color: (u8, u8, u8)) {
        let lh = size * 1.55;
        for line in self.m.wrap(text, size, TEXT_W) {
            self.ensure(lh);
            self.y += lh;
            let y = self.y - lh * 0.3;
            self.text(LEFT, y, size, color, &line);
        }
        self.y += size * 0.6;
    }

    /// The contents: each section's title, with its page once known.
    fn toc(&mut self, title: &str, sections: &[&str], pages: Option<&[usize]>) {
        if !self.page().is_empty() {
            self.new_page();
        }
        self.y += 24.0;
        let w = self.m.width(title, 16.0);
        let y = self.y;
        self.text((LEFT + RIGHT - w) / 2.0, y, 16.0, INK, title);
        self.y += 20.0;
        for (i, s) in sections.iter().enumerate() {
            self.ensure(18.0);
            self.y += 16.0;
            let y = self.y;
            self.text(LEFT, y, 10.5, INK, s);
            if let Some(p) = pages.and_then(|p| p.get(i)) {
                let n = p.to_string();
                let nw = self.m.width(&n, 10.5);
                self.text(RIGHT - nw, y, 10.5, INK, &n);
            }
        }
        self.new_page();
    }

    fn heading(&mut self, title: &str, new_page: bool) {
        if new_page && self.y > TOP {
            self.new_page();
        }
        // Keep a heading with at least a few lines of what follows.
        self.ensure(90.0);
        self.y += 22.0;
        let y = self.y;
        self.text(LEFT, y, 15.0, BLUE, title);
        self.page().push(Op::Line {
            x1: LEFT,
            y1: y + 6.0,
            x2: RIGHT,
            y2: y + 6.0,
            width: 1.5,
            color: BLUE,
        });
        let page = self.pages.len() - 1;
        self.outline
            .push((title.to_string(), page, (y - 20.0).max(0.0)));
        self.y += 16.0;
    }

    fn formula(&mut self, f: &str) {
        let size = 11.0;
        let h = size * 2.6;
        self.ensure(h);
        let top = self.y;
        self.page().push(Op::Rect {
            x: LEFT,
            y: top,
            w: TEXT_W,
            h,
            fill: Some(FORMULA_BG),
            stroke: None,
        });
        self.page().push(Op::Line {
            x1: LEFT + 1.0,
            y1: top,
            x2: LEFT + 1.0,
            y2: top + h,
            width: 2.5,
            color: BLUE,
        });
        let base = top + h * 0.62;
        let mut x = LEFT + 10.0;
        for (text, marks) in doc::formula_runs(f) {
            let depth = marks.len() as i32;
            let run_size = size * 0.72f32.powi(depth);
            let shift: f32 = marks
                .iter()
                .enumerate()
                .map(|(i, &mk)| {
                    let at = size * 0.72f32.powi(i as i32);
                    if mk > 0 { -0.38 * at } else { 0.22 * at }
                })
                .sum();
            self.text(x, base + shift, run_size, INK, &text);
            x += self.m.width(&text, run_size);
        }
        self.y = top + h + 8.0;
    }

    /// A table; the header row repeats on every page the table reaches.
    fn table(&mut self, t: &doc::Table, size: f32, header: bool) {
        let n = t.headers.len().max(t.rows.first().map_or(0, Vec::len));
        if n == 0 {
            return;
        }
        let total: f32 = (0..n)
            .map(|i| t.widths.get(i).copied().unwrap_or(1.0))
            .sum();
        let widths: Vec<f32> = (0..n)
            .map(|i| TEXT_W * t.widths.get(i).copied().unwrap_or(1.0) / total)
            .collect();
        let pad = 3.0;
        let lh = size * 1.4;
        let wrap_row = |m: &Metrics, cells: &[String]| -> Vec<Vec<String>> {
            (0..n)
                .map(|i| {
                    m.wrap(
                        cells.get(i).map_or("", String::as_str),
                        size,
                        widths[i] - 2.0 * pad,
                    )
                })
                .collect()
        };
        let head = if header {
            Some(wrap_row(&self.m, &t.headers))
        } else {
            None
        };
        let height = |cells: &[Vec<String>]| {
            cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * pad
        };
        let head_h = head.as_deref().map_or(0.0, height);
        let mut head_drawn_on = None;
        for row in &t.rows {
            let mut cells = wrap_row(&self.m, row);
            // A row taller than a page continues on the next one.
            loop {
                let room = BOTTOM - TOP - head_h;
                let max_lines = (((room - 2.0 * pad) / lh).floor() as usize).max(1);
                let rest: Vec<Vec<String>> = cells
                    .iter_mut()
                    .map(|c| {
                        if c.len() > max_lines {
                            c.split_off(max_lines)
                        } else {
                            Vec::new()
                        }
                    })
                    .collect();
                let h = height(&cells);
                if self.y + h > BOTTOM && self.y > TOP {
                    self.new_page();
                }
                if head_drawn_on != Some(self.pages.len()) {
                    if let Some(hc) = &head {
                        self.row(hc, &widths, &t.numeric, size, pad, lh, Some(HEAD_BG));
                    }
                    head_drawn_on = Some(self.pages.len());
                }
                self.row(&cells, &widths, &t.numeric, size, pad, lh, None);
                if rest.iter().all(Vec::is_empty) {
                    break;
                }
                cells = rest;
            }
        }
        self.y += 8.0;
    }

    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        cells: &[Vec<String>],
        widths: &[f32],
        numeric: &[bool],
        size: f32,
        pad: f32,
        lh: f32,
        fill: Option<(u8, u8, u8)>,
    ) {
        let h = cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * pad;
        let top = self.y;
        let mut x = LEFT;
        for (i, lines) in cells.iter().enumerate() {
            let w = widths[i];
            self.page().push(Op::Rect {
                x,
                y: top,
                w,
                h,
                fill,
                stroke: Some(RULE),
            });
            let right = numeric.get(i).copied().unwrap_or(false);
            for (k, line) in lines.iter().enumerate() {
                let base = top + pad + (k as f32 + 1.0) * lh - lh * 0.28;
                let tx = if right {
                    x + w - pad - self.m.width(line, size)
                } else {
                    x + pad
                };
                self.text(tx, base, size, INK, line);
            }
            x += w;
        }
        self.y = top + h;
    }

    fn chart(
        &mut self,
        svg: &str,
        fonts: &Arc<usvg::fontdb::Database>,
        family: &str,
    ) -> Result<(), ReportError> {
        let tree = match self.parsed.next() {
            Some(t) => t,
            None => {
                let opt = usvg::Options {
                    fontdb: fonts.clone(),
                    font_family: family.to_string(),
                    ..usvg::Options::default()
                };
                usvg::Tree::from_str(svg, &opt)
                    .map_err(|e| ReportError::Pdf(format!("a chart's SVG does not parse: {e}")))?
            }
        };
        let size = tree.size();
        let w = TEXT_W;
        let h = w * size.height() / size.width();
        self.ensure(h + 10.0);
        self.trees.push(tree);
        let (x, y) = (LEFT, self.y);
        let index = self.trees.len() - 1;
        self.page().push(Op::Svg {
            tree: index,
            x,
            y,
            w,
            h,
        });
        self.y += h + 10.0;
        Ok(())
    }

    fn cover(&mut self, title: &str, case: &str, facts: &[(String, String)]) {
        if !self.page().is_empty() {
            self.new_page();
        }
        self.y = TOP + 90.0;
        let y = self.y;
        self.page().push(Op::Line {
            x1: LEFT,
            y1: y - 40.0,
            x2: RIGHT,
            y2: y - 40.0,
            width: 3.0,
            color: BLUE,
        });
        self.text(LEFT, y, 26.0, BLUE, title);
        self.y += 34.0;
        let y = self.y;
        self.text(LEFT, y, 16.0, INK, case);
        self.y += 30.0;
        let t = doc::Table {
            headers: Vec::new(),
            rows: facts
                .iter()
                .map(|(k, v)| vec![k.clone(), v.clone()])
                .collect(),
            numeric: vec![false, false],
            widths: vec![1.25, 3.95],
        };
        self.table(&t, 10.0, false);
        self.y += 20.0;
    }
}

fn color((r, g, b): (u8, u8, u8)) -> krilla::paint::Paint {
    rgb::Color::new(r, g, b).into()
}

fn fill(c: (u8, u8, u8)) -> Fill {
    Fill {
        paint: color(c),
        ..Fill::default()
    }
}

fn draw_text(
    s: &mut Surface<'_>,
    font: &Font,
    x: f32,
    y: f32,
    size: f32,
    c: (u8, u8, u8),
    t: &str,
) {
    s.set_fill(Some(fill(c)));
    s.draw_text(
        Point::from_xy(x, y),
        font.clone(),
        size,
        t,
        false,
        TextDirection::Auto,
    );
}

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
            if !c.is_whitespace()
                && !c.is_control()
                && m.font.glyph_id(c).0 == 0
                && !out.contains(&c)
            {
                out.push(c);
            }
        }
    }
    Ok(out)
}

/// Places every block on pages; `toc_pages` gives each section's page for the contents.
fn lay_out(
    d: &Doc,
    fontdb: &Arc<usvg::fontdb::Database>,
    family: &str,
    toc_pages: Option<&[usize]>,
    parsed: Vec<usvg::Tree>,
) -> Result<Layout, ReportError> {
    let mut lay = Layout {
        m: Metrics::new()?,
        pages: vec![Vec::new()],
        y: TOP,
        outline: Vec::new(),
        trees: Vec::new(),
        parsed: parsed.into_iter(),
    };
    let sections = d.sections();
    for b in &d.blocks {
        match b {
            Block::Cover { title, case, facts } => lay.cover(title, case, facts),
            Block::Section { title, new_page } => lay.heading(title, *new_page),
            Block::Sub(t) => {
                lay.ensure(60.0);
                lay.y += 8.0;
                lay.para(t, 12.0, BLUE);
            }
            Block::Para(t) => lay.para(t, 10.0, INK),
            Block::Lead { label, value } => {
                lay.ensure(30.0);
                lay.y += 22.0;
                let y = lay.y;
                lay.text(LEFT, y, 10.5, INK, label);
                let x = LEFT + lay.m.width(label, 10.5) + 8.0;
                lay.text(x, y, 18.0, ORANGE, value);
                lay.y += 10.0;
            }
            Block::Formula(f) => lay.formula(f),
            Block::Table(t) => {
                let size = if t.headers.len() > 6 { 7.0 } else { 8.5 };
                lay.table(t, size, true);
            }
            Block::Chart(svg) => lay.chart(svg, fontdb, family)?,
            Block::Toc => lay.toc(d.contents_title(), &sections, toc_pages),
        }
    }
    Ok(lay)
}

/// Lays out and writes the report as PDF bytes.
pub fn render_doc(d: &Doc) -> Result<Vec<u8>, ReportError> {
    let (fontdb, family) = super::charts::font_database().map_err(ReportError::Pdf)?;
    // A table of contents needs the pages of the headings after it: lay out once to find
    // them, then again with the numbers (the contents take the same room both times).
    let mut lay = lay_out(d, &fontdb, &family, None, Vec::new())?;
    if d.blocks.iter().any(|b| matches!(b, Block::Toc)) {
        let pages: Vec<usize> = lay.outline.iter().map(|o| o.1 + 1).collect();
        lay = lay_out(d, &fontdb, &family, Some(&pages), lay.trees)?;
    }

    let font = Font::new(crate::assets::CJK_FONT.into(), 0)
        .ok_or_else(|| ReportError::Pdf("krilla cannot read the bundled font".into()))?;
    let mut document = Document::new();
    let total = lay.pages.len();
    let footer = d.footer();
    for (index, ops) in lay.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| ReportError::Pdf("invalid page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut s = page.surface();
        // Running header (not on the cover) and footer.
        if index > 0 {
            draw_text(&mut s, &font, LEFT, 38.0, 8.5, GREY, &d.case);
            let w = lay.m.width(&d.title, 8.5);
            draw_text(&mut s, &font, RIGHT - w, 38.0, 8.5, GREY, &d.title);
            line(&mut s, LEFT, 44.0, RIGHT, 44.0, 0.6, RULE);
        }
        line(&mut s, LEFT, PAGE_H - 44.0, RIGHT, PAGE_H - 44.0, 0.6, RULE);
        let number = match d.lang {
            super::ReportLang::Zh => format!("第 {} 页 / 共 {} 页", index + 1, total),
            super::ReportLang::En => format!("Page {} of {}", index + 1, total),
        };
        let nw = lay.m.width(&number, 8.0);
        draw_text(&mut s, &font, RIGHT - nw, PAGE_H - 32.0, 8.0, GREY, &number);
        let foot = lay
            .m
            .wrap(&footer, 6.5, TEXT_W - nw - 16.0)
            .into_iter()
            .take(2)
            .collect::<Vec<_>>();
        for (k, l) in foot.iter().enumerate() {
            draw_text(
                &mut s,
                &font,
                LEFT,
                PAGE_H - 32.0 + k as f32 * 8.5,
                6.5,
                GREY,
                l,
            );
        }
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    color,
                    text,
                } => draw_text(&mut s, &font, *x, *y, *size, *color, text),
                Op::Rect {
                    x,
                    y,
                    w,
                    h,
                    fill: f,
                    stroke,
                } => {
                    let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) else {
                        continue;
                    };
                    let mut pb = PathBuilder::new();
                    pb.push_rect(rect);
                    if let Some(path) = pb.finish() {
                        s.set_fill(f.map(fill));
                        s.set_stroke(stroke.map(|c| Stroke {
                            paint: color(c),
                            width: 0.5,
                            ..Stroke::default()
                        }));
                        s.draw_path(&path);
                        s.set_stroke(None);
                    }
                }
                Op::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                    color: c,
                } => line(&mut s, *x1, *y1, *x2, *y2, *width, *c),
                Op::Svg { tree, x, y, w, h } => {
                    let (Some(tree), Some(size)) = (lay.trees.get(*tree), Size::from_wh(*w, *h))
                    else {
                        continue;
                    };
                    s.push_transform(&Transform::from_translate(*x, *y));
                    let drawn = s.draw_svg(tree, size, SvgSettings::default());
                    s.pop();
                    if drawn.is_none() {
                        return Err(ReportError::Pdf("a chart could not be drawn".into()));
                    }
                }
            }
        }
        s.finish();
        page.finish();
    }

    let mut outline = Outline::new();
    for (title, page, y) in &lay.outline {
        outline.push_child(OutlineNode::new(
            title.clone(),
            XyzDestination::new(*page, Point::from_xy(LEFT, *y)),
        ));
    }
    document.set_outline(outline);
    document.set_metadata(
        Metadata::new()
            .title(format!("{} — {}", d.case, d.title))
            .language(d.lang.pick("zh-CN", "en").to_string())
            .creator(format!("patval {}", env!("CARGO_PKG_VERSION")))
            .keywords(vec![
                format!("patval-version:{}", d.version_id),
                format!("patval-fingerprint:{}", d.fingerprint),
            ]),
    );
    document
        .finish()
        .map_err(|e| ReportError::Pdf(format!("{e:?}")))
}

fn line(s: &mut Surface<'_>, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, c: (u8, u8, u8)) {
    let mut pb = PathBuilder::new();
    pb.move_to(x1, y1);
    pb.line_to(x2, y2);
    if let Some(path) = pb.finish() {
        s.set_fill(None);
        s.set_stroke(Some(Stroke {
            paint: color(c),
            width,
            ..Stroke::default()
        }));
        s.draw_path(&path);
        s.set_stroke(None);
    }
}

#[cfg(test)]
mod tests {
    use super::super::ReportLang;
    use super::super::doc::{Block, Doc, Table};
    use super::{Metrics, render_doc, tokens};

    #[test]
    fn long_tables_break_across_pages_with_their_header_and_lose_no_row() {
        let rows = 240;
        let long = "很长的说明".repeat(400);
        let mut t = Table {
            headers: vec!["编号".into(), "名称".into(), "金额".into()],
            rows: (0..rows)
                .map(|i| {
                    vec![
                        format!("ROW{i:04}"),
                        format!("专利{i}"),
                        format!("{i}.00万元"),
                    ]
                })
                .collect(),
            numeric: vec![false, false, true],
            widths: vec![1.0, 2.0, 1.0],
        };
        // One row taller than a page continues on the next page.
        t.rows
            .push(vec!["ROWLONG".into(), long.clone(), "1".into()]);
        let d = Doc {
            lang: ReportLang::Zh,
            title: "报告".into(),
            case: "测试".into(),
            version_id: "v".into(),
            version_number: 1,
            fingerprint: "f".repeat(64),
            blocks: vec![
                Block::Section {
                    title: "表".into(),
                    new_page: false,
                },
                Block::Table(t),
            ],
        };
        let pdf = render_doc(&d).unwrap();
        let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
        assert!(pages.len() >= 5, "{} pages", pages.len());
        let mut seen = Vec::new();
        for (i, p) in pages.iter().enumerate() {
            let compact: String = p.split_whitespace().collect();
            assert!(
                compact.contains("编号"),
                "page {} repeats the header",
                i + 1
            );
            assert!(
                compact.contains(&format!("第{}页/共{}页", i + 1, pages.len())),
                "page {} number in {compact}",
                i + 1
            );
            for w in p.split_whitespace() {
                if let Some(n) = w.strip_prefix("ROW").and_then(|n| n.parse::<usize>().ok()) {
                    seen.push(n);
                }
            }
        }
        assert_eq!(
            seen,
            (0..rows).collect::<Vec<_>>(),
            "every row once, in order"
        );
        // The tall row's text runs on over the page breaks, all of it.
        let all = pages.concat();
        assert_eq!(all.matches('很').count(), 400, "the tall row is whole");
        assert_eq!(all.matches('明').count(), 400);
    }

    #[test]
    fn tokens_split_words_spaces_and_hanzi() {
        assert_eq!(
            tokens("Page 12 专利a"),
            vec!["Page", " ", "12", " ", "专", "利", "a"]
        );
    }

    #[test]
    fn wrapping_keeps_every_character_and_fits() {
        let m = Metrics::new().unwrap();
        let text = "以产品线收入（或利润）乘以分成率，在剩余经济寿命内折现。The patent's share of its product line's revenue, discounted 0123456789abcdef0123456789abcdef0123456789abcdef";
        for max in [40.0, 80.0, 200.0] {
            let lines = m.wrap(text, 10.0, max);
            let joined: String = lines.concat().split_whitespace().collect();
            let orig: String = text.split_whitespace().collect();
            assert_eq!(joined, orig, "nothing lost at width {max}");
            for l in &lines {
                let over = m.width(l, 10.0) - max;
                // Only a closing punctuation mark may hang past the edge.
                assert!(over <= 10.0, "{l:?} is {over} pt too wide");
            }
            assert!(!lines.iter().skip(1).any(|l| l.starts_with('，')));
        }
    }
}
