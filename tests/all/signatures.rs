//! The expert pool and signed reviews (#16): a forged verdict behind a consistently rewritten
//! audit chain, unknown and revoked keys on import, the panel rule's fields and conflicts, the
//! panel's conclusion from signed verdicts, the CLI.

use crate::common;

use std::path::Path;

use patval::store::experts::NewExpert;
use patval::store::keys::{self, Signer};
use patval::store::panels::{Conflict, Decision};
use patval::store::{Store, VersionInfo, audit, row_hash};

fn sample_version(store: &mut Store) -> VersionInfo {
    common::save_dataset(store, &patval::sample::load().unwrap(), "v1")
}

fn expert(name: &str, institution: &str, fields: &[&str], conflicts: &[&str]) -> NewExpert {
    NewExpert {
        name: name.into(),
        institution: institution.into(),
        title: "教授".into(),
        fields: fields.iter().map(|s| s.to_string()).collect(),
        conflict_borrowers: conflicts.iter().map(|s| s.to_string()).collect(),
        ..NewExpert::default()
    }
}

/// An expert with a registered key (unsealed, in `keys`).
fn signer(store: &mut Store, keys: &Path, e: &NewExpert) -> Signer {
    let x = store.add_expert(e, "管理员").unwrap();
    let (_, s) = keys::create_key(keys, &x.id, None).unwrap();
    store
        .register_key(&x.id, &s.public_hex(), "管理员")
        .unwrap();
    s
}

/// Rewrites every audit entry from the first one about `id` on, as a tamperer with the file
/// would after changing the row: the payload of the entries about `id` set to `payload`, every
/// hash recomputed, so the chain checks.
fn rewrite_chain(path: &Path, id: &str, payload: &str) {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch("DROP TRIGGER audit_log_no_update;")
        .unwrap();
    let rows: Vec<(i64, String, String, String, String, String, String)> = c
        .prepare("SELECT seq, at, actor, action, entity, entity_id, payload_sha256 FROM audit_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut prev = audit::GENESIS.to_string();
    for (seq, at, actor, action, entity, eid, pay) in rows {
        let pay = if eid == id { payload.to_string() } else { pay };
        let h = audit::entry_hash(seq, &at, &actor, &action, &entity, &eid, &pay, &prev);
        c.execute(
            "UPDATE audit_log SET payload_sha256 = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4",
            rusqlite::params![pay, prev, h, seq],
        )
        .unwrap();
        prev = h;
    }
    c.execute_batch("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log rows are immutable'); END;").unwrap();
}

#[test]
fn a_verdict_changed_behind_a_rewritten_audit_chain_is_named_as_forged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut store = Store::open(&path).unwrap();
    let v = sample_version(&mut store);
    let s = signer(
        &mut store,
        dir.path(),
        &expert("王专家", "某大学", &["G06"], &[]),
    );
    let r = store
        .add_review_as(&v.id, "王专家", "expert", "reject", "过于乐观", Some(&s))
        .unwrap();
    let views = store.signature_views("review", &r.id).unwrap();
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].status, patval::store::signature::SigStatus::Valid);
    assert!(store.verify().unwrap().ok());
    let fp = keys::key_fingerprint(&s.public_hex());
    assert!(analysis_html(&store, &v.id).contains(&format!("王专家 · {fp} · 签名有效")));
    drop(store);

    // The tamperer flips the verdict, puts the guard back and rewrites the whole chain to match.
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch("DROP TRIGGER reviews_no_update; UPDATE reviews SET verdict = 'approve'; CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews BEGIN SELECT RAISE(ABORT, 'reviews rows are immutable'); END;").unwrap();
    drop(c);
    let mut forged = r.clone();
    forged.verdict = "approve".into();
    rewrite_chain(&path, &r.id, &row_hash(&forged.fields()));

    let rep = Store::open(&path).unwrap().verify().unwrap();
    // Without the signature this rewrite would pass: the only problem left is the signature.
    assert_eq!(rep.problems.len(), 1, "{:?}", rep.problems);
    let p = &rep.problems[0];
    assert!(
        p.starts_with(&format!("forged: review {} (reviews row 1)", r.id)),
        "{p}"
    );
    assert!(
        p.contains("王专家") && p.contains(&keys::key_fingerprint(&s.public_hex())),
        "{p}"
    );
    assert_eq!(rep.signatures_checked, 1);
    let store = Store::open(&path).unwrap();
    assert!(analysis_html(&store, &v.id).contains(&format!("王专家 · {fp} · 签名与内容不符")));
}

/// The Chinese analysis report of a version as HTML (its review section lists signatures).
fn analysis_html(store: &Store, version: &str) -> String {
    use patval::report::{self, Document, ReportLang};
    let data = report::gather(store, version).unwrap();
    let doc = report::build(&data, Document::Analysis, ReportLang::Zh).unwrap();
    report::html::render_doc(&doc)
}

