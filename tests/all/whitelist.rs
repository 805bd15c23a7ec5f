//! The whitelist pre-assessment (docs/bank.md §6): on firms made from the sample case, the rank
//! and the whitelist follow the documented formula (worked out here from the engine's per-patent
//! values, not by the library's aggregation); the worked example to the cent; firm-scoped
//! forecasts; a bad firm id named by file, row and column; the CLI's CSV.

use crate::common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use patval::import::cell::cn_check_digit;
use patval::import::{Dataset, ReadOptions, TableKind, read_table};
use patval::model::{Assumptions, LegalStatus, PatentType};
use patval::pledge::whitelist::{
    self, Check, Firms, PatentFacts, ValueBasis, WhitelistFiles, WhitelistRule,
};
use patval::pledge::{Policy, fen, yuan};
use patval::valuation::{Engine, Methods, Tweak};

fn sample(f: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample_data")
        .join(f)
}

fn sample_rows() -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_path(sample("portfolio.csv")).unwrap();
    let header = r.headers().unwrap().clone();
    (header, r.records().map(Result::unwrap).collect())
}

/// A fresh valid application number for copy `k`.
fn new_no(k: usize) -> String {
    let digits = format!("2019105{:05}", 90_000 + k);
    format!("CN{digits}.{}", cn_check_digit(&digits))
}

/// Writes the firms' portfolio: `(firm, sample row, status override)` per patent; copies get
/// new numbers. Returns each patent's firm in file order.
fn write_firms(path: &Path, plan: &[(&str, usize, Option<&str>)]) -> Vec<String> {
    let (header, rows) = sample_rows();
    let mut w = csv::Writer::from_path(path).unwrap();
    let mut h = vec!["企业编号".to_string()];
    h.extend(header.iter().map(String::from));
    w.write_record(&h).unwrap();
    let mut seen = std::collections::HashSet::new();
    for (k, (firm, src, status)) in plan.iter().enumerate() {
        let mut rec: Vec<String> = rows[*src].iter().map(String::from).collect();
        if !seen.insert(*src) {
            rec[0] = new_no(k);
        }
        if let Some(s) = status {
            rec[6] = s.to_string();
            if *s == "审中" {
                rec[5] = String::new();
            }
        }
        let mut out = vec![firm.to_string()];
        out.extend(rec);
        w.write_record(&out).unwrap();
    }
    w.flush().unwrap();
    plan.iter().map(|p| p.0.to_string()).collect()
}

fn assumptions() -> Assumptions {
    patval::import::load_assumptions(&sample("assumptions.toml")).unwrap()
}

/// The firms of the ranking test: three of the sample case's ten patents each, one whose
/// patents all lapsed, one with only pending applications, one with a single invention.
fn plan() -> Vec<(&'static str, usize, Option<&'static str>)> {
    let mut p = Vec::new();
    for i in 0..30 {
        p.push((["A", "B", "C"][i / 10], i, None));
    }
    p.extend((0..5).map(|i| ("D", i, Some("失效"))));
    p.extend((5..8).map(|i| ("E", i, Some("审中"))));
    p.push(("G", 2, None));
    p
}

/// Per firm, by the documented formula from each patent's value and value degree:
/// (firm, indicative value, credit limit, value degree, granted, granted inventions, lapsed share).
type Expected = (String, f64, f64, f64, u32, u32, f64);

/// Running sums of one firm.
#[derive(Default)]
struct Acc {
    value: f64,
    limit: f64,
    weighted: f64,
    scores: f64,
    patents: u32,
    granted: u32,
    granted_inventions: u32,
    dead: u32,
}

