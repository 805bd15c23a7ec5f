//! Assumptions panel: every parameter of the assumptions file with its unit, range and a tooltip;
//! a change re-values the portfolio off the UI thread once the editing rests. Load and save TOML.
//!
//! This file holds the panel's layout (the toolbar, then two rows of two columns) and applies a
//! change; the sections live in `rates.rs` (discount rate, share rate, income variant),
//! `methods.rs` (method weights, economic life, cost and market approach), `scorecard.rs`
//! (patent value degree weights) and `uncertainty.rs` (sensitivity, Monte Carlo, price index);
//! `fields.rs` holds the editors of single values.

mod fields;
mod methods;
mod rates;
mod scorecard;
mod uncertainty;

use std::time::Instant;

use eframe::egui;

use super::{Lang, PatvalApp, file_dialog, tr};
use crate::model::Assumptions;

pub fn ui(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    let ctx = ui.ctx().clone();
    let Some(mut a) = app.assumptions.clone() else {
        ui.label(tr(lang, "not loaded"));
        return;
    };
    let mut changed = ui.horizontal(|ui| toolbar(app, ui, &ctx, &mut a)).inner;
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
        ui.separator();
        ui.columns(2, |cols| {
            changed |= scorecard_and_income(&mut cols[0], &mut a, lang);
            changed |= uncertainty_and_index(&mut cols[1], &mut a, lang);
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

/// The heading, load, save, reset and re-value, and the value (or "Valuing…"). Returns whether
/// `a` changed (reset to the file).
fn toolbar(
    app: &mut PatvalApp,
    ui: &mut egui::Ui,
    ctx: &egui::Context,
    a: &mut Assumptions,
) -> bool {
    let lang = app.lang();
    let mut changed = false;
    ui.heading(tr(lang, "Assumptions"));
    if ui.button(tr(lang, "Load TOML…")).clicked() {
        load_toml(app, ctx);
    }
    if ui.button(tr(lang, "Save TOML…")).clicked() {
        save_toml(app, ctx, a);
    }
    if ui.button(tr(lang, "Reset to file")).clicked()
        && let Some(orig) = app.assumptions_loaded.clone()
    {
        *a = orig;
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
    changed
}

/// Asks for a TOML file and opens it.
fn load_toml(app: &mut PatvalApp, ctx: &egui::Context) {
    let request = file_dialog::Request::open(("TOML", &["toml"]));
    file_dialog::pick(
        app,
        ctx,
        request,
        Box::new(crate::gui::data_panel::open_files),
    );
}

/// Asks where to save the assumptions as TOML and writes them.
fn save_toml(app: &mut PatvalApp, ctx: &egui::Context, a: &Assumptions) {
    let request = file_dialog::Request::save(("TOML", &["toml"]), "assumptions.toml");
    file_dialog::save_text(app, ctx, request, a.to_toml(), |app, e| app.status = e);
}

/// Discount rate build-up, share rate.
fn left_column(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
    let mut c = rates::discount(ui, a, lang);
    ui.add_space(8.0);
    c |= rates::share_rate(ui, a, lang);
    c
}

/// Method weights, economic life, cost approach, market approach.
fn right_column(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
    let mut c = methods::weights(ui, a, lang);
    ui.add_space(8.0);
    c |= methods::economic_life(ui, a, lang);
    ui.add_space(8.0);
    c |= methods::cost(ui, a, lang);
    ui.add_space(8.0);
    c |= methods::market(ui, a, lang);
    c
}

/// Income approach, patent value degree weights, market adjustments.
fn scorecard_and_income(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
    let mut c = rates::income(ui, a, lang);
    ui.add_space(8.0);
    c |= scorecard::scorecard(ui, a, lang);
    ui.add_space(8.0);
    c |= methods::market_adjustments(ui, a, lang);
    c
}

/// Sensitivity, Monte Carlo, price index.
fn uncertainty_and_index(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
    let mut c = uncertainty::sensitivity(ui, a, lang);
    ui.add_space(8.0);
    c |= uncertainty::simulation(ui, a, lang);
    ui.add_space(8.0);
    c |= uncertainty::price_index(ui, a, lang);
    c
}
