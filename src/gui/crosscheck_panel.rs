//! Cross-check panel (bank valuers): load an outside firm's appraisal, compare it with the
//! current valuation (the bank's assumptions), see the value bridge as a waterfall, the key
//! assumptions side by side and the flagged patents. The work runs on a job thread; the
//! computation is the library's (`pledge::crosscheck`).

use std::path::PathBuf;
use std::sync::Arc;

use eframe::egui;
use egui_extras::{Column, TableBuilder};
use egui_plot::{Bar, BarChart, Plot};

use super::PatvalApp;
use super::i18n::{Lang, tr};
use crate::import::ReadOptions;
use crate::pledge::ExternalAppraisal;
use crate::pledge::crosscheck::{CrossCheck, ExternalSide, ExternalSource, crosscheck};

/// Panel state.
pub struct CrossCheckState {
    /// The external appraisal: a CSV or a stored version.
    pub external: Option<ExternalSource>,
    pub threshold: f64,
    pub result: Option<Arc<CrossCheck>>,
    pub error: Option<String>,
    pub flagged_only: bool,
}

impl Default for CrossCheckState {
    fn default() -> Self {
        CrossCheckState {
            external: None,
            threshold: 0.2,
            result: None,
            error: None,
            flagged_only: true,
        }
    }
}

fn read_external(
    app: &PatvalApp,
    bytes: Vec<u8>,
    name: String,
) -> Result<ExternalAppraisal, String> {
    let date = app
        .assumptions
        .as_ref()
        .map(|a| a.valuation_date)
        .ok_or_else(|| "load a portfolio and assumptions first".to_string())?;
    ExternalAppraisal::from_bytes(&bytes, &name, &ReadOptions::new(date)).map_err(|e| e.to_string())
}

/// Reads an external appraisal file and runs the cross-check.
pub fn open_external(app: &mut PatvalApp, ctx: &egui::Context, path: PathBuf) {
    let name = path.display().to_string();
    match std::fs::read(&path)
        .map_err(|e| format!("{name}: cannot read: {e}"))
        .and_then(|b| read_external(app, b, name))
    {
        Ok(x) => {
            app.crosscheck.external = Some(ExternalSource::Csv(Arc::new(x)));
            app.crosscheck.error = None;
            run(app, ctx);
        }
        Err(e) => app.crosscheck.error = Some(e),
    }
}

/// Uses a stored version (e.g. the outside firm's, imported as a review package) as the external
/// appraisal.
pub fn use_version(app: &mut PatvalApp, ctx: &egui::Context, id: String) {
    let Some(path) = super::review_panel::store_path(app) else {
        app.crosscheck.error = Some("no store file chosen".into());
        return;
    };
    app.jobs.spawn(ctx, "crosscheck-version".into(), move |_| {
        let r = (|| -> Result<ExternalSide, String> {
            let store = crate::store::Store::open(&path).map_err(|e| e.to_string())?;
            let r = store.reopen(&id).map_err(|e| e.to_string())?;
            Ok(ExternalSide::from_engine(
                &format!("v{} ({})", r.data.info.number, &id[..8.min(id.len())]),
                r.engine,
            ))
        })();
        Box::new(move |app: &mut PatvalApp, ctx: &egui::Context| match r {
            Ok(side) => {
                app.crosscheck.external = Some(ExternalSource::Version(Arc::new(side)));
                app.crosscheck.error = None;
                run(app, ctx);
            }
            Err(e) => app.crosscheck.error = Some(e),
        })
    });
}

/// Starts the cross-check of the loaded external appraisal against the current valuation.
pub fn run(app: &mut PatvalApp, ctx: &egui::Context) {
    let (Some(valued), Some(ext)) = (app.valued.clone(), app.crosscheck.external.clone()) else {
        return;
    };
    let threshold = app.crosscheck.threshold;
    app.jobs.cancel("crosscheck");
    app.jobs.spawn(ctx, "crosscheck".into(), move |_| {
        let c = ext
            .side(&valued.engine)
            .map(|side| crosscheck(&valued.engine, &side, threshold));
        Box::new(move |app: &mut PatvalApp, _: &egui::Context| match c {
            Ok(c) => app.crosscheck.result = Some(Arc::new(c)),
            Err(e) => app.crosscheck.error = Some(e.to_string()),
        })
    });
}

