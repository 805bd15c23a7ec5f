//! Loan book panel (bank valuers): every pledge loan in the store with its exposure, accepted
//! value, credit limit, coverage and expected loss, the book's totals, the IP-pledge NPL ratio
//! against the bank's with the 3-point tolerance, concentration; adding a loan secured by a
//! stored version and recording a status change. The store work and the book run on a job
//! thread; the figures are the library's (`pledge::load_book`), as `patval loans book` prints.

use std::sync::Arc;

use chrono::NaiveDate;
use eframe::egui;
use egui_extras::{Column, TableBuilder};

use super::PatvalApp;
use super::i18n::Lang;
use crate::model::LoanStatus;
use crate::pledge::book::{Alert, Book, BookOptions, Share};
use crate::pledge::credit::{Accept, Collateral};
use crate::pledge::loans::LoanTerms;
use crate::store::loans::StatusChange;
use crate::store::{Store, StoreError};

/// A new loan being entered.
pub struct LoanForm {
    pub loan_no: String,
    pub borrower: String,
    pub product: String,
    pub exposure_wan: f64,
    pub rate_pct: f64,
    pub pd_pct: f64,
    pub start: String,
    pub maturity: String,
    /// The securing version (None: the latest stored).
    pub version: Option<String>,
    pub collateral: Collateral,
    pub guarantor: String,
    pub guarantee_pct: f64,
}

impl Default for LoanForm {
    fn default() -> Self {
        let today = chrono::Local::now().date_naive();
        Self {
            loan_no: String::new(),
            borrower: String::new(),
            product: "知识产权质押贷".into(),
            exposure_wan: 500.0,
            rate_pct: 4.0,
            pd_pct: 2.0,
            start: today.to_string(),
            maturity: (today + chrono::Months::new(12)).to_string(),
            version: None,
            collateral: Collateral::IpOnly,
            guarantor: String::new(),
            guarantee_pct: 0.0,
        }
    }
}

/// Panel state.
pub struct LoansState {
    pub book: Option<Arc<Book>>,
    pub error: Option<String>,
    pub bank_npl_pct: f64,
    pub coverage_alert_pct: f64,
    pub form: LoanForm,
    /// The loan selected in the table (its id).
    pub selected: Option<String>,
    pub status_to: LoanStatus,
    pub status_date: String,
    /// The book was asked for once this session.
    pub requested: bool,
    pub monitor: super::loans_monitor::MonitorState,
}

impl Default for LoansState {
    fn default() -> Self {
        Self {
            book: None,
            error: None,
            bank_npl_pct: 1.5,
            coverage_alert_pct: 100.0,
            form: LoanForm::default(),
            selected: None,
            status_to: LoanStatus::Overdue,
            status_date: chrono::Local::now().date_naive().to_string(),
            requested: false,
            monitor: Default::default(),
        }
    }
}

/// Runs `f` on the store off the UI thread, then re-reads the book; a failure is shown here.
fn with_book(
    app: &mut PatvalApp,
    ctx: &egui::Context,
    f: impl FnOnce(&mut Store) -> Result<(), StoreError> + Send + 'static,
) {
    let Some(path) = app.settings.store.clone() else {
        app.loans.error = Some("no store file chosen (Review panel)".into());
        return;
    };
    let opts = BookOptions {
        bank_npl_ratio: app.loans.bank_npl_pct / 100.0,
        coverage_alert: app.loans.coverage_alert_pct / 100.0,
    };
    app.loans.requested = true;
    app.jobs.spawn(ctx, "loans".into(), move |_| {
        let r = Store::open(&path)
            .and_then(|mut s| f(&mut s).map(|()| s))
            .map_err(|e| e.to_string())
            .and_then(|s| {
                let book = crate::pledge::load_book(&s, opts).map_err(|e| e.to_string())?;
                let runs = s.monitor_runs().map_err(|e| e.to_string())?;
                Ok((book, runs))
            });
        Box::new(move |app: &mut PatvalApp, _: &egui::Context| match r {
            Ok((b, runs)) => {
                app.loans.book = Some(Arc::new(b));
                app.loans.monitor.runs = runs;
                app.loans.error = None;
            }
            Err(e) => app.loans.error = Some(e),
        })
    });
}

