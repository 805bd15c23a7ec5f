//! Batch post-loan monitoring of the whole book (docs/bank.md §3): a legal-status update file
//! applied at a monitoring date, alerts per loan (a lapse and a transfer flagged), the stored
//! run as a dated record inside the audit chain, and the CLI.

use crate::common;

use chrono::NaiveDate;
use patval::model::LoanStatus;
use patval::pledge::batch::{AlertKind, Change, StatusUpdate, monitor_book, record_run};
use patval::store::Store;
use patval::store::loans::StatusChange;
use patval::valuation::Engine;

const LAPSES: &str = "CN201810500139.0";
const TRANSFERRED: &str = "CN201910500277.3";
const REGISTERED: &str = "CN201710500001.6";

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn update(no: &str, change: Change, date: &str, row: usize) -> StatusUpdate {
    StatusUpdate {
        patent_no: no.into(),
        change,
        date: d(date),
        note: String::new(),
        row,
    }
}

/// A store with the sample case and three loans on it: two on the book, one repaid.
fn book() -> (tempfile::TempDir, Store, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let v = common::save_dataset(&mut store, &patval::sample::load().unwrap(), "授信");
    for (no, e) in [
        ("L1", 5_000_000.0),
        ("L2", 20_000_000.0),
        ("L3", 1_000_000.0),
    ] {
        store
            .add_loan(&common::loan_terms(no, &v.id, e), "王信贷")
            .unwrap();
    }
    let l3 = store.resolve_loan("L3").unwrap();
    let repaid = StatusChange {
        status: LoanStatus::Repaid,
        date: d("2027-01-31"),
        exposure: Some(0.0),
        proceeds: None,
        note: String::new(),
    };
    store.set_loan_status(&l3, &repaid, "王信贷").unwrap();
    (dir, store, v.id)
}

/// The bank's value of `no` re-valued at `date` with nothing changed, as the test computes it.
fn value_at(store: &Store, version: &str, date: NaiveDate, no: &str) -> f64 {
    let r = store.reopen(version).unwrap();
    let mut a = r.assumptions.clone();
    a.valuation_date = date;
    let e = Engine::new(&r.dataset, &a, r.engine.methods, None).unwrap();
    e.reconciled_values()[e.find(no).unwrap()]
}

#[test]
fn a_lapse_and_a_transfer_are_flagged_on_every_loan_they_secure() {
    let (_dir, store, v) = book();
    let date = d("2027-06-30");
    let quiet = monitor_book(&store, date, 1.0, &[]).unwrap();
    // Only the loans still on the book are checked.
    let nos: Vec<&str> = quiet.loans.iter().map(|l| l.loan_no.as_str()).collect();
    assert_eq!(nos, ["L1", "L2"]);
    let updates = vec![
        update(LAPSES, Change::Lapsed, "2027-03-01", 2),
        update(TRANSFERRED, Change::Transferred, "2027-04-15", 3),
        update(REGISTERED, Change::PledgeRegistered, "2026-10-08", 4),
        update("CN209999999999.9", Change::Lapsed, "2027-02-01", 5),
        update(REGISTERED, Change::Invalidated, "2027-07-01", 6),
    ];
    let run = monitor_book(&store, date, 1.0, &updates).unwrap();
    for (l, q) in run.loans.iter().zip(&quiet.loans) {
        let kinds = |no: &str| -> Vec<AlertKind> {
            l.alerts
                .iter()
                .filter(|a| a.patent_no.as_deref() == Some(no))
                .map(|a| a.kind)
                .collect()
        };
        assert_eq!(kinds(LAPSES), [AlertKind::Lapsed], "{}", l.loan_no);
        assert_eq!(
            kinds(TRANSFERRED),
            [AlertKind::Transferred],
            "{}",
            l.loan_no
        );
        // The invalidation dated after the monitoring date is not applied.
        assert_eq!(kinds(REGISTERED), [AlertKind::PledgeRegistered]);
        let lapse = l
            .alerts
            .iter()
            .find(|a| a.kind == AlertKind::Lapsed)
            .unwrap();
        assert!(lapse.detail_zh.contains("2027-03-01"), "{lapse:?}");
        // The transferred patent no longer secures the loan and the lapsed one is worth
        // nothing as collateral: the accepted value falls by at least the transferred
        // patent's value at the date (computed here from the stored version).
        let transferred = value_at(&store, &v, date, TRANSFERRED);
        assert!(transferred > 0.0);
        assert!(
            l.accepted_after <= q.accepted_after - transferred + 0.01,
            "{}: {} vs {} − {transferred}",
            l.loan_no,
            l.accepted_after,
            q.accepted_after
        );
        assert!(l.credit_limit_after < q.credit_limit_after);
    }
    assert_eq!(run.unmatched.len(), 1);
    assert_eq!(run.unmatched[0].patent_no, "CN209999999999.9");
    assert_eq!(run.later.len(), 1);
    assert_eq!(run.later[0].row, 6);
}

