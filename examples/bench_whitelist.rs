//! Whitelist pre-assessment benchmark: 100,000 firms with 1,000,000 patents in one portfolio
//! table (the generated 1,000,000-patent set with a firm id column, each firm's patents in one
//! product line with an R&D cost), a five-year forecast per firm (500,000 rows) and the set's
//! 100,000 comparables, through the CLI end to end: `patval whitelist … --out firms.csv`
//! (and `.xlsx`) with the Chinese summary. Prints wall time and peak memory. Target: ≤ 10 s.
//!
//! Run: `cargo build --release && cargo run --release --example bench_whitelist [-- FIRMS]`
//! (FIRMS defaults to 100,000; patents are ten per firm on average). The data is generated
//! once under `target/bench-data/whitelist-FIRMS/`.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

/// Patents of firm `k`: 10 ± up to 9, in pairs that sum to 20 (so FIRMS firms hold 10 × FIRMS).
fn firm_size(k: usize) -> usize {
    let d = ((k / 2) * 7919 % 19) as i64 - 9;
    let d = if k.is_multiple_of(2) { d } else { -d };
    (10 + d) as usize
}

fn writer(path: &Path) -> csv::Writer<std::io::BufWriter<std::fs::File>> {
    let f = std::fs::File::create(path).expect("create the file");
    csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, f))
}

/// The firms' portfolio and forecasts from the generated set of `10 × firms` patents.
fn generate(firms: usize, from: &Path, dir: &Path) {
    std::fs::create_dir_all(dir).expect("create the directory");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(from.join("portfolio.csv"))
        .expect("open the generated portfolio");
    let mut out = writer(&dir.join("portfolio.csv"));
    let mut rec = csv::StringRecord::new();
    rdr.read_record(&mut rec).expect("header");
    let group = rec
        .iter()
        .position(|h| h == "资产组")
        .expect("资产组 column");
    let mut header: Vec<String> = rec.iter().map(String::from).collect();
    header.extend(["研发成本".into(), "企业编号".into()]);
    out.write_record(&header).expect("write");
    let (mut firm, mut left) = (0usize, firm_size(0));
    let mut i = 0usize;
    while rdr.read_record(&mut rec).expect("read") {
        while left == 0 {
            firm += 1;
            left = firm_size(firm);
        }
        let mut row: Vec<String> = rec.iter().map(String::from).collect();
        row[group] = "主营产品".into();
        row.push(format!("{}", 50_000 + (i * 7_717) % 550_000));
        row.push(format!("F{:06}", firm + 1));
        out.write_record(&row).expect("write");
        left -= 1;
        i += 1;
    }
    out.flush().expect("flush");
    assert_eq!(firm + 1, firms, "the firm sizes add up to the patents");
    let mut f = writer(&dir.join("forecasts.csv"));
    f.write_record(["企业编号", "资产组", "年度", "营业收入", "利润率"])
        .expect("write");
    for k in 0..firms {
        let mut revenue = 2.0e6 + (k * 104_729 % 48_000_000) as f64;
        for year in 2026..2031 {
            f.write_record([
                format!("F{:06}", k + 1),
                "主营产品".into(),
                year.to_string(),
                format!("{revenue:.2}"),
                format!("{:.1}%", 8.0 + (k % 15) as f64),
            ])
            .expect("write");
            revenue *= 1.08;
        }
    }
    f.flush().expect("flush");
    std::fs::File::create(dir.join("done"))
        .and_then(|mut d| d.write_all(b"ok"))
        .expect("mark done");
}

fn main() {
    let firms: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let patents = firms * 10;
    let set = common::ensure(patents);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("target/bench-data/whitelist-{firms}"));
    if !dir.join("done").exists() {
        generate(firms, &set, &dir);
    }
    let s = |p: &Path| p.to_string_lossy().to_string();
    let mb = |name: &str| std::fs::metadata(dir.join(name)).map_or(0, |m| m.len()) as f64 / 1e6;
    println!(
        "{firms} firms, {patents} patents ({:.0} MB portfolio, {:.0} MB forecasts), {} comparables",
        mb("portfolio.csv"),
        mb("forecasts.csv"),
        patents / 10
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    for out in ["firms.csv", "firms.xlsx"] {
        let target = tmp.path().join(out);
        let report = tmp.path().join("summary.md");
        let args = [
            "whitelist".to_string(),
            s(&dir.join("portfolio.csv")),
            "--forecasts".into(),
            s(&dir.join("forecasts.csv")),
            "--comparables".into(),
            s(&set.join("comparables.csv")),
            "--assumptions".into(),
            s(&set.join("assumptions.toml")),
            "--out".into(),
            s(&target),
            "--report".into(),
            s(&report),
        ];
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (secs, peak, stdout) = common::run(&args);
        let peak = peak.map_or_else(String::new, |p| format!(", peak {p:.0} MB"));
        let size = std::fs::metadata(&target).map_or(0, |m| m.len()) as f64 / 1e6;
        println!("  whitelist --out {out:<11} {secs:>6.2} s{peak} ({size:.1} MB written)");
        if let Some(line) = stdout.lines().find(|l| l.starts_with("firms ")) {
            println!("    {line}");
        }
    }
}
