//! Drives the real app with egui_kittest (no GPU): load the sample, change the discount rate and
//! see the value change, save a version, add an annotation, switch language.

use crate::common;

use std::time::{Duration, Instant};

use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use patval::gui::{Lang, PatvalApp, Settings};

fn app(store: &std::path::Path) -> Harness<'static, PatvalApp> {
    let settings = Settings {
        lang: Lang::En,
        store: Some(store.to_path_buf()),
        reviewer: String::new(),
        ..Settings::default()
    };
    Harness::builder()
        .with_size(eframe::egui::Vec2::new(1400.0, 900.0))
        .build_eframe(move |cc| PatvalApp::with_settings(&cc.egui_ctx, settings))
}

/// Steps frames (background jobs run on their own threads) until `done` holds.
fn wait(h: &mut Harness<'static, PatvalApp>, what: &str, done: impl Fn(&PatvalApp) -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        h.step();
        if done(h.state()) && h.state().jobs.running.is_empty() {
            h.step();
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting for {what}");
}

fn total(app: &PatvalApp) -> f64 {
    app.valued
        .as_ref()
        .map_or(0.0, |v| v.valuation.summary.reconciled)
}

/// Clicks each field (found by role and label) and types its text, one frame after each.
fn fill(h: &mut Harness<'static, PatvalApp>, role: Role, fields: &[(&str, &str)]) {
    for (field, text) in fields {
        h.get_by_role_and_label(role, field).click();
        h.step();
        h.get_by_role_and_label(role, field).type_text(text);
        h.step();
    }
}

#[test]
fn a_user_values_revalues_saves_annotates_and_switches_language() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app(&dir.path().join("store.sqlite3"));

    // 1. The sample case loads and values on its own.
    wait(&mut h, "the sample valuation", |a| a.valued.is_some());
    let before = total(h.state());
    assert!(before > 0.0);
    let shown = h.state().money(before);
    h.get_by_label(&shown);

    // 2. Raise the risk-free rate in the assumptions editor: the value falls.
    h.get_by_role_and_label(Role::Button, "Assumptions").click();
    h.step();
    h.get_by_role_and_label(Role::SpinButton, "Risk-free rate")
        .set_value_accesskit(5.0);
    h.step();
    assert!(
        (h.state()
            .assumptions
            .as_ref()
            .unwrap()
            .discount
            .risk_free_rate
            - 0.05)
            .abs()
            < 1e-12
    );
    wait(&mut h, "the re-valuation", |a| {
        a.valued
            .as_ref()
            .is_some_and(|v| (v.assumptions.discount.risk_free_rate - 0.05).abs() < 1e-12)
    });
    let after = total(h.state());
    assert!(
        after < before,
        "a higher discount rate must lower the value: {before} → {after}"
    );
    h.get_by_role_and_label(Role::Button, "Results").click();
    h.step();
    let shown = h.state().money(after);
    h.get_by_label(&shown);

    // 3. Save the valuation as a new version of a new case.
    h.get_by_role_and_label(Role::Button, "Review").click();
    h.step();
    fill(&mut h, Role::TextInput, &[("Name", "王专家")]);
    fill(
        &mut h,
        Role::TextInput,
        &[
            ("Case name", "星河智联专利质押"),
            ("Borrower", "深圳市星河智联科技有限公司"),
            ("Appraiser", "李评估"),
        ],
    );
    h.get_by_role_and_label(Role::Button, "Save as a new version")
        .click();
    h.step();
    wait(&mut h, "the saved version", |a| a.review.detail.is_some());
    let detail = h.state().review.detail.as_ref().unwrap();
    assert_eq!(detail.info.number, 1);
    assert!(
        (detail.results.summary.reconciled - after).abs() < 1e-6,
        "the stored figures are the ones shown"
    );
    assert_eq!(h.state().review.cases.len(), 1);

    // 4. Annotate the version.
    fill(
        &mut h,
        Role::MultilineTextInput,
        &[("Comment", "剩余寿命需复核")],
    );
    h.get_by_role_and_label(Role::Button, "Add annotation")
        .click();
    h.step();
    wait(&mut h, "the annotation", |a| {
        a.review
            .detail
            .as_ref()
            .is_some_and(|d| d.threads.len() == 1)
    });
    let t = &h.state().review.detail.as_ref().unwrap().threads[0];
    assert_eq!(
        (
            t.annotation.author.as_str(),
            t.annotation.comment.as_str(),
            t.status.as_str()
        ),
        ("王专家", "剩余寿命需复核", "open")
    );
    assert_eq!(t.annotation.anchor_kind, "patent");
    assert!(
        t.annotation.anchor.starts_with("CN"),
        "anchored to the selected patent: {}",
        t.annotation.anchor
    );

    // 5. Switch to Chinese: the labels change.
    h.get_by_label("中文").click();
    h.step();
    h.step();
    assert_eq!(h.state().settings.lang, Lang::Zh);
    h.get_by_role_and_label(Role::Button, "评估结果").click();
    h.step();
    h.get_by_label("组合汇总");
    h.get_by_label("评估结论");
}

