//! The scorecard ("patent value degree"): the weights of the legal, technical and economic
//! degrees, the weight of each factor within them, and the largest premiums derived from it.

use eframe::egui;

use super::fields::{num, pct};
use crate::gui::{Lang, tr};
use crate::model::Assumptions;

/// "Patent value degree weights": the degrees, their factors, the largest premiums.
pub(super) fn scorecard(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
    let mut c = false;
    ui.strong(tr(lang, "Patent value degree weights"));
    egui::Grid::new("scorecard").num_columns(2).show(ui, |ui| {
        c |= degree_weights(ui, a, lang);
        c |= factor_weights(ui, a, lang);
        c |= premium_maxima(ui, a, lang);
    });
    c
}

/// The weights of the legal, technical and economic value degrees.
fn degree_weights(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
    let mut c = false;
    let sc = &mut a.scorecard;
    c |= num(
        ui,
        tr(lang, "Legal"),
        &mut sc.legal_weight,
        0.0..=1.0,
        "",
        "weight of the legal value degree",
    );
    c |= num(
        ui,
        tr(lang, "Technical"),
        &mut sc.technical_weight,
        0.0..=1.0,
        "",
        "weight of the technical value degree",
    );
    c |= num(
        ui,
        tr(lang, "Economic"),
        &mut sc.economic_weight,
        0.0..=1.0,
        "",
        "weight of the economic value degree",
    );
    c
}

/// The weight of each factor within its degree (docs/methods.md §5).
fn factor_weights(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
    let mut c = false;
    let sc = &mut a.scorecard;
    for (k, name) in [
        "legal status",
        "remaining legal term",
        "claim breadth",
        "family",
    ]
    .iter()
    .enumerate()
    {
        c |= num(
            ui,
            &format!("{} · {}", tr(lang, "Legal"), tr(lang, name)),
            &mut sc.legal[k],
            0.0..=1.0,
            "",
            "legal factor weight (docs/methods.md §5)",
        );
    }
    for (k, name) in ["forward citations", "number of claims", "patent type"]
        .iter()
        .enumerate()
    {
        c |= num(
            ui,
            &format!("{} · {}", tr(lang, "Technical"), tr(lang, name)),
            &mut sc.technical[k],
            0.0..=1.0,
            "",
            "technical factor weight (docs/methods.md §5)",
        );
    }
    for (k, name) in ["remaining economic life", "market size"]
        .iter()
        .enumerate()
    {
        c |= num(
            ui,
            &format!("{} · {}", tr(lang, "Economic"), tr(lang, name)),
            &mut sc.economic[k],
            0.0..=1.0,
            "",
            "economic factor weight (docs/methods.md §5)",
        );
    }
    c
}

/// The largest technology and market premiums, used with premiums from the scorecard.
fn premium_maxima(ui: &mut egui::Ui, a: &mut Assumptions, lang: Lang) -> bool {
    let mut c = false;
    let sc = &mut a.scorecard;
    c |= pct(
        ui,
        tr(lang, "Maximum technology premium"),
        &mut sc.technology_risk_max,
        0.3,
        "with premiums from the scorecard: max × (1 − TVD/100)",
    );
    c |= pct(
        ui,
        tr(lang, "Maximum market premium"),
        &mut sc.market_risk_max,
        0.3,
        "with premiums from the scorecard: max × (1 − EVD/100)",
    );
    c
}
