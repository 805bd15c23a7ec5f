//! Document export benchmark (issues #6, #12): a 1,000-patent version saved through the CLI,
//! then each document (appraisal report, review memo, analysis) exported in each format (PDF,
//! DOCX, HTML) through the CLI, end to end: process start, re-opening and re-checking the
//! version, the 10,000-draw simulation, layout and writing. Target: each ≤ 5 s in release.
//!
//! Run: `cargo run --release --example bench_report [-- PATENTS]`. Prints the figures (wall
//! time, and peak memory when `/usr/bin/time` is there); not a timed test.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The release binary beside this example (`target/release/patval`).
fn patval() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let dir = exe.parent().and_then(Path::parent).expect("target dir");
    let bin = dir.join("patval");
    assert!(
        bin.exists(),
        "build the binary first: cargo build --release ({})",
        bin.display()
    );
    bin
}

/// Runs the CLI; returns wall seconds and peak resident memory in MB when measurable.
fn run(args: &[&str]) -> (f64, Option<f64>, String) {
    let timer = Path::new("/usr/bin/time");
    let mut cmd = if timer.exists() {
        let mut c = Command::new(timer);
        c.args(["-f", "peak-kb:%M"]).arg(patval());
        c
    } else {
        Command::new(patval())
    };
    let t = Instant::now();
    let out = cmd.args(args).output().expect("run patval");
    let secs = t.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "patval {args:?} failed: {stderr}");
    let peak = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak-kb:"))
        .and_then(|k| k.trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0);
    (secs, peak, String::from_utf8_lossy(&out.stdout).to_string())
}

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