#[test]
fn a_store_that_cannot_be_opened_is_reported_and_the_app_still_works() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("not-a-store.sqlite3");
    std::fs::write(&bad, vec![0x42u8; 4096]).unwrap();
    let mut h = app(&bad);
    wait(&mut h, "the sample valuation", |a| {
        a.valued.is_some() && a.review.store_error.is_some()
    });
    let e = h.state().review.store_error.clone().unwrap();
    assert!(e.contains("not a database, or a damaged one"), "{e}");
    h.get_by_role_and_label(Role::Button, "Review").click();
    h.step();
    h.get_by_label_contains("The store cannot be opened");
}

#[test]
fn a_bank_valuer_cross_checks_the_external_appraisal_and_sizes_the_loan() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app(&dir.path().join("store.sqlite3"));
    wait(&mut h, "the sample valuation", |a| a.valued.is_some());

    // Cross-check: load the sample's external appraisal; the bridge appears and sums to the gap.
    h.get_by_role_and_label(Role::Button, "Cross-check").click();
    h.step();
    h.get_by_label("No external appraisal loaded.");
    h.get_by_role_and_label(Role::Button, "Use the sample's external appraisal")
        .click();
    wait(&mut h, "the cross-check", |a| a.crosscheck.result.is_some());
    let c = h.state().crosscheck.result.clone().unwrap();
    assert_eq!(c.bridge.iter().map(|s| s.delta_fen).sum::<i64>(), c.gap_fen);
    assert!(c.flagged > 0);
    h.get_by_label("Value bridge (external → bank)");
    let gap = format!("Gap (bank − external) {}", h.state().money(c.gap));
    h.get_by_label(&gap);

    // Pledge: the loan is sized against the lower of the two values.
    h.get_by_role_and_label(Role::Button, "Pledge").click();
    wait(&mut h, "the pledge analysis", |a| a.pledge.result.is_some());
    let r = h.state().pledge.result.clone().unwrap();
    assert!(r.credit_limit > 0.0 && r.credit_limit < r.accepted_total);
    assert!(r.accepted_total <= c.bank_total + 0.01, "lower of the two");
    h.get_by_label(&h.state().money(r.credit_limit));
    // Mixed collateral: the fund's share drops to 20 %.
    h.state_mut().pledge.collateral = patval::pledge::Collateral::Mixed;
    wait(&mut h, "the re-run", |a| {
        a.pledge
            .result
            .as_ref()
            .is_some_and(|r| r.allocation.fund_share == 0.2)
    });
}

#[test]
fn post_loan_monitoring_flags_a_patent_that_lapsed_since_the_loan() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.sqlite3");
    // The version the loan was granted on: the sample case, saved.
    let vid = common::save_dataset(
        &mut patval::store::Store::open(&db).unwrap(),
        &patval::sample::load().unwrap(),
        "",
    )
    .id;
    let mut h = app(&db);
    wait(&mut h, "the sample valuation", |a| a.valued.is_some());
    // A year on, the first patent has lapsed: the user opens the updated portfolio.
    let text = String::from_utf8(patval::sample::PORTFOLIO.to_vec()).unwrap();
    let first = text.lines().nth(1).unwrap().to_string();
    assert!(first.contains(",有效,"));
    let no = first.split(',').next().unwrap().to_string();
    let updated = text.replacen(&first, &first.replace(",有效,", ",失效,"), 1);
    let path = dir.path().join("portfolio.csv");
    std::fs::write(&path, updated).unwrap();
    let ctx = h.ctx.clone();
    let before = total(h.state());
    patval::gui::data_panel::open_files(h.state_mut(), &ctx, vec![path]);
    wait(&mut h, "the re-valuation", |a| total(a) < before);

    h.state_mut().review.selected = Some(vid);
    h.get_by_role_and_label(Role::Button, "Pledge").click();
    h.step();
    h.get_by_role_and_label(Role::Button, "Compare the selected version with now")
        .click();
    wait(&mut h, "the monitoring", |a| {
        a.pledge.monitoring.is_some() || a.pledge.error.is_some()
    });
    assert_eq!(h.state().pledge.error, None);
    let (_, m) = h.state().pledge.monitoring.clone().unwrap();
    let f = m.flags.iter().find(|f| f.patent_no == no).expect("flagged");
    assert_eq!(f.kind, patval::pledge::monitor::FlagKind::Lapsed);
    assert!(m.coverage_change < 0.0);
    h.get_by_label("lapsed (fees unpaid, abandoned or expired)");

    // The stored version can also be the external side of a cross-check.
    h.get_by_role_and_label(Role::Button, "Cross-check").click();
    h.step();
    h.get_by_role_and_label(Role::Button, "Use the version selected in Review")
        .click();
    wait(&mut h, "the cross-check against the version", |a| {
        a.crosscheck.result.is_some() || a.crosscheck.error.is_some()
    });
    assert_eq!(h.state().crosscheck.error, None);
    let c = h.state().crosscheck.result.clone().unwrap();
    assert!(c.external_label.starts_with("v1 ("), "{}", c.external_label);
    assert_eq!(c.bridge.iter().map(|s| s.delta_fen).sum::<i64>(), c.gap_fen);
    assert_eq!(
        c.bridge[0].delta_fen, 0,
        "a stored version re-computes exactly"
    );
    let lapsed = c.deviations.iter().find(|d| d.patent_no == no).unwrap();
    assert!(lapsed.flagged && lapsed.bank == Some(0.0));
}

