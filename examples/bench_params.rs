//! Parameter overrides at scale (issue #11): 1,000,000 patents valued without overrides, then
//! with 10 % of them overridden (one patent row each, alternating discount rate, share rate and
//! remaining life) plus one row per asset group. Target: within 1.2× of the time without.
//! Also times `patval value --parameters … --out` end to end on the same 1M set.
//!
//! Run: `cargo run --release --example bench_params`. Prints figures; it is not a timed test.

mod common;

use std::time::Instant;

use patval::model::parameters::{ParamEntry, ParamKey, ParamScope, ParameterSet};
use patval::valuation::{Engine, Methods};

fn entry(scope: ParamScope, target: &str, key: &str, text: &str) -> ParamEntry {
    let key = ParamKey::parse(key).expect("key");
    ParamEntry {
        scope,
        target: target.into(),
        value: patval::import::parameters::parse_value(&key, text).expect("value"),
        key,
        text: text.into(),
        basis: "基准测试".into(),
        source: String::new(),
        row: 0,
    }
}

fn overrides(e: &Engine) -> ParameterSet {
    let mut set = ParameterSet::default();
    for g in &e.inputs.group_names {
        set.entries
            .push(entry(ParamScope::Group, g, "tax_rate", "25%"));
    }
    for (k, no) in e.inputs.patent_nos.iter().enumerate().step_by(10) {
        let (key, v) = match (k / 10) % 3 {
            0 => ("discount_rate", "14%"),
            1 => ("share_rate", "4%"),
            _ => ("remaining_life", "6"),
        };
        set.entries.push(entry(ParamScope::Patent, no, key, v));
    }
    set
}

fn main() {
    let n = 1_000_000;
    let ds = common::dataset(n);
    let a = ds.assumptions.clone().expect("assumptions");
    let plain = Engine::new(&ds, &a, Methods::default(), None).expect("engine");
    let set = overrides(&plain);
    println!(
        "{} parameter rows ({} patents overridden)",
        set.entries.len(),
        n / 10
    );
    for run in 1..=2 {
        let t0 = Instant::now();
        let e = Engine::with_parameters(&ds, &a, Methods::default(), ParameterSet::default(), None)
            .expect("engine");
        let v0 = e.run(None).expect("run");
        let t1 = Instant::now();
        let e = Engine::with_parameters(&ds, &a, Methods::default(), set.clone(), None)
            .expect("engine");
        let v1 = e.run(None).expect("run");
        let t2 = Instant::now();
        let (base, with) = ((t1 - t0).as_secs_f64(), (t2 - t1).as_secs_f64());
        println!(
            "run {run}: without overrides {base:.3} s (total {:.0}), with 10 % overridden {with:.3} s (total {:.0}): {:.2}×",
            v0.summary.reconciled,
            v1.summary.reconciled,
            with / base
        );
    }
    // End to end through the CLI: the parameters file written as CSV, then `patval value`.
    let dir = common::dir(n);
    let file = dir.join("bench_parameters.csv");
    std::fs::write(&file, set.to_csv()).expect("write parameters");
    let exe = std::env::current_exe().expect("exe");
    let bin = exe
        .parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("patval"))
        .expect("target dir");
    for (label, with) in [("without", false), ("with", true)] {
        let t = Instant::now();
        let mut cmd = std::process::Command::new(&bin);
        cmd.arg("value");
        for (flag, name) in [
            ("--portfolio", "portfolio.csv"),
            ("--forecasts", "forecasts.csv"),
            ("--cost-items", "cost_items.csv"),
            ("--comparables", "comparables.csv"),
            ("--assumptions", "assumptions.toml"),
        ] {
            cmd.arg(flag).arg(dir.join(name));
        }
        if with {
            cmd.arg("--parameters").arg(&file);
        }
        cmd.arg("--out").arg(dir.join("bench_results.csv"));
        let out = cmd
            .output()
            .expect("run patval (build it first: cargo build --release)");
        println!(
            "CLI value --out, 1M patents {label} the parameters file: {:.2} s (exit {})",
            t.elapsed().as_secs_f64(),
            out.status
        );
    }
}
