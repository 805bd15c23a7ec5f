//! The expert-review store: round trips, migrations, merges, tamper detection, refusal of bad
//! files, two writers at once.

use crate::common;

use std::path::Path;

use patval::store::{Store, StoreError, VersionInfo, audit, row_hash};

fn sample_version(store: &mut Store, note: &str) -> VersionInfo {
    common::save_dataset(store, &patval::sample::load().unwrap(), note)
}

fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

#[test]
fn a_version_round_trips_and_recomputes_to_the_same_figures() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut store = Store::open(&path).unwrap();
    let v1 = sample_version(&mut store, "first");
    let v2 = sample_version(&mut store, "second");
    assert_eq!((v1.number, v2.number), (1, 2));
    assert_eq!(v2.parent_id.as_deref(), Some(v1.id.as_str()));
    assert_ne!(
        v1.fingerprint, v2.fingerprint,
        "metadata differs, so fingerprints differ"
    );
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.recompute(&v1.id).unwrap(), Vec::<String>::new());
    let data = store.load_version(&v1.id).unwrap();
    assert_eq!(
        data.blobs["portfolio.csv"],
        patval::sample::PORTFOLIO,
        "inputs kept byte for byte"
    );
    let (ds, _, _) = store.dataset_of(&data).unwrap();
    let original = patval::sample::load().unwrap();
    assert!(
        ds.portfolio
            .unwrap()
            .df
            .equals_missing(&original.portfolio.unwrap().df)
    );
    assert!(store.verify().unwrap().ok());
    assert_eq!(store.resolve_version(&v1.id[..8]).unwrap(), v1.id);
}

#[test]
fn rows_cannot_be_changed_through_sql() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut store = Store::open(&path).unwrap();
    let v = sample_version(&mut store, "x");
    let c = raw(&path);
    let e = c
        .execute("UPDATE versions SET note = 'edited' WHERE id = ?1", [&v.id])
        .unwrap_err();
    assert!(e.to_string().contains("versions rows are immutable"), "{e}");
    let e = c.execute("DELETE FROM audit_log", []).unwrap_err();
    assert!(
        e.to_string().contains("audit_log rows are immutable"),
        "{e}"
    );
}

#[test]
fn tampering_is_detected_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut store = Store::open(&path).unwrap();
    let v = sample_version(&mut store, "x");
    let r = store
        .add_review(&v.id, "王专家", "expert", "reject", "too optimistic")
        .unwrap();
    drop(store);
    // A tamperer drops the guard and flips the verdict.
    let c = raw(&path);
    c.execute_batch("DROP TRIGGER reviews_no_update;").unwrap();
    c.execute(
        "UPDATE reviews SET verdict = 'approve' WHERE id = ?1",
        [&r.id],
    )
    .unwrap();
    drop(c);
    let rep = Store::open(&path).unwrap().verify().unwrap();
    assert!(!rep.ok());
    assert!(rep.problems.iter().any(|p| p == "the guard trigger reviews_no_update is missing: rows of reviews could have been changed"), "{:?}", rep.problems);
    assert!(
        rep.problems
            .iter()
            .any(|p| p.starts_with(&format!("review {} was changed after audit entry #", r.id))),
        "{:?}",
        rep.problems
    );

    // Editing a stored input changes the blob hash and breaks the fingerprint.
    let c = raw(&path);
    c.execute_batch("DROP TRIGGER version_blobs_no_update;")
        .unwrap();
    c.execute(
        "UPDATE version_blobs SET content = X'00' WHERE version_id = ?1 AND name = 'portfolio.csv'",
        [&v.id],
    )
    .unwrap();
    drop(c);
    let rep = Store::open(&path).unwrap().verify().unwrap();
    assert!(
        rep.problems.iter().any(|p| p
            == &format!(
                "version {}: blob portfolio.csv was changed (its hash does not match)",
                v.id
            )),
        "{:?}",
        rep.problems
    );
    assert!(
        rep.problems
            .iter()
            .any(|p| p.starts_with(&format!("version {}: fingerprint", v.id))),
        "{:?}",
        rep.problems
    );

    // Rewriting an audit entry breaks the chain.
    let c = raw(&path);
    c.execute_batch("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'someone else' WHERE seq = 1;").unwrap();
    drop(c);
    let rep = Store::open(&path).unwrap().verify().unwrap();
    assert!(
        rep.problems
            .iter()
            .any(|p| p.starts_with("audit entry #1 (create appraisal")
                && p.ends_with("was edited: its hash does not match its content")),
        "{:?}",
        rep.problems
    );

    // The CLI says the same and exits 1.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_patval"))
        .args(["verify", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains(&format!("TAMPERING: review {} was changed", r.id))
    );
}

