//! Assumptions panel: every parameter of the assumptions file with its unit, range and a tooltip;
//! a change re-values the portfolio off the UI thread once the editing rests. Load and save TOML.

use std::time::Instant;

use eframe::egui;

use super::{PatvalApp, tr};
use crate::model::Assumptions;
use crate::model::assumptions::{Allocation, PremiumSource, ShareBasis, SharePosition};

/// A rate edited in percent. Returns whether it changed.
fn pct(ui: &mut egui::Ui, label: &str, v: &mut f64, max: f64, tip: &str) -> bool {
    let l = ui.label(label).on_hover_text(tip);
    let mut p = *v * 100.0;
    let r = ui
        .add(
            egui::DragValue::new(&mut p)
                .range(0.0..=max * 100.0)
                .speed(0.05)
                .max_decimals(3)
                .suffix(" %"),
        )
        .labelled_by(l.id)
        .on_hover_text(tip);
    ui.end_row();
    if r.changed() {
        *v = p / 100.0;
        true
    } else {
        false
    }
}

/// A plain number. Returns whether it changed.
fn num(
    ui: &mut egui::Ui,
    label: &str,
    v: &mut f64,
    range: std::ops::RangeInclusive<f64>,
    suffix: &str,
    tip: &str,
) -> bool {
    let l = ui.label(label).on_hover_text(tip);
    let r = ui
        .add(
            egui::DragValue::new(v)
                .range(range)
                .speed(0.05)
                .suffix(suffix),
        )
        .labelled_by(l.id)
        .on_hover_text(tip);
    ui.end_row();
    r.changed()
}

fn count(
    ui: &mut egui::Ui,
    label: &str,
    v: &mut usize,
    range: std::ops::RangeInclusive<usize>,
    tip: &str,
) -> bool {
    let l = ui.label(label).on_hover_text(tip);
    let r = ui
        .add(egui::DragValue::new(v).range(range))
        .labelled_by(l.id)
        .on_hover_text(tip);
    ui.end_row();
    r.changed()
}

pub fn ui(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    let ctx = ui.ctx().clone();
    let Some(mut a) = app.assumptions.clone() else {
        ui.label(tr(lang, "not loaded"));
        return;
    };
    let mut changed = false;
    ui.horizontal(|ui| {
        ui.heading(tr(lang, "Assumptions"));
        if ui.button(tr(lang, "Load TOML…")).clicked() {
            app.jobs.spawn(&ctx, "dialog".into(), |_| {
                let picked = rfd::FileDialog::new()
                    .add_filter("TOML", &["toml"])
                    .pick_file();
                Box::new(move |app: &mut PatvalApp, ctx: &egui::Context| {
                    if let Some(p) = picked {
                        super::data_panel::open_files(app, ctx, vec![p]);
                    }
                })
            });
        }
        if ui.button(tr(lang, "Save TOML…")).clicked() {
            let text = a.to_toml();
            app.jobs.spawn(&ctx, "dialog".into(), move |_| {
                let picked = rfd::FileDialog::new()
                    .add_filter("TOML", &["toml"])
                    .set_file_name("assumptions.toml")
                    .save_file();
                let r = picked.map(|p| std::fs::write(&p, text).map(|_| p));
                Box::new(move |app: &mut PatvalApp, _: &egui::Context| match r {
                    Some(Ok(p)) => app.status = format!("{}", p.display()),
                    Some(Err(e)) => app.status = e.to_string(),
                    None => {}
                })
            });
        }
        if ui.button(tr(lang, "Reset to file")).clicked()
            && let Some(orig) = app.assumptions_loaded.clone()
        {
            a = orig;
            changed = true;
        }
        if ui
            .button(tr(lang, "Re-value"))
            .on_hover_text("Ctrl+R")
            .clicked()
        {
            app.revalue_at = Some(Instant::now() - std::time::Duration::from_secs(1));
        }
        if app.jobs.busy("value") {
            ui.spinner();
            ui.label(tr(lang, "Valuing…"));
        } else if let Some(v) = &app.valued {
            ui.label(format!(
                "{}: {}",
                tr(lang, "Reconciled value"),
                app.money(v.valuation.summary.reconciled)
            ));
        }
    });
    ui.label(format!(
        "{}: {}",
        tr(lang, "Valuation date"),
        a.valuation_date
    ));
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.columns(2, |cols| {
            changed |= left_column(&mut cols[0], &mut a, lang);
            changed |= right_column(&mut cols[1], &mut a, lang);
        });
    });
    let problems = a.problems();
    for p in &problems {
        ui.colored_label(ui.visuals().error_fg_color, p);
    }
    if changed && problems.is_empty() {
        app.assumptions = Some(a);
        app.revalue_at = Some(Instant::now());
    } else if changed {
        app.assumptions = Some(a);
    }
}