#[test]
fn an_appraiser_overrides_a_groups_share_rate_in_the_grid_and_undoes_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app(&dir.path().join("store.sqlite3"));
    wait(&mut h, "the sample valuation", |a| a.valued.is_some());
    let values = |a: &PatvalApp| a.valued.as_ref().unwrap().valuation.reconciled_values();
    let before = values(h.state());
    let groups: Vec<String> = {
        let e = &h.state().valued.as_ref().unwrap().engine;
        (0..e.len()).map(|i| e.group_name(i).to_string()).collect()
    };

    h.get_by_role_and_label(Role::Button, "Parameters").click();
    h.step();
    h.get_by_label("智能门锁").click();
    h.step();
    h.get_by_label("share_rate").click();
    h.step();
    h.step();
    assert!(
        h.state().parameters.editing.is_some(),
        "editing: {:?} group {:?}",
        h.state().parameters.error,
        h.state().parameters.group
    );
    fill(
        &mut h,
        Role::TextInput,
        &[
            ("Value", "4.5%"),
            ("Basis of the value", "新签许可合同提成率"),
        ],
    );
    h.step();
    h.get_by_role_and_label(Role::Button, "Apply").click();
    h.step();
    h.step();
    assert_eq!(
        h.state().parameters.undo.len(),
        1,
        "{:?} {:?}",
        h.state().parameters.error,
        h.state().parameters.editing
    );
    wait(&mut h, "the re-valuation", |a| {
        a.valued
            .as_ref()
            .is_some_and(|v| (0..v.engine.len()).any(|i| v.engine.base[i].share_rate == 0.045))
    });
    let after = values(h.state());
    let mut moved = 0;
    for i in 0..before.len() {
        if groups[i] == "智能门锁" && before[i] > 0.0 {
            assert!(after[i] > before[i], "patent {i} of the group rises");
            moved += 1;
        } else {
            assert_eq!(after[i], before[i], "patent {i} of another group stays");
        }
    }
    assert!(moved > 0);
    // The grid shows the override as set here, with its basis.
    h.get_by_label("新签许可合同提成率");

    h.get_by_role_and_label(Role::Button, "Undo").click();
    h.step();
    wait(&mut h, "the valuation after undo", |a| {
        a.valued
            .as_ref()
            .is_some_and(|v| (0..v.engine.len()).all(|i| v.engine.base[i].share_rate != 0.045))
    });
    assert_eq!(values(h.state()), before);
    assert_eq!(h.state().parameters.redo.len(), 1);
}

#[test]
fn an_appraiser_fills_in_the_case_and_exports_the_appraisal_report_as_word() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app(&dir.path().join("store.sqlite3"));
    wait(&mut h, "the sample valuation", |a| a.valued.is_some());

    // 1. The Case panel shows the sample's case file; a typed filing code goes into the data set.
    h.get_by_role_and_label(Role::Button, "Case").click();
    h.step();
    assert_eq!(h.state().case.info.client, "深圳市星河智联科技有限公司");
    fill(&mut h, Role::TextInput, &[("Filing code", "3344556677")]);
    let case = |a: &PatvalApp| a.loaded.dataset.as_ref().and_then(|d| d.case.clone());
    assert_eq!(case(h.state()).unwrap().filing_code, "3344556677");
    // A bad date is reported in the window, not taken; typed one key per frame, the field
    // keeps its focus while the report appears.
    h.get_by_role_and_label(Role::TextInput, "Review date")
        .click();
    h.step();
    for c in "2026-13-40".chars() {
        h.get_by_role_and_label(Role::TextInput, "Review date")
            .type_text(&c.to_string());
        h.step();
        h.step();
    }
    assert!(
        h.state()
            .case
            .problems
            .iter()
            .any(|p| p.contains("review date") && p.contains("2026-13-40\"")),
        "{:?}",
        h.state().case.problems
    );
    assert_eq!(case(h.state()).unwrap().bank.review_date, None);

    // 2. Save a version, then export the appraisal report to a typed path as Word.
    h.get_by_role_and_label(Role::Button, "Review").click();
    h.step();
    fill(
        &mut h,
        Role::TextInput,
        &[
            ("Name", "张三"),
            ("Case name", "星河智联专利质押"),
            ("Borrower", "深圳市星河智联科技有限公司"),
            ("Appraiser", "张三"),
        ],
    );
    h.get_by_role_and_label(Role::Button, "Save as a new version")
        .click();
    h.step();
    wait(&mut h, "the saved version", |a| a.review.detail.is_some());
    let out = dir.path().join("report.docx");
    fill(
        &mut h,
        Role::TextInput,
        &[("Save to", out.to_str().unwrap())],
    );
    h.get_by_role_and_label(Role::Button, "Word…").click();
    h.step();
    wait(&mut h, "the export", |a| !a.export.message.is_empty());
    assert!(
        h.state().export.message.starts_with("Wrote"),
        "{}",
        h.state().export.message
    );
    let docx = patval::report::docx::read(&std::fs::read(&out).unwrap()).unwrap();
    let text = docx.paragraphs.join("\n");
    assert!(
        text.contains("Valuation explanation"),
        "the appraisal report, in the window's language"
    );
    assert!(
        text.contains("3344556677"),
        "the filing code typed in the Case panel"
    );
}