pub fn ui(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let ctx = ui.ctx().clone();
    if !app.loans.requested {
        with_book(app, &ctx, |_| Ok(()));
    }
    let lang = app.lang();
    ui.heading(lang.pick("贷款台账", "Loan book"));
    options_row(app, ui, &ctx);
    if let Some(e) = &app.loans.error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    egui::ScrollArea::vertical().show(ui, |ui| {
        if let Some(b) = app.loans.book.clone() {
            summary(app, ui, &b);
            loans_table(app, ui, &b);
            status_form(app, ui, &ctx);
            concentration(app, ui, &b);
        }
        ui.separator();
        super::loans_monitor::ui(app, ui, &ctx);
        ui.separator();
        add_form(app, ui, &ctx);
    });
}

fn options_row(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context) {
    let lang = app.lang();
    ui.horizontal(|ui| {
        let l = ui.label(lang.pick("本行各项贷款不良率（%）", "Bank NPL ratio (%)"));
        let a = ui
            .add(
                egui::DragValue::new(&mut app.loans.bank_npl_pct)
                    .speed(0.01)
                    .range(0.0..=100.0),
            )
            .labelled_by(l.id);
        let l = ui.label(lang.pick("覆盖率预警线（%）", "Coverage alert (%)"));
        let b = ui
            .add(
                egui::DragValue::new(&mut app.loans.coverage_alert_pct)
                    .speed(1.0)
                    .range(0.0..=1000.0),
            )
            .labelled_by(l.id);
        let changed = (a.changed() || b.changed()) && !a.dragged() && !b.dragged();
        if changed || ui.button(lang.pick("刷新", "Refresh")).clicked() {
            with_book(app, ctx, |_| Ok(()));
        }
    });
}

fn summary(app: &PatvalApp, ui: &mut egui::Ui, b: &Book) {
    let lang = app.lang();
    let t = &b.totals;
    ui.label(format!(
        "{} {}{}{} {}{}  {} {}  {} {}  {} {}  {} {:.1}%  {} {}",
        lang.pick("在贷", "On the book:"),
        t.loans_on_book,
        lang.pick("（", " ("),
        lang.pick("已结束", "closed"),
        t.loans_closed,
        lang.pick("）", ")"),
        lang.pick("敞口", "exposure"),
        app.money(t.exposure),
        lang.pick("认可价值", "accepted value"),
        app.money(t.accepted),
        lang.pick("授信额度", "credit limit"),
        app.money(t.credit_limit),
        lang.pick("覆盖率", "coverage"),
        t.coverage * 100.0,
        lang.pick("预期损失", "expected loss"),
        app.money(t.expected_loss),
    ));
    ui.label(format!(
        "{} {}  {} {}",
        lang.pick(
            "风险补偿资金预计补偿",
            "Risk-compensation fund: expected claims"
        ),
        app.money(t.fund_expected),
        lang.pick("实际补偿", "actual claims"),
        app.money(t.fund_actual),
    ));
    let n = &b.npl;
    let text = format!(
        "{} {:.2}% / {} {:.2}%{}{:+.2} {}",
        lang.pick("知识产权质押贷款不良率", "IP-pledge NPL ratio"),
        n.ip_npl_ratio * 100.0,
        lang.pick("本行各项贷款不良率", "bank"),
        n.bank_npl_ratio * 100.0,
        lang.pick("：", ": "),
        n.excess_points,
        if n.flagged {
            lang.pick(
                "个百分点，超出 3 个百分点容忍度",
                "points, above the 3-point tolerance",
            )
        } else {
            lang.pick(
                "个百分点，在 3 个百分点容忍度以内",
                "points, within the 3-point tolerance",
            )
        }
    );
    if n.flagged {
        ui.colored_label(ui.visuals().error_fg_color, text);
    } else {
        ui.label(text);
    }
}

fn status_label(lang: Lang, s: LoanStatus) -> &'static str {
    lang.pick(s.label_zh(), s.label_en())
}

fn alert_label(lang: Lang, a: Alert) -> &'static str {
    match a {
        Alert::CoverageBelow => lang.pick("覆盖率低于预警线", "coverage below alert"),
        Alert::LimitBelowExposure => lang.pick("授信额度低于敞口", "credit limit below exposure"),
    }
}

