//! The bank's review memo (`export --document review-memo`): its parts in order in PDF and DOCX
//! text, in Chinese and English; the recognised value equal to the accepted values of the
//! patents that can be pledged, to the fen; the lapsed and pending patents refused in the title
//! check; the sign-off names; no English default, path or internal name in the Chinese memo;
//! and the bank options refused on the other documents.

use crate::common;

use common::patval;
use patval::model::LegalStatus;
use patval::model::money::{MoneyUnit, format_money};

const PARTS_ZH: [&str; 11] = [
    "一、基本信息",
    "二、复核依据",
    "三、外部评估机构及评估报告合规性审查",
    "四、权属及出质条件核查",
    "五、评估方法及参数复核",
    "六、内部评估及差异分析",
    "七、押品认定价值",
    "八、抵质押率及授信建议",
    "九、风险提示及贷后管理要求",
    "十、复核结论",
    "十一、签批",
];

const PARTS_EN: [&str; 11] = [
    "1. Basic information",
    "2. Bases of the review",
    "3. Compliance of the outside firm and its report",
    "4. Title and pledge conditions",
    "5. Methods and parameters",
    "6. The bank's valuation and the variance",
    "7. Recognised collateral value",
    "8. Pledge ratio and credit proposal",
    "9. Risks and post-loan requirements",
    "10. Conclusion",
    "11. Sign-off",
];

fn compact(s: &str) -> String {
    s.split_whitespace().collect()
}

/// The parts follow each other after the contents (which lists them first).
fn in_order(text: &str, parts: &[&str], what: &str) {
    let text = compact(text);
    let title = parts.last().map(|p| compact(p)).unwrap();
    let contents_end = text.find(&title).expect("the contents list the last part") + title.len();
    let mut at = contents_end;
    for p in parts {
        let p = compact(p);
        let found = text[at..]
            .find(&p)
            .unwrap_or_else(|| panic!("{what}: {p} missing after byte {at}"));
        at += found + p.len();
    }
}

fn export(db: &str, id: &str, lang: &str, out: &std::path::Path, extra: &[&str]) {
    let mut args = vec![
        "export",
        id,
        "--db",
        db,
        "--document",
        "review-memo",
        "--lang",
        lang,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = patval(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

const LOAN: [&str; 6] = [
    "--external",
    "sample_data/external_appraisal.csv",
    "--exposure",
    "800万元",
    "--pd",
    "3%",
];

#[test]
fn the_review_memo_has_every_part_in_order_and_its_figures() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let db = db.to_str().unwrap();
    let id = common::save_sample(db);
    let path = |lang: &str, ext: &str| dir.path().join(format!("memo-{lang}.{ext}"));
    for (lang, parts) in [("zh", &PARTS_ZH), ("en", &PARTS_EN)] {
        for ext in ["pdf", "docx"] {
            export(db, &id, lang, &path(lang, ext), &LOAN);
        }
        let pdf = pdf_extract::extract_text(path(lang, "pdf")).unwrap();
        in_order(&pdf, parts, &format!("{lang} pdf"));
        let docx = patval::report::docx::read(&std::fs::read(path(lang, "docx")).unwrap()).unwrap();
        in_order(&docx.paragraphs.join("\n"), parts, &format!("{lang} docx"));
        assert!(
            docx.xml.contains("w:val=\"Heading1\""),
            "{lang}: heading styles"
        );
        assert!(docx.xml.contains("<w:tblHeader />"), "{lang}: tables");
    }
    let bytes = std::fs::read(path("zh", "docx")).unwrap();
    let text = patval::report::docx::read(&bytes)
        .unwrap()
        .paragraphs
        .join("\n");
    let pdf = pdf_extract::extract_text(path("zh", "pdf")).unwrap();

    // The recognised value: the accepted values (the lower of bank and firm per patent) of the
    // patents that can be pledged, summed here from the engine and the firm's file.
    let store = patval::store::Store::open(std::path::Path::new(db)).unwrap();
    let data = patval::report::gather(&store, &id).unwrap();
    let e = &data.engine;
    let firm = patval::pledge::ExternalAppraisal::read(
        std::path::Path::new("sample_data/external_appraisal.csv"),
        &patval::import::ReadOptions::new(e.assumptions.valuation_date),
    )
    .unwrap();
    let firm: std::collections::HashMap<String, f64> = firm.reported().into_iter().collect();
    let bank = data.valuation.reconciled_values();
    let mut want = 0.0;
    for (i, value) in bank.iter().enumerate() {
        let p = &e.inputs.patents[i];
        if p.status != LegalStatus::Granted || e.base[i].life.remaining_legal < 1.0 {
            continue; // cannot be pledged for a 12-month loan
        }
        let no = &e.inputs.patent_nos[i];
        want += value.min(firm.get(no).copied().unwrap_or(0.0));
    }
    let want = format_money(want, MoneyUnit::Yuan);
    assert!(
        text.contains(&format!("认定押品价值为人民币{want}")),
        "the conclusion states the recognised value {want}"
    );
    assert!(
        text.contains("有条件同意"),
        "patents excluded: agree on conditions"
    );

    // The title check refuses the lapsed and the pending patent.
    let title = &text[text.rfind("四、权属及出质条件核查").unwrap()..];
    for (no, why) in [
        ("CN201920501099.1", "专利权已终止"),
        ("CN202410502193.4", "审中申请"),
    ] {
        let at = title.find(no).unwrap_or_else(|| panic!("{no} listed"));
        let row = &title[at..at + 400.min(title.len() - at)];
        assert!(row.contains(&format!("否，{why}")), "{no}: {row}");
    }
    // The case's facts: the firm's 文号, the memo's number, the sign-off names.
    for needle in [
        "某评报字〔2026〕第0588号",
        "深分押复〔2026〕第086号",
        "陈六",
        "周七",
    ] {
        assert!(text.contains(needle), "docx: {needle}");
    }
    // No English default, path or internal name in the Chinese memo.
    let fp = data.version.fingerprint.clone();
    let pdf_body = compact(&pdf).replace(&fp, "");
    common::assert_absent(
        &[("docx", &text), ("pdf", &pdf_body)],
        &[
            "patval",
            "build-up",
            "rules",
            "sample_data",
            ".csv",
            "/tmp",
            "docs/",
            "External",
            "Bank",
            "seed",
        ],
    );
    let english_words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3 && !["LGD", "CAN"].contains(w))
        .collect();
    assert!(
        english_words.is_empty(),
        "English in the Chinese memo: {english_words:?}"
    );

    // `verify --report` checks a .docx: as exported it matches; with another fingerprint in its
    // custom properties it is reported as tampered with.
    let docx_path = path("zh", "docx");
    let verify = |p: &std::path::Path| patval(&["verify", "--report", p.to_str().unwrap(), db]);
    assert_eq!(verify(&docx_path).status.code(), Some(0));
    let forged = dir.path().join("forged.docx");
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(&forged).unwrap());
    for i in 0..zin.len() {
        use std::io::{Read, Write};
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut content = Vec::new();
        f.read_to_end(&mut content).unwrap();
        if name == "docProps/custom.xml" {
            content = String::from_utf8(content)
                .unwrap()
                .replace(&fp, &"0".repeat(64))
                .into_bytes();
        }
        zout.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zout.write_all(&content).unwrap();
    }
    zout.finish().unwrap();
    let bad = verify(&forged);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).starts_with("TAMPERING:"));
}

