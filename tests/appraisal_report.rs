//! The CAS appraisal report (`export --document appraisal`): its parts in the required order in
//! PDF and DOCX text, the risk disclosure naming the sample's lapsed and pending patents, a
//! patent's income table equal to its trace to the fen, and no English default or file path
//! in the Chinese document.

mod common;

use common::patval;

const PARTS: [&str; 22] = [
    "中国资产评估协会资产评估业务报告备案回执",
    "资产评估报告",
    "目录",
    "声明",
    "资产评估报告摘要",
    "资产评估报告正文",
    "一、委托人、产权持有人及其他资产评估报告使用人",
    "二、评估目的",
    "三、评估对象和评估范围",
    "四、价值类型",
    "五、评估基准日",
    "六、评估依据",
    "七、评估方法",
    "八、评估程序实施过程和情况",
    "九、评估假设",
    "十、评估结论",
    "十一、特别事项说明",
    "质押风险提示",
    "十二、资产评估报告使用限制说明",
    "十三、资产评估报告日",
    "十四、资产评估专业人员签名和资产评估机构印章",
    "资产评估报告附件",
];

fn in_order(text: &str, what: &str) {
    let compact: String = text.split_whitespace().collect();
    // Past the contents page, so each part is found where it is printed.
    let mut at = compact.find("声明1.").expect("the declarations");
    for p in PARTS.iter().skip(3) {
        let found = compact[at..]
            .find(p)
            .unwrap_or_else(|| panic!("{what}: {p} missing after byte {at}"));
        at += found + p.len();
    }
    let explanation = compact[at..].find("资产评估说明");
    assert!(
        explanation.is_some(),
        "{what}: the explanation follows the annexes"
    );
    let head = &compact[..compact.find("声明1.").unwrap()];
    for p in &PARTS[..3] {
        assert!(head.contains(p), "{what}: {p} before the declarations");
    }
}

#[test]
fn the_appraisal_report_has_every_part_in_order_in_pdf_and_docx() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let db = db.to_str().unwrap();
    let id = common::save_sample(db);
    let out = |ext: &str| dir.path().join(format!("a.{ext}"));
    for ext in ["pdf", "docx"] {
        let path = out(ext);
        let o = patval(&[
            "export",
            &id,
            "--db",
            db,
            "--document",
            "appraisal",
            "--out",
            path.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let pdf = pdf_extract::extract_text(out("pdf")).unwrap();
    in_order(&pdf, "pdf");
    let bytes = std::fs::read(out("docx")).unwrap();
    let docx = patval::report::docx::read(&bytes).unwrap();
    let text = docx.paragraphs.join("\n");
    in_order(&text, "docx");

    // Word structure: heading styles, a TOC field, repeating table headers, the fingerprint.
    assert!(docx.xml.contains("w:val=\"Heading1\"") && docx.xml.contains("w:val=\"Heading2\""));
    assert!(docx.xml.contains("TOC \\o"), "a table of contents field");
    assert!(docx.xml.contains("<w:tblHeader />"), "table headers repeat");
    let (vid, fp) = patval::report::embedded_fingerprint(&bytes).unwrap();
    assert_eq!(vid, id);
    assert_eq!(fp.len(), 64);

    // The conclusion in figures and in words, and the case's facts.
    for needle in [
        "星评报字〔2026〕第0123号",
        "（大写：人民币",
        "张三",
        "44000456",
        "自评估基准日2026年9月30日起至2027年9月29日止",
    ] {
        assert!(text.contains(needle), "docx: {needle}");
    }
    // The risk disclosure names the lapsed and the pending patents.
    let risk_at = text.find("质押风险提示").unwrap();
    let risk = &text[risk_at..];
    assert!(
        risk.contains("CN201920501099.1") && risk.contains("失效"),
        "lapsed"
    );
    assert!(
        risk.contains("CN202410502193.4") && risk.contains("审中"),
        "pending"
    );
    income_table_matches_trace(&docx.paragraphs);
    // No English default and no path in the Chinese document.
    common::assert_absent(
        &[("docx", &text), ("pdf", &pdf)],
        &[
            "patent pledge financing",
            "docs/",
            ".md",
            "sample_data",
            "/tmp",
            "build-up",
            "patval",
        ],
    );
}

/// Every income table row's cells in the .docx equal the patent's trace to the fen.
fn income_table_matches_trace(paragraphs: &[String]) {
    use patval::valuation::{Engine, Methods};
    let ds = patval::sample::load().unwrap();
    let a = ds.assumptions.clone().unwrap();
    let e = Engine::new(&ds, &a, Methods::default(), None).unwrap();
    let fen = |x: f64| patval::model::money::group_thousands(x, 2);
    let titles = ds.titles();
    let mut checked = 0;
    for (i, title) in titles.iter().enumerate() {
        let Some(t) = e.trace(i).income.filter(|t| t.value.is_some()) else {
            continue;
        };
        let no = &e.inputs.patent_nos[i];
        let heading = format!("{no} {title}");
        // The last paragraph with the heading's text: the contents list it first.
        let at = paragraphs
            .iter()
            .rposition(|p| *p == heading)
            .unwrap_or_else(|| panic!("no income table for {no}"));
        // Ten header cells, then ten cells per year.
        let cells = &paragraphs[at + 11..];
        for (k, y) in t.years.iter().enumerate() {
            let row = &cells[k * 10..k * 10 + 10];
            assert_eq!(row[0], y.year.to_string(), "{no}");
            assert_eq!(row[1], fen(y.base), "{no} {} base", y.year);
            assert_eq!(row[6], fen(y.cash_flow), "{no} {} cash flow", y.year);
            assert_eq!(
                row[9],
                fen(y.present_value),
                "{no} {} present value",
                y.year
            );
        }
        checked += 1;
    }
    assert!(checked > 10, "{checked} tables checked");
}