fn expected(e: &Engine, firm_of: &[String], policy: &Policy) -> Vec<Expected> {
    let values = e.evaluate_all(&Tweak::IDENTITY);
    let mut acc: HashMap<&str, Acc> = HashMap::new();
    for (i, firm) in firm_of.iter().enumerate() {
        let p = &e.inputs.patents[i];
        let s = e.base[i].score.overall;
        let dead = matches!(p.status, LegalStatus::Lapsed | LegalStatus::Invalidated);
        let a = if dead {
            0.0
        } else {
            values[i].reconciled.unwrap_or(0.0).max(0.0)
        };
        let rate = if dead {
            0.0
        } else {
            let pending = p.status == LegalStatus::Pending;
            policy.pledge_rate(p.patent_type, policy.band(s), pending)
        };
        let x = acc.entry(firm).or_default();
        x.value += a;
        x.limit += a * rate;
        x.weighted += a * s;
        x.scores += s;
        x.patents += 1;
        x.granted += u32::from(p.status == LegalStatus::Granted);
        x.granted_inventions +=
            u32::from(p.status == LegalStatus::Granted && p.patent_type == PatentType::Invention);
        x.dead += u32::from(dead);
    }
    let mut out: Vec<Expected> = acc
        .into_iter()
        .map(|(f, x)| {
            let d = if x.value > 0.0 {
                x.weighted / x.value
            } else {
                x.scores / f64::from(x.patents)
            };
            (
                f.to_string(),
                yuan(fen(x.value)),
                yuan(fen(x.limit)),
                (d * 100.0).round() / 100.0,
                x.granted,
                x.granted_inventions,
                f64::from(x.dead) / f64::from(x.patents),
            )
        })
        .collect();
    out.sort_by(|a, b| fen(b.2).cmp(&fen(a.2)).then(a.0.cmp(&b.0)));
    out
}

const METHODS: Methods = Methods {
    cost: true,
    income: false,
    market: true,
};

/// Independently: the rows read as an ordinary portfolio (the firm column ignored), valued, and
/// aggregated by the documented formula.
fn expected_of(path: &Path, firm_of: &[String], policy: &Policy) -> Vec<Expected> {
    let a = assumptions();
    let opts = ReadOptions::new(a.valuation_date);
    let ds = Dataset {
        assumptions: Some(a.clone()),
        portfolio: Some(read_table(TableKind::Portfolio, path, &opts, None).unwrap()),
        comparables: Some(
            read_table(
                TableKind::Comparables,
                &sample("comparables.csv"),
                &opts,
                None,
            )
            .unwrap(),
        ),
        ..Dataset::default()
    };
    expected(
        &Engine::new(&ds, &a, METHODS, None).unwrap(),
        firm_of,
        policy,
    )
}

/// The library's whitelist of the firms' file.
fn whitelist_of(path: &Path, policy: &Policy, rule: &WhitelistRule) -> whitelist::Whitelist {
    let a = assumptions();
    let files = WhitelistFiles {
        portfolio: path.to_path_buf(),
        forecasts: None,
        comparables: Some(sample("comparables.csv")),
    };
    let loaded = whitelist::load(&files, &a, None).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let e = Engine::new(&loaded.dataset, &a, METHODS, None).unwrap();
    let values = e.evaluate_all(&Tweak::IDENTITY);
    whitelist::assess_engine(
        &e,
        &values,
        &loaded.firms,
        policy,
        rule,
        ValueBasis::Reconciled,
    )
    .unwrap()
}

#[test]
fn ranking_and_thresholds_pick_the_firms_the_formula_gives() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("firms.csv");
    let firm_of = write_firms(&path, &plan());
    let policy = Policy::shenzhen();
    let want = expected_of(&path, &firm_of, &policy);
    let rule = WhitelistRule {
        min_granted_inventions: 1,
        ..WhitelistRule::default()
    };
    let wl = whitelist_of(&path, &policy, &rule);
    let got: Vec<(&str, f64, f64, f64)> = wl
        .firms
        .iter()
        .map(|f| (f.firm_id.as_str(), f.value, f.credit_limit, f.value_degree))
        .collect();
    let exp: Vec<(&str, f64, f64, f64)> =
        want.iter().map(|x| (x.0.as_str(), x.1, x.2, x.3)).collect();
    assert_eq!(got, exp, "rank order, values and limits to the fen");
    let selected = |x: &Expected| {
        x.4 >= 1 && x.5 >= 1 && x.3 >= 50.0 && fen(x.2) >= fen(1_000_000.0) && x.6 <= 0.5
    };
    let want_in: Vec<&str> = want
        .iter()
        .filter(|x| selected(x))
        .map(|x| x.0.as_str())
        .collect();
    let got_in: Vec<&str> = wl
        .firms
        .iter()
        .filter(|f| f.whitelisted)
        .map(|f| f.firm_id.as_str())
        .collect();
    assert_eq!(got_in, want_in);
    assert!(!got_in.is_empty() && got_in.len() < 6, "{got_in:?}");
    let failed = |id: &str| -> Vec<Check> {
        let f = wl.firms.iter().find(|f| f.firm_id == id).unwrap();
        f.failed.iter().map(|x| x.check).collect()
    };
    assert!(failed("D").contains(&Check::LapsedShare));
    assert!(failed("D").contains(&Check::CreditLimit));
    assert!(failed("E").contains(&Check::Granted));
    assert!(failed("E").contains(&Check::GrantedInventions));
    assert_eq!(wl.summary.firms, 6);
    assert_eq!(wl.summary.patents, 39);
}

