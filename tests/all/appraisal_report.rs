//! The CAS appraisal report (`export --document appraisal`): its parts in the required order in
//! PDF and DOCX text, the risk disclosure naming the sample's lapsed and pending patents, a
//! patent's income table equal to its trace to the fen, and no English default or file path
//! in the Chinese document.

use crate::common;

use common::patval;
use patval::report::docx::DocxTable;

/// The parts in order: the first three come before the declarations (receipt, cover,
/// contents); the rest are found in turn past the declarations' first item.
const PARTS_ZH: [&str; 26] = [
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
    "资产评估说明",
    "收益法计算表",
    "成本法计算表",
    "市场法因素修正表",
];

const PARTS_EN: [&str; 26] = [
    "CAS filing receipt",
    "Asset appraisal report",
    "Contents",
    "Declarations",
    "Summary",
    "Report",
    "1. Client, rights holder and other users",
    "2. Purpose",
    "3. Subject and scope",
    "4. Type of value",
    "5. Valuation date",
    "6. Bases",
    "7. Methods",
    "8. Procedures performed",
    "9. Assumptions",
    "10. Conclusion",
    "11. Special matters",
    "Pledge risk disclosure",
    "12. Restrictions on use",
    "13. Report date",
    "14. Signatures and seal",
    "Annexes",
    "Valuation explanation",
    "Income approach by year",
    "Cost approach build-up",
    "Market approach adjustment grid",
];

fn compact(s: &str) -> String {
    s.split_whitespace().collect()
}

fn in_order(text: &str, parts: &[&str], what: &str) {
    let text = compact(text);
    // Past the contents page, so each part is found where it is printed.
    let anchor = format!("{}1.", compact(parts[3]));
    let start = text
        .find(&anchor)
        .unwrap_or_else(|| panic!("{what}: no {anchor}"));
    let mut at = start;
    for p in parts.iter().skip(4).map(|p| compact(p)) {
        let found = text[at..]
            .find(&p)
            .unwrap_or_else(|| panic!("{what}: {p} missing after byte {at}"));
        at += found + p.len();
    }
    for p in &parts[..3] {
        assert!(
            text[..start].contains(&compact(p)),
            "{what}: {p} before the declarations"
        );
    }
}

/// Exports the saved sample's appraisal report in each format; returns the files' paths.
fn export(dir: &std::path::Path, db: &str, id: &str, lang: &str) -> [std::path::PathBuf; 2] {
    ["pdf", "docx"].map(|ext| {
        let path = dir.join(format!("a-{lang}.{ext}"));
        let o = patval(&[
            "export",
            id,
            "--db",
            db,
            "--document",
            "appraisal",
            "--lang",
            lang,
            "--out",
            path.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        path
    })
}

#[test]
fn the_english_appraisal_report_has_every_part_in_order_in_pdf_and_docx() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let db = db.to_str().unwrap();
    let id = common::save_sample(db);
    let [pdf, docx] = export(dir.path(), db, &id, "en");
    in_order(
        &pdf_extract::extract_text(pdf).unwrap(),
        &PARTS_EN,
        "en pdf",
    );
    let docx = patval::report::docx::read(&std::fs::read(docx).unwrap()).unwrap();
    in_order(&docx.paragraphs.join("\n"), &PARTS_EN, "en docx");
}

#[test]
fn the_appraisal_report_has_every_part_in_order_in_pdf_and_docx() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let db = db.to_str().unwrap();
    let id = common::save_sample(db);
    let [pdf, docx] = export(dir.path(), db, &id, "zh");
    let pdf = pdf_extract::extract_text(pdf).unwrap();
    in_order(&pdf, &PARTS_ZH, "pdf");
    let bytes = std::fs::read(docx).unwrap();
    let docx = patval::report::docx::read(&bytes).unwrap();
    let text = docx.paragraphs.join("\n");
    in_order(&text, &PARTS_ZH, "docx");

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
    let (e, titles) = sample_engine();
    income_table_matches_trace(&e, &titles, &docx.tables);
    cost_table_matches_trace(&e, &titles, &docx.tables);
    market_grid_matches_trace(&e, &titles, &docx.tables);
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

fn sample_engine() -> (patval::valuation::Engine, Vec<String>) {
    use patval::valuation::{Engine, Methods};
    let ds = patval::sample::load().unwrap();
    let a = ds.assumptions.clone().unwrap();
    let e = Engine::new(&ds, &a, Methods::default(), None).unwrap();
    (e, ds.titles())
}

fn fen(x: f64) -> String {
    patval::model::money::group_thousands(x, 2)
}

/// The body rows (header row left out) of the table under `heading`.
fn table_after<'a>(tables: &'a [DocxTable], heading: &str) -> &'a [Vec<String>] {
    let t = tables
        .iter()
        .find(|t| t.after == heading)
        .unwrap_or_else(|| panic!("no table under {heading}"));
    &t.rows[1..]
}

