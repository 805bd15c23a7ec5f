//! The bank's loan book (docs/bank.md §4): loans in the store, the book's totals, the NPL
//! tolerance, the fund's claims, tamper detection of the new tables, and the CLI.

use crate::common;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use patval::model::LoanStatus;
use patval::pledge::book::{BookOptions, npl_check};
use patval::pledge::credit::{Collateral, allocate, allocate_covered};
use patval::pledge::{Policy, fen, load_book, yuan};
use patval::store::Store;
use patval::store::loans::StatusChange;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn change(
    status: LoanStatus,
    date: &str,
    exposure: Option<f64>,
    proceeds: Option<f64>,
) -> StatusChange {
    StatusChange {
        status,
        date: d(date),
        exposure,
        proceeds,
        note: String::new(),
    }
}

fn sample_store(dir: &tempfile::TempDir) -> (Store, String) {
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let v = common::save_dataset(&mut store, &patval::sample::load().unwrap(), "授信");
    (store, v.id)
}

#[test]
fn the_loan_book_worked_example_matches_docs_bank_to_the_cent() {
    let checks = common::doc_checks("docs/bank.md");
    let want = |k: &str| *checks.get(k).unwrap_or_else(|| panic!("no check:{k}"));
    let p = Policy::shenzhen();
    let a = allocate_covered(
        5_000_000.0,
        want("recovery"),
        (0.4, 0.3),
        &p,
        Collateral::IpOnly,
    );
    assert_eq!(a.guarantor, want("ins_guarantor"));
    assert_eq!(a.insurer, want("ins_insurer"));
    assert_eq!(a.fund, want("ins_fund"));
    assert_eq!(a.bank_loss, want("ins_loss"));
    assert_eq!(
        fen(a.to_bank) + fen(a.guarantor) + fen(a.insurer) + fen(a.fund) + fen(a.bank_loss),
        fen(5_000_000.0)
    );
    assert_eq!(yuan(fen(0.03 * a.fund)), want("book_fund_expected"));
    let w = allocate(3_000_000.0, 1_200_000.0, 0.0, &p, Collateral::Mixed);
    assert_eq!(w.fund, want("book_fund_actual"));
    let flagged = npl_check(401_000.0, 10_000_000.0, 0.01);
    common::assert_close("npl_excess", flagged.excess_points, want("npl_excess"), 2);
    assert!(flagged.flagged);
    let within = npl_check(400_000.0, 10_000_000.0, 0.01);
    assert_eq!((within.excess_points * 100.0).round(), 300.0);
    assert!(!within.flagged);
}

/// The documented waterfall of one loan, in fen, written out here apart from the library:
/// (bank's loss, fund's payment).
fn waterfall(exposure: f64, proceeds: f64, g: f64, c: f64, share: f64, cap: f64) -> (i64, i64) {
    let s = (fen(exposure) - fen(proceeds)).max(0);
    let guarantor = (s as f64 * g).round() as i64;
    let insurer = ((s - guarantor) as f64 * c).round() as i64;
    let rest = s - guarantor - insurer;
    let fund = ((rest as f64 * share).round() as i64).min(fen(cap));
    (rest - fund, fund)
}

