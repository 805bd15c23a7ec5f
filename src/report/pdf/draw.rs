//! The second stage: the pages' operations drawn with krilla, with the running header and
//! footer, bookmarks and the document's metadata.

use krilla::Document;
use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::Font;
use krilla_svg::{SurfaceExt, SvgSettings};

use super::layout::{Op, lay_out};
use super::text::Metrics;
use super::*;

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
    (m, font): (&Metrics, &Font),
    x: f32,
    y: f32,
    size: f32,
    c: (u8, u8, u8),
    t: &str,
) {
    s.set_fill(Some(fill(c)));
    s.draw_glyphs(
        Point::from_xy(x, y),
        &m.glyphs(t),
        font.clone(),
        t,
        size,
        false,
    );
}

/// Lays out and writes the report as PDF bytes.
pub fn render_doc(d: &Doc) -> Result<Vec<u8>, ReportError> {
    let (fontdb, family) = crate::report::charts::font_database().map_err(ReportError::Pdf)?;
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
            draw_text(&mut s, (&lay.m, &font), LEFT, 38.0, 8.5, GREY, &d.case);
            let w = lay.m.width(&d.title, 8.5);
            draw_text(
                &mut s,
                (&lay.m, &font),
                RIGHT - w,
                38.0,
                8.5,
                GREY,
                &d.title,
            );
            line(&mut s, LEFT, 44.0, RIGHT, 44.0, 0.6, RULE);
        }
        line(&mut s, LEFT, PAGE_H - 44.0, RIGHT, PAGE_H - 44.0, 0.6, RULE);
        let number = match d.lang {
            crate::report::ReportLang::Zh => format!("第 {} 页 / 共 {} 页", index + 1, total),
            crate::report::ReportLang::En => format!("Page {} of {}", index + 1, total),
        };
        let nw = lay.m.width(&number, 8.0);
        draw_text(
            &mut s,
            (&lay.m, &font),
            RIGHT - nw,
            PAGE_H - 32.0,
            8.0,
            GREY,
            &number,
        );
        let foot = lay
            .m
            .wrap(&footer, 6.5, TEXT_W - nw - 16.0)
            .into_iter()
            .take(2)
            .collect::<Vec<_>>();
        for (k, l) in foot.iter().enumerate() {
            draw_text(
                &mut s,
                (&lay.m, &font),
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
                } => draw_text(&mut s, (&lay.m, &font), *x, *y, *size, *color, text),
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
