//! Helpers shared by the integration tests: docs' worked-example figures, saving a data set as a
//! report version.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;

/// The number after each `<!--check:NAME-->` marker in a doc under the crate root.
pub fn doc_checks(doc: &str) -> HashMap<String, f64> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(doc))
        .unwrap_or_else(|e| panic!("{doc}: {e}"));
    let mut out = HashMap::new();
    for part in text.split("<!--check:").skip(1) {
        let (name, rest) = part.split_once("-->").expect("marker closes");
        let number: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
            .collect();
        let v: f64 = number
            .trim_end_matches(['.', ','])
            .replace(',', "")
            .parse()
            .unwrap_or_else(|_| panic!("{doc}: check:{name} is not followed by a number"));
        out.insert(name.to_string(), v);
    }
    out
}

/// `got` equals `want` (as printed in the doc, `decimals` places) after rounding.
pub fn assert_close(name: &str, got: f64, want: f64, decimals: i32) {
    let scale = 10f64.powi(decimals);
    assert_eq!(
        (got * scale).round() / scale,
        want,
        "{name}: computed {got}, the doc says {want}"
    );
}

/// Values `ds` and saves it as the next version of the store's first case (made if there is
/// none), authored by 李评估 with `note`.
pub fn save_dataset(
    store: &mut patval::store::Store,
    ds: &patval::import::Dataset,
    note: &str,
) -> patval::store::VersionInfo {
    use patval::valuation::{Engine, Methods};
    let a = ds.assumptions.clone().unwrap();
    let e = Engine::new(ds, &a, Methods::default(), None).unwrap();
    let v = e.run(None).unwrap();
    let app = match store.appraisals().unwrap().into_iter().next() {
        Some(app) => app,
        None => store
            .create_appraisal(
                &patval::store::NewAppraisal {
                    name: "星河智联专利质押".into(),
                    borrower: "深圳市星河智联科技有限公司".into(),
                    purpose: "质押融资".into(),
                    appraiser: "李评估".into(),
                    firm: "某评估公司".into(),
                },
                "2026-09-30",
                "李评估",
            )
            .unwrap(),
    };
    store
        .save_version(&app.id, "李评估", note, ds, &a, Methods::default(), &e, &v)
        .unwrap()
}

/// Runs the patval binary in the crate root.
pub fn patval(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_patval"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run patval")
}

/// Saves the bundled sample case (every table, the parameters and case.toml) through the CLI
/// into the store `db`; returns the version id.
pub fn save_sample(db: &str) -> String {
    let s = |f: &str| format!("sample_data/{f}");
    let o = patval(&[
        "save",
        "--db",
        db,
        "--case",
        "示例",
        "--borrower",
        "深圳市星河智联科技有限公司",
        "--appraiser",
        "张三",
        "--portfolio",
        &s("portfolio.csv"),
        "--forecasts",
        &s("forecasts.csv"),
        "--comparables",
        &s("comparables.csv"),
        "--cost-items",
        &s("cost_items.csv"),
        "--assumptions",
        &s("assumptions.toml"),
        "--parameters",
        &s("parameters.csv"),
        "--case-info",
        &s("case.toml"),
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["version"]["id"]
        .as_str()
        .or(v["id"].as_str())
        .expect("the saved version's id")
        .to_string()
}

/// None of `bad` appears in any of the named texts.
pub fn assert_absent(texts: &[(&str, &str)], bad: &[&str]) {
    for (name, text) in texts {
        for b in bad {
            assert!(!text.contains(b), "{name} has {b}");
        }
    }
}

/// A performing all-IP loan to the sample borrower under the Shenzhen profile: 4.35 %, PD 2 %,
/// 2026-10-01 to 2027-09-30, secured by `version` at the bank's value, no guarantor or insurer.
pub fn loan_terms(no: &str, version: &str, exposure: f64) -> patval::pledge::loans::LoanTerms {
    use patval::pledge::credit::{Accept, Collateral};
    let d = |s: &str| s.parse().unwrap();
    patval::pledge::loans::LoanTerms {
        loan_no: no.into(),
        borrower: "深圳市星河智联科技有限公司".into(),
        product: "知识产权质押贷".into(),
        exposure,
        interest_rate: 0.0435,
        pd: 0.02,
        start: d("2026-10-01"),
        maturity: d("2027-09-30"),
        version_id: version.into(),
        external_version_id: None,
        accept: Accept::Bank,
        collateral: Collateral::IpOnly,
        other_collateral_value: 0.0,
        guarantor: String::new(),
        guarantee_share: 0.0,
        insurer: String::new(),
        insurance_share: 0.0,
        policy: "shenzhen".into(),
    }
}
