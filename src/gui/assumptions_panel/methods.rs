//! The approaches' own settings: the weights that reconcile the methods, economic life, the cost
//! approach, the market approach (comparables) and its adjustments (subject deal kind,
//! circumstances, deal-kind factors).

use eframe::egui;

use super::fields::{count, num, pct};
use crate::gui::{Lang, tr};
use crate::model::Assumptions;
use crate::model::DealKind;

/// "Method weights" of cost, income and market approach.
pub(super) fn weights(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
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
    c
}

/// "Economic life": shares of the legal term by patent type, maximum years, grant probability.
pub(super) fn economic_life(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
    let mut c = false;
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
    c
}

/// "Cost approach": developer's profit, functional and economic obsolescence.
pub(super) fn cost(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
    let mut c = false;
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
    c
}

/// "Market approach": how many comparables, how similar.
pub(super) fn market(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
    let mut c = false;
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

/// "Market adjustments": the deal kind the subject is valued as, the circumstances factor, the
/// largest factor, and the value of each deal kind relative to an assignment.
pub(super) fn market_adjustments(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
    let mut c = false;
    ui.strong(tr(lang, "Market adjustments"));
    egui::Grid::new("market-adj").num_columns(2).show(ui, |ui| {
        let m = &mut a.market;
        let sl = ui.label(tr(lang, "Subject valued as"));
        let combo = egui::ComboBox::from_id_salt("subject-kind")
            .selected_text(if lang == Lang::Zh {
                m.subject_deal_kind.label_zh()
            } else {
                m.subject_deal_kind.label_en()
            })
            .show_ui(ui, |ui| {
                for k in DealKind::ALL {
                    c |= ui
                        .selectable_value(
                            &mut m.subject_deal_kind,
                            *k,
                            if lang == Lang::Zh {
                                k.label_zh()
                            } else {
                                k.label_en()
                            },
                        )
                        .changed();
                }
            });
        combo.response.labelled_by(sl.id);
        ui.end_row();
        c |= num(
            ui,
            tr(lang, "Deal circumstances factor"),
            &mut m.circumstance_factor,
            0.1..=10.0,
            "",
            "multiplies every comparable's price",
        );
        c |= num(
            ui,
            tr(lang, "Largest adjustment factor"),
            &mut m.max_factor,
            1.0..=10.0,
            "",
            "each factor is clamped to [1/max, max]",
        );
        let k = &mut m.deal_kind_factors;
        for (label, v) in [
            (DealKind::Assignment, &mut k.assignment),
            (DealKind::ExclusiveLicence, &mut k.exclusive_licence),
            (DealKind::SoleLicence, &mut k.sole_licence),
            (DealKind::NonExclusiveLicence, &mut k.non_exclusive_licence),
        ] {
            let name = if lang == Lang::Zh {
                label.label_zh()
            } else {
                label.label_en()
            };
            c |= num(
                ui,
                name,
                v,
                0.01..=10.0,
                "",
                "value of this deal kind relative to an assignment",
            );
        }
    });
    c
}
