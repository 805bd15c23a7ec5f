//! The Pledge panel's financing-cost section (docs/bank.md §5): the borrower's interest,
//! guarantee fee, appraisal fee and insurance premium a year, the policy profile's subsidies on
//! each and the net cost. Pure arithmetic (`pledge::subsidy::financing_cost`), so it is worked
//! out in the frame.

use eframe::egui;

use super::PatvalApp;
use super::i18n::Lang;
use crate::pledge::subsidy::{CostInputs, CostItem, financing_cost};

/// The section's inputs.
pub struct CostForm {
    pub interest_pct: f64,
    pub guarantee_fee_pct: f64,
    pub guaranteed_wan: f64,
    pub appraisal_fee_wan: f64,
    pub premium_pct: f64,
    pub term_years: f64,
    /// Per cost item: the borrower meets the subsidy's condition.
    pub eligible: [bool; 4],
}

impl Default for CostForm {
    fn default() -> Self {
        Self {
            interest_pct: 4.35,
            guarantee_fee_pct: 0.0,
            guaranteed_wan: 0.0,
            appraisal_fee_wan: 0.0,
            premium_pct: 0.0,
            term_years: 1.0,
            eligible: [true; 4],
        }
    }
}

fn edit(ui: &mut egui::Ui, label: &str, v: &mut f64, max: f64, suffix: &str) {
    let l = ui.label(label);
    ui.add(
        egui::DragValue::new(v)
            .range(0.0..=max)
            .speed(0.05)
            .suffix(suffix),
    )
    .labelled_by(l.id);
}

/// The section.
pub fn ui(app: &mut PatvalApp, lang: Lang, ui: &mut egui::Ui) {
    egui::CollapsingHeader::new(lang.pick("融资成本与补贴", "Financing cost and subsidies"))
        .id_salt("financing_cost")
        .show(ui, |ui| {
            let f = &mut app.pledge.cost;
            ui.horizontal_wrapped(|ui| {
                edit(
                    ui,
                    lang.pick("年利率", "Interest rate"),
                    &mut f.interest_pct,
                    100.0,
                    " %",
                );
                edit(
                    ui,
                    lang.pick("担保费率", "Guarantee fee"),
                    &mut f.guarantee_fee_pct,
                    100.0,
                    " %",
                );
                edit(
                    ui,
                    lang.pick("担保金额（万元）", "Guaranteed (10k yuan)"),
                    &mut f.guaranteed_wan,
                    1e7,
                    "",
                );
                edit(
                    ui,
                    lang.pick("评估费（万元）", "Appraisal fee (10k yuan)"),
                    &mut f.appraisal_fee_wan,
                    1e6,
                    "",
                );
                edit(
                    ui,
                    lang.pick("保险费率", "Premium rate"),
                    &mut f.premium_pct,
                    100.0,
                    " %",
                );
                edit(
                    ui,
                    lang.pick("期限（年）", "Term (years)"),
                    &mut f.term_years,
                    30.0,
                    "",
                );
            });
            table(app, lang, ui);
        });
}

fn table(app: &mut PatvalApp, lang: Lang, ui: &mut egui::Ui) {
    let f = &app.pledge.cost;
    let inputs = CostInputs {
        principal: app.pledge.exposure_wan * 1e4,
        interest_rate: f.interest_pct / 100.0,
        guaranteed: f.guaranteed_wan * 1e4,
        guarantee_fee_rate: f.guarantee_fee_pct / 100.0,
        appraisal_fee: f.appraisal_fee_wan * 1e4,
        premium_rate: f.premium_pct / 100.0,
        term_years: f.term_years,
        not_eligible: CostItem::ALL
            .into_iter()
            .zip(f.eligible)
            .filter(|(_, e)| !e)
            .map(|(i, _)| i)
            .collect(),
    };
    let problems = inputs.problems();
    if !problems.is_empty() {
        ui.colored_label(ui.visuals().error_fg_color, problems.join("; "));
        return;
    }
    let subsidies = app.pledge.policy.subsidies.clone();
    let c = financing_cost(&inputs, &subsidies);
    egui::Grid::new("cost_grid").striped(true).show(ui, |ui| {
        super::grid_header(
            ui,
            &[
                lang.pick("项目", "Item"),
                lang.pick("年成本", "A year"),
                lang.pick("补贴", "Subsidy"),
                lang.pick("净成本", "Net"),
                lang.pick("补贴条件", "Subsidy condition"),
                lang.pick("条件与依据", "Condition and source"),
            ],
        );
        for (k, l) in c.lines.iter().enumerate() {
            ui.label(lang.pick(l.item.name_zh(), l.item.name_en()));
            ui.label(app.money(l.gross));
            ui.label(app.money(l.subsidy));
            ui.label(app.money(l.gross - l.subsidy));
            match subsidies.get(l.item) {
                Some(s) => {
                    ui.checkbox(
                        &mut app.pledge.cost.eligible[k],
                        lang.pick("符合", "qualifies"),
                    );
                    let note = lang.pick(&l.note_zh, &l.note);
                    ui.label(
                        format!("{}；{} {}", s.condition, s.source, note)
                            .trim()
                            .to_string(),
                    );
                }
                None => {
                    ui.label("—");
                    ui.weak(lang.pick("本政策无此项补贴", "no such subsidy in this profile"));
                }
            }
            ui.end_row();
        }
        ui.strong(lang.pick("合计", "Total"));
        ui.strong(format!(
            "{} ({:.2}%)",
            app.money(c.gross),
            c.gross_rate * 100.0
        ));
        ui.strong(app.money(c.subsidies));
        ui.strong(format!("{} ({:.2}%)", app.money(c.net), c.net_rate * 100.0));
        ui.end_row();
    });
}
