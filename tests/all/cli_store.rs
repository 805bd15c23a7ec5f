//! The store commands end to end through the CLI.

use std::process::{Command, Output};

fn patval(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_patval"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run patval")
}

fn json(o: &Output) -> serde_json::Value {
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON")
}

#[test]
fn save_review_annotate_verify_and_exchange_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let db = db.to_str().unwrap();
    let s = "sample_data";
    let inputs = [
        "--portfolio",
        &format!("{s}/portfolio_gbk.csv"),
        "--forecasts",
        &format!("{s}/forecasts.csv"),
        "--cost-items",
        &format!("{s}/cost_items.csv"),
        "--comparables",
        &format!("{s}/comparables.csv"),
        "--assumptions",
        &format!("{s}/assumptions.toml"),
    ]
    .map(String::from);
    let mut args: Vec<&str> = vec![
        "save",
        "--db",
        db,
        "--case",
        "星河智联",
        "--borrower",
        "深圳市星河智联科技有限公司",
        "--appraiser",
        "李评估",
        "--json",
    ];
    args.extend(inputs.iter().map(String::as_str));
    let saved = json(&patval(&args));
    let vid = saved["version"]["id"].as_str().unwrap().to_string();
    assert_eq!(saved["store"], db);
    let short = &vid[..8];

    json(&patval(&[
        "review",
        short,
        "--db",
        db,
        "--reviewer",
        "王专家",
        "--role",
        "expert",
        "--verdict",
        "revise",
        "--comment",
        "折现率偏低",
        "--json",
    ]));
    let ann = json(&patval(&[
        "annotate",
        "add",
        short,
        "--db",
        db,
        "--patent",
        "cn 201710500001.6",
        "--severity",
        "major",
        "--comment",
        "寿命复核",
        "--author",
        "王专家",
        "--role",
        "expert",
        "--json",
    ]));
    assert_eq!(
        ann["anchor"], "CN201710500001.6",
        "patent numbers are normalised"
    );
    let aid = ann["id"].as_str().unwrap().to_string();
    json(&patval(&[
        "annotate",
        "reply",
        &aid[..8],
        "--db",
        db,
        "--text",
        "已按同族专利调整",
        "--author",
        "李评估",
        "--json",
    ]));
    json(&patval(&[
        "annotate",
        "resolve",
        &aid[..8],
        "--db",
        db,
        "--author",
        "王专家",
        "--json",
    ]));

    let shown = json(&patval(&[
        "show",
        short,
        "--db",
        db,
        "--recompute",
        "--json",
    ]));
    assert_eq!(shown["annotations"][0]["status"], "resolved");
    assert_eq!(
        shown["annotations"][0]["events"].as_array().unwrap().len(),
        2
    );
    assert_eq!(shown["reviews"][0]["verdict"], "revise");
    assert_eq!(shown["recompute_differences"].as_array().unwrap().len(), 0);
    assert_eq!(shown["integrity_problems"].as_array().unwrap().len(), 0);

    let verified = json(&patval(&["verify", db, "--json"]));
    assert_eq!(verified["problems"].as_array().unwrap().len(), 0);
    assert_eq!(verified["versions"], 1);

    // A second store receives the package and merges it.
    let pkg = dir.path().join("pkg.json");
    assert!(
        patval(&[
            "export-review",
            short,
            "--db",
            db,
            "--out",
            pkg.to_str().unwrap()
        ])
        .status
        .success()
    );
    let other = dir.path().join("other.db");
    let merged = json(&patval(&[
        "import-review",
        pkg.to_str().unwrap(),
        "--db",
        other.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(
        (
            merged["version_added"].as_bool(),
            merged["reviews_added"].as_u64(),
            merged["events_added"].as_u64()
        ),
        (Some(true), Some(1), Some(2))
    );

    // Errors: clear message, exit 1, nothing written.
    let bad = patval(&[
        "annotate", "resolve", "ffffffff", "--db", db, "--author", "x",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr).trim(),
        "error: no annotation matches \"ffffffff\""
    );
    let bad = patval(&[
        "annotate",
        "add",
        short,
        "--db",
        db,
        "--patent",
        "CN000000000000.0",
        "--comment",
        "x",
        "--author",
        "x",
        "--role",
        "expert",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("patent CN000000000000.0 is not in version")
    );
    let bad = patval(&[
        "review",
        short,
        "--db",
        db,
        "--reviewer",
        "x",
        "--role",
        "boss",
        "--verdict",
        "approve",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr).trim(),
        "error: role \"boss\" is not one of analyst, bank_valuer, expert"
    );
    let listing = String::from_utf8(patval(&["reports", "--db", db]).stdout).unwrap();
    assert!(listing.starts_with(&format!("store: {db}\n")), "{listing}");
    assert!(
        listing.contains("星河智联 — borrower 深圳市星河智联科技有限公司"),
        "{listing}"
    );
}