#[test]
fn unsigned_rows_are_listed_and_a_store_key_missing_from_the_registry_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let v = sample_version(&mut store);
    let a = signer(
        &mut store,
        dir.path(),
        &expert("王专家", "某大学", &["G06"], &[]),
    );
    let file = dir.path().join("registry.json");
    store.export_registry(&file).unwrap();
    // An expert added to this store only, after the registry file was distributed.
    let b = signer(
        &mut store,
        dir.path(),
        &expert("赵某", "某公司", &["H04"], &[]),
    );
    store
        .add_review(&v.id, "李行", "bank_valuer", "approve", "")
        .unwrap();
    store
        .add_review_as(&v.id, "王专家", "expert", "approve", "", Some(&a))
        .unwrap();
    store
        .add_review_as(&v.id, "赵某", "expert", "approve", "", Some(&b))
        .unwrap();
    let rep = store.verify().unwrap();
    assert!(rep.ok(), "{:?}", rep.problems);
    assert_eq!(rep.unsigned.len(), 1, "{:?}", rep.unsigned);
    assert!(rep.unsigned[0].starts_with("review ") && rep.unsigned[0].ends_with("(reviews row 1)"));
    let trusted = patval::store::experts::read_registry(&file).unwrap();
    let rep = store.verify_with(Some(&trusted)).unwrap();
    let fp = keys::key_fingerprint(&b.public_hex());
    assert!(
        rep.problems.iter().any(|p| p
            == &format!(
                "key {fp} of 赵某 is in this store's registry but not in the registry file"
            )),
        "{:?}",
        rep.problems
    );
    assert!(
        rep.problems
            .iter()
            .any(|p| p.starts_with("unknown key: review ") && p.contains(&fp)),
        "{:?}",
        rep.problems
    );
    assert_eq!(rep.problems.len(), 2, "{:?}", rep.problems);
}

#[test]
fn an_annotation_signed_by_an_unknown_key_is_flagged_on_import() {
    let dir = tempfile::tempdir().unwrap();
    let mut expert_store = Store::open(&dir.path().join("expert.db")).unwrap();
    let v = sample_version(&mut expert_store);
    let s = signer(
        &mut expert_store,
        dir.path(),
        &expert("王专家", "某大学", &["G06"], &[]),
    );
    let a = expert_store
        .add_annotation_as(
            &v.id,
            (
                "assumption",
                "discount.market_risk",
                "major",
                "风险溢价偏低",
            ),
            "王专家",
            "expert",
            Some(&s),
        )
        .unwrap();
    let pkg = dir.path().join("pkg.json");
    expert_store.export_review(&v.id, &pkg).unwrap();

    // The bank's store has no registry entry for this key.
    let mut bank = Store::open(&dir.path().join("bank.db")).unwrap();
    let rep = bank.import_review(&pkg, "李行").unwrap();
    assert_eq!(rep.annotations_added, 1);
    assert_eq!(rep.signatures_added, 1);
    assert_eq!(rep.unknown_keys.len(), 1, "{rep:?}");
    assert!(rep.unknown_keys[0].starts_with(&format!(
        "annotation {}: signed with key {}",
        a.id,
        keys::key_fingerprint(&s.public_hex())
    )));
    let vr = bank.verify().unwrap();
    assert!(
        vr.problems
            .iter()
            .any(|p| p.starts_with(&format!("unknown key: annotation {}", a.id))),
        "{:?}",
        vr.problems
    );

    // Once the registry is imported, the same signature checks.
    let reg = dir.path().join("registry.json");
    expert_store.export_registry(&reg).unwrap();
    bank.import_registry(&reg, "李行").unwrap();
    assert!(bank.verify().unwrap().ok());

    // A package whose annotation was edited after signing is refused, not imported.
    let mut bank2 = Store::open(&dir.path().join("bank2.db")).unwrap();
    bank2.import_registry(&reg, "李行").unwrap();
    let text = std::fs::read_to_string(&pkg)
        .unwrap()
        .replace("风险溢价偏低", "风险溢价合理");
    let edited = dir.path().join("edited.json");
    std::fs::write(&edited, text).unwrap();
    let rep = bank2.import_review(&edited, "李行").unwrap();
    assert_eq!(rep.annotations_added, 0);
    assert!(
        rep.refused[0].contains("does not match its content"),
        "{rep:?}"
    );
}