pub fn ui(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    let ctx = ui.ctx().clone();
    ui.horizontal(|ui| {
        ui.heading(tr(lang, "Cross-check of an external appraisal"));
        if ui.button(tr(lang, "Open external appraisal…")).clicked() {
            let request = super::file_dialog::Request::open(("CSV", &["csv", "txt"]));
            super::file_dialog::pick(
                app,
                &ctx,
                request,
                Box::new(|app, ctx, paths| {
                    if let Some(p) = paths.into_iter().next() {
                        open_external(app, ctx, p);
                    }
                }),
            );
        }
        if ui
            .button(tr(lang, "Use the sample's external appraisal"))
            .clicked()
        {
            match read_external(
                app,
                crate::sample::EXTERNAL_APPRAISAL.to_vec(),
                "sample_data/external_appraisal.csv".into(),
            ) {
                Ok(x) => {
                    app.crosscheck.external = Some(ExternalSource::Csv(Arc::new(x)));
                    app.crosscheck.error = None;
                    run(app, &ctx);
                }
                Err(e) => app.crosscheck.error = Some(e),
            }
        }
        let selected = app.review.selected.clone();
        if ui
            .add_enabled(
                selected.is_some(),
                egui::Button::new(tr(lang, "Use the version selected in Review")),
            )
            .on_disabled_hover_text(tr(lang, "Select a version in the Review panel first."))
            .clicked()
            && let Some(id) = selected
        {
            use_version(app, &ctx, id);
        }
        let l = ui.label(tr(lang, "Flag above"));
        let mut pct = app.crosscheck.threshold * 100.0;
        let r = ui
            .add(
                egui::DragValue::new(&mut pct)
                    .range(1.0..=500.0)
                    .suffix(" %"),
            )
            .labelled_by(l.id);
        if r.changed() {
            app.crosscheck.threshold = pct / 100.0;
            run(app, &ctx);
        }
    });
    ui.label(tr(
        lang,
        "The bank's figures are the current valuation (Assumptions panel). The external side is the firm's values, with the rates and lives it stated re-computed in patval. Formulas: docs/bank.md.",
    ));
    if let Some(e) = &app.crosscheck.error {
        ui.colored_label(egui::Color32::from_rgb(200, 60, 40), e);
    }
    if app.jobs.busy("crosscheck") {
        ui.spinner();
    }
    let Some(c) = app.crosscheck.result.clone() else {
        if app.crosscheck.external.is_none() {
            ui.label(tr(lang, "No external appraisal loaded."));
        }
        return;
    };
    ui.separator();
    ui.horizontal(|ui| {
        ui.label(format!("{}: {}", tr(lang, "External"), c.external_label));
        ui.separator();
        ui.label(format!(
            "{} {}",
            tr(lang, "External total"),
            app.money(c.external_total)
        ));
        ui.separator();
        ui.label(format!(
            "{} {}",
            tr(lang, "Bank total"),
            app.money(c.bank_total)
        ));
        ui.separator();
        ui.strong(format!(
            "{} {}",
            tr(lang, "Gap (bank − external)"),
            app.money(c.gap)
        ));
        ui.separator();
        ui.label(format!(
            "{}: {} / {}",
            tr(lang, "Flagged patents"),
            c.flagged,
            c.deviations.len()
        ));
    });
    ui.columns(2, |cols| {
        bridge(app, &c, lang, &mut cols[0]);
        assumptions(&c, lang, &mut cols[1]);
    });
    ui.separator();
    deviations(app, &c, lang, ui);
}

fn step_label(s: crate::pledge::crosscheck::Step, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => s.label_zh(),
        Lang::En => s.label_en(),
    }
}

/// A step's name short enough for the chart's axis.
fn short_label(s: crate::pledge::crosscheck::Step, lang: Lang) -> &'static str {
    use crate::pledge::crosscheck::Step;
    match s {
        Step::Recompute => tr(lang, "Recalc."),
        Step::DiscountRate => tr(lang, "Discount"),
        Step::ShareRate => tr(lang, "Share"),
        Step::Revenue => tr(lang, "Revenue"),
        Step::Life => tr(lang, "Life"),
        Step::Weights => tr(lang, "Weights"),
        Step::Other => tr(lang, "Other"),
    }
}