fn left_column(ui: &mut egui::Ui, a: &mut Assumptions, lang: super::Lang) -> bool {
    let mut c = false;
    ui.strong(tr(lang, "Discount rate build-up"));
    egui::Grid::new("discount").num_columns(2).show(ui, |ui| {
        let d = &mut a.discount;
        c |= pct(
            ui,
            tr(lang, "Risk-free rate"),
            &mut d.risk_free_rate,
            0.2,
            "10-year government bond yield, usually 1.6–2.5 %",
        );
        let mut from_score = d.premium_source == PremiumSource::Scorecard;
        if ui
            .checkbox(&mut from_score, tr(lang, "Premiums from the scorecard"))
            .on_hover_text(
                "technology premium = max × (1 − TVD/100), market premium = max × (1 − EVD/100)",
            )
            .changed()
        {
            d.premium_source = if from_score {
                PremiumSource::Scorecard
            } else {
                PremiumSource::Manual
            };
            c = true;
        }
        ui.end_row();
        c |= pct(
            ui,
            tr(lang, "Technology risk"),
            &mut d.technology_risk,
            0.3,
            "technology risk premium, typically 1–8 %",
        );
        c |= pct(
            ui,
            tr(lang, "Market risk"),
            &mut d.market_risk,
            0.3,
            "market risk premium, typically 1–8 %",
        );
        c |= pct(
            ui,
            tr(lang, "Funding risk"),
            &mut d.funding_risk,
            0.3,
            "funding risk premium, typically 1–5 %",
        );
        c |= pct(
            ui,
            tr(lang, "Management risk"),
            &mut d.management_risk,
            0.3,
            "management risk premium, typically 1–5 %",
        );
        ui.strong(tr(lang, "Discount rate"));
        ui.strong(format!("{:.2} %", d.rate() * 100.0));
        ui.end_row();
        c |= pct(
            ui,
            tr(lang, "Tax rate"),
            &mut a.tax_rate,
            0.6,
            "enterprise income tax on income-approach cash flows (high-tech enterprises 15 %)",
        );
    });
    ui.add_space(8.0);
    ui.strong(tr(lang, "Share rate"));
    egui::Grid::new("share").num_columns(2).show(ui, |ui| {
        let s = &mut a.share_rate;
        ui.label(tr(lang, "Basis"));
        ui.horizontal(|ui| {
            c |= ui
                .radio_value(&mut s.basis, ShareBasis::Revenue, tr(lang, "revenue"))
                .changed();
            c |= ui
                .radio_value(&mut s.basis, ShareBasis::Profit, tr(lang, "profit"))
                .changed();
        });
        ui.end_row();
        c |= pct(
            ui,
            tr(lang, "Low"),
            &mut s.low,
            1.0,
            "lower end of the share rate; revenue share usually 1–5 %, profit share 15–35 %",
        );
        c |= pct(
            ui,
            tr(lang, "High"),
            &mut s.high,
            1.0,
            "upper end of the share rate",
        );
        c |= pct(
            ui,
            tr(lang, "Annual decay"),
            &mut s.annual_decay,
            0.9,
            "relative decline of the share rate each year",
        );
        ui.label(tr(lang, "Position in range"));
        ui.horizontal(|ui| {
            c |= ui
                .radio_value(
                    &mut s.position,
                    SharePosition::Midpoint,
                    tr(lang, "midpoint"),
                )
                .changed();
            c |= ui
                .radio_value(
                    &mut s.position,
                    SharePosition::Scorecard,
                    tr(lang, "scorecard"),
                )
                .changed();
        });
        ui.end_row();
        ui.label(tr(lang, "Allocation among patents"));
        ui.horizontal(|ui| {
            c |= ui
                .radio_value(&mut s.allocation, Allocation::Equal, tr(lang, "equal"))
                .changed();
            c |= ui
                .radio_value(&mut s.allocation, Allocation::Claims, tr(lang, "claims"))
                .changed();
            c |= ui
                .radio_value(
                    &mut s.allocation,
                    Allocation::Scorecard,
                    tr(lang, "scorecard"),
                )
                .changed();
        });
        ui.end_row();
        c |= ui
            .checkbox(&mut s.mid_year, tr(lang, "Mid-year discounting"))
            .changed();
        ui.end_row();
    });
    c
}