#[test]
fn a_revoked_keys_later_signatures_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut expert_store = Store::open(&dir.path().join("expert.db")).unwrap();
    let v = sample_version(&mut expert_store);
    let s = signer(
        &mut expert_store,
        dir.path(),
        &expert("王专家", "某大学", &["G06"], &[]),
    );
    let before = expert_store
        .add_review_as(&v.id, "王专家", "expert", "revise", "", Some(&s))
        .unwrap();
    let reg = dir.path().join("registry.json");
    expert_store.export_registry(&reg).unwrap();
    let mut bank = Store::open(&dir.path().join("bank.db")).unwrap();
    bank.import_registry(&reg, "李行").unwrap();
    // The bank learns the key was lost and revokes it.
    bank.revoke_key(&s.public_hex(), "丢失", "李行").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    // The key's holder signs on with it afterwards.
    let after = expert_store
        .add_review_as(&v.id, "王专家", "expert", "approve", "", Some(&s))
        .unwrap();
    let pkg = dir.path().join("pkg.json");
    expert_store.export_review(&v.id, &pkg).unwrap();
    let rep = bank.import_review(&pkg, "李行").unwrap();
    assert_eq!(rep.reviews_added, 1, "{rep:?}");
    assert_eq!(rep.refused.len(), 1, "{rep:?}");
    assert!(
        rep.refused[0].starts_with(&format!("review {}: signed at", after.id)),
        "{rep:?}"
    );
    assert!(
        bank.reviews(&v.id)
            .unwrap()
            .iter()
            .any(|r| r.id == before.id)
    );
    // Signing with the revoked key in the bank's store is refused too.
    let err = bank
        .add_review_as(&v.id, "王专家", "expert", "approve", "", Some(&s))
        .unwrap_err()
        .to_string();
    assert!(err.contains("was revoked"), "{err}");
    assert!(bank.verify().unwrap().ok());
}

/// The pool against the sample case (borrower 深圳市星河智联科技有限公司, firm 某评估公司,
/// IPC codes G06V, H04W, H04L, E05B, H01M, H05K …).
#[test]
fn the_panel_rule_respects_fields_conflicts_and_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let v = sample_version(&mut store);
    let k = dir.path();
    let wide = signer(
        &mut store,
        k,
        &expert("甲", "大学一", &["H04", "E05B", "G06"], &[]),
    );
    let narrow = signer(&mut store, k, &expert("乙", "大学二", &["H01M"], &[]));
    signer(
        &mut store,
        k,
        &expert("丙", "大学三", &["H04L"], &["深圳市星河智联科技有限公司"]),
    );
    signer(&mut store, k, &expert("丁", "某评估公司", &["H04"], &[]));
    signer(&mut store, k, &expert("戊", "大学四", &["A61K"], &[]));
    store
        .add_expert(&expert("己", "大学五", &["H04"], &[]), "管理员")
        .unwrap();

    let cands = store.panel_candidates(&v.id).unwrap();
    let by = |n: &str| cands.iter().find(|c| c.expert.name == n).unwrap();
    assert!(by("甲").matched > by("乙").matched && by("乙").matched > 0);
    assert_eq!(
        by("丙").conflicts,
        vec![Conflict::Borrower("深圳市星河智联科技有限公司".into())]
    );
    assert_eq!(
        by("丁").conflicts,
        vec![Conflict::Firm("某评估公司".into())]
    );
    assert_eq!(by("戊").matched, 0);
    assert!(!by("己").has_key);

    let p = store
        .assign_panel(&v.id, Decision::Majority, 2, &[], None, "李行")
        .unwrap();
    assert_eq!(
        p.members,
        vec![wide.expert_id.clone(), narrow.expert_id.clone()]
    );
    assert_eq!(p.chair, wide.expert_id);
    assert_eq!(p.how, "rule");
    let err = store
        .assign_panel(&v.id, Decision::Majority, 3, &[], None, "李行")
        .unwrap_err()
        .to_string();
    assert!(err.contains("needs 3 experts; 2 of 6"), "{err}");

    let bing = store.resolve_expert("丙").unwrap().id;
    let ji = store.resolve_expert("己").unwrap().id;
    let m = store
        .assign_panel(
            &v.id,
            Decision::Chair,
            0,
            &[wide.expert_id.clone(), bing, ji],
            None,
            "李行",
        )
        .unwrap();
    assert_eq!(m.how, "manual");
    assert_eq!(
        m.warnings,
        vec![
            "丙: declared or apparent conflict with the borrower 深圳市星河智联科技有限公司"
                .to_string(),
            "己: no registered key, cannot sign".to_string(),
        ]
    );
}