/// The value bridge as a table and a waterfall chart.
fn bridge(app: &PatvalApp, c: &CrossCheck, lang: Lang, ui: &mut egui::Ui) {
    ui.strong(tr(lang, "Value bridge (external → bank)"));
    egui::Grid::new("bridge").striped(true).show(ui, |ui| {
        ui.label(tr(lang, "External reported total"));
        ui.label(app.money(c.external_total));
        ui.end_row();
        for s in &c.bridge {
            ui.label(step_label(s.step, lang));
            ui.label(app.money(s.delta));
            ui.end_row();
        }
        ui.strong(tr(lang, "Bank total"));
        ui.strong(app.money(c.bank_total));
        ui.end_row();
    });
    let scale = app.settings.unit.scale();
    let n = c.bridge.len();
    let mut bars = vec![
        Bar::new(0.0, c.external_total / scale)
            .width(0.7)
            .fill(egui::Color32::from_rgb(200, 80, 40))
            .name(tr(lang, "External reported total")),
    ];
    for (k, s) in c.bridge.iter().enumerate() {
        let (lo, hi) = if s.delta >= 0.0 {
            (s.from, s.to)
        } else {
            (s.to, s.from)
        };
        let color = if s.delta >= 0.0 {
            egui::Color32::from_rgb(60, 150, 90)
        } else {
            egui::Color32::from_rgb(200, 60, 60)
        };
        bars.push(
            Bar::new((k + 1) as f64, (hi - lo) / scale)
                .base_offset(lo / scale)
                .width(0.7)
                .fill(color)
                .name(step_label(s.step, lang)),
        );
    }
    bars.push(
        Bar::new((n + 1) as f64, c.bank_total / scale)
            .width(0.7)
            .fill(egui::Color32::from_rgb(40, 100, 170))
            .name(tr(lang, "Bank total")),
    );
    let mut names = vec![tr(lang, "External")];
    names.extend(c.bridge.iter().map(|s| short_label(s.step, lang)));
    names.push(tr(lang, "Bank"));
    Plot::new("bridge-waterfall")
        .height(240.0)
        .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 1.0, 1.0]))
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                names
                    .get(i as usize)
                    .map_or(String::new(), |s| (*s).to_string())
            } else {
                String::new()
            }
        })
        .allow_scroll(false)
        .allow_drag(false)
        .show(ui, |p| {
            p.bar_chart(BarChart::new(
                tr(lang, "Value bridge (external → bank)"),
                bars,
            ));
        });
}

fn assumptions(c: &CrossCheck, lang: Lang, ui: &mut egui::Ui) {
    ui.strong(tr(lang, "Key assumptions (mean over patents)"));
    egui::Grid::new("xa").striped(true).show(ui, |ui| {
        ui.label("");
        ui.label(tr(lang, "External"));
        ui.label(tr(lang, "Bank"));
        ui.end_row();
        for p in &c.assumptions {
            let (name, f): (&str, fn(f64) -> String) = match p.key {
                "discount_rate" => (tr(lang, "Discount rate"), |x| format!("{:.2}%", x * 100.0)),
                "share_rate" => (tr(lang, "Share rate"), |x| format!("{:.2}%", x * 100.0)),
                _ => (tr(lang, "Remaining economic life"), |x| format!("{x:.2}")),
            };
            ui.label(name);
            ui.label(f(p.external));
            ui.label(f(p.bank));
            ui.end_row();
        }
    });
}

fn deviations(app: &mut PatvalApp, c: &CrossCheck, lang: Lang, ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        ui.strong(tr(lang, "Per-patent deviation"));
        ui.checkbox(&mut app.crosscheck.flagged_only, tr(lang, "Flagged only"));
    });
    let rows: Vec<&crate::pledge::crosscheck::Deviation> = c
        .deviations
        .iter()
        .filter(|d| d.flagged || !app.crosscheck.flagged_only)
        .collect();
    let app: &PatvalApp = app;
    TableBuilder::new(ui)
        .striped(true)
        .column(Column::auto().at_least(150.0))
        .columns(Column::auto().at_least(100.0), 4)
        .column(Column::remainder())
        .header(20.0, |mut h| {
            for t in [
                "Patent no.",
                "External",
                "Bank",
                "Difference",
                "Deviation",
                "Reason",
            ] {
                h.col(|ui| {
                    ui.strong(tr(lang, t));
                });
            }
        })
        .body(|body| {
            body.rows(20.0, rows.len(), |mut row| {
                let d = rows[row.index()];
                row.col(|ui| {
                    ui.label(&d.patent_no);
                });
                row.col(|ui| {
                    ui.label(d.external.map_or("—".into(), |x| app.money(x)));
                });
                row.col(|ui| {
                    ui.label(d.bank.map_or("—".into(), |x| app.money(x)));
                });
                row.col(|ui| {
                    ui.label(app.money(d.difference));
                });
                row.col(|ui| {
                    ui.label(
                        d.relative
                            .map_or("—".into(), |r| format!("{:+.1}%", r * 100.0)),
                    );
                });
                row.col(|ui| {
                    let why = if lang == Lang::Zh {
                        &d.reason_zh
                    } else {
                        &d.reason
                    };
                    if d.flagged {
                        ui.colored_label(egui::Color32::from_rgb(200, 60, 40), why);
                    } else {
                        ui.label(why);
                    }
                });
            });
        });
}