fn loans_table(app: &mut PatvalApp, ui: &mut egui::Ui, b: &Book) {
    let lang = app.lang();
    let heads = [
        lang.pick("贷款编号", "Loan"),
        lang.pick("借款人", "Borrower"),
        lang.pick("状态", "Status"),
        lang.pick("敞口", "Exposure"),
        lang.pick("认可价值", "Accepted"),
        lang.pick("授信额度", "Credit limit"),
        lang.pick("覆盖率", "Coverage"),
        lang.pick("预期损失", "EL"),
        lang.pick("预警", "Alerts"),
    ];
    TableBuilder::new(ui)
        .id_salt("loan_book")
        .striped(true)
        .columns(Column::auto().at_least(70.0), 8)
        .column(Column::remainder())
        .header(20.0, |h| super::table_header(h, &heads))
        .body(|body| {
            body.rows(20.0, b.loans.len(), |mut row| {
                let l = &b.loans[row.index()];
                let sel = app.loans.selected.as_deref() == Some(l.loan_id.as_str());
                row.col(|ui| {
                    if ui.selectable_label(sel, &l.loan_no).clicked() {
                        app.loans.selected = Some(l.loan_id.clone());
                    }
                });
                let alerts: Vec<&str> = l.alerts.iter().map(|a| alert_label(lang, *a)).collect();
                let cells = [
                    l.borrower.clone(),
                    status_label(lang, l.status).to_string(),
                    app.money(l.exposure),
                    app.money(l.accepted),
                    app.money(l.credit_limit),
                    format!("{:.1}%", l.coverage * 100.0),
                    app.money(l.expected_loss),
                    alerts.join("；"),
                ];
                for c in cells {
                    row.col(|ui| {
                        ui.add(egui::Label::new(c).wrap_mode(egui::TextWrapMode::Extend));
                    });
                }
            });
        });
}

fn shares_ui(ui: &mut egui::Ui, app: &PatvalApp, title: &str, shares: &[Share]) {
    ui.collapsing(title, |ui| {
        for s in shares.iter().take(20) {
            ui.label(format!(
                "{}  {}  {:.1}%",
                s.key,
                app.money(s.amount),
                s.share * 100.0
            ));
        }
    });
}

fn concentration(app: &PatvalApp, ui: &mut egui::Ui, b: &Book) {
    let lang = app.lang();
    shares_ui(
        ui,
        app,
        lang.pick("按借款人集中度", "Exposure by borrower"),
        &b.by_borrower,
    );
    shares_ui(
        ui,
        app,
        lang.pick("按产品集中度", "Exposure by product"),
        &b.by_product,
    );
    shares_ui(
        ui,
        app,
        lang.pick("按 IPC 大类集中度", "Accepted value by IPC class"),
        &b.by_ipc_class,
    );
}

fn status_form(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context) {
    let lang = app.lang();
    let Some(id) = app.loans.selected.clone() else {
        ui.weak(lang.pick(
            "选中一笔贷款以登记状态变化。",
            "Select a loan to record a status change.",
        ));
        return;
    };
    ui.horizontal(|ui| {
        ui.label(lang.pick("新状态", "New status"));
        for st in LoanStatus::ALL {
            ui.selectable_value(&mut app.loans.status_to, *st, status_label(lang, *st));
        }
        let l = ui.label(lang.pick("生效日期", "Effective date"));
        ui.text_edit_singleline(&mut app.loans.status_date)
            .labelled_by(l.id);
        if ui.button(lang.pick("登记", "Record status")).clicked() {
            let Ok(date) = app.loans.status_date.trim().parse::<NaiveDate>() else {
                app.loans.error = Some(format!(
                    "\"{}\" is not a date (YYYY-MM-DD)",
                    app.loans.status_date
                ));
                return;
            };
            let change = StatusChange {
                status: app.loans.status_to,
                date,
                exposure: None,
                proceeds: None,
                note: String::new(),
            };
            let author = author(app);
            with_book(app, ctx, move |s| {
                s.set_loan_status(&id, &change, &author).map(|_| ())
            });
        }
    });
}

pub(super) fn author(app: &PatvalApp) -> String {
    let a = app.settings.reviewer.trim();
    if a.is_empty() {
        "patval".into()
    } else {
        a.into()
    }
}

/// The stored versions, newest first: (id, label).
fn versions(app: &PatvalApp) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = app
        .review
        .cases
        .iter()
        .flat_map(|(a, vs)| {
            vs.iter().map(move |v| {
                (
                    v.id.clone(),
                    format!("{} v{} ({})", a.name, v.number, &v.id[..8.min(v.id.len())]),
                )
            })
        })
        .collect();
    out.reverse();
    out
}