#[test]
fn the_panel_concludes_from_its_members_signed_verdicts_under_each_rule() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let v = sample_version(&mut store);
    let k = dir.path();
    let a = signer(&mut store, k, &expert("甲", "大学一", &["H04"], &[]));
    let b = signer(&mut store, k, &expert("乙", "大学二", &["H04"], &[]));
    let c = signer(&mut store, k, &expert("丙", "大学三", &["H04"], &[]));
    let ids = vec![
        a.expert_id.clone(),
        b.expert_id.clone(),
        c.expert_id.clone(),
    ];
    let maj = store
        .assign_panel(&v.id, Decision::Majority, 0, &ids, None, "李行")
        .unwrap();
    let una = store
        .assign_panel(&v.id, Decision::Unanimity, 0, &ids, None, "李行")
        .unwrap();
    let chair = store
        .assign_panel(&v.id, Decision::Chair, 0, &ids, Some(&c.expert_id), "李行")
        .unwrap();

    store
        .add_review_as(&v.id, "甲", "expert", "approve", "", Some(&a))
        .unwrap();
    // An unsigned review under 乙's name does not count.
    store
        .add_review(&v.id, "乙", "expert", "approve", "")
        .unwrap();
    assert!(
        store
            .record_conclusion(&maj.id, "李行", None)
            .unwrap_err()
            .to_string()
            .contains("no verdict has a majority")
    );
    store
        .add_review_as(&v.id, "乙", "expert", "approve", "", Some(&b))
        .unwrap();
    let pr = store.panel_progress(&maj.id).unwrap();
    assert_eq!(pr.outcome, Ok("approve".to_string()));
    assert_eq!(
        store
            .panel_progress(&una.id)
            .unwrap()
            .outcome
            .unwrap_err()
            .to_string(),
        "2 of 3 members have returned a signed verdict"
    );
    assert!(store.panel_progress(&chair.id).unwrap().outcome.is_err());
    store
        .add_review_as(&v.id, "丙", "expert", "revise", "", Some(&c))
        .unwrap();
    assert_eq!(
        store.panel_progress(&una.id).unwrap().outcome,
        Ok("revise".to_string())
    );
    assert_eq!(
        store.panel_progress(&chair.id).unwrap().outcome,
        Ok("revise".to_string())
    );

    // The chair records and signs the majority's conclusion; verify checks that signature too.
    let concl = store.record_conclusion(&maj.id, "丙", Some(&c)).unwrap();
    assert_eq!(concl.verdict, "approve");
    assert_eq!(store.conclusions(&maj.id).unwrap(), vec![concl.clone()]);
    let views = store
        .signature_views("panel_conclusion", &concl.id)
        .unwrap();
    assert_eq!(views[0].signer, "丙");
    let rep = store.verify().unwrap();
    assert!(rep.ok(), "{:?}", rep.problems);
    assert_eq!(rep.signatures_checked, 4);
}

#[test]
fn the_cli_creates_a_sealed_key_signs_a_verdict_and_verify_checks_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let db = db.to_str().unwrap();
    let keys_dir = dir.path().join("keys");
    let keys_dir = keys_dir.to_str().unwrap();
    let pass = dir.path().join("pass.txt");
    std::fs::write(&pass, "一句口令\n").unwrap();
    let pass = pass.to_str().unwrap();
    let vid = common::save_sample(db);
    let ok = |args: &[&str]| {
        let o = common::patval(args);
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    ok(&[
        "experts",
        "add",
        "--db",
        db,
        "--name",
        "王专家",
        "--institution",
        "某大学",
        "--fields",
        "H04L，G06",
        "--author",
        "管理员",
    ]);
    let out = ok(&[
        "keys",
        "new",
        "王专家",
        "--db",
        db,
        "--keys",
        keys_dir,
        "--passphrase-file",
        pass,
        "--author",
        "管理员",
    ]);
    assert!(out.contains("sealed with the passphrase"), "{out}");
    let list = ok(&["experts", "list", "--db", db, "--json"]);
    let reg: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(
        reg["experts"][0]["fields"],
        serde_json::json!(["H04L", "G06"])
    );

    // Without the passphrase the sealed key does not sign.
    let mut review = vec![
        "review",
        &vid,
        "--db",
        db,
        "--role",
        "expert",
        "--verdict",
        "approve",
        "--sign-as",
        "王专家",
        "--keys",
        keys_dir,
    ];
    let o = common::patval(&review);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("the key is protected: give its passphrase")
    );
    review.extend(["--passphrase-file", pass]);
    let out = ok(&review);
    assert!(out.contains("by 王专家 (signed)"), "{out}");
    let out = ok(&["verify", db]);
    assert!(
        out.contains("1 signatures checked") && out.contains("verified: no tampering found"),
        "{out}"
    );

    let out = ok(&[
        "panel", "assign", &vid, "--db", db, "--size", "1", "--author", "李行",
    ]);
    assert!(
        out.contains("王专家 (chair): approve")
            && out.contains("conclusion under the rule: approve"),
        "{out}"
    );
    let o = common::patval(&["keys", "revoke", "zzzz", "--db", db, "--author", "李行"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("matches 0 registered keys"));
}
