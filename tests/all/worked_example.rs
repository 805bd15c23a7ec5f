//! The worked example of docs/methods.md §9, checked to the cent. The expected figures are read
//! from the doc itself (the number after each `<!--check:NAME-->` marker), so the doc and the
//! code cannot drift apart.

use crate::common;

use std::collections::HashMap;
use std::path::Path;

use patval::valuation::{Engine, Method, Methods};

fn doc_checks() -> HashMap<String, f64> {
    common::doc_checks("docs/methods.md")
}

fn engine() -> Engine {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/worked");
    let ds = patval::import::load_directory(&dir).unwrap();
    let a = ds.assumptions.clone().unwrap();
    Engine::new(&ds, &a, Methods::default(), None).unwrap()
}

use common::assert_close;

#[test]
fn worked_example_matches_the_doc_to_the_cent() {
    let checks = doc_checks();
    assert!(checks.len() >= 17, "the doc lost check markers: {checks:?}");
    let e = engine();
    let t = e.trace(0);
    let v = e.evaluate(0, &patval::valuation::Tweak::IDENTITY, None);
    let c = |k: &str| {
        *checks
            .get(k)
            .unwrap_or_else(|| panic!("no check:{k} in docs/methods.md"))
    };

    assert_close("tvd", t.score.technical, c("tvd"), 2);
    assert_close("pvd", t.score.overall, c("pvd"), 2);

    let cost = t.cost.as_ref().unwrap();
    assert_close("cost_rd", cost.rd_restated, c("cost_rd"), 2);
    assert_close("cost_fees", cost.fees_restated, c("cost_fees"), 2);
    assert_close("cost_rc", cost.replacement_cost, c("cost_rc"), 2);
    assert_close("cost", v.cost.unwrap(), c("cost"), 2);

    let income = t.income.as_ref().unwrap();
    assert_eq!(income.years.len(), 6);
    for y in &income.years {
        assert_close(
            &format!("pv_{}", y.year),
            y.present_value,
            c(&format!("pv_{}", y.year)),
            2,
        );
    }
    assert_close("income", v.income.unwrap(), c("income"), 2);

    let market = t.market.as_ref().unwrap();
    let ids: Vec<&str> = market
        .comparables
        .iter()
        .map(|x| x.deal_id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["C1", "C3", "C2", "C4"],
        "C5 is excluded; the rest ranked by similarity"
    );
    for x in &market.comparables {
        assert_close(
            &format!("adj_{}", x.deal_id),
            x.adjusted_price,
            c(&format!("adj_{}", x.deal_id)),
            2,
        );
    }
    assert_close("market", v.market.unwrap(), c("market"), 2);

    assert_close("reconciled", v.reconciled.unwrap(), c("reconciled"), 2);
    assert_eq!(v.low, v.cost.ok());
    assert_eq!(v.high, v.income.ok());
    // The trace and the bulk evaluation agree exactly.
    for m in Method::ALL {
        assert_eq!(t.value(m), v.method(m).ok(), "{m:?}");
    }
}

/// Runs `patval value` on the worked example with extra arguments.
fn value_cli(extra: &[&str]) -> std::process::Output {
    let dir = "tests/data/worked";
    let files = [
        ("--portfolio", "portfolio.csv"),
        ("--forecasts", "forecasts.csv"),
        ("--cost-items", "cost_items.csv"),
        ("--comparables", "comparables.csv"),
        ("--assumptions", "assumptions.toml"),
    ];
    let mut args: Vec<String> = vec!["value".into()];
    for (flag, file) in files {
        args.push(flag.into());
        args.push(format!("{dir}/{file}"));
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    std::process::Command::new(env!("CARGO_BIN_EXE_patval"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(&args)
        .output()
        .unwrap()
}

#[test]
fn cli_prints_the_same_figures() {
    let out = value_cli(&["--trace", "CN202010123456.2", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let checks = doc_checks();
    let p = &v["patents"][0];
    assert_close("income", p["income"].as_f64().unwrap(), checks["income"], 2);
    assert_close(
        "reconciled",
        p["reconciled"].as_f64().unwrap(),
        checks["reconciled"],
        2,
    );
    assert_close(
        "summary",
        v["summary"]["reconciled"].as_f64().unwrap(),
        checks["reconciled"],
        2,
    );
    assert_eq!(
        v["traces"][0]["income"]["years"].as_array().unwrap().len(),
        6
    );
    assert_eq!(v["traces"][0]["market"]["comparables"][0]["deal_id"], "C1");
}

#[test]
fn value_out_writes_the_per_patent_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("results.csv");
    let o = value_cli(&["--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(col("patent_no"), "CN202010123456.2");
    assert_eq!(col("title"), "一种门锁临时密码的离线生成方法");
    let checks = doc_checks();
    assert_close(
        "income",
        col("income_value").parse().unwrap(),
        checks["income"],
        2,
    );
    assert_close(
        "reconciled",
        col("reconciled_value").parse().unwrap(),
        checks["reconciled"],
        2,
    );
}
