//! Valuation benchmarks (issue #3), on synthetic portfolios made by `gen-sample`.
//!
//! Run: `cargo run --release --example bench_value`
//! Targets on a 2-core machine: 1,000,000 patents, all methods + reconciliation ≤ 5 s;
//! 10,000 patents ≤ 100 ms; Monte Carlo of 10,000 draws for 1,000 patents ≤ 2 s.
//! Prints the figures; it is not a timed test.

mod common;

use std::time::Instant;

use patval::import::Dataset;
use patval::model::Assumptions;
use patval::synth::SynthSpec;
use patval::valuation::{Engine, Methods, simulation};

fn load(patents: usize) -> Dataset {
    common::dataset(patents)
}

fn value(patents: usize, runs: usize) {
    let ds = load(patents);
    let a = ds
        .assumptions
        .clone()
        .unwrap_or_else(|| Assumptions::with_date(SynthSpec::new(0).valuation_date));
    let comps = ds.comparables.as_ref().map_or(0, |t| t.df.height());
    for run in 1..=runs {
        let t0 = Instant::now();
        let e = Engine::new(&ds, &a, Methods::default(), None).expect("engine");
        let t1 = Instant::now();
        let v = e.run(None).expect("run");
        let t2 = Instant::now();
        println!(
            "{patents} patents × {comps} comparables, run {run}: prepare (scores, rates, comparable selection) {:.3} s + value and reconcile {:.3} s = {:.3} s; reconciled total {:.2} yuan",
            (t1 - t0).as_secs_f64(),
            (t2 - t1).as_secs_f64(),
            (t2 - t0).as_secs_f64(),
            v.summary.reconciled
        );
    }
}

fn main() {
    value(10_000, 3);
    value(1_000_000, 2);
    let ds = load(1_000);
    let a = ds.assumptions.clone().expect("assumptions");
    let e = Engine::new(&ds, &a, Methods::default(), None).expect("engine");
    for run in 1..=2 {
        let t = Instant::now();
        let s = simulation::run(&e, Some(10_000), None).expect("simulate");
        println!(
            "Monte Carlo 10,000 draws × 1,000 patents, run {run}: {:.3} s (P5 {:.0}, P50 {:.0}, P95 {:.0})",
            t.elapsed().as_secs_f64(),
            s.p5,
            s.p50,
            s.p95
        );
    }
}