#[test]
fn a_row_inserted_behind_patvals_back_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut store = Store::open(&path).unwrap();
    let v = sample_version(&mut store, "x");
    drop(store);
    raw(&path)
        .execute(
            "INSERT INTO reviews (id, version_id, reviewer, role, verdict, comment, created_at) VALUES ('feedfacefeedface', ?1, 'x', 'expert', 'approve', '', 'now')",
            [&v.id],
        )
        .unwrap();
    let rep = Store::open(&path).unwrap().verify().unwrap();
    assert_eq!(
        rep.problems,
        vec![
            "review feedfacefeedface has no audit entry: it was inserted outside patval"
                .to_string()
        ]
    );
}

#[test]
fn migrates_from_the_first_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    Store::create_at_schema(&path, 1).unwrap();
    // A case written by a schema-1 patval, with its audit entry.
    let c = raw(&path);
    let fields = [
        "0123456789abcdef0123456789abcdef",
        "旧案例",
        "借款人",
        "质押",
        "2025-12-31",
        "张三",
        "甲公司",
        "2025-12-31T00:00:00Z",
    ];
    c.execute(
        "INSERT INTO appraisals (id, name, borrower, purpose, valuation_date, appraiser, firm, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        fields,
    )
    .unwrap();
    let payload = row_hash(&fields);
    let at = "2025-12-31T00:00:00Z";
    let hash = audit::entry_hash(
        1,
        at,
        "张三",
        "create",
        "appraisal",
        fields[0],
        &payload,
        audit::GENESIS,
    );
    c.execute(
        "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, payload_sha256, prev_hash, hash) VALUES (1, ?1, '张三', 'create', 'appraisal', ?2, ?3, ?4, ?5)",
        [at, fields[0], &payload, audit::GENESIS, &hash],
    )
    .unwrap();
    let v: i32 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 1);
    drop(c);
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), Store::known_schema());
    assert_eq!(store.appraisals().unwrap()[0].name, "旧案例");
    assert!(
        store.conflicts().unwrap().is_empty(),
        "the schema-2 table exists"
    );
    assert!(
        store.verify().unwrap().ok(),
        "{:?}",
        store.verify().unwrap().problems
    );
    sample_version(&mut store, "after migration");
    assert!(store.verify().unwrap().ok());
}

