//! The first stage: blocks become positioned drawing operations, page by page.

use super::text::Metrics;
use super::*;
use crate::report::doc::{self, Block, Doc};
use std::sync::Arc;

/// A positioned drawing operation.
pub(super) enum Op {
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

/// Pages of positioned operations.
pub(super) struct Layout {
    pub(super) m: Metrics,
    pub(super) pages: Vec<Vec<Op>>,
    y: f32,
    /// Section bookmarks: title, page, y.
    pub(super) outline: Vec<(String, usize, f32)>,
    pub(super) trees: Vec<usvg::Tree>,
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

/// Places every block on pages; `toc_pages` gives each section's page for the contents.
pub(super) fn lay_out(
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

#[cfg(test)]
mod tests {
    use crate::report::ReportLang;
    use crate::report::doc::{Block, Doc, Table};
    use crate::report::pdf::render_doc;

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
}