/// Where the system's file dialog cannot be shown (no desktop portal), Open… shows the dialog
/// drawn in the window: into a folder and back up, a file chosen, and the data opens.
#[test]
fn without_a_system_dialog_open_shows_the_in_window_dialog() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("older")).unwrap();
    let portfolio = data.join("portfolio.csv");
    std::fs::copy("sample_data/portfolio.csv", &portfolio).unwrap();
    std::fs::write(data.join("notes.pdf"), b"not data").unwrap();
    let mut h = app(&dir.path().join("store.sqlite3"));
    wait(&mut h, "the sample valuation", |a| a.valued.is_some());
    h.state_mut().files.native_unavailable = true;
    h.state_mut().files.folder = Some(data.clone());

    h.get_by_role_and_label(Role::Button, "Data").click();
    h.step();
    h.get_by_role_and_label(Role::Button, "Open…").click();
    h.step();
    assert!(h.state().files.is_open(), "the in-window dialog opened");
    // A new window is sized in its first frame and shown in the next.
    h.step();
    h.get_by_label("Open file");
    // The filter shows data files and folders, not the PDF.
    assert!(h.query_by_label("notes.pdf").is_none());
    h.get_by_label("older/").click();
    h.step();
    h.step();
    assert!(
        h.query_by_label("portfolio.csv").is_none(),
        "inside the sub-folder"
    );
    h.get_by_role_and_label(Role::Button, "Up").click();
    h.step();
    h.step();
    h.get_by_label("portfolio.csv").click();
    h.step();
    h.step();
    // The panel has an Open button for a typed path too; the dialog's is drawn last.
    h.get_all_by_role_and_label(Role::Button, "Open")
        .last()
        .unwrap()
        .click();
    h.step();
    assert!(!h.state().files.is_open(), "the dialog closed");
    wait(&mut h, "the chosen portfolio", |a| {
        a.loaded
            .files
            .iter()
            .any(|(_, f)| f.contains("portfolio.csv") && f.contains("data"))
    });
    assert_eq!(h.state().files.folder.as_deref(), Some(data.as_path()));
}

/// A folder opens as a whole case in one action: its tables replace the current data set (the
/// sample's parameters leave with it) and are cross-checked once, with no transient mismatches.
#[test]
fn a_folder_opens_as_a_whole_case() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case");
    std::fs::create_dir_all(&case).unwrap();
    for f in [
        "portfolio.csv",
        "forecasts.csv",
        "cost_items.csv",
        "comparables.csv",
        "assumptions.toml",
    ] {
        std::fs::copy(format!("sample_data/{f}"), case.join(f)).unwrap();
    }
    let mut h = app(&dir.path().join("store.sqlite3"));
    wait(&mut h, "the sample valuation", |a| a.valued.is_some());
    h.get_by_role_and_label(Role::Button, "Data").click();
    h.step();
    h.state_mut().data.typed = case.display().to_string();
    h.get_by_role_and_label(Role::Button, "Open").click();
    h.step();
    let from_folder = |a: &PatvalApp| {
        a.loaded.files.len() == 4
            && a.loaded
                .files
                .iter()
                .all(|(_, f)| f.starts_with(&case.display().to_string()))
    };
    wait(&mut h, "the folder's tables", from_folder);
    let s = h.state();
    assert!(s.loaded.problems.is_empty(), "{:?}", s.loaded.problems);
    assert_eq!(
        s.loaded.assumptions_file.as_deref(),
        Some(case.join("assumptions.toml").as_path())
    );
    let ds = s.loaded.dataset.as_ref().unwrap();
    assert!(
        ds.parameters.is_none(),
        "the sample's parameters left with it"
    );
}

