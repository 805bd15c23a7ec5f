//! Document export benchmark (issues #6, #12): a 1,000-patent version saved through the CLI,
//! then each document (appraisal report, review memo, analysis) exported in each format (PDF,
//! DOCX, HTML) through the CLI, end to end: process start, re-opening and re-checking the
//! version, the 10,000-draw simulation, layout and writing. Target: each ≤ 5 s in release.
//!
//! Run: `cargo run --release --example bench_report [-- PATENTS]`. Prints the figures (wall
//! time, and peak memory when `/usr/bin/time` is there); not a timed test.

mod common;

use std::path::Path;

use common::run;

fn main() {
    let patents: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000);
    let data = common::ensure(patents);
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("s.db");
    let db = db.to_str().expect("utf-8 path");
    let f = |name: &str| data.join(name).to_string_lossy().to_string();
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/case.toml");
    let (secs, _, _) = run(&[
        "save",
        "--db",
        db,
        "--case",
        "bench",
        "--borrower",
        "b",
        "--appraiser",
        "a",
        "--portfolio",
        &f("portfolio.csv"),
        "--forecasts",
        &f("forecasts.csv"),
        "--comparables",
        &f("comparables.csv"),
        "--cost-items",
        &f("cost_items.csv"),
        "--assumptions",
        &f("assumptions.toml"),
        "--case-info",
        &case.to_string_lossy(),
    ]);
    println!("{patents} patents: save {secs:.2} s");
    let (_, _, json) = run(&["reports", "--db", db, "--json"]);
    let id = version_id(&json);
    for document in ["appraisal", "review-memo", "analysis"] {
        for format in ["pdf", "docx", "html"] {
            let out = tmp.path().join(format!("{document}.{format}"));
            let mut args = vec![
                "export",
                &id,
                "--db",
                db,
                "--document",
                document,
                "--out",
                out.to_str().expect("utf-8 path"),
            ];
            if document == "review-memo" {
                args.extend(["--external-version", &id]);
            }
            let (secs, peak, _) = run(&args);
            let bytes = std::fs::metadata(&out).map_or(0, |m| m.len());
            let peak = peak.map_or_else(String::new, |p| format!(", peak {p:.0} MB"));
            println!("  {document:<12} {format:<5} {secs:>6.2} s, {bytes} bytes{peak}");
        }
    }
}

/// The first version's id in `reports --json`.
fn version_id(json: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).expect("reports JSON");
    v["appraisals"][0]["versions"][0]["version"]["id"]
        .as_str()
        .expect("a version id")
        .to_string()
}