#[test]
fn a_book_of_twenty_loans_gives_the_documented_totals() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, v) = sample_store(&dir);
    let mut t_by_no = BTreeMap::new();
    for i in 0..20 {
        let mut t = common::loan_terms(&format!("L{i:03}"), &v, 1_000_000.0 * (i + 1) as f64);
        t.pd = 0.01 + 0.001 * i as f64;
        t.borrower = format!("借款人{}", i % 7);
        t.product = ["知识产权质押贷", "科技贷"][i % 2].into();
        if i % 3 == 0 {
            t.collateral = Collateral::Mixed;
            t.other_collateral_value = 500_000.0;
        }
        if i % 4 == 0 {
            (t.guarantor, t.guarantee_share) = ("高新投担保".into(), 0.4);
        }
        if i % 5 == 0 {
            (t.insurer, t.insurance_share) = ("某保险公司".into(), 0.3);
        }
        store.add_loan(&t, "王信贷").unwrap();
        t_by_no.insert(t.loan_no.clone(), t);
    }
    let set = |store: &mut Store, no: &str, c: StatusChange| {
        let id = store.resolve_loan(no).unwrap();
        store.set_loan_status(&id, &c, "王信贷").unwrap();
    };
    set(
        &mut store,
        "L005",
        change(LoanStatus::Overdue, "2026-11-01", None, None),
    );
    set(
        &mut store,
        "L007",
        change(LoanStatus::Npl, "2026-11-01", None, None),
    );
    set(
        &mut store,
        "L009",
        change(LoanStatus::Npl, "2026-11-01", None, None),
    );
    set(
        &mut store,
        "L009",
        change(
            LoanStatus::InDisposal,
            "2026-11-15",
            Some(9_500_000.0),
            None,
        ),
    );
    set(
        &mut store,
        "L011",
        change(LoanStatus::Npl, "2026-11-01", None, None),
    );
    set(
        &mut store,
        "L011",
        change(
            LoanStatus::WrittenOff,
            "2026-11-20",
            None,
            Some(1_200_000.0),
        ),
    );
    set(
        &mut store,
        "L013",
        change(LoanStatus::Repaid, "2026-11-20", Some(0.0), None),
    );

    let book = load_book(
        &store,
        BookOptions {
            bank_npl_ratio: 0.012,
            coverage_alert: 1.0,
        },
    )
    .unwrap();
    assert_eq!(book.loans.len(), 20);
    assert_eq!(
        (book.totals.loans_on_book, book.totals.loans_closed),
        (18, 2)
    );

    // The collateral: every loan is secured by the same version, valued at the stored results.
    let stored = store.results(&v).unwrap();
    let accepted: i64 = fen(stored
        .patents
        .iter()
        .map(|p| p.reconciled.unwrap_or(0.0).max(0.0))
        .sum());
    let exposure_of = |no: &str| match no {
        "L009" => 9_500_000.0,
        _ => t_by_no[no].exposure,
    };
    let on_book: Vec<&str> = t_by_no
        .keys()
        .map(String::as_str)
        .filter(|n| !matches!(*n, "L011" | "L013"))
        .collect();
    let exposure: i64 = on_book.iter().map(|n| fen(exposure_of(n))).sum();
    assert_eq!(fen(book.totals.exposure), exposure);
    assert_eq!(fen(book.totals.accepted), 18 * accepted);
    let cl = fen(book.loans[0].credit_limit);
    assert!(book.loans.iter().all(|l| fen(l.credit_limit) == cl));
    assert_eq!(fen(book.totals.credit_limit), 18 * cl);

    // Each loan's EL and the fund's expected claim follow the documented waterfall.
    let p = Policy::shenzhen();
    let (_, recovery) = patval::pledge::credit::expected_recovery(book.loans[0].liquidation, &p);
    let (mut el, mut fund_expected) = (0i64, 0i64);
    for l in book.loans.iter().filter(|l| l.status.on_book()) {
        let t = &t_by_no[&l.loan_no];
        let share = match t.collateral {
            Collateral::IpOnly => 0.5,
            Collateral::Mixed => 0.2,
        };
        let (loss, fund) = waterfall(
            exposure_of(&l.loan_no),
            recovery,
            t.guarantee_share,
            t.insurance_share,
            share,
            2_000_000.0,
        );
        let pd = if l.status.non_performing() { 1.0 } else { t.pd };
        assert_eq!(
            fen(l.expected_loss),
            (pd * loss as f64).round() as i64,
            "{}",
            l.loan_no
        );
        assert_eq!(
            fen(l.fund_expected),
            (pd * fund as f64).round() as i64,
            "{}",
            l.loan_no
        );
        el += fen(l.expected_loss);
        fund_expected += fen(l.fund_expected);
    }
    assert_eq!(fen(book.totals.expected_loss), el);
    assert_eq!(fen(book.totals.fund_expected), fund_expected);
    // L011 (IP only, 12,000,000, no guarantor) written off after 1,200,000: half of 10,800,000
    // is capped at 2,000,000.
    let l011 = book.loans.iter().find(|l| l.loan_no == "L011").unwrap();
    assert_eq!(l011.fund_actual, Some(2_000_000.0));
    assert_eq!(book.totals.fund_actual, 2_000_000.0);
    assert_eq!((l011.exposure, l011.expected_loss), (0.0, 0.0));

    // NPL: L007 (8,000,000) and L009 (9,500,000, in disposal) over the book.
    let ratio = (8_000_000.0 + 9_500_000.0) / yuan(exposure);
    assert!((book.npl.ip_npl_ratio - ratio).abs() < 1e-12);
    assert_eq!(book.npl.flagged, (ratio - 0.012) * 100.0 > 3.0);

    // Concentration: borrowers' exposure as summed here; IPC classes sum to the accepted total.
    let mut by_borrower: BTreeMap<String, i64> = BTreeMap::new();
    for n in &on_book {
        *by_borrower.entry(t_by_no[*n].borrower.clone()).or_default() += fen(exposure_of(n));
    }
    for s in &book.by_borrower {
        assert_eq!(fen(s.amount), by_borrower[&s.key], "{}", s.key);
    }
    assert_eq!(book.by_borrower.len(), by_borrower.len());
    assert!((book.by_borrower.iter().map(|s| s.share).sum::<f64>() - 1.0).abs() < 1e-9);
    assert_eq!(book.by_product.len(), 2);
    let ipc: i64 = book.by_ipc_class.iter().map(|s| fen(s.amount)).sum();
    assert!((ipc - 18 * accepted).abs() <= 18 * book.loans[0].by_ipc_class.len() as i64);
    assert!(book.by_ipc_class.iter().any(|s| s.key == "H04"));
}

