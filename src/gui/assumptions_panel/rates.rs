//! The rates of the income approach: the discount rate built up from its premiums (and the tax
//! rate), the share rate (basis, range, decay, position, allocation), and the income variant
//! with its royalty rate.

use eframe::egui;

use super::fields::pct;
use crate::gui::{Lang, tr};
use crate::model::Assumptions;
use crate::model::assumptions::{
    Allocation, IncomeVariant, PremiumSource, ShareBasis, SharePosition,
};

/// "Discount rate build-up": risk-free rate, premiums (or from the scorecard), the resulting rate,
/// the tax rate.
pub(super) fn discount(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
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
    c
}

/// "Share rate": basis, low and high, annual decay, position in the range, allocation among
/// patents, mid-year discounting.
pub(super) fn share_rate(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
    let mut c = false;
    ui.strong(tr(lang, "Share rate"));
    egui::Grid::new("share").num_columns(2).show(ui, |ui| {
        c |= share_range(ui, a, lang);
        c |= share_use(ui, a, lang);
    });
    c
}

/// The share rate's grid rows: basis, low and high, annual decay.
fn share_range(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
    let mut c = false;
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
    c
}

/// The share rate's grid rows on its use: position in the range, allocation among patents,
/// mid-year discounting.
fn share_use(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
    let mut c = false;
    let s = &mut a.share_rate;
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
    c
}

/// "Income approach": the variant (share or relief from royalty), royalty rate, income tax.
pub(super) fn income(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
    let mut c = false;
    ui.strong(tr(lang, "Income approach"));
    egui::Grid::new("income").num_columns(2).show(ui, |ui| {
        let i = &mut a.income;
        ui.label(tr(lang, "Variant"));
        ui.horizontal(|ui| {
            c |= ui
                .radio_value(
                    &mut i.variant,
                    IncomeVariant::Share,
                    tr(lang, "share of revenue or profit"),
                )
                .changed();
            c |= ui
                .radio_value(
                    &mut i.variant,
                    IncomeVariant::ReliefFromRoyalty,
                    tr(lang, "relief from royalty"),
                )
                .changed();
        });
        ui.end_row();
        c |= pct(
            ui,
            tr(lang, "Royalty rate"),
            &mut i.royalty_rate,
            1.0,
            "royalty on revenue a licensee would pay (relief from royalty)",
        );
        c |= ui
            .checkbox(&mut i.apply_tax, tr(lang, "Deduct income tax"))
            .changed();
        ui.end_row();
    });
    c
}
