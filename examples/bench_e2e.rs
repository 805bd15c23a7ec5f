//! End-to-end benchmark (issue #14): for generated sets of 10,000, 100,000 and 1,000,000 patents,
//! what a user waits for through the CLI — `validate` of every table, `value --out results.csv`
//! (its import, valuation and writing timed apart through `PATVAL_TIMINGS`) and `save` into a
//! new store — with wall time and peak memory, next to polars' own CSV read of the same files
//! as text (the floor for reading them).
//!
//! Run: `cargo build --release && cargo run --release --features polars-csv --example bench_e2e
//! [-- SIZES…]`, e.g. `-- 10000 100000`. Prints the figures; not a timed test. Without
//! `--features polars-csv` (polars' CSV reader is not part of patval's own build) the floor is
//! left out.

mod common;

use std::path::Path;

use common::{run, run_with_phases};

const TABLES: [&str; 4] = [
    "portfolio.csv",
    "forecasts.csv",
    "cost_items.csv",
    "comparables.csv",
];

/// polars reads a file with every column as text (no type inference): seconds.
#[cfg(feature = "polars-csv")]
fn polars_read(path: &Path) -> Option<f64> {
    use polars::prelude::*;
    let t = std::time::Instant::now();
    let df = CsvReadOptions::default()
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .and_then(|r| r.finish())
        .expect("polars reads the file");
    assert!(df.height() > 0);
    Some(t.elapsed().as_secs_f64())
}

#[cfg(not(feature = "polars-csv"))]
fn polars_read(_: &Path) -> Option<f64> {
    None
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10_000, 100_000, 1_000_000]
    } else {
        sizes
    };
    for n in sizes {
        let dir = common::ensure(n);
        let f = |name: &str| dir.join(name).to_string_lossy().to_string();
        let mb: f64 = TABLES
            .iter()
            .map(|t| std::fs::metadata(dir.join(t)).map_or(0, |m| m.len()) as f64 / 1e6)
            .sum();
        let reads: Vec<Option<f64>> = TABLES.iter().map(|t| polars_read(&dir.join(t))).collect();
        let floor: Option<f64> = reads.iter().copied().sum();
        match floor {
            Some(s) => println!(
                "{n} patents ({mb:.0} MB of CSV): polars reads the files as text in {s:.2} s"
            ),
            None => println!(
                "{n} patents ({mb:.0} MB of CSV): (polars' read left out: run with --features polars-csv)"
            ),
        }
        // The portfolio alone, as the import target puts it.
        let (secs, peak, _) = run(&["validate", &f("portfolio.csv"), &f("assumptions.toml")]);
        let ratio = reads[0].map_or_else(String::new, |r| {
            format!(" (polars reads it in {r:.2} s: {:.1}×)", secs / r)
        });
        let peak = peak.map_or_else(String::new, |p| format!(", peak {p:.0} MB"));
        println!("  validate of the portfolio alone {secs:.2} s{ratio}{peak}");
        let mut validate = vec!["validate".to_string()];
        validate.extend(TABLES.iter().map(|t| f(t)));
        validate.push(f("assumptions.toml"));
        let inputs = [
            "--portfolio".to_string(),
            f("portfolio.csv"),
            "--forecasts".into(),
            f("forecasts.csv"),
            "--cost-items".into(),
            f("cost_items.csv"),
            "--comparables".into(),
            f("comparables.csv"),
            "--assumptions".into(),
            f("assumptions.toml"),
        ];
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("results.csv");
        let db = tmp.path().join("s.db");
        let mut value = vec!["value".to_string()];
        value.extend(inputs.iter().cloned());
        value.extend(["--out".into(), out.to_string_lossy().to_string()]);
        let mut save = vec!["save".to_string()];
        save.extend(inputs.iter().cloned());
        save.extend(
            [
                "--db",
                &db.to_string_lossy(),
                "--case",
                "b",
                "--borrower",
                "b",
                "--appraiser",
                "a",
            ]
            .map(String::from),
        );
        for (what, args) in [
            ("validate", validate),
            ("value --out", value),
            ("save", save),
        ] {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (secs, peak, _, phases) = run_with_phases(&args);
            let peak = peak.map_or_else(String::new, |p| format!(", peak {p:.0} MB"));
            let ratio =
                floor.map_or_else(String::new, |f| format!(" ({:.1}× polars' read)", secs / f));
            println!(
                "  {what:<12} {secs:>7.2} s{ratio}{peak}{}",
                split(&phases, floor)
            );
        }
    }
}

/// A `value` run's phases as the user meets them: import (reading and cross-checking the
/// files), value (building and running the engine), write; empty for other commands.
fn split(phases: &[(String, f64)], floor: Option<f64>) -> String {
    let sum = |names: &[&str]| -> f64 {
        phases
            .iter()
            .filter(|(n, _)| names.contains(&n.as_str()))
            .map(|(_, s)| s)
            .sum()
    };
    if !phases.iter().any(|(n, _)| n == "write") {
        return String::new();
    }
    let import = sum(&["read", "cross-check"]);
    let ratio = floor.map_or_else(String::new, |f| {
        format!(", {:.1}× polars' read", import / f)
    });
    format!(
        ": import {import:.2} s{ratio} · value {:.2} s · write {:.2} s",
        sum(&["engine", "run"]),
        sum(&["write"]),
    )
}