#[test]
fn the_npl_tolerance_flags_at_three_point_zero_one_points_and_not_at_three() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, v) = sample_store(&dir);
    let a = store
        .add_loan(&common::loan_terms("A", &v, 9_600_000.0), "王信贷")
        .unwrap();
    let b = store
        .add_loan(&common::loan_terms("B", &v, 400_000.0), "王信贷")
        .unwrap();
    let opts = BookOptions {
        bank_npl_ratio: 0.01,
        coverage_alert: 1.0,
    };
    assert!(!load_book(&store, opts).unwrap().npl.flagged);
    store
        .set_loan_status(
            &b.id,
            &change(LoanStatus::Npl, "2026-12-01", None, None),
            "王信贷",
        )
        .unwrap();
    let book = load_book(&store, opts).unwrap();
    assert_eq!((book.npl.excess_points * 100.0).round(), 300.0);
    assert!(!book.npl.flagged, "{:?}", book.npl);
    // Restated exposures: 401,000 non-performing of 10,000,000.
    store
        .set_loan_status(
            &a.id,
            &change(
                LoanStatus::Performing,
                "2026-12-31",
                Some(9_599_000.0),
                None,
            ),
            "王信贷",
        )
        .unwrap();
    store
        .set_loan_status(
            &b.id,
            &change(LoanStatus::Npl, "2026-12-31", Some(401_000.0), None),
            "王信贷",
        )
        .unwrap();
    let book = load_book(&store, opts).unwrap();
    assert_eq!(book.totals.exposure, 10_000_000.0);
    assert_eq!((book.npl.excess_points * 100.0).round(), 301.0);
    assert!(book.npl.flagged, "{:?}", book.npl);
}

#[test]
fn loan_rules_are_enforced_with_messages_that_name_the_loan() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, v) = sample_store(&dir);
    let l = store
        .add_loan(&common::loan_terms("L1", &v, 1_000_000.0), "王信贷")
        .unwrap();
    let e = store
        .add_loan(&common::loan_terms("L1", &v, 2_000_000.0), "王信贷")
        .unwrap_err();
    assert_eq!(e.to_string(), "loan L1 is already on the book");
    let e = store
        .add_loan(
            &common::loan_terms("L2", "0123456789abcdef0123456789abcdef", 1.0),
            "王信贷",
        )
        .unwrap_err();
    assert!(e.to_string().contains("0123456789abcdef"), "{e}");
    let back = change(LoanStatus::Overdue, "2026-09-01", None, None);
    let e = store.set_loan_status(&l.id, &back, "王信贷").unwrap_err();
    assert_eq!(
        e.to_string(),
        "loan L1: the date 2026-09-01 is before its last event (2026-10-01)"
    );
    store
        .set_loan_status(
            &l.id,
            &change(LoanStatus::Repaid, "2027-09-30", Some(0.0), None),
            "王信贷",
        )
        .unwrap();
    let e = store
        .set_loan_status(
            &l.id,
            &change(LoanStatus::Overdue, "2027-10-30", None, None),
            "王信贷",
        )
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "loan L1 is repaid since 2027-09-30: it cannot become overdue"
    );
    assert!(store.verify().unwrap().ok());
}