/// docs/bank.md §6's worked example: eight patents of three firms.
fn doc_example() -> (Vec<PatentFacts>, Firms) {
    let f = |t, s, score, value| PatentFacts {
        patent_type: t,
        status: s,
        score,
        value,
    };
    use LegalStatus::{Granted, Invalidated, Lapsed, Pending};
    use PatentType::{Design, Invention, UtilityModel};
    let facts = vec![
        f(Invention, Granted, 82.0, 1_200_000.0),
        f(UtilityModel, Granted, 70.0, 300_000.0),
        f(Invention, Pending, 55.0, 400_000.0),
        f(Design, Lapsed, 30.0, 0.0),
        f(Invention, Granted, 85.0, 2_000_000.0),
        f(Invention, Granted, 66.0, 500_000.0),
        f(Invention, Invalidated, 40.0, 0.0),
        f(UtilityModel, Lapsed, 20.0, 0.0),
    ];
    let firms = Firms {
        ids: vec!["F001".into(), "F002".into(), "F003".into()],
        of: vec![0, 0, 0, 0, 1, 1, 2, 2],
    };
    (facts, firms)
}

#[test]
fn worked_example_matches_docs_bank_to_the_cent() {
    let checks = common::doc_checks("docs/bank.md");
    let want = |k: &str| *checks.get(k).unwrap_or_else(|| panic!("no check:{k}"));
    let (facts, firms) = doc_example();
    let wl = whitelist::assess(
        &facts,
        &firms,
        &Policy::shenzhen(),
        &WhitelistRule::default(),
    )
    .unwrap();
    let firm = |id: &str| wl.firms.iter().find(|x| x.firm_id == id).unwrap();
    common::assert_close("wl_f1_value", firm("F001").value, want("wl_f1_value"), 2);
    common::assert_close(
        "wl_f1_limit",
        firm("F001").credit_limit,
        want("wl_f1_limit"),
        2,
    );
    common::assert_close(
        "wl_f1_degree",
        firm("F001").value_degree,
        want("wl_f1_degree"),
        2,
    );
    common::assert_close(
        "wl_f2_limit",
        firm("F002").credit_limit,
        want("wl_f2_limit"),
        2,
    );
    common::assert_close(
        "wl_f2_degree",
        firm("F002").value_degree,
        want("wl_f2_degree"),
        2,
    );
    common::assert_close(
        "wl_f3_degree",
        firm("F003").value_degree,
        want("wl_f3_degree"),
        2,
    );
    common::assert_close(
        "wl_total_limit",
        wl.summary.credit_limit,
        want("wl_total_limit"),
        2,
    );
    let ranked: Vec<(&str, u32, bool)> = wl
        .firms
        .iter()
        .map(|x| (x.firm_id.as_str(), x.rank, x.whitelisted))
        .collect();
    assert_eq!(
        ranked,
        vec![("F002", 1, true), ("F001", 2, false), ("F003", 3, false)]
    );
    let checks_of = |id: &str| -> Vec<Check> { firm(id).failed.iter().map(|x| x.check).collect() };
    assert_eq!(checks_of("F001"), vec![Check::CreditLimit]);
    assert_eq!(
        checks_of("F003"),
        vec![
            Check::Granted,
            Check::ValueDegree,
            Check::CreditLimit,
            Check::LapsedShare
        ]
    );
}

