//! Report export benchmark (issue #6): a 1,000-patent version exported as PDF and HTML (with five
//! charts and a 10,000-draw simulation), CSV and xlsx. Target: ≤ 5 s in release.
//!
//! Run: `cargo run --release --example bench_report`. Prints the figures; not a timed test.

mod common;

use std::time::Instant;

use patval::report::{self, Format, ReportLang};
use patval::store::{NewAppraisal, Store};
use patval::valuation::{Engine, Methods};

fn main() {
    let patents = 1_000;
    let ds = common::dataset(patents);
    let a = ds.assumptions.clone().expect("assumptions");
    let e = Engine::new(&ds, &a, Methods::default(), None).expect("engine");
    let v = e.run(None).expect("value");
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&tmp.path().join("s.db")).expect("store");
    let app = store
        .create_appraisal(
            &NewAppraisal {
                name: "bench".into(),
                borrower: "b".into(),
                purpose: "p".into(),
                appraiser: "a".into(),
                firm: "f".into(),
            },
            "2026-09-30",
            "a",
        )
        .expect("case");
    let ver = store
        .save_version(&app.id, "a", "", &ds, &a, Methods::default(), &e, &v)
        .expect("save");
    for (format, name) in [
        (Format::Pdf, "pdf"),
        (Format::Html, "html"),
        (Format::Csv, "csv"),
        (Format::Xlsx, "xlsx"),
    ] {
        let t = Instant::now();
        let data = report::gather(&store, &ver.id).expect("gather");
        let gathered = t.elapsed();
        let n = report::export(
            &data,
            format,
            ReportLang::Zh,
            &tmp.path().join(format!("r.{name}")),
        )
        .expect("export")
        .bytes;
        println!(
            "{patents} patents, {name}: {:.2} s in all (re-open, re-compute, check, simulate: {:.2} s), {n} bytes",
            t.elapsed().as_secs_f64(),
            gathered.as_secs_f64()
        );
    }
}
