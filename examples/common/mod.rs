//! Set-up shared by the benchmarks: synthetic data sets of a given size, generated once under
//! `target/bench-data/N/` and reused by later runs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use patval::import::Dataset;
use patval::synth::{SynthSpec, generate};

/// Where the data set of `patents` patents lives.
pub fn dir(patents: usize) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/{patents}"))
}

/// The data set's directory, generated first if it is not there yet.
pub fn ensure(patents: usize) -> PathBuf {
    let dir = dir(patents);
    if !dir.join("assumptions.toml").exists() {
        generate(&SynthSpec::new(patents), &dir, None).expect("generate the data set");
    }
    dir
}

/// The data set, loaded.
pub fn dataset(patents: usize) -> Dataset {
    patval::import::load_directory(&ensure(patents)).expect("load the data set")
}

/// The release binary beside this example (`target/release/patval`).
pub fn patval() -> PathBuf {
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
pub fn run(args: &[&str]) -> (f64, Option<f64>, String) {
    let (secs, peak, stdout, _) = run_with_phases(args);
    (secs, peak, stdout)
}

/// [`run`] with `PATVAL_TIMINGS` set; also returns the phases the command printed (name,
/// seconds), in order.
pub fn run_with_phases(args: &[&str]) -> (f64, Option<f64>, String, Vec<(String, f64)>) {
    let timer = Path::new("/usr/bin/time");
    let mut cmd = if timer.exists() {
        let mut c = Command::new(timer);
        c.args(["-f", "peak-kb:%M"]).arg(patval());
        c
    } else {
        Command::new(patval())
    };
    cmd.env("PATVAL_TIMINGS", "1");
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
    // "timing: read 1.061 s (processor 2.04 s)"
    let phases = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("timing: "))
        .filter_map(|l| {
            let head = l.split(" s (").next()?.trim_end_matches(" s");
            let (name, secs) = head.rsplit_once(' ')?;
            Some((name.to_string(), secs.parse().ok()?))
        })
        .collect();
    (
        secs,
        peak,
        String::from_utf8_lossy(&out.stdout).to_string(),
        phases,
    )
}