#[test]
fn a_transfer_alone_takes_exactly_that_patents_value_off_the_collateral() {
    let (_dir, store, v) = book();
    let date = d("2027-06-30");
    let quiet = monitor_book(&store, date, 1.0, &[]).unwrap();
    let run = monitor_book(
        &store,
        date,
        1.0,
        &[update(TRANSFERRED, Change::Transferred, "2027-04-15", 2)],
    )
    .unwrap();
    let transferred = value_at(&store, &v, date, TRANSFERRED);
    for (l, q) in run.loans.iter().zip(&quiet.loans) {
        assert!(
            (l.accepted_after - (q.accepted_after - transferred)).abs() <= 0.011,
            "{}: {} ≠ {} − {transferred}",
            l.loan_no,
            l.accepted_after,
            q.accepted_after
        );
        assert_eq!(l.accepted_before, q.accepted_before);
    }
    // A release of the pledge does the same; registering it again restores it.
    let run = monitor_book(
        &store,
        date,
        1.0,
        &[
            update(TRANSFERRED, Change::PledgeReleased, "2027-04-15", 2),
            update(TRANSFERRED, Change::PledgeRegistered, "2027-05-15", 3),
        ],
    )
    .unwrap();
    assert_eq!(run.loans[0].accepted_after, quiet.loans[0].accepted_after);
    // The coverage threshold flags loans below it: the 20,000,000 loan is, at 1000 % both are.
    let cov = |run: &patval::pledge::batch::MonitorRun, no: &str| {
        run.loans
            .iter()
            .find(|l| l.loan_no == no)
            .unwrap()
            .alerts
            .iter()
            .any(|a| a.kind == AlertKind::CoverageBelow)
    };
    assert_eq!(
        (cov(&quiet, "L1"), cov(&quiet, "L2")),
        (
            quiet.loans[0].coverage_after < 1.0,
            quiet.loans[1].coverage_after < 1.0
        )
    );
    let strict = monitor_book(&store, date, 10.0, &[]).unwrap();
    assert!(cov(&strict, "L1") && cov(&strict, "L2"));
}

#[test]
fn a_run_is_kept_as_a_dated_record_in_the_audit_chain() {
    let (dir, mut store, _v) = book();
    let updates = vec![update(LAPSES, Change::Lapsed, "2027-03-01", 2)];
    let run = monitor_book(&store, d("2027-06-30"), 1.0, &updates).unwrap();
    let bytes = b"patent_no,change,date\nCN201810500139.0,lapsed,2027-03-01\n";
    let rec = record_run(&mut store, &run, Some(("u.csv", bytes)), "赵贷后").unwrap();
    assert_eq!(rec.monitoring_date, "2027-06-30");
    assert_eq!((rec.loans_checked, rec.alerts), (2, run.alert_count()));
    assert_eq!(rec.updates_sha256.len(), 64);
    let runs = store.monitor_runs().unwrap();
    assert_eq!(runs, vec![rec.clone()]);
    assert_eq!(store.monitor_run(&rec.id[..8]).unwrap(), rec);
    assert!(store.verify().unwrap().ok());
    assert!(
        store
            .monitor_run("ffffffff")
            .unwrap_err()
            .to_string()
            .contains("no monitoring run ffffffff")
    );
    drop(store);
    // A run changed behind patval's back is named by verify.
    let db = dir.path().join("s.db");
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute_batch("DROP TRIGGER monitor_runs_no_update;")
        .unwrap();
    c.execute(
        "UPDATE monitor_runs SET alerts = '0' WHERE id = ?1",
        [&rec.id],
    )
    .unwrap();
    drop(c);
    let rep = Store::open(&db).unwrap().verify().unwrap();
    assert!(
        rep.problems
            .iter()
            .any(|p| p.contains(&format!("monitor_run {} was changed", rec.id))),
        "{:?}",
        rep.problems
    );
}

#[test]
fn cli_monitors_the_book_keeps_the_run_and_names_bad_cells() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let db = db.to_str().unwrap();
    let v = common::save_sample(db);
    let o = common::patval(&[
        "loans",
        "add",
        "--db",
        db,
        "--loan-no",
        "L1",
        "--borrower",
        "星河智联",
        "--exposure",
        "500万元",
        "--rate",
        "4.35%",
        "--pd",
        "2%",
        "--start",
        "2026-10-01",
        "--maturity",
        "2027-09-30",
        "--version",
        &v[..8],
        "--author",
        "王信贷",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let updates = dir.path().join("法律状态更新.csv");
    std::fs::write(
        &updates,
        format!(
            "专利号,事项,生效日期\n{LAPSES},失效,2027年3月1日\n{TRANSFERRED},转让,2027-04-15\n"
        ),
    )
    .unwrap();
    let up = updates.to_str().unwrap();
    let monitor = |extra: &[&str]| {
        let mut a = vec![
            "loans",
            "monitor",
            "--db",
            db,
            "--date",
            "2027-06-30",
            "--author",
            "赵贷后",
        ];
        a.extend_from_slice(extra);
        common::patval(&a)
    };
    let o = monitor(&["--updates", up]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        text.contains("patent lapsed") && text.contains(LAPSES),
        "{text}"
    );
    assert!(text.contains("patent transferred"), "{text}");
    assert!(text.contains("kept as monitoring run"), "{text}");
    let o = monitor(&["--updates", up, "--dry-run", "--json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(j["run"].is_null());
    assert_eq!(j["result"]["loans"][0]["loan_no"], "L1");
    let o = common::patval(&["loans", "runs", "--db", db, "--json"]);
    let runs: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 1, "the dry run is not kept");
    assert_eq!(runs[0]["updates_name"], "法律状态更新.csv");
    let id = runs[0]["id"].as_str().unwrap();
    let o = common::patval(&["loans", "run", &id[..8], "--db", db]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("by 赵贷后") && text.contains("patent transferred"),
        "{text}"
    );
    // A bad cell is named with its file, row and column; nothing is kept.
    std::fs::write(&updates, "专利号,事项,生效日期\nCN1,卖掉,2027-03-01\n").unwrap();
    let o = monitor(&["--updates", up]);
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("法律状态更新.csv: row 2, column B (change): '卖掉' is not a change"),
        "{e}"
    );
}
