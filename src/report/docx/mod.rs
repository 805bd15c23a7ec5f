//! The report as a Word document (.docx) that Word and WPS open cleanly: heading styles
//! (标题 1–2, so the navigation pane shows the outline), a table-of-contents field filled with
//! the headings (Word and WPS refresh its page numbers on opening), Word tables whose header
//! row repeats on every page, charts as PNG images, A4 pages with a running header, a footer
//! with the page number, and fonts declared for Chinese (SimSun / SimHei with Latin fallbacks).
//!
//! docx-rs writes the package. It cannot mark a table row as a repeating header or a run as a
//! superscript, so those runs and rows carry a placeholder that [`finish`] turns into
//! `w:tblHeader` and `w:vertAlign` in `word/document.xml`. The version id and fingerprint are
//! custom document properties (`patval-version`, `patval-fingerprint`).

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, Header, PageMargin, PageNum, Paragraph, Pic, Run,
    RunFonts, Style, StyleType, Table, TableCell, TableOfContents, TableOfContentsItem, TableRow,
    WidthType,
};

use super::ReportError;
use super::doc::{Block, Doc, formula_runs};

/// Placeholder character styles and row marks that [`finish`] rewrites.
const SUP: &str = "PvSup";
const SUB: &str = "PvSub";
/// Text area width of an A4 page with 2.5 cm side margins, in twentieths of a point.
const TEXT_W_TWIPS: usize = 9026;
const EMU_PER_TWIP: u32 = 635;
/// The WordprocessingML namespace.
const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn err(e: impl std::fmt::Display) -> ReportError {
    ReportError::Docx(e.to_string())
}

/// Renders the blocks as a .docx package.
pub fn render_doc(d: &Doc) -> Result<Vec<u8>, ReportError> {
    let mut docx = base(d);
    let headings = d.headings();
    let fonts = super::charts::font_database().map_err(err)?;
    let mut heading = 0;
    let mut tables = Vec::new();
    for (i, b) in d.blocks.iter().enumerate() {
        docx = match b {
            Block::Cover { title, case, facts } => cover(docx, i > 0, title, case, facts),
            Block::Toc => docx.add_table_of_contents(toc(d, &headings)),
            Block::Section { title, new_page } => {
                heading += 1;
                docx.add_paragraph(
                    bookmarked(title, heading)
                        .style("Heading1")
                        .page_break_before(*new_page),
                )
            }
            Block::Sub(t) => {
                heading += 1;
                docx.add_paragraph(bookmarked(t, heading).style("Heading2"))
            }
            Block::Para(t) => docx.add_paragraph(text(t)),
            Block::Lead { label, value } => docx.add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text(label).bold())
                    .add_run(Run::new().add_text(" "))
                    .add_run(Run::new().add_text(value).bold().size(28)),
            ),
            Block::Formula(f) => docx.add_paragraph(formula(f)),
            Block::Table(t) => {
                tables.push(t);
                docx.add_paragraph(table::placeholder(tables.len() - 1))
            }
            Block::Chart(svg) => docx.add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_run(Run::new().add_image(chart(svg, &fonts)?)),
            ),
        };
    }
    // The body is rewritten before it is packed.
    let mut xml = docx.build();
    let body = String::from_utf8(std::mem::take(&mut xml.document)).map_err(err)?;
    let body = contents_field(&mark(&body)?, d.contents_title());
    xml.document = table::substitute(&body, &table::write_all(&tables))?.into_bytes();
    let mut buf = Cursor::new(Vec::new());
    xml.pack(&mut buf).map_err(err)?;
    deflate(&buf.into_inner())
}

/// docx-rs stores its parts uncompressed: the package again, each part deflated.
fn deflate(stored: &[u8]) -> Result<Vec<u8>, ReportError> {
    let mut zin = zip::ZipArchive::new(Cursor::new(stored)).map_err(err)?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).map_err(err)?;
        let name = f.name().map_err(err)?.to_string();
        out.start_file(name, opts).map_err(err)?;
        std::io::copy(&mut f, &mut out).map_err(err)?;
    }
    Ok(out.finish().map_err(err)?.into_inner())
}

