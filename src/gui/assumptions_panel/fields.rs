//! Editors of single values, one grid row each: a rate in percent, a plain number, a count, and a
//! probability distribution (kind and its parameters). Each returns whether the value changed.

use eframe::egui;

use crate::gui::i18n::{Lang, tr};
use crate::model::assumptions::Distribution;

/// A rate edited in percent. Returns whether it changed.
pub(super) fn pct(ui: &mut egui::Ui, label: &str, v: &mut f64, max: f64, tip: &str) -> bool {
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
pub(super) fn num(
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

/// A whole number. Returns whether it changed.
pub(super) fn count(
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

/// A distribution of the Monte Carlo: its kind (a new kind starts from a default) and its
/// parameters, on one row.
pub(super) fn dist(ui: &mut egui::Ui, lang: Lang, label: &str, d: &mut Distribution) -> bool {
    let mut c = false;
    let dl = ui.label(label);
    ui.horizontal(|ui| {
        c |= dist_kind(ui, label, dl.id, d);
        c |= dist_params(ui, lang, d);
    });
    ui.end_row();
    c
}

/// The kind of a distribution; choosing another replaces it with that kind's default.
fn dist_kind(ui: &mut egui::Ui, label: &str, labelled_by: egui::Id, d: &mut Distribution) -> bool {
    let kind = match d {
        Distribution::Fixed { .. } => 0,
        Distribution::Triangular { .. } => 1,
        Distribution::Normal { .. } => 2,
        Distribution::Lognormal { .. } => 3,
    };
    let mut k = kind;
    let combo = egui::ComboBox::from_id_salt(label)
        .selected_text(["fixed", "triangular", "normal", "lognormal"][k])
        .show_ui(ui, |ui| {
            for (i, n) in ["fixed", "triangular", "normal", "lognormal"]
                .iter()
                .enumerate()
            {
                ui.selectable_value(&mut k, i, *n);
            }
        });
    combo.response.labelled_by(labelled_by);
    if k == kind {
        return false;
    }
    *d = match k {
        0 => Distribution::Fixed { value: 1.0 },
        1 => Distribution::Triangular {
            low: 0.8,
            mode: 1.0,
            high: 1.2,
        },
        2 => Distribution::Normal {
            mean: 0.0,
            sd: 0.01,
        },
        _ => Distribution::Lognormal {
            mu: 0.0,
            sigma: 0.15,
        },
    };
    true
}

/// The parameters of a distribution, each a name and a number.
fn dist_params(ui: &mut egui::Ui, lang: Lang, d: &mut Distribution) -> bool {
    let mut c = false;
    let mut field = |ui: &mut egui::Ui, name: &str, v: &mut f64| {
        ui.label(name);
        c |= ui
            .add(egui::DragValue::new(v).speed(0.01).max_decimals(4))
            .changed();
    };
    match d {
        Distribution::Fixed { value } => field(ui, tr(lang, "value"), value),
        Distribution::Triangular { low, mode, high } => {
            field(ui, tr(lang, "low"), low);
            field(ui, tr(lang, "mode"), mode);
            field(ui, tr(lang, "high"), high);
        }
        Distribution::Normal { mean, sd } => {
            field(ui, tr(lang, "mean"), mean);
            field(ui, tr(lang, "sd"), sd);
        }
        Distribution::Lognormal { mu, sigma } => {
            field(ui, "μ", mu);
            field(ui, "σ", sigma);
        }
    }
    c
}