#[test]
fn a_workbook_opens_every_table_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("case.xlsx");
    let bytes = patval::import::template::template_xlsx(patval::report::ReportLang::Zh).unwrap();
    std::fs::write(&book, bytes).unwrap();
    let mut h = app(&dir.path().join("store.sqlite3"));
    wait(&mut h, "the sample valuation", |a| a.valued.is_some());
    h.get_by_role_and_label(Role::Button, "Data").click();
    h.step();
    h.state_mut().data.typed = book.display().to_string();
    h.get_by_role_and_label(Role::Button, "Open").click();
    h.step();
    let from_book = |a: &PatvalApp| {
        a.loaded.files.len() == 5
            && a.loaded
                .files
                .iter()
                .all(|(_, f)| f.starts_with(&book.display().to_string()))
    };
    wait(&mut h, "the workbook's tables", from_book);
    let s = h.state();
    assert!(s.loaded.problems.is_empty(), "{:?}", s.loaded.problems);
    let shown: Vec<&str> = s.loaded.files.iter().map(|(_, f)| f.as_str()).collect();
    assert!(shown.iter().any(|f| f.ends_with("[组合]")), "{shown:?}");
    let ds = s.loaded.dataset.as_ref().unwrap();
    assert_eq!(ds.portfolio.as_ref().unwrap().df.height(), 30);
    assert_eq!(ds.cost_items.as_ref().unwrap().df.height(), 130);
}

#[test]
fn results_of_other_data_than_the_loaded_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app(&dir.path().join("store.sqlite3"));
    wait(&mut h, "the sample valuation", |a| a.valued.is_some());
    h.get_by_role_and_label(Role::Button, "Results").click();
    h.step();
    assert!(
        h.query_by_label_contains("These results are of the data loaded before")
            .is_none()
    );
    // Data that could not be valued (no assumptions): the sample's results stay, marked.
    h.state_mut().loaded.dataset = Some(std::sync::Arc::new(patval::import::Dataset::default()));
    h.step();
    h.step();
    assert!(
        h.query_by_label_contains("the data now loaded could not be valued")
            .is_some()
    );
}

#[test]
fn a_flood_of_mismatches_stays_a_short_grouped_list() {
    // 2,000 cost items of patents the sample portfolio lacks, opened over the sample.
    let dir = tempfile::tempdir().unwrap();
    let costs = dir.path().join("cost_items.csv");
    let mut csv = String::from("专利号,费用类别,发生年度,金额\n");
    for i in 0..2000 {
        csv.push_str(&format!("CN2017105{i:05}.X,人工费,2020,1000\n"));
    }
    std::fs::write(&costs, csv).unwrap();
    let mut h = app(&dir.path().join("store.sqlite3"));
    wait(&mut h, "the sample valuation", |a| a.valued.is_some());
    h.get_by_role_and_label(Role::Button, "Data").click();
    h.step();
    h.state_mut().data.typed = costs.display().to_string();
    h.get_by_role_and_label(Role::Button, "Open").click();
    h.step();
    wait(&mut h, "the cost items", |a| {
        a.loaded
            .files
            .iter()
            .any(|(_, f)| f.ends_with("cost_items.csv"))
    });
    let problems = &h.state().loaded.problems;
    let about_costs = problems
        .iter()
        .filter(|p| p.file.ends_with("cost_items.csv"));
    // 2,000 check-digit warnings are capped by the reader; the cross-check lists 20 and counts the rest.
    let listed = about_costs
        .filter(|p| p.message.contains("is not in") || p.message.contains("more rows naming"))
        .count();
    assert_eq!(listed, 21, "{problems:#?}");
    assert!(problems.iter().any(|p| {
        p.message
            .contains("… and 1980 more rows naming a patent not in")
    }));
    // Grouped: one filter per kind of problem, with its count.
    assert!(
        h.query_by_label_contains("20 × 专利号: patent \"…\" is not in")
            .is_some()
    );
}

#[test]
fn a_bank_valuer_puts_a_loan_on_the_book_and_marks_it_non_performing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite3");
    {
        let mut store = patval::store::Store::open(&path).unwrap();
        common::save_dataset(&mut store, &patval::sample::load().unwrap(), "授信");
    }
    let mut h = app(&path);
    wait(&mut h, "the valuation and the stored version", |a| {
        a.valued.is_some() && !a.review.cases.is_empty()
    });
    h.get_by_role_and_label(Role::Button, "Loan book").click();
    wait(&mut h, "the empty book", |a| a.loans.book.is_some());
    assert!(h.state().loans.book.as_ref().unwrap().loans.is_empty());

    // Add a loan secured by the stored version (the latest, chosen by default).
    fill(
        &mut h,
        Role::TextInput,
        &[
            ("Loan number", "L-001"),
            ("Borrower", "深圳市星河智联科技有限公司"),
        ],
    );
    h.get_by_role_and_label(Role::Button, "Add loan").click();
    wait(&mut h, "the loan on the book", |a| {
        a.loans.book.as_ref().is_some_and(|b| b.loans.len() == 1)
    });
    let b = h.state().loans.book.clone().unwrap();
    assert_eq!(b.totals.exposure, 5_000_000.0);
    assert!(!b.npl.flagged);
    h.get_by_label_contains("within the 3-point tolerance");

    // Select it, mark it non-performing: the book's NPL ratio becomes 100 % and is flagged.
    h.get_by_label("L-001").click();
    h.step();
    h.get_by_role_and_label(Role::Button, "non-performing")
        .click();
    h.step();
    h.get_by_role_and_label(Role::Button, "Record status")
        .click();
    wait(&mut h, "the status change", |a| {
        a.loans
            .book
            .as_ref()
            .is_some_and(|b| b.loans[0].status == patval::model::LoanStatus::Npl)
    });
    let b = h.state().loans.book.clone().unwrap();
    assert_eq!(b.npl.ip_npl_ratio, 1.0);
    assert!(b.npl.flagged);
    h.get_by_label_contains("above the 3-point tolerance");
    assert!(
        h.state().loans.error.is_none(),
        "{:?}",
        h.state().loans.error
    );
    // The change is in the store and its audit chain.
    let store = patval::store::Store::open(&path).unwrap();
    assert!(store.verify().unwrap().ok());
}

