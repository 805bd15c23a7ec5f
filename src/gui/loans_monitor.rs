//! The Loan book panel's batch monitoring section: a monitoring date and a legal-status update
//! file, a run over every loan on the book (on a job thread, kept in the store as a dated
//! record), the alerts per loan, and the kept runs. The figures are the library's
//! (`pledge::batch`), as `patval loans monitor` prints them.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use eframe::egui;

use super::PatvalApp;
use super::i18n::Lang;
use crate::pledge::batch::{MonitorRun, monitor_book, read_updates, record_run};
use crate::store::Store;
use crate::store::monitor_runs::RunRecord;

/// The section's state.
pub struct MonitorState {
    pub date: String,
    /// The update file (empty: re-value only).
    pub updates: String,
    pub last: Option<Arc<MonitorRun>>,
    /// The id of the last run, once kept.
    pub kept: Option<String>,
    pub runs: Vec<RunRecord>,
    pub error: Option<String>,
    pub running: bool,
}

impl Default for MonitorState {
    fn default() -> Self {
        Self {
            date: chrono::Local::now().date_naive().to_string(),
            updates: String::new(),
            last: None,
            kept: None,
            runs: Vec::new(),
            error: None,
            running: false,
        }
    }
}

/// What a run job brings back.
struct Outcome {
    run: MonitorRun,
    kept: RunRecord,
    runs: Vec<RunRecord>,
}

fn run_job(
    path: PathBuf,
    date: NaiveDate,
    coverage: f64,
    updates: String,
    author: String,
) -> Result<Outcome, String> {
    let mut store = Store::open(&path).map_err(|e| e.to_string())?;
    let file = PathBuf::from(updates.trim());
    let (list, bytes) = if updates.trim().is_empty() {
        (Vec::new(), None)
    } else {
        let list = read_updates(&file).map_err(|e| e.to_string())?;
        let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        (list, Some(bytes))
    };
    let run = monitor_book(&store, date, coverage, &list).map_err(|e| e.to_string())?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let up = bytes.as_deref().map(|b| (name.as_str(), b));
    let kept = record_run(&mut store, &run, up, &author).map_err(|e| e.to_string())?;
    let runs = store.monitor_runs().map_err(|e| e.to_string())?;
    Ok(Outcome { run, kept, runs })
}

fn start(app: &mut PatvalApp, ctx: &egui::Context) {
    let lang = app.lang();
    let m = &mut app.loans.monitor;
    let Some(path) = app.settings.store.clone() else {
        m.error = Some(
            lang.pick(
                "未选择存储文件（评审面板）",
                "no store file chosen (Review panel)",
            )
            .into(),
        );
        return;
    };
    let Ok(date) = m.date.trim().parse::<NaiveDate>() else {
        m.error = Some(format!(
            "\"{}\": {}",
            m.date,
            lang.pick("不是日期（YYYY-MM-DD）", "is not a date (YYYY-MM-DD)")
        ));
        return;
    };
    let coverage = app.loans.coverage_alert_pct / 100.0;
    let updates = m.updates.clone();
    let author = super::loans_panel::author(app);
    app.loans.monitor.running = true;
    app.jobs.spawn(ctx, "monitor".into(), move |_| {
        let r = run_job(path, date, coverage, updates, author);
        Box::new(move |app: &mut PatvalApp, _: &egui::Context| {
            let m = &mut app.loans.monitor;
            m.running = false;
            match r {
                Ok(o) => {
                    m.last = Some(Arc::new(o.run));
                    m.kept = Some(o.kept.id);
                    m.runs = o.runs;
                    m.error = None;
                }
                Err(e) => m.error = Some(e),
            }
        })
    });
}

/// The section.
pub fn ui(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context) {
    let lang = app.lang();
    ui.strong(lang.pick("贷后批量监测", "Batch monitoring"));
    ui.horizontal(|ui| {
        let l = ui.label(lang.pick("监测日", "Monitoring date"));
        ui.add(egui::TextEdit::singleline(&mut app.loans.monitor.date).desired_width(90.0))
            .labelled_by(l.id);
        let l = ui.label(lang.pick("法律状态更新文件", "Legal-status update file"));
        ui.add(egui::TextEdit::singleline(&mut app.loans.monitor.updates).desired_width(260.0))
            .labelled_by(l.id);
        if ui.button(lang.pick("选择…", "Choose…")).clicked() {
            let request = super::file_dialog::Request::open(("CSV", &["csv", "txt"]));
            super::file_dialog::pick(
                app,
                ctx,
                request,
                Box::new(|app, _, paths| {
                    if let Some(p) = paths.into_iter().next() {
                        app.loans.monitor.updates = p.display().to_string();
                    }
                }),
            );
        }
        let busy = app.loans.monitor.running;
        if ui
            .add_enabled(
                !busy,
                egui::Button::new(lang.pick("运行监测", "Run monitoring")),
            )
            .clicked()
        {
            start(app, ctx);
        }
        if busy {
            ui.spinner();
        }
    });
    if let Some(e) = &app.loans.monitor.error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    if let Some(run) = app.loans.monitor.last.clone() {
        result(app, ui, &run);
    }
    runs(app, ui);
}