#[test]
fn refuses_newer_foreign_and_damaged_files_with_clear_messages() {
    let dir = tempfile::tempdir().unwrap();
    let newer = dir.path().join("newer.db");
    Store::open(&newer).unwrap();
    raw(&newer)
        .execute_batch("PRAGMA user_version = 99;")
        .unwrap();
    match Store::open(&newer) {
        Err(e @ StoreError::Newer { found: 99, .. }) => assert!(
            e.to_string()
                .contains("written by a newer patval (store schema 99; this build knows up to 5)")
        ),
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("a newer store was opened"),
    }
    let foreign = dir.path().join("foreign.db");
    raw(&foreign)
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let e = Store::open(&foreign).err().expect("refused");
    assert!(matches!(e, StoreError::NotPatval { .. }), "{e}");
    assert!(e.to_string().contains("not a patval store"));
    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, vec![0x5Au8; 8192]).unwrap();
    let e = Store::open(&garbage).err().expect("refused");
    assert!(matches!(e, StoreError::Damaged { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("garbage.db: not a database, or a damaged one"),
        "{e}"
    );
}

#[test]
fn two_instances_save_to_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let mut first = Store::open(&path).unwrap();
    sample_version(&mut first, "seed");
    drop(first);
    let handles: Vec<_> = (0..2)
        .map(|k| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut s = Store::open(&path).unwrap();
                for i in 0..5 {
                    sample_version(&mut s, &format!("writer {k} #{i}"));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let s = Store::open(&path).unwrap();
    let app = &s.appraisals().unwrap()[0];
    let numbers: Vec<i64> = s
        .versions(&app.id)
        .unwrap()
        .iter()
        .map(|v| v.number)
        .collect();
    assert_eq!(numbers, (1..=11).collect::<Vec<_>>());
    assert!(s.verify().unwrap().ok());
}

#[test]
fn review_packages_from_the_same_version_merge_without_loss_or_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Store::open(&dir.path().join("office.db")).unwrap();
    let v = sample_version(&mut office, "for review");
    let pkg0 = dir.path().join("pkg0.json");
    office.export_review(&v.id, &pkg0).unwrap();

    // Two experts, each on a laptop, review the same version.
    let mut laptops = Vec::new();
    for (name, patent) in [
        ("王专家", "CN201710500001.6"),
        ("赵专家", "CN201810500139.0"),
    ] {
        let mut s = Store::open(&dir.path().join(format!("{name}.db"))).unwrap();
        let m = s.import_review(&pkg0, name).unwrap();
        assert!(m.version_added);
        s.add_review(&v.id, name, "expert", "revise", "see annotations")
            .unwrap();
        let a = s
            .add_annotation(
                &v.id,
                "patent",
                patent,
                "major",
                "life too long",
                name,
                "expert",
            )
            .unwrap();
        s.add_event(&a.id, "reply", name, "compare with the family's US term")
            .unwrap();
        let out = dir.path().join(format!("{name}.json"));
        s.export_review(&v.id, &out).unwrap();
        laptops.push(out);
    }
    for p in &laptops {
        let m = office.import_review(p, "office").unwrap();
        assert_eq!(
            (m.reviews_added, m.annotations_added, m.events_added),
            (1, 1, 1)
        );
        assert!(m.conflicts.is_empty());
    }
    // Importing again adds nothing.
    let again = office.import_review(&laptops[0], "office").unwrap();
    assert_eq!(
        (
            again.reviews_added,
            again.annotations_added,
            again.events_added,
            again.duplicates
        ),
        (0, 0, 0, 3)
    );
    assert_eq!(office.reviews(&v.id).unwrap().len(), 2);
    assert_eq!(office.threads(&v.id).unwrap().len(), 2);
    assert!(office.verify().unwrap().ok());

    // A package whose annotation was altered (same id, other text) is a conflict, kept, not dropped.
    let mut pkg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&laptops[0]).unwrap()).unwrap();
    pkg["annotations"][0]["comment"] = serde_json::Value::String("changed on the laptop".into());
    let altered = dir.path().join("altered.json");
    std::fs::write(&altered, pkg.to_string()).unwrap();
    let m = office.import_review(&altered, "office").unwrap();
    assert_eq!(m.conflicts.len(), 1, "{m:?}");
    assert_eq!(office.conflicts().unwrap().len(), 1);
    assert_eq!(
        office.threads(&v.id).unwrap().len(),
        2,
        "the local annotation stays"
    );
    assert!(office.verify().unwrap().ok());

    // A package whose version data was altered is refused.
    let mut pkg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&pkg0).unwrap()).unwrap();
    pkg["version"]["note"] = serde_json::Value::String("edited".into());
    std::fs::write(&altered, pkg.to_string()).unwrap();
    let e = office.import_review(&altered, "office").unwrap_err();
    assert!(
        e.to_string()
            .contains("does not match its fingerprint: the package was altered"),
        "{e}"
    );
}

#[test]
fn annotation_status_follows_its_events() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("s.db")).unwrap();
    let v = sample_version(&mut s, "x");
    let a = s
        .add_annotation(
            &v.id,
            "assumption",
            "discount.market_risk",
            "minor",
            "3 % is low for this sector",
            "王专家",
            "expert",
        )
        .unwrap();
    assert_eq!(s.threads(&v.id).unwrap()[0].status, "open");
    s.add_event(&a.id, "resolve", "李评估", "raised to 4 % in v2")
        .unwrap();
    assert_eq!(s.threads(&v.id).unwrap()[0].status, "resolved");
    s.add_event(&a.id, "reopen", "王专家", "").unwrap();
    assert_eq!(s.threads(&v.id).unwrap()[0].status, "open");
    let e = s.add_review(&v.id, "x", "boss", "approve", "").unwrap_err();
    assert_eq!(
        e.to_string(),
        "role \"boss\" is not one of analyst, bank_valuer, expert"
    );
}