#[test]
fn a_bank_valuer_runs_batch_monitoring_and_sees_the_lapse_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite3");
    {
        let mut store = patval::store::Store::open(&path).unwrap();
        let v = common::save_dataset(&mut store, &patval::sample::load().unwrap(), "授信");
        let terms = patval::pledge::loans::LoanTerms {
            product: String::new(),
            interest_rate: 0.04,
            ..common::loan_terms("L-007", &v.id, 5_000_000.0)
        };
        store.add_loan(&terms, "王信贷").unwrap();
    }
    let updates = dir.path().join("updates.csv");
    std::fs::write(
        &updates,
        "专利号,事项,生效日期\nCN201810500139.0,失效,2027-03-01\n",
    )
    .unwrap();
    let mut h = app(&path);
    wait(&mut h, "the valuation", |a| a.valued.is_some());
    h.get_by_role_and_label(Role::Button, "Loan book").click();
    wait(&mut h, "the book", |a| {
        a.loans.book.as_ref().is_some_and(|b| b.loans.len() == 1)
    });
    // The date field holds today's date; the user's edit is put in directly (typing would add
    // to it), the file path is typed into the empty field.
    h.state_mut().loans.monitor.date = "2027-06-30".into();
    fill(
        &mut h,
        Role::TextInput,
        &[("Legal-status update file", updates.to_str().unwrap())],
    );
    h.get_by_role_and_label(Role::Button, "Run monitoring")
        .click();
    wait(&mut h, "the monitoring run", |a| {
        a.loans.monitor.kept.is_some() || a.loans.monitor.error.is_some()
    });
    assert!(
        h.state().loans.monitor.error.is_none(),
        "{:?}",
        h.state().loans.monitor.error
    );
    let run = h.state().loans.monitor.last.clone().unwrap();
    assert_eq!(run.loans.len(), 1);
    assert!(
        run.loans[0]
            .alerts
            .iter()
            .any(|a| a.kind == patval::pledge::batch::AlertKind::Lapsed)
    );
    h.get_by_label_contains("patent lapsed on 2027-03-01");
    h.get_by_label_contains("1 with alerts");
    // The run is kept and listed.
    assert_eq!(h.state().loans.monitor.runs.len(), 1);
    let store = patval::store::Store::open(&path).unwrap();
    assert_eq!(store.monitor_runs().unwrap().len(), 1);
    assert!(store.verify().unwrap().ok());
}

#[test]
fn the_pledge_panel_shows_the_financing_cost_after_the_profiles_subsidies() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app(&dir.path().join("store.sqlite3"));
    wait(&mut h, "the sample valuation", |a| a.valued.is_some());
    h.get_by_role_and_label(Role::Button, "Pledge").click();
    h.step();
    h.get_by_label("Financing cost and subsidies").click();
    h.run();
    // 10,000,000 at 4.35 %: 435,000 a year; the Shenzhen profile's 70 % interest subsidy
    // leaves 130,500, i.e. 1.31 % of the principal.
    let total = h.state().money(435_000.0);
    h.get_by_label_contains(&format!("{total} (4.35%)"));
    let net = h.state().money(130_500.0);
    h.get_by_label_contains(&format!("{net} (1.31%)"));
    assert_eq!(
        h.query_all_by_label_contains("深市质函〔2018〕202号")
            .count(),
        2
    );
    h.get_by_label_contains("担保额小于300万元");
    // Unticking the interest subsidy's condition takes it away.
    h.query_all_by_label("qualifies").next().unwrap().click();
    h.run();
    assert!(!h.state().pledge.cost.eligible[0]);
    // Gross and net are now the same figure.
    assert_eq!(
        h.query_all_by_label_contains(&format!("{total} (4.35%)"))
            .count(),
        2
    );
    assert_eq!(
        h.query_all_by_label_contains(&format!("{net} (1.31%)"))
            .count(),
        0
    );
}

/// A firms' portfolio made from the sample case: five of its patents to each of six firms, the
/// last firm's all lapsed; the firm id column first.
fn write_firms_csv(path: &std::path::Path) {
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    let mut r = csv::Reader::from_path(sample.join("portfolio.csv")).unwrap();
    let mut w = csv::Writer::from_path(path).unwrap();
    let mut header = vec!["企业编号".to_string()];
    header.extend(r.headers().unwrap().iter().map(String::from));
    w.write_record(&header).unwrap();
    for (i, rec) in r.records().enumerate() {
        let mut rec: Vec<String> = rec.unwrap().iter().map(String::from).collect();
        if i / 5 == 5 {
            rec[6] = "失效".into();
        }
        let mut out = vec![format!("F{:03}", i / 5 + 1)];
        out.extend(rec);
        w.write_record(&out).unwrap();
    }
    w.flush().unwrap();
}