/// Every income table row's cells in the .docx equal the patent's trace to the fen.
fn income_table_matches_trace(
    e: &patval::valuation::Engine,
    titles: &[String],
    tables: &[DocxTable],
) {
    let mut checked = 0;
    for (i, title) in titles.iter().enumerate() {
        let Some(t) = e.trace(i).income.filter(|t| t.value.is_some()) else {
            continue;
        };
        let no = &e.inputs.patent_nos[i];
        let rows = table_after(tables, &format!("{no} {title}"));
        for (k, y) in t.years.iter().enumerate() {
            let row = &rows[k];
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

/// Each cost build-up in the .docx: every item's restated amount, the R&D subtotal, the
/// replacement cost and the value equal the trace to the fen, and the value is the one the
/// engine gives the patent by the cost approach.
fn cost_table_matches_trace(
    e: &patval::valuation::Engine,
    titles: &[String],
    tables: &[DocxTable],
) {
    let v = e.run(None).unwrap();
    let mut checked = 0;
    for (i, title) in titles.iter().enumerate() {
        let Some(c) = e.trace(i).cost.filter(|c| c.value.is_some()) else {
            continue;
        };
        let no = &e.inputs.patent_nos[i];
        let rows = table_after(tables, &format!("{no} {title}（成本法）"));
        for (k, it) in c.items.iter().enumerate() {
            assert_eq!(rows[k][1], it.year.to_string(), "{no} item {k}");
            assert_eq!(rows[k][4], fen(it.restated), "{no} item {k} restated");
        }
        let find = |label: &str| {
            rows.iter()
                .find(|r| r[0] == label)
                .unwrap_or_else(|| panic!("{no}: no row {label}"))[4]
                .clone()
        };
        if c.multiplier.is_none() {
            assert_eq!(find("研发成本小计"), fen(c.rd_restated), "{no}");
            assert_eq!(find("重置成本"), fen(c.replacement_cost), "{no}");
        }
        let value = c.value.unwrap();
        assert_eq!(find("成本法评估值"), fen(value), "{no}");
        assert_eq!(
            v.patents[i].cost.ok(),
            Some(value),
            "{no}: the engine's cost value"
        );
        checked += 1;
    }
    assert!(checked > 10, "{checked} cost tables checked");
}

/// Each market grid in the .docx: every comparable's adjusted price and the weighted mean equal
/// the trace to the fen, and the printed weights and prices give the printed mean.
fn market_grid_matches_trace(
    e: &patval::valuation::Engine,
    titles: &[String],
    tables: &[DocxTable],
) {
    let num = |s: &str| {
        s.trim_end_matches('*')
            .replace(',', "")
            .parse::<f64>()
            .unwrap()
    };
    let mut checked = 0;
    for (i, title) in titles.iter().enumerate() {
        let Some(m) = e
            .trace(i)
            .market
            .filter(|m| m.value.is_some() && !m.comparables.is_empty())
        else {
            continue;
        };
        let no = &e.inputs.patent_nos[i];
        let rows = table_after(tables, &format!("{no} {title}（市场法）"));
        let (mut wsum, mut acc) = (0.0, 0.0);
        for (k, c) in m.comparables.iter().enumerate() {
            assert_eq!(rows[k][0], c.deal_id, "{no}");
            assert_eq!(rows[k][1], fen(c.price), "{no} {}", c.deal_id);
            assert_eq!(rows[k][9], fen(c.adjusted_price), "{no} {}", c.deal_id);
            wsum += num(&rows[k][8]);
            acc += num(&rows[k][8]) * num(&rows[k][9]);
        }
        let mean_row = &rows[m.comparables.len()];
        assert_eq!(mean_row[0], "加权平均");
        let mean = m.weighted_mean.unwrap();
        assert_eq!(mean_row[9], fen(mean), "{no} weighted mean");
        // The printed weights are rounded to 4 places: the mean they give is within 0.01%.
        assert!(((acc / wsum) - mean).abs() <= mean.abs() * 1e-4, "{no}");
        checked += 1;
    }
    assert!(checked > 5, "{checked} market grids checked");
}