/// The sample forecasts for `firm`, revenue divided by `div`.
fn forecasts_for(w: &mut csv::Writer<std::fs::File>, firm: &str, div: f64) {
    let mut r = csv::Reader::from_path(sample("forecasts.csv")).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        let mut out = vec![firm.to_string()];
        for (i, c) in rec.iter().enumerate() {
            if i == 2 {
                out.push(format!("{:.2}", c.parse::<f64>().unwrap() / div));
            } else {
                out.push(c.to_string());
            }
        }
        w.write_record(&out).unwrap();
    }
}

#[test]
fn the_cli_scopes_forecasts_by_firm_and_writes_every_firm() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("firms.csv");
    let plan: Vec<(&str, usize, Option<&str>)> = (0..10)
        .map(|i| ("HI", i, None))
        .chain((0..10).map(|i| ("LO", i, None)))
        .collect();
    write_firms(&p, &plan);
    // Both firms call their product lines 智能门锁 etc.; LO's revenue is a tenth of HI's.
    let f = dir.path().join("forecasts.csv");
    let mut w = csv::Writer::from_path(&f).unwrap();
    let header = csv::Reader::from_path(sample("forecasts.csv"))
        .unwrap()
        .headers()
        .unwrap()
        .clone();
    let mut h = vec!["firm_id".to_string()];
    h.extend(header.iter().map(String::from));
    w.write_record(&h).unwrap();
    forecasts_for(&mut w, "HI", 1.0);
    forecasts_for(&mut w, "LO", 10.0);
    w.flush().unwrap();
    let out = dir.path().join("out.csv");
    let s = |p: &Path| p.to_string_lossy().to_string();
    let args = [
        "whitelist".to_string(),
        s(&p),
        "--forecasts".into(),
        s(&f),
        "--comparables".into(),
        s(&sample("comparables.csv")),
        "--assumptions".into(),
        s(&sample("assumptions.toml")),
        "--out".into(),
        s(&out),
        "--lang".into(),
        "en".into(),
        "--json".into(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = common::patval(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let firms = json["firms"].as_array().unwrap();
    assert_eq!(firms.len(), 2);
    let value = |id: &str| {
        firms.iter().find(|f| f["firm_id"] == id).unwrap()["value"]
            .as_f64()
            .unwrap()
    };
    assert!(value("HI") > value("LO"), "each firm's own forecasts");

    let bytes = std::fs::read(&out).unwrap();
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap()).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let cols: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&cols[..3], &["rank", "firm_id", "whitelisted"]);
    let at = |name: &str| cols.iter().position(|c| c == name).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    for (k, row) in rows.iter().enumerate() {
        let id = &row[at("firm_id")];
        let j = firms.iter().find(|f| f["firm_id"] == id).unwrap();
        assert_eq!(row[at("rank")], (k + 1).to_string());
        assert_eq!(&row[at("patents")], "10");
        let limit: f64 = row[at("indicative_credit_limit")].parse().unwrap();
        assert_eq!(fen(limit), fen(j["credit_limit"].as_f64().unwrap()));
        let listed = row[at("whitelisted")] == *"yes";
        assert_eq!(listed, j["whitelisted"].as_bool().unwrap());
        assert_eq!(listed, row[at("reason")].is_empty());
    }
    assert_eq!(rows[0][at("firm_id")], *"HI");
}

#[test]
fn a_bad_firm_id_is_named_by_file_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("firms.csv");
    write_firms(&p, &[("F1", 0, None), ("F 2", 1, None), ("", 2, None)]);
    let o = common::patval(&[
        "whitelist",
        &p.to_string_lossy(),
        "--valuation-date",
        "2026-09-30",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    let file = p.display();
    assert!(
        err.contains(&format!(
            "error: {file}, row 3, column A \"企业编号\": firm id \"F 2\" holds a space"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "error: {file}, row 4, column A \"企业编号\": required value is missing"
        )),
        "{err}"
    );
    // Forecasts without a firm column cannot be scoped.
    write_firms(&p, &[("F1", 0, None)]);
    let o = common::patval(&[
        "whitelist",
        &p.to_string_lossy(),
        "--forecasts",
        &sample("forecasts.csv").to_string_lossy(),
        "--valuation-date",
        "2026-09-30",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("forecasts.csv: missing required column \"firm_id\""),
        "{err}"
    );
}
