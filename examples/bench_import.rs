//! Import benchmark: a 1,000,000-patent portfolio made by `gen-sample`.
//!
//! Run: `cargo run --release --example bench_import [-- PATENTS]`
//! Targets (issue #2): ≤ 3 s in release on a 2-core machine; peak memory ≤ 3 × the file size.
//! Prints the figures; it is not a timed test.

mod common;

use std::time::Instant;

use patval::import::{ReadOptions, TableKind, read_table};
use patval::synth::{SynthSpec, generate};

/// Peak resident memory of this process in bytes (VmHWM), on Linux.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn current_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Resets VmHWM to the current RSS (Linux ≥ 4.0), so the peak measured is the import's.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() {
    let patents: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = common::dir(patents);
    let spec = SynthSpec::new(patents);
    let portfolio = dir.join("portfolio.csv");
    if !portfolio.exists() {
        let t = Instant::now();
        generate(&spec, &dir, None).expect("generate the data set");
        println!(
            "generated {patents} patents in {:.2} s",
            t.elapsed().as_secs_f64()
        );
    }
    let size = std::fs::metadata(&portfolio).expect("portfolio file").len();
    let opts = ReadOptions::new(spec.valuation_date);
    for run in 1..=3 {
        reset_peak();
        let base = current_rss().unwrap_or(0);
        let t = Instant::now();
        let table = read_table(TableKind::Portfolio, &portfolio, &opts, None).expect("import");
        let secs = t.elapsed().as_secs_f64();
        let peak = peak_rss().unwrap_or(0);
        let import_peak = peak.saturating_sub(base);
        println!(
            "run {run}: {} rows, {:.1} MB file, import {:.3} s ({:.0} MB/s), peak RSS {:.1} MB ({:.2}× file; {:.2}× counting only the import's growth over {:.1} MB at start)",
            table.df.height(),
            size as f64 / 1e6,
            secs,
            size as f64 / 1e6 / secs,
            peak as f64 / 1e6,
            peak as f64 / size as f64,
            import_peak as f64 / size as f64,
            base as f64 / 1e6,
        );
        drop(table);
    }
}
