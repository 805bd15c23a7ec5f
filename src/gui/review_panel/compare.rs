//! Two versions side by side: which inputs differ, the assumptions and parameters that changed,
//! the values by method and the patents whose value moved most.

use eframe::egui;

use super::{Detail, scope_key};
use crate::gui::{PatvalApp, tr};

/// The comparison grid of version `d` (left) with version `o` (right).
pub(super) fn grid(app: &PatvalApp, ui: &mut egui::Ui, d: &Detail, o: &Detail) {
    egui::Grid::new("cmp")
        .striped(true)
        .num_columns(3)
        .show(ui, |ui| {
            ui.label("");
            ui.strong(format!("v{}", d.info.number));
            ui.strong(format!("v{}", o.info.number));
            ui.end_row();
            inputs(app, ui, d, o);
            assumptions(app, ui, d, o);
            parameters(app, ui, d, o);
            results(app, ui, d, o);
            changed_patents(app, ui, d, o);
        });
}

/// The input files (CSV), each "same" or "different".
fn inputs(app: &PatvalApp, ui: &mut egui::Ui, d: &Detail, o: &Detail) {
    let lang = app.lang();
    ui.strong(tr(lang, "Inputs"));
    ui.end_row();
    let names: std::collections::BTreeSet<&String> =
        d.blob_hashes.keys().chain(o.blob_hashes.keys()).collect();
    for n in names.into_iter().filter(|n| n.ends_with(".csv")) {
        ui.label(n.as_str());
        let same = d.blob_hashes.get(n) == o.blob_hashes.get(n);
        ui.label(tr(lang, if same { "same" } else { "different" }));
        ui.end_row();
    }
}

/// The assumptions whose values differ.
fn assumptions(app: &PatvalApp, ui: &mut egui::Ui, d: &Detail, o: &Detail) {
    let lang = app.lang();
    ui.strong(tr(lang, "Assumptions"));
    ui.end_row();
    let keys: std::collections::BTreeSet<&String> =
        d.assumptions.keys().chain(o.assumptions.keys()).collect();
    for k in keys {
        let (a, b) = (d.assumptions.get(k), o.assumptions.get(k));
        if a != b {
            ui.label(k.as_str());
            ui.label(a.map_or("—", String::as_str));
            ui.label(b.map_or("—", String::as_str));
            ui.end_row();
        }
    }
}

/// The parameters that changed, with the basis of the new value.
fn parameters(app: &PatvalApp, ui: &mut egui::Ui, d: &Detail, o: &Detail) {
    let lang = app.lang();
    ui.strong(tr(lang, "Parameters"));
    ui.end_row();
    for c in crate::model::parameters::diff(&d.parameters, &o.parameters) {
        ui.label(format!(
            "{} {} {}",
            tr(lang, scope_key(c.scope)),
            c.target,
            c.key
        ));
        ui.label(c.before.as_deref().unwrap_or("—"));
        ui.label(format!(
            "{} — {}: {}",
            c.after.as_deref().unwrap_or("—"),
            tr(lang, "Basis of the value"),
            c.basis
        ));
        ui.end_row();
    }
}

/// The value by each method and the reconciled value, with the change.
fn results(app: &PatvalApp, ui: &mut egui::Ui, d: &Detail, o: &Detail) {
    let lang = app.lang();
    ui.strong(tr(lang, "Results"));
    ui.end_row();
    let s = &d.results.summary;
    let os = &o.results.summary;
    for (label, x, y) in [
        ("Cost approach", s.cost, os.cost),
        ("Income approach", s.income, os.income),
        ("Market approach", s.market, os.market),
        ("Reconciled value", s.reconciled, os.reconciled),
    ] {
        ui.label(tr(lang, label));
        ui.label(app.money(x));
        ui.label(format!(
            "{} ({}{})",
            app.money(y),
            if y >= x { "+" } else { "" },
            app.money(y - x)
        ));
        ui.end_row();
    }
}

/// The ten patents whose reconciled value changed most.
fn changed_patents(app: &PatvalApp, ui: &mut egui::Ui, d: &Detail, o: &Detail) {
    let lang = app.lang();
    let mut changed: Vec<(String, f64)> = d
        .results
        .patents
        .iter()
        .filter_map(|p| {
            let q = o
                .results
                .patents
                .iter()
                .find(|q| q.patent_no == p.patent_no)?;
            let delta = q.reconciled.unwrap_or(0.0) - p.reconciled.unwrap_or(0.0);
            (delta.abs() >= 0.005).then(|| (p.patent_no.clone(), delta))
        })
        .collect();
    changed.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    for (no, delta) in changed.iter().take(10) {
        ui.label(no);
        ui.label(tr(lang, "Changed"));
        ui.label(app.money(*delta));
        ui.end_row();
    }
}