#[test]
fn verify_names_a_tampered_loan_and_loan_event() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, v) = sample_store(&dir);
    let l = store
        .add_loan(&common::loan_terms("L1", &v, 1_000_000.0), "王信贷")
        .unwrap();
    let ev = store
        .set_loan_status(
            &l.id,
            &change(LoanStatus::Npl, "2026-12-01", None, None),
            "王信贷",
        )
        .unwrap();
    assert!(store.verify().unwrap().ok());
    let path = store.path().to_path_buf();
    drop(store);
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch("DROP TRIGGER loans_no_update; DROP TRIGGER loan_events_no_update;")
        .unwrap();
    c.execute(
        "UPDATE loans SET exposure = '100000' WHERE id = ?1",
        [&l.id],
    )
    .unwrap();
    c.execute(
        "UPDATE loan_events SET status = 'performing' WHERE id = ?1",
        [&ev.id],
    )
    .unwrap();
    drop(c);
    let rep = Store::open(&path).unwrap().verify().unwrap();
    let has = |prefix: String| rep.problems.iter().any(|p| p.starts_with(&prefix));
    assert!(
        has(format!("loan {} was changed after audit entry #", l.id)),
        "{:?}",
        rep.problems
    );
    assert!(
        has(format!(
            "loan_event {} was changed after audit entry #",
            ev.id
        )),
        "{:?}",
        rep.problems
    );
    assert!(
        has("the guard trigger loans_no_update is missing".into()),
        "{:?}",
        rep.problems
    );
}

#[test]
fn cli_adds_loans_changes_status_and_prints_the_book() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let db = db.to_str().unwrap();
    let v = common::save_sample(db);
    let add = |no: &str, exposure: &str, extra: &[&str]| {
        let mut args = vec![
            "loans",
            "add",
            "--db",
            db,
            "--loan-no",
            no,
            "--borrower",
            "星河智联",
            "--exposure",
            exposure,
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
            "--json",
        ];
        args.extend_from_slice(extra);
        common::patval(&args)
    };
    assert!(add("L1", "500万元", &[]).status.success());
    let o = add(
        "L2",
        "300万元",
        &[
            "--collateral",
            "mixed",
            "--other-collateral-value",
            "100万元",
            "--insurer",
            "某保险",
            "--insurance",
            "30%",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = add("L3", "300万元", &["--guarantee", "40%"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("a guarantee share needs the guarantor's name")
    );
    let o = common::patval(&[
        "loans",
        "status",
        "L2",
        "不良",
        "--date",
        "2026-12-01",
        "--author",
        "王信贷",
        "--db",
        db,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = common::patval(&[
        "loans",
        "status",
        "L2",
        "sleeping",
        "--date",
        "2026-12-01",
        "--author",
        "王信贷",
        "--db",
        db,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("status \"sleeping\" is not one of performing, overdue, npl")
    );
    let o = common::patval(&["loans", "book", "--bank-npl", "1.5%", "--db", db, "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let b: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(b["totals"]["exposure"], 8_000_000.0);
    assert_eq!(b["npl"]["flagged"], true);
    assert_eq!(b["loans"][1]["status"], "npl");
    let o = common::patval(&["loans", "show", "L2", "--db", db]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("insurer 某保险 30.00%") && text.contains("non-performing"),
        "{text}"
    );
    let o = common::patval(&["verify", "--db", db]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
}