fn result(app: &PatvalApp, ui: &mut egui::Ui, run: &MonitorRun) {
    let lang = app.lang();
    let unit = app.settings.unit;
    let money = |x: f64| crate::model::money::format_money(x, unit);
    let kept = (app.loans.monitor.kept.as_deref()).map(|id| &id[..8.min(id.len())]);
    ui.label(match lang {
        Lang::Zh => format!(
            "{} 监测：在贷 {} 笔，{} 笔有预警，共 {} 条预警{}",
            run.date,
            run.loans.len(),
            run.loans_with_alerts(),
            run.alert_count(),
            kept.map_or(String::new(), |id| format!("；已保存为监测记录 {id}"))
        ),
        Lang::En => format!(
            "Monitoring at {}: {} loans on the book, {} with alerts, {} alerts{}",
            run.date,
            run.loans.len(),
            run.loans_with_alerts(),
            run.alert_count(),
            kept.map_or(String::new(), |id| format!("; kept as run {id}"))
        ),
    });
    egui::Grid::new("monitor_loans")
        .striped(true)
        .show(ui, |ui| {
            super::grid_header(
                ui,
                &[
                    lang.pick("贷款", "Loan"),
                    lang.pick("借款人", "Borrower"),
                    lang.pick("认可价值（授信时 → 现在）", "Accepted (at grant → now)"),
                    lang.pick("覆盖率", "Coverage"),
                    lang.pick("预警", "Alerts"),
                ],
            );
            for l in &run.loans {
                ui.label(&l.loan_no);
                ui.label(&l.borrower);
                ui.label(format!(
                    "{} → {}",
                    money(l.accepted_before),
                    money(l.accepted_after)
                ));
                ui.label(format!(
                    "{:.1}% → {:.1}%",
                    l.coverage_before * 100.0,
                    l.coverage_after * 100.0
                ));
                ui.vertical(|ui| {
                    for a in &l.alerts {
                        let what = match lang {
                            Lang::Zh => {
                                format!("{} {}", a.patent_no.as_deref().unwrap_or(""), a.detail_zh)
                            }
                            Lang::En => {
                                format!("{} {}", a.patent_no.as_deref().unwrap_or(""), a.detail)
                            }
                        };
                        let text =
                            egui::RichText::new(what.trim()).color(ui.visuals().warn_fg_color);
                        ui.add(egui::Label::new(text).wrap_mode(egui::TextWrapMode::Extend));
                    }
                });
                ui.end_row();
            }
        });
    for (title, list) in [
        (
            lang.pick(
                "未匹配任何在贷押品的更新",
                "Updates of patents that secure no loan on the book",
            ),
            &run.unmatched,
        ),
        (
            lang.pick(
                "晚于监测日的更新（未应用）",
                "Updates dated after the monitoring date (not applied)",
            ),
            &run.later,
        ),
    ] {
        if !list.is_empty() {
            ui.weak(format!(
                "{title}: {}",
                list.iter()
                    .map(|u| format!(
                        "{} {} {}",
                        u.patent_no,
                        lang.pick(u.change.label_zh(), u.change.label_en()),
                        u.date
                    ))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
    }
}

fn runs(app: &PatvalApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    let runs = &app.loans.monitor.runs;
    if runs.is_empty() {
        return;
    }
    egui::CollapsingHeader::new(lang.pick("已保存的监测记录", "Kept monitoring runs"))
        .id_salt("monitor_runs")
        .show(ui, |ui| {
            egui::Grid::new("monitor_runs_grid")
                .striped(true)
                .show(ui, |ui| {
                    super::grid_header(
                        ui,
                        &[
                            lang.pick("监测日", "Date"),
                            lang.pick("贷款", "Loans"),
                            lang.pick("有预警", "Flagged"),
                            lang.pick("预警", "Alerts"),
                            lang.pick("更新文件", "Update file"),
                            lang.pick("执行人", "By"),
                        ],
                    );
                    for r in runs.iter().rev() {
                        ui.label(&r.monitoring_date);
                        ui.label(r.loans_checked.to_string());
                        ui.label(r.loans_with_alerts.to_string());
                        ui.label(r.alerts.to_string());
                        ui.label(if r.updates_name.is_empty() {
                            "—"
                        } else {
                            &r.updates_name
                        });
                        ui.label(&r.author);
                        ui.end_row();
                    }
                });
        });
}