#[test]
fn bank_options_belong_to_the_memo() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let db = db.to_str().unwrap();
    let id = common::save_sample(db);
    let out = dir.path().join("a.html");
    let mut args = vec!["export", &id, "--db", db, "--out", out.to_str().unwrap()];
    args.extend_from_slice(&LOAN);
    let o = patval(&args);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--document review-memo"));
    // The appraisal report (the default document) carries no bank section.
    let o = patval(&["export", &id, "--db", db, "--out", out.to_str().unwrap()]);
    assert!(o.status.success());
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(
        html.contains("资产评估报告正文"),
        "the appraisal report by default"
    );
    for bank in ["押品认定价值", "价值差异桥", "风险补偿资金"] {
        assert!(!html.contains(bank), "no {bank} in the appraisal report");
    }
    // A memo without an outside report or loan still renders, and says what it rests on.
    let memo = dir.path().join("m.html");
    let o = patval(&[
        "export",
        &id,
        "--db",
        db,
        "--document",
        "review-memo",
        "--out",
        memo.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("warning: no --external"));
    let html = std::fs::read_to_string(&memo).unwrap();
    assert!(html.contains("本意见书仅依据本行内部评估"));
    assert!(html.contains("授信方案待确定风险敞口后另行审批"));
}

#[test]
fn an_insured_loan_shows_the_insurer_in_the_memo_waterfall() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let db = db.to_str().unwrap();
    let id = common::save_sample(db);
    let memo = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        let mut args = vec!["--exposure", "5000万元", "--pd", "3%"];
        args.extend_from_slice(extra);
        export(db, &id, "zh", &out, &args);
        std::fs::read_to_string(out).unwrap()
    };
    let insured = memo("insured.html", &["--insurance", "30%"]);
    assert!(insured.contains("3a. 保险方"), "the insurer's row");
    let plain = memo("plain.html", &[]);
    assert!(
        !plain.contains("保险方"),
        "no insurer row without insurance"
    );
    assert!(plain.contains("3. 担保方") && plain.contains("5. 银行损失"));
}
