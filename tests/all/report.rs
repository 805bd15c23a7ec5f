//! Report export from a stored version: PDF and HTML in both languages with key figures and
//! headings (the PDF's text is extracted),
//! CSV/xlsx with formula cells neutralised, and verification of an exported file.

use crate::common;

use std::process::{Command, Output};

use patval::model::money::{MoneyUnit, format_money};
use patval::report::{self, Format, ReportLang};
use patval::store::Store;

fn patval(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_patval"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run patval")
}

/// Saves the sample case, optionally with the first patent's title replaced.
fn saved(store: &mut Store, first_title: Option<&str>) -> String {
    let mut ds = patval::sample::load().unwrap();
    if let Some(title) = first_title {
        let text = String::from_utf8(patval::sample::PORTFOLIO.to_vec()).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let mut cells: Vec<String> = lines[1].split(',').map(str::to_string).collect();
        cells[1] = format!("\"{}\"", title.replace('"', "\"\""));
        lines[1] = cells.join(",");
        let bytes = (lines.join("\n") + "\n").into_bytes();
        let a = ds.assumptions.clone().unwrap();
        let t = patval::import::read_table_bytes(
            patval::import::TableKind::Portfolio,
            &bytes,
            "portfolio.csv",
            &patval::import::ReadOptions::new(a.valuation_date),
            None,
        )
        .unwrap();
        ds.set_table(t);
    }
    common::save_dataset(store, &ds, "初评").id
}

/// The text a reader sees: the HTML source, or the text extracted from the PDF.
fn rendered_text(
    data: &report::ReportData,
    format: Format,
    lang: ReportLang,
    out: &std::path::Path,
) -> String {
    report::export_document(data, report::Document::Analysis, format, lang, out).unwrap();
    let bytes = std::fs::read(out).unwrap();
    match format {
        Format::Pdf => {
            assert!(bytes.starts_with(b"%PDF-"));
            pdf_extract::extract_text_from_mem(&bytes).unwrap()
        }
        _ => String::from_utf8(bytes).unwrap(),
    }
}

#[test]
fn pdf_and_html_reports_carry_the_figures_and_headings_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let vid = saved(&mut store, None);
    store
        .add_review(&vid, "王专家", "expert", "revise", "折现率依据需补充")
        .unwrap();
    store
        .add_annotation(
            &vid,
            "patent",
            "CN201710500001.6",
            "major",
            "剩余经济寿命偏长",
            "王专家",
            "expert",
        )
        .unwrap();
    // A name beyond GB2312 (喆, 堃) must render and extract too.
    store
        .add_review(&vid, "陈喆", "bank_valuer", "approve", "同意，王堃复核")
        .unwrap();
    let data = report::gather(&store, &vid).unwrap();
    let total = format_money(data.valuation.summary.reconciled, MoneyUnit::Wan);
    let fp = data.version.fingerprint.clone();
    for (lang, heads, page_one) in [
        (
            ReportLang::Zh,
            [
                "专利资产评估分析底稿",
                "评估结论",
                "评估假设与参数",
                "评估方法",
                "图表",
                "单件专利评估结果与价值度",
                "专家评审意见与批注",
                "蒙特卡洛模拟",
            ],
            "第1页/共",
        ),
        (
            ReportLang::En,
            [
                "Patent valuation analysis",
                "Conclusion",
                "Assumptions",
                "Methods",
                "Charts",
                "Per-patent results and value degree",
                "Expert review and annotations",
                "Monte Carlo",
            ],
            "Page1of",
        ),
    ] {
        for format in [Format::Html, Format::Pdf] {
            let out = dir.path().join(format!("r-{lang:?}.{format:?}"));
            let text = rendered_text(&data, format, lang, &out);
            // PDF text extraction puts spaces between glyphs that were placed one by one (chart
            // labels), so compare without white space.
            let compact: String = text.split_whitespace().collect();
            let has =
                |needle: &str| compact.contains(&needle.split_whitespace().collect::<String>());
            for h in heads {
                assert!(has(h), "{lang:?} {format:?}: missing {h}");
            }
            assert!(
                has(&total),
                "{lang:?} {format:?}: the reconciled total {total}"
            );
            for no in &data.engine.inputs.patent_nos {
                assert!(has(no.as_str()), "{lang:?} {format:?}: {no}");
            }
            assert!(
                has("剩余经济寿命偏长") && has("折现率依据需补充") && has("陈喆") && has("王堃"),
                "{lang:?} {format:?}: review and annotation"
            );
            let bytes = std::fs::read(&out).unwrap();
            assert_eq!(
                report::embedded_fingerprint(&bytes),
                Some((vid.clone(), fp.clone())),
                "{lang:?} {format:?}"
            );
            if format == Format::Html {
                assert!(text.contains(&format!(
                    "<meta name=\"patval-fingerprint\" content=\"{fp}\">"
                )));
                assert_eq!(text.matches("<svg").count(), 5, "five charts");
            } else {
                assert!(has(page_one), "{lang:?}: page numbers");
                // The fingerprint is printed in every page's footer (wrapped, so look for its
                // first half).
                let pages = pdf_extract::extract_text_from_mem_by_pages(&bytes).unwrap();
                assert!(pages.len() >= 6, "cover + sections: {} pages", pages.len());
                for (i, p) in pages.iter().enumerate() {
                    assert!(p.contains(&fp[..16]), "{lang:?}: page {} footer", i + 1);
                }
                // Chart labels are real text too.
                let chart = lang.pick("各方法评估值（万元）", "Value by method (10k yuan)");
                assert!(has(chart), "{lang:?}: chart text");
                let axis = lang.pick("剩余寿命（年）", "remaining life (years)");
                assert!(has(axis), "{lang:?}: chart axis");
            }
        }
    }
}