fn add_form(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context) {
    let lang = app.lang();
    ui.strong(lang.pick("新增贷款", "Add a loan"));
    let vs = versions(app);
    let f = &mut app.loans.form;
    egui::Grid::new("loan_form").num_columns(2).show(ui, |ui| {
        for (zh, en, v) in [
            ("贷款编号", "Loan number", &mut f.loan_no),
            ("借款人", "Borrower", &mut f.borrower),
            ("产品", "Product", &mut f.product),
            ("起始日", "Start date", &mut f.start),
            ("到期日", "Maturity date", &mut f.maturity),
            ("担保人", "Guarantor", &mut f.guarantor),
        ] {
            let l = ui.label(lang.pick(zh, en));
            ui.text_edit_singleline(v).labelled_by(l.id);
            ui.end_row();
        }
        for (zh, en, v) in [
            (
                "贷款金额（万元）",
                "Exposure (10k yuan)",
                &mut f.exposure_wan,
            ),
            ("年利率（%）", "Interest rate (%)", &mut f.rate_pct),
            ("违约概率（%）", "PD (%)", &mut f.pd_pct),
            ("担保比例（%）", "Guarantee share (%)", &mut f.guarantee_pct),
        ] {
            let l = ui.label(lang.pick(zh, en));
            ui.add(egui::DragValue::new(v).speed(0.1).range(0.0..=1e9))
                .labelled_by(l.id);
            ui.end_row();
        }
        let l = ui.label(lang.pick("押品", "Collateral"));
        ui.horizontal(|ui| {
            ui.selectable_value(
                &mut f.collateral,
                Collateral::IpOnly,
                lang.pick("纯知识产权", "IP only"),
            );
            ui.selectable_value(
                &mut f.collateral,
                Collateral::Mixed,
                lang.pick("混合", "Mixed"),
            );
        })
        .response
        .labelled_by(l.id);
        ui.end_row();
        let l = ui.label(lang.pick("质押的报告版本", "Securing version"));
        let shown = f
            .version
            .as_ref()
            .and_then(|id| vs.iter().find(|(v, _)| v == id))
            .or(vs.first())
            .map_or_else(
                || {
                    lang.pick("（库中尚无版本）", "(no version stored)")
                        .to_string()
                },
                |(_, l)| l.clone(),
            );
        egui::ComboBox::from_id_salt("loan_version")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                for (id, label) in &vs {
                    ui.selectable_value(&mut f.version, Some(id.clone()), label);
                }
            })
            .response
            .labelled_by(l.id);
        ui.end_row();
    });
    if ui.button(lang.pick("加入台账", "Add loan")).clicked() {
        match terms(app, &vs) {
            Ok(t) => {
                let author = author(app);
                with_book(app, ctx, move |s| s.add_loan(&t, &author).map(|_| ()));
            }
            Err(e) => app.loans.error = Some(e),
        }
    }
}

/// The form as loan terms; a field that cannot be read is named.
fn terms(app: &PatvalApp, vs: &[(String, String)]) -> Result<LoanTerms, String> {
    let f = &app.loans.form;
    let date = |what: &str, s: &str| {
        s.trim()
            .parse::<NaiveDate>()
            .map_err(|_| format!("{what} \"{s}\" is not a date (YYYY-MM-DD)"))
    };
    let version_id = f
        .version
        .clone()
        .or_else(|| vs.first().map(|(id, _)| id.clone()))
        .ok_or("save a report version first (Review panel)")?;
    Ok(LoanTerms {
        loan_no: f.loan_no.trim().into(),
        borrower: f.borrower.trim().into(),
        product: f.product.trim().into(),
        exposure: f.exposure_wan * 1e4,
        interest_rate: f.rate_pct / 100.0,
        pd: f.pd_pct / 100.0,
        start: date("start date", &f.start)?,
        maturity: date("maturity date", &f.maturity)?,
        version_id,
        external_version_id: None,
        accept: Accept::Bank,
        collateral: f.collateral,
        other_collateral_value: 0.0,
        guarantor: f.guarantor.trim().into(),
        guarantee_share: f.guarantee_pct / 100.0,
        insurer: String::new(),
        insurance_share: 0.0,
        policy: app.pledge.policy.id.clone(),
    })
}