/// Page set-up, styles, running header and footer, document properties.
fn base(d: &Doc) -> Docx {
    let zh = RunFonts::new()
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
        .east_asia("SimSun")
        .cs("Times New Roman");
    let hei = RunFonts::new()
        .ascii("Arial")
        .hi_ansi("Arial")
        .east_asia("SimHei")
        .cs("Arial");
    let heading = |id: &str, name: &str, level: usize, size: usize| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .outline_lvl(level)
            .fonts(hei.clone())
            .size(size)
            .bold()
    };
    let running = format!("{} · {}", d.title, d.case);
    Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(1440)
                .bottom(1440)
                .left(1418)
                .right(1418)
                .header(720)
                .footer(720),
        )
        .default_fonts(zh)
        .default_size(21)
        .add_style(heading("Heading1", "heading 1", 0, 32))
        .add_style(heading("Heading2", "heading 2", 1, 28))
        .add_style(Style::new(SUP, StyleType::Character).name("Superscript"))
        .add_style(Style::new(SUB, StyleType::Character).name("Subscript"))
        .header(
            Header::new().add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_run(Run::new().add_text(running).size(18)),
            ),
        )
        .footer(
            Footer::new().add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_run(Run::new().add_text(d.footer()).size(16))
                    .add_run(Run::new().add_text("  ").size(16))
                    .add_page_num(PageNum::new()),
            ),
        )
        .custom_property("patval-version", d.version_id.clone())
        .custom_property("patval-fingerprint", d.fingerprint.clone())
}

/// The bookmark a contents entry's page reference points at: heading `n` (1-based).
fn toc_key(n: usize) -> String {
    format!("_Toc{n:08}")
}

/// A heading paragraph wrapped in its contents bookmark.
fn bookmarked(t: &str, n: usize) -> Paragraph {
    Paragraph::new()
        .add_bookmark_start(n, toc_key(n))
        .add_run(Run::new().add_text(t))
        .add_bookmark_end(n)
}

fn text(t: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(t))
}

fn cover(docx: Docx, new_page: bool, title: &str, case: &str, facts: &[(String, String)]) -> Docx {
    let mut docx = docx
        .add_paragraph(
            Paragraph::new()
                .page_break_before(new_page)
                .add_run(Run::new().add_break(BreakType::TextWrapping)),
        )
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(Run::new().add_text(title).bold().size(44)),
        )
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(Run::new().add_text(case).size(30)),
        );
    let rows = facts
        .iter()
        .map(|(k, v)| {
            TableRow::new(vec![
                TableCell::new().add_paragraph(text(k)),
                TableCell::new().add_paragraph(text(v)),
            ])
        })
        .collect();
    docx = docx.add_table(
        Table::without_borders(rows)
            .set_grid(vec![TEXT_W_TWIPS / 3, TEXT_W_TWIPS * 2 / 3])
            .width(TEXT_W_TWIPS, WidthType::Dxa),
    );
    docx.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
}

/// A TOC field over heading levels 1–2, pre-filled with the headings so that a reader that does
/// not refresh fields (or LibreOffice converting headless) still shows the contents.
fn toc(d: &Doc, headings: &[(usize, &str)]) -> TableOfContents {
    let title = d.contents_title();
    let mut t = TableOfContents::new()
        .heading_styles_range(1, 2)
        .alias(title)
        .add_before_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(Run::new().add_text(title).bold().size(32)),
        )
        .add_after_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
        .dirty();
    for (i, (level, h)) in headings.iter().enumerate() {
        t = t.add_item(
            TableOfContentsItem::new()
                .text(*h)
                .toc_key(toc_key(i + 1))
                .level(*level),
        );
    }
    t
}

fn formula(f: &str) -> Paragraph {
    let mut p = Paragraph::new().align(AlignmentType::Center);
    for (run, nest) in formula_runs(f) {
        let r = Run::new().add_text(run).italic();
        p = p.add_run(match nest.last() {
            Some(1) => r.style(SUP),
            Some(_) => r.style(SUB),
            None => r,
        });
    }
    p
}