#[test]
fn tables_neutralise_formula_cells() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let vid = saved(&mut store, Some("=HYPERLINK(\"http://evil\",\"x\")"));
    let data = report::gather(&store, &vid).unwrap();
    let csv_path = dir.path().join("r.csv");
    report::export(&data, Format::Csv, ReportLang::Zh, &csv_path).unwrap();
    let csv = std::fs::read(&csv_path).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "BOM for Excel");
    let text = String::from_utf8(csv).unwrap();
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""),
        "{}",
        &text[..400]
    );
    assert!(!text.contains(",=HYPERLINK"));
    assert!(text.lines().next().unwrap().contains("评估结论（元）"));
    let xlsx_path = dir.path().join("r.xlsx");
    report::export(&data, Format::Xlsx, ReportLang::En, &xlsx_path).unwrap();
    assert!(
        std::fs::read(&xlsx_path).unwrap().starts_with(b"PK"),
        "an xlsx is a zip"
    );
    assert_eq!(report::neutralise("+1"), "'+1");
    assert_eq!(report::neutralise("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(report::neutralise("-2"), "'-2");
    assert_eq!(report::neutralise("专利"), "专利");
}

#[test]
fn an_exported_report_is_verified_against_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let vid = saved(&mut Store::open(&db).unwrap(), None);
    let out = dir.path().join("r.html");
    let o = patval(&[
        "export",
        &vid[..8],
        "--db",
        db.to_str().unwrap(),
        "--format",
        "html",
        "--lang",
        "en",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ok = patval(&[
        "verify",
        "--report",
        out.to_str().unwrap(),
        db.to_str().unwrap(),
    ]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let html = std::fs::read_to_string(&out).unwrap();
    let fp = report::embedded_fingerprint(html.as_bytes()).unwrap().1;
    let forged = html.replace(&fp, &"0".repeat(64));
    std::fs::write(&out, forged).unwrap();
    let bad = patval(&[
        "verify",
        "--report",
        out.to_str().unwrap(),
        db.to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).starts_with("TAMPERING:"));
}

#[test]
fn an_exported_pdf_is_verified_against_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let vid = saved(&mut Store::open(&db).unwrap(), None);
    let out = dir.path().join("报告.pdf");
    // The format comes from the extension.
    let o = patval(&[
        "export",
        &vid[..8],
        "--db",
        db.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let ok = patval(&[
        "verify",
        "--report",
        out.to_str().unwrap(),
        db.to_str().unwrap(),
    ]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let fp = report::embedded_fingerprint(&bytes).unwrap().1;
    // Replace in the raw bytes (the PDF is binary): same length, so offsets stay valid.
    let mut raw = bytes.clone();
    let mut at = 0;
    while let Some(i) = raw[at..].windows(64).position(|w| w == fp.as_bytes()) {
        raw[at + i..at + i + 64].copy_from_slice("0".repeat(64).as_bytes());
        at += i + 64;
    }
    assert!(at > 0, "the fingerprint is in the file");
    std::fs::write(&out, &raw).unwrap();
    let bad = patval(&[
        "verify",
        "--report",
        out.to_str().unwrap(),
        db.to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).starts_with("TAMPERING:"));
    // An unknown extension without --format is refused with a message.
    let o = patval(&[
        "export",
        &vid[..8],
        "--db",
        db.to_str().unwrap(),
        "--out",
        dir.path().join("r.doc").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot tell the format"));
}

#[test]
fn characters_the_pdf_font_lacks_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let vid = saved(&mut store, None);
    // 䶮 (U+4DAE, CJK Extension A) is outside the bundled block; 堃 is inside.
    store
        .add_review(&vid, "刘䶮", "expert", "approve", "王堃")
        .unwrap();
    let data = report::gather(&store, &vid).unwrap();
    let x = report::export(
        &data,
        Format::Pdf,
        ReportLang::Zh,
        &dir.path().join("r.pdf"),
    )
    .unwrap();
    assert_eq!(x.missing_glyphs, vec!['䶮']);
    let x = report::export(
        &data,
        Format::Html,
        ReportLang::Zh,
        &dir.path().join("r.html"),
    )
    .unwrap();
    assert!(
        x.missing_glyphs.is_empty(),
        "the browser picks its own fonts"
    );
}
