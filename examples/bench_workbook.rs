//! Workbook import benchmark (issue #13): a 1,000,000-patent portfolio as one `.xlsx` sheet
//! against the same data as CSV, each checked by `patval validate` through the CLI, end to end
//! (process start, reading, every cell parsed and checked). Target: the workbook within 3× of
//! the CSV. Also reports peak memory (with `/usr/bin/time`) and the file sizes.
//!
//! Run: `cargo build --release && cargo run --release --example bench_workbook [-- PATENTS]`.
//! The workbook is written once (by patval's own template writer) under target/bench-data/.
//! Prints the figures; not a timed test.

mod common;

use std::time::Instant;

use common::run;
use patval::import::{Dataset, ReadOptions, TableKind, read_table};
use patval::report::ReportLang;

fn main() {
    let patents: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = common::ensure(patents);
    let csv = dir.join("portfolio.csv");
    let xlsx = dir.join("portfolio.xlsx");
    let spec = patval::synth::SynthSpec::new(patents);
    if !xlsx.exists() {
        let t = Instant::now();
        let opts = ReadOptions::new(spec.valuation_date);
        let table = read_table(TableKind::Portfolio, &csv, &opts, None).expect("read the CSV");
        let ds = Dataset {
            portfolio: Some(table),
            ..Dataset::default()
        };
        let bytes = patval::import::template::workbook_of(&ds, ReportLang::Zh).expect("xlsx");
        std::fs::write(&xlsx, bytes).expect("write the workbook");
        println!(
            "wrote {} in {:.1} s",
            xlsx.display(),
            t.elapsed().as_secs_f64()
        );
    }
    let date = spec.valuation_date.to_string();
    let mb = |p: &std::path::Path| std::fs::metadata(p).map_or(0.0, |m| m.len() as f64 / 1e6);
    println!(
        "{patents} patents: CSV {:.0} MB, xlsx {:.0} MB",
        mb(&csv),
        mb(&xlsx)
    );
    let mut best = [f64::MAX; 2];
    for run_no in 1..=3 {
        for (i, file) in [&csv, &xlsx].into_iter().enumerate() {
            let path = file.to_str().expect("utf-8 path");
            let (secs, peak, out) = run(&["validate", path, "--valuation-date", &date]);
            assert!(out.contains("— ok"), "{out}");
            best[i] = best[i].min(secs);
            let peak = peak.map_or_else(String::new, |p| format!(", peak {p:.0} MB"));
            let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
            println!("  run {run_no}: validate {name:<15} {secs:>6.2} s{peak}");
        }
    }
    println!(
        "best: CSV {:.2} s, xlsx {:.2} s: the workbook takes {:.2}× the CSV (target ≤ 3×)",
        best[0],
        best[1],
        best[1] / best[0]
    );
}
