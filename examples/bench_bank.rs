//! Bank-side benchmark (issue #7): cross-check (seven re-computations for the value bridge) and
//! pledge analysis of a 100,000-patent portfolio against an external appraisal that states a
//! discount rate, share rate and life for every patent.
//!
//! Run: `cargo run --release --example bench_bank`. Prints the figures; not a timed test.

mod common;

use std::fmt::Write as _;
use std::time::Instant;

use patval::import::ReadOptions;
use patval::pledge::credit::{Accept, accepted_values};
use patval::pledge::crosscheck::{ExternalSide, FirmInputs, crosscheck};
use patval::pledge::{Collateral, ExternalAppraisal, Loan, Policy, pledge};
use patval::valuation::{Engine, Methods};

fn main() {
    let patents = 100_000;
    let ds = common::dataset(patents);
    let a = ds.assumptions.clone().expect("assumptions");
    let bank = Engine::new(&ds, &a, Methods::default(), None).expect("engine");
    let values = bank.reconciled_values();
    // The firm: 20% higher values, 11% discount, longer lives.
    let mut csv = String::from("patent_no,value,discount_rate,share_rate,remaining_life\n");
    for (i, no) in bank.inputs.patent_nos.iter().enumerate() {
        let life = (bank.base[i].life.remaining_economic + 1.0).clamp(0.5, 20.0);
        let _ = writeln!(csv, "{no},{:.2},11%,3%,{life:.1}", values[i] * 1.2);
    }
    let t = Instant::now();
    let ext = ExternalAppraisal::from_bytes(
        csv.as_bytes(),
        "external.csv",
        &ReadOptions::new(a.valuation_date),
    )
    .expect("external");
    let read = t.elapsed();
    let t = Instant::now();
    let side = ExternalSide::from_csv(&bank, &ext, FirmInputs::default()).unwrap();
    let c = crosscheck(&bank, &side, 0.2);
    let cc = t.elapsed();
    let t = Instant::now();
    let accepted = accepted_values(&bank, &values, Some(&side.reported), Accept::Lower);
    let loan = Loan {
        exposure: 5e8,
        pd: 0.03,
        collateral: Collateral::IpOnly,
        guarantee_share: 0.0,
        insurance_share: 0.0,
    };
    let r = pledge(&bank, &accepted, &Policy::shenzhen(), &loan).expect("pledge");
    let pl = t.elapsed();
    println!(
        "{patents} patents: read external CSV {:.2} s; cross-check with 7-step bridge {:.2} s ({} flagged, gap {:.2} yuan); pledge {:.3} s (limit {:.2} yuan)",
        read.as_secs_f64(),
        cc.as_secs_f64(),
        c.flagged,
        c.gap,
        pl.as_secs_f64(),
        r.credit_limit
    );
}
