//! Uncertainty and inflation: the sensitivity steps, the Monte Carlo simulation (draws, seed and
//! the distribution of each driver), and the price index by year.

use eframe::egui;

use super::fields::{count, dist, pct};
use crate::gui::{Lang, tr};
use crate::model::Assumptions;

/// "Sensitivity": the step of each driver.
pub(super) fn sensitivity(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
    let mut c = false;
    ui.strong(tr(lang, "Sensitivity"));
    egui::Grid::new("sens").num_columns(2).show(ui, |ui| {
        let s = &mut a.sensitivity;
        c |= pct(
            ui,
            tr(lang, "Share rate ±"),
            &mut s.share_rate,
            0.9,
            "relative step of the share rate",
        );
        c |= pct(
            ui,
            tr(lang, "Discount rate ±"),
            &mut s.discount_rate,
            0.1,
            "absolute step of the discount rate",
        );
        c |= pct(
            ui,
            tr(lang, "Revenue ±"),
            &mut s.revenue,
            0.9,
            "relative step of revenue",
        );
        c |= pct(
            ui,
            tr(lang, "Life ±"),
            &mut s.life,
            0.9,
            "relative step of remaining economic life",
        );
    });
    c
}

/// "Monte Carlo": draws, seed, and the distribution of each driver.
pub(super) fn simulation(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
    let mut c = false;
    ui.strong(tr(lang, "Monte Carlo"));
    egui::Grid::new("sim").num_columns(2).show(ui, |ui| {
        let m = &mut a.simulation;
        c |= count(
            ui,
            tr(lang, "Draws"),
            &mut m.draws,
            1..=1_000_000,
            "number of Monte Carlo draws",
        );
        let l = ui.label(tr(lang, "Seed"));
        c |= ui
            .add(egui::DragValue::new(&mut m.seed))
            .labelled_by(l.id)
            .changed();
        ui.end_row();
        c |= dist(
            ui,
            lang,
            tr(lang, "Share-rate multiplier"),
            &mut m.share_rate,
        );
        c |= dist(
            ui,
            lang,
            tr(lang, "Discount-rate shift"),
            &mut m.discount_rate,
        );
        c |= dist(ui, lang, tr(lang, "Revenue multiplier"), &mut m.revenue);
        c |= dist(ui, lang, tr(lang, "Life multiplier"), &mut m.life);
    });
    c
}

/// "Price index": one value per year.
pub(super) fn price_index(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
    let mut c = false;
    ui.strong(tr(lang, "Price index"));
    egui::Grid::new("pi").num_columns(2).show(ui, |ui| {
        for (year, v) in a.price_index.iter_mut() {
            ui.label(year.as_str());
            c |= ui
                .add(egui::DragValue::new(v).speed(0.1).range(0.01..=10_000.0))
                .changed();
            ui.end_row();
        }
    });
    c
}