fn right_column(ui: &mut egui::Ui, a: &mut Assumptions, lang: super::Lang) -> bool {
    let mut c = false;
    ui.strong(tr(lang, "Method weights"));
    egui::Grid::new("weights").num_columns(2).show(ui, |ui| {
        let w = &mut a.method_weights;
        c |= num(
            ui,
            tr(lang, "Cost approach"),
            &mut w.cost,
            0.0..=1.0,
            "",
            "renormalised over the methods that give a value",
        );
        c |= num(
            ui,
            tr(lang, "Income approach"),
            &mut w.income,
            0.0..=1.0,
            "",
            "renormalised over the methods that give a value",
        );
        c |= num(
            ui,
            tr(lang, "Market approach"),
            &mut w.market,
            0.0..=1.0,
            "",
            "renormalised over the methods that give a value",
        );
    });
    ui.add_space(8.0);
    ui.strong(tr(lang, "Economic life"));
    egui::Grid::new("life").num_columns(2).show(ui, |ui| {
        let l = &mut a.economic_life;
        c |= pct(
            ui,
            tr(lang, "Share of legal term, invention"),
            &mut l.invention_share_of_legal,
            1.0,
            "economic life = this share × remaining legal term, when the portfolio gives none",
        );
        c |= pct(
            ui,
            tr(lang, "Share of legal term, utility model"),
            &mut l.utility_model_share_of_legal,
            1.0,
            "as for inventions",
        );
        c |= pct(
            ui,
            tr(lang, "Share of legal term, design"),
            &mut l.design_share_of_legal,
            1.0,
            "as for inventions",
        );
        c |= num(
            ui,
            tr(lang, "Maximum years"),
            &mut l.max_years,
            0.0..=20.0,
            " a",
            "cap on remaining economic life",
        );
        c |= pct(
            ui,
            tr(lang, "Grant probability (pending)"),
            &mut l.grant_probability,
            1.0,
            "values of pending applications are multiplied by this",
        );
    });
    ui.add_space(8.0);
    ui.strong(tr(lang, "Cost approach"));
    egui::Grid::new("cost").num_columns(2).show(ui, |ui| {
        let k = &mut a.cost;
        c |= pct(
            ui,
            tr(lang, "Developer's profit rate"),
            &mut k.developer_profit_rate,
            1.0,
            "reasonable profit on R&D cost, CAS practice 10–30 %",
        );
        c |= pct(
            ui,
            tr(lang, "Functional obsolescence"),
            &mut k.functional_obsolescence,
            1.0,
            "loss of value from newer technology",
        );
        c |= pct(
            ui,
            tr(lang, "Economic obsolescence"),
            &mut k.economic_obsolescence,
            1.0,
            "loss of value from market conditions",
        );
    });
    ui.add_space(8.0);
    ui.strong(tr(lang, "Market approach"));
    egui::Grid::new("market").num_columns(2).show(ui, |ui| {
        let m = &mut a.market;
        c |= count(
            ui,
            tr(lang, "Minimum comparables"),
            &mut m.min_comparables,
            1..=100,
            "fewer usable comparables: no market value",
        );
        c |= count(
            ui,
            tr(lang, "Maximum comparables"),
            &mut m.max_comparables,
            1..=100,
            "the most similar comparables used",
        );
        c |= num(
            ui,
            tr(lang, "Minimum similarity"),
            &mut m.min_similarity,
            0.0..=1.0,
            "",
            "comparables less similar than this are not used",
        );
    });
    c
}