#[test]
fn a_bank_runs_the_whitelist_pre_assessment_of_many_firms() {
    use patval::pledge::whitelist::{self, ValueBasis, WhitelistFiles, WhitelistRule};
    let dir = tempfile::tempdir().unwrap();
    let firms = dir.path().join("firms.csv");
    write_firms_csv(&firms);
    let comparables = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample_data")
        .join("comparables.csv");
    let mut h = app(&dir.path().join("store.sqlite3"));
    wait(&mut h, "the sample valuation", |a| a.valued.is_some());
    h.get_by_role_and_label(Role::Button, "Whitelist").click();
    h.step();
    fill(
        &mut h,
        Role::TextInput,
        &[
            ("Firms portfolio (CSV)", firms.to_str().unwrap()),
            ("Comparables (optional)", comparables.to_str().unwrap()),
        ],
    );
    h.get_by_role_and_label(Role::Button, "Run pre-assessment")
        .click();
    wait(&mut h, "the pre-assessment", |a| {
        a.whitelist.result.is_some() || a.whitelist.error.is_some()
    });
    assert!(
        h.state().whitelist.error.is_none(),
        "{:?}",
        h.state().whitelist.error
    );
    // The same inputs through the library, as `patval whitelist` runs them: the documented
    // defaults at the panel's date, cost and market (comparables given), the Shenzhen profile.
    let date = h.state().whitelist.date.parse().unwrap();
    let a = patval::model::Assumptions::with_date(date);
    let files = WhitelistFiles {
        portfolio: firms.clone(),
        forecasts: None,
        comparables: Some(comparables.clone()),
    };
    let loaded = whitelist::load(&files, &a, None).unwrap();
    let methods = patval::valuation::Methods {
        cost: true,
        income: false,
        market: true,
    };
    let e = patval::valuation::Engine::new(&loaded.dataset, &a, methods, None).unwrap();
    let values = e.evaluate_all(&patval::valuation::Tweak::IDENTITY);
    let want = whitelist::assess_engine(
        &e,
        &values,
        &loaded.firms,
        &patval::pledge::Policy::shenzhen(),
        &WhitelistRule::default(),
        ValueBasis::Reconciled,
    )
    .unwrap();
    let got = h.state().whitelist.result.clone().unwrap();
    let n = want.summary.whitelisted;
    assert!(n > 0 && n < 6, "{n} of 6 firms whitelisted");
    assert_eq!(got.whitelist.summary.whitelisted, n);
    assert_eq!(got.whitelist.summary.firms, 6);
    assert_eq!(
        got.whitelist.summary.credit_limit,
        want.summary.credit_limit
    );
    h.get_by_label_contains(&format!("6 firms, 30 patents; whitelisted {n} ("));
    let total = h.state().money(want.summary.credit_limit);
    h.get_by_label_contains(&format!("total indicative credit limit {total}"));
    // Every firm is a row; the lapsed one says why it is left out.
    h.get_by_label("F006");
    h.get_by_label_contains("of patents lapsed or invalidated, above 50.0%");
    h.get_by_label("Only whitelisted").click();
    h.run();
    assert!(h.query_by_label("F006").is_none());
    let first = &want.firms[0];
    assert!(first.whitelisted);
    h.get_by_label(&first.firm_id);
}

