//! Assumptions panel: every parameter of the assumptions file with its unit, range and a tooltip;
//! a change re-values the portfolio off the UI thread once the editing rests. Load and save TOML.

use std::time::Instant;

use eframe::egui;

use super::{PatvalApp, tr};
use crate::model::Assumptions;
use crate::model::DealKind;
use crate::model::assumptions::{
    Allocation, Distribution, IncomeVariant, PremiumSource, ShareBasis, SharePosition,
};

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

fn scorecard_and_income(ui: &mut egui::Ui, a: &mut Assumptions, lang: super::Lang) -> bool {
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
    ui.add_space(8.0);
    ui.strong(tr(lang, "Patent value degree weights"));
    egui::Grid::new("scorecard").num_columns(2).show(ui, |ui| {
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
    });
    ui.add_space(8.0);
    ui.strong(tr(lang, "Market adjustments"));
    egui::Grid::new("market-adj").num_columns(2).show(ui, |ui| {
        let m = &mut a.market;
        let sl = ui.label(tr(lang, "Subject valued as"));
        let combo = egui::ComboBox::from_id_salt("subject-kind")
            .selected_text(if lang == super::Lang::Zh {
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
                            if lang == super::Lang::Zh {
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
            let name = if lang == super::Lang::Zh {
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

fn dist(ui: &mut egui::Ui, label: &str, d: &mut Distribution) -> bool {
    let mut c = false;
    let dl = ui.label(label);
    ui.horizontal(|ui| {
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
        combo.response.labelled_by(dl.id);
        if k != kind {
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
            c = true;
        }
        let mut field = |ui: &mut egui::Ui, name: &str, v: &mut f64| {
            ui.label(name);
            c |= ui
                .add(egui::DragValue::new(v).speed(0.01).max_decimals(4))
                .changed();
        };
        match d {
            Distribution::Fixed { value } => field(ui, "value", value),
            Distribution::Triangular { low, mode, high } => {
                field(ui, "low", low);
                field(ui, "mode", mode);
                field(ui, "high", high);
            }
            Distribution::Normal { mean, sd } => {
                field(ui, "mean", mean);
                field(ui, "sd", sd);
            }
            Distribution::Lognormal { mu, sigma } => {
                field(ui, "μ", mu);
                field(ui, "σ", sigma);
            }
        }
    });
    ui.end_row();
    c
}

fn uncertainty_and_index(ui: &mut egui::Ui, a: &mut Assumptions, lang: super::Lang) -> bool {
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
    ui.add_space(8.0);
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
        c |= dist(ui, tr(lang, "Share-rate multiplier"), &mut m.share_rate);
        c |= dist(ui, tr(lang, "Discount-rate shift"), &mut m.discount_rate);
        c |= dist(ui, tr(lang, "Revenue multiplier"), &mut m.revenue);
        c |= dist(ui, tr(lang, "Life multiplier"), &mut m.life);
    });
    ui.add_space(8.0);
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