/// A chart's SVG rasterised at twice its size (sharp when printed), as wide as the text area.
fn chart(
    svg: &str,
    (fonts, family): &(std::sync::Arc<usvg::fontdb::Database>, String),
) -> Result<Pic, ReportError> {
    let opt = usvg::Options {
        fontdb: fonts.clone(),
        font_family: family.clone(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(err)?;
    let size = tree.size();
    let scale = 2.0;
    let (w, h) = (
        (size.width() * scale).ceil() as u32,
        (size.height() * scale).ceil() as u32,
    );
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w.max(1), h.max(1))
        .ok_or_else(|| err("a chart has no area"))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let png = pixmap.encode_png().map_err(err)?;
    let width_emu = TEXT_W_TWIPS as u32 * EMU_PER_TWIP;
    let height_emu = (f64::from(width_emu) * f64::from(h) / f64::from(w.max(1))) as u32;
    Ok(Pic::new_with_dimensions(png, w, h).size(width_emu, height_emu))
}

/// Rewrites `word/document.xml` in one pass: placeholder character styles become superscript and subscript, the contents' right tab sits
/// at the text area's edge (docx-rs puts it far off the page), and each part of a field gets
/// its own run, as Word writes them (docx-rs puts a field's begin, instruction, separator,
/// result and end in one run, and LibreOffice then prints the instruction as text).
fn mark(xml: &str) -> Result<String, ReportError> {
    let sup = format!("<w:rStyle w:val=\"{SUP}\" />");
    let sub = format!("<w:rStyle w:val=\"{SUB}\" />");
    let tab = format!("w:leader=\"dot\" w:pos=\"{TEXT_W_TWIPS}\"");
    let pairs: [(&str, &str); 7] = [
        (&sup, "<w:vertAlign w:val=\"superscript\" />"),
        (&sub, "<w:vertAlign w:val=\"subscript\" />"),
        ("w:leader=\"dot\" w:pos=\"80000\"", &tab),
        ("\" /><w:instrText", "\" /></w:r><w:r><w:instrText"),
        (
            "</w:instrText><w:fldChar",
            "</w:instrText></w:r><w:r><w:fldChar",
        ),
        (
            "w:fldCharType=\"separate\" w:dirty=\"false\" /><w:t",
            "w:fldCharType=\"separate\" w:dirty=\"false\" /></w:r><w:r><w:t",
        ),
        ("</w:t><w:fldChar", "</w:t></w:r><w:r><w:fldChar"),
    ];
    let (from, to): (Vec<&str>, Vec<&str>) = pairs.into_iter().unzip();
    let ac = aho_corasick::AhoCorasick::new(&from).map_err(err)?;
    Ok(ac.replace_all(xml, &to))
}

/// The contents as Word writes them: a "Table of Contents" building block around a TOC field
/// with Word's own switches, so LibreOffice and WPS take it for a table of contents rather
/// than printing its instruction. The field is marked dirty, so Word and WPS refresh it (and
/// its page numbers) on opening; the entries' page numbers are left blank until then rather
/// than showing numbers that may be wrong.
fn contents_field(xml: &str, title: &str) -> String {
    let x = xml
        .replacen(
            &format!("<w:sdtPr><w:rPr /><w:alias w:val=\"{title}\" /></w:sdtPr>"),
            "<w:sdtPr><w:docPartObj><w:docPartGallery w:val=\"Table of Contents\" /><w:docPartUnique /></w:docPartObj></w:sdtPr>",
            1,
        )
        .replacen(
            "<w:instrText>TOC \\o &quot;1-2&quot;</w:instrText>",
            "<w:instrText xml:space=\"preserve\"> TOC \\o &quot;1-2&quot; \\h \\z \\u </w:instrText>",
            1,
        );
    // One pass over the XML (a replace per entry would move the whole text each time).
    const FIELD: &str = "<w:instrText>PAGEREF _Toc";
    const CACHED: &str = "<w:t xml:space=\"preserve\">1</w:t>";
    let mut out = String::with_capacity(x.len());
    let mut rest = x.as_str();
    while let Some(i) = rest.find(FIELD) {
        let Some(j) = rest[i..].find(CACHED) else {
            break;
        };
        out.push_str(&rest[..i + j]);
        out.push_str("<w:t xml:space=\"preserve\"></w:t>");
        rest = &rest[i + j + CACHED.len()..];
    }
    out.push_str(rest);
    out
}

mod read;
mod table;
pub use read::{DocxTable, DocxText, read};