#[test]
fn an_expert_creates_a_key_signs_a_verdict_and_sees_it_verified() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite3");
    let vid = {
        let mut store = patval::store::Store::open(&path).unwrap();
        common::save_dataset(&mut store, &patval::sample::load().unwrap(), "评审").id
    };
    let mut h = app(&path);
    h.state_mut().settings.reviewer = "王专家".into();
    h.state_mut().settings.role = "expert".into();
    h.state_mut().experts.key_dir = dir.path().join("keys").display().to_string();
    wait(&mut h, "the stored version", |a| !a.review.cases.is_empty());

    // The pool: add the expert, then create a sealed key on this machine.
    h.get_by_role_and_label(Role::Button, "Expert pool").click();
    wait(&mut h, "the empty registry", |a| {
        a.experts.registry.is_some()
    });
    fill(
        &mut h,
        Role::TextInput,
        &[
            ("Name", "王专家"),
            ("Institution", "某大学"),
            ("Fields (IPC, comma-separated)", "H04L, G06"),
        ],
    );
    h.get_by_role_and_label(Role::Button, "Add expert").click();
    wait(&mut h, "the expert in the pool", |a| {
        a.experts
            .registry
            .as_ref()
            .is_some_and(|r| r.experts.len() == 1)
    });
    fill(
        &mut h,
        Role::PasswordInput,
        &[("Key passphrase (optional)", "口令123")],
    );
    h.get_by_role_and_label(Role::Button, "Create key").click();
    wait(&mut h, "the registered key", |a| {
        a.experts
            .registry
            .as_ref()
            .is_some_and(|r| r.key_states().len() == 1)
    });
    assert!(
        h.state().experts.error.is_none(),
        "{:?}",
        h.state().experts.error
    );
    let reg = h.state().experts.registry.clone().unwrap();
    let fp = reg.key_states().into_values().next().unwrap().fingerprint;
    h.get_by_label_contains(&format!("Key {fp} created for 王专家"));

    // Review: select the version, tick "sign", give the verdict; the review shows as verified.
    let ctx = h.ctx.clone();
    h.state_mut().review.selected = Some(vid.clone());
    patval::gui::review_panel::refresh(h.state_mut(), &ctx);
    h.get_by_role_and_label(Role::Button, "Review").click();
    wait(&mut h, "the version's detail", |a| {
        a.review.detail.is_some()
    });
    h.get_by_label_contains("Sign with the key of the pool's expert")
        .click();
    h.step();
    h.get_by_role_and_label(Role::Button, "Give verdict")
        .click();
    wait(&mut h, "the signed verdict", |a| {
        a.review
            .detail
            .as_ref()
            .is_some_and(|d| d.reviews.len() == 1)
    });
    assert!(
        h.state().review.store_error.is_none(),
        "{:?}",
        h.state().review.store_error
    );
    h.get_by_label(&format!("√ verified · 王专家 · key {fp}"));
    let store = patval::store::Store::open(&path).unwrap();
    let rep = store.verify().unwrap();
    assert!(rep.ok(), "{:?}", rep.problems);
    assert_eq!((rep.signatures_checked, rep.unsigned.len()), (1, 0));

    // The pool panel assigns a one-member panel by the rule; its conclusion follows the verdict.
    h.state_mut().experts.size = 1;
    h.get_by_role_and_label(Role::Button, "Expert pool").click();
    h.step();
    h.get_by_role_and_label(Role::Button, "Assign by rule")
        .click();
    wait(&mut h, "the panel", |a| a.experts.panels.len() == 1);
    h.get_by_label_contains("Conclusion under the rule: approve");

    // The key is lost: revoke it in the pool (reason asked first); it can no longer sign, and
    // the verdict it signed before stays valid.
    h.get_by_role_and_label(Role::Button, "Revoke").click();
    h.run();
    // No reason yet: the confirmation is disabled.
    assert!(
        h.get_by_role_and_label(Role::Button, "Confirm revocation")
            .accesskit_node()
            .is_disabled()
    );
    fill(&mut h, Role::TextInput, &[("Reason", "笔记本电脑遗失")]);
    h.get_by_role_and_label(Role::Button, "Confirm revocation")
        .click();
    wait(&mut h, "the revoked key", |a| {
        a.experts
            .registry
            .as_ref()
            .is_some_and(|r| r.key_states().values().all(|k| k.revoked_at.is_some()))
    });
    h.get_by_label_contains(&format!("Key {fp} revoked"));
    h.get_by_label_contains(&format!("{fp} × revoked"));
    h.get_by_role_and_label(Role::Button, "Review").click();
    h.step();
    h.get_by_role_and_label(Role::Button, "Give verdict")
        .click();
    wait(&mut h, "the refusal", |a| a.review.store_error.is_some());
    let store = patval::store::Store::open(&path).unwrap();
    assert_eq!(store.reviews(&vid).unwrap().len(), 1);
    let rep = store.verify().unwrap();
    assert!(rep.ok(), "{:?}", rep.problems);
}

#[test]
fn the_sensitivity_follows_the_shown_values() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app(&dir.path().join("store.sqlite3"));
    // Values are shown first; the tornado is worked out on its own job after them.
    wait(&mut h, "the sample's values and sensitivity", |a| {
        a.valued.as_ref().is_some_and(|v| v.tornado.get().is_some())
    });
    let v = h.state().valued.clone().unwrap();
    let want = patval::valuation::sensitivity::tornado(&v.engine);
    assert_eq!(v.tornado.get(), Some(&want));
    let (base, shown) = (want[0].base, v.valuation.summary.reconciled);
    assert!(
        (base - shown).abs() <= 1e-6 * shown.abs(),
        "{base} vs {shown}"
    );
}

#[test]
fn clicking_a_cell_selects_its_patent_in_browse_and_results() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app(&dir.path().join("store.sqlite3"));
    wait(&mut h, "the sample valuation", |a| a.valued.is_some());
    // A click on a cell's text (not the gap beside it) selects the row: the cells' labels do
    // not take the click for text selection.
    h.get_by_role_and_label(Role::Button, "Browse").click();
    wait(&mut h, "the browse view", |a| a.browse.view.is_some());
    h.get_by_label("CN201810500139.0").click();
    h.step();
    assert_eq!(h.state().browse.selected, Some(1));
    h.get_by_role_and_label(Role::Button, "Results").click();
    h.step();
    h.get_by_label("CN201910500277.3").click();
    h.step();
    assert_eq!(h.state().results.selected, Some(2));
    assert_eq!(h.state().browse.selected, Some(2));
}
