//! Pledge panel (bank valuers): the loan, the policy profile (editable, saved as a TOML data
//! file), and the credit limit, liquidation value, coverage, disposal recoveries, the loss
//! waterfall and the expected loss. The computation is the library's (`pledge::pledge`) and runs
//! on a job thread.

use std::sync::Arc;

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use super::i18n::{Lang, tr};
use super::{PatvalApp, file_dialog};
use crate::pledge::credit::{Accept, PledgeResult, accepted_values};
use crate::pledge::{Collateral, Loan, Policy, pledge};

/// Panel state.
pub struct PledgeState {
    pub policy: Policy,
    pub exposure_wan: f64,
    pub pd: f64,
    pub collateral: Collateral,
    pub guarantee: f64,
    pub accept: Accept,
    pub result: Option<Arc<PledgeResult>>,
    pub error: Option<String>,
    /// Inputs of the shown result, to re-run when anything changes.
    pub shown_for: Option<String>,
    /// Post-loan monitoring: the stored version compared with the current valuation.
    pub monitoring: Option<(i64, Arc<crate::pledge::monitor::Monitoring>)>,
    /// The borrower's financing cost inputs.
    pub cost: super::pledge_cost::CostForm,
}

impl Default for PledgeState {
    fn default() -> Self {
        PledgeState {
            policy: Policy::shenzhen(),
            exposure_wan: 1000.0,
            pd: 0.03,
            collateral: Collateral::IpOnly,
            guarantee: 0.0,
            accept: Accept::Lower,
            result: None,
            error: None,
            shown_for: None,
            monitoring: None,
            cost: Default::default(),
        }
    }
}

impl PledgeState {
    fn loan(&self) -> Loan {
        Loan {
            exposure: self.exposure_wan * 1e4,
            pd: self.pd,
            collateral: self.collateral,
            guarantee_share: self.guarantee,
            insurance_share: 0.0,
        }
    }

    /// A key of everything the result depends on.
    fn key(&self, app: &PatvalApp) -> String {
        format!(
            "{:?}|{:?}|{:?}|{}|{}",
            self.policy,
            self.loan(),
            self.accept,
            app.valued.as_ref().map_or(0, |v| Arc::as_ptr(v) as usize),
            app.crosscheck.external.as_ref().map_or(0, |x| x.id()),
        )
    }
}

fn run(app: &mut PatvalApp, ctx: &egui::Context) {
    let Some(valued) = app.valued.clone() else {
        return;
    };
    let key = app.pledge.key(app);
    app.pledge.shown_for = Some(key);
    let problems = app.pledge.policy.problems();
    if !problems.is_empty() {
        app.pledge.error = Some(problems.join("; "));
        return;
    }
    let policy = app.pledge.policy.clone();
    let loan = app.pledge.loan();
    let rule = app.pledge.accept;
    let external = app.crosscheck.external.clone();
    app.jobs.cancel("pledge");
    app.jobs.spawn(ctx, "pledge".into(), move |_| {
        let e = &valued.engine;
        let bank = valued.valuation.reconciled_values();
        // Only the reported values matter here: no re-computation of the external side.
        let reported = external.map(|x| x.reported());
        let accepted = accepted_values(e, &bank, reported.as_deref(), rule);
        let r = pledge(e, &accepted, &policy, &loan);
        Box::new(move |app: &mut PatvalApp, _: &egui::Context| match r {
            Ok(r) => {
                app.pledge.result = Some(Arc::new(r));
                app.pledge.error = None;
            }
            Err(e) => app.pledge.error = Some(e.to_string()),
        })
    });
}

fn pct_edit(ui: &mut egui::Ui, label: &str, v: &mut f64, max: f64) -> bool {
    let l = ui.label(label);
    let mut p = *v * 100.0;
    let r = ui
        .add(
            egui::DragValue::new(&mut p)
                .range(0.0..=max * 100.0)
                .speed(0.1)
                .suffix(" %"),
        )
        .labelled_by(l.id);
    if r.changed() {
        *v = p / 100.0;
    }
    r.changed()
}

pub fn ui(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    let ctx = ui.ctx().clone();
    ui.heading(tr(lang, "Pledge financing"));
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.columns(2, |cols| {
            loan_inputs(app, lang, &mut cols[0]);
            policy_editor(app, lang, &ctx, &mut cols[1]);
        });
        if app.valued.is_some() && app.pledge.shown_for.as_deref() != Some(&app.pledge.key(app)) {
            run(app, &ctx);
        }
        if let Some(e) = &app.pledge.error {
            ui.colored_label(egui::Color32::from_rgb(200, 60, 40), e);
        }
        ui.separator();
        super::pledge_cost::ui(app, lang, ui);
        ui.separator();
        monitoring(app, lang, &ctx, ui);
        ui.separator();
        if let Some(r) = app.pledge.result.clone() {
            results(app, &r, lang, ui);
        } else if app.valued.is_none() {
            ui.label(tr(lang, "not loaded"));
        }
    });
}

/// Starts the comparison of the stored version `id` (the loan's start) with the current valuation.
fn start_monitoring(app: &mut PatvalApp, ctx: &egui::Context, id: String) {
    let Some(valued) = app.valued.clone() else {
        return;
    };
    let Some(path) = super::review_panel::store_path(app) else {
        app.pledge.error = Some("no store file chosen".into());
        return;
    };
    let policy = app.pledge.policy.clone();
    let loan = app.pledge.loan();
    app.jobs.spawn(ctx, "monitor".into(), move |_| {
        let r = (|| -> Result<_, String> {
            let store = crate::store::Store::open(&path).map_err(|e| e.to_string())?;
            let r = store.reopen(&id).map_err(|e| e.to_string())?;
            let mon = crate::pledge::monitor::monitor(&r.engine, &valued.engine, &policy, &loan)
                .map_err(|e| e.to_string())?;
            Ok((r.data.info.number, mon))
        })();
        Box::new(move |app: &mut PatvalApp, _: &egui::Context| match r {
            Ok((n, m)) => app.pledge.monitoring = Some((n, Arc::new(m))),
            Err(e) => app.pledge.error = Some(e),
        })
    });
}

fn monitoring(app: &mut PatvalApp, lang: Lang, ctx: &egui::Context, ui: &mut egui::Ui) {
    ui.strong(tr(lang, "Post-loan monitoring"));
    ui.label(tr(
        lang,
        "Compares the version the loan was granted on (select it in the Review panel) with the current valuation: load the updated portfolio and set the new valuation date first.",
    ));
    let selected = app.review.selected.clone();
    ui.add_enabled_ui(selected.is_some() && app.valued.is_some(), |ui| {
        if ui
            .button(tr(lang, "Compare the selected version with now"))
            .clicked()
            && let Some(id) = selected
        {
            start_monitoring(app, ctx, id);
        }
    });
    let Some((n, m)) = app.pledge.monitoring.clone() else {
        return;
    };
    ui.label(format!(
        "v{n} → {}: {} {} → {} · {} {} → {} · {} {:.1}% → {:.1}% ({:+.1})",
        tr(lang, "now"),
        tr(lang, "Accepted value"),
        app.money(m.before.accepted_total),
        app.money(m.after.accepted_total),
        tr(lang, "Credit limit"),
        app.money(m.before.credit_limit),
        app.money(m.after.credit_limit),
        tr(lang, "Coverage"),
        m.before.coverage * 100.0,
        m.after.coverage * 100.0,
        m.coverage_change * 100.0
    ));
    if m.flags.is_empty() {
        ui.label(tr(lang, "No patent needs attention."));
    }
    egui::Grid::new("flags").striped(true).show(ui, |ui| {
        for f in &m.flags {
            ui.label(&f.patent_no);
            ui.colored_label(
                egui::Color32::from_rgb(200, 60, 40),
                if lang == Lang::Zh {
                    &f.detail_zh
                } else {
                    &f.detail
                },
            );
            ui.label(format!("{} → {}", app.money(f.before), app.money(f.after)));
            ui.end_row();
        }
    });
}

fn loan_inputs(app: &mut PatvalApp, lang: Lang, ui: &mut egui::Ui) {
    let s = &mut app.pledge;
    ui.strong(tr(lang, "Loan"));
    egui::Grid::new("loan").show(ui, |ui| {
        let l = ui.label(tr(lang, "Exposure (万元)"));
        ui.add(
            egui::DragValue::new(&mut s.exposure_wan)
                .range(1.0..=1e7)
                .speed(10.0)
                .suffix(" 万元"),
        )
        .labelled_by(l.id);
        ui.end_row();
        pct_edit(ui, tr(lang, "Probability of default"), &mut s.pd, 1.0);
        ui.end_row();
        pct_edit(
            ui,
            tr(lang, "Guarantor's share of the shortfall"),
            &mut s.guarantee,
            1.0,
        );
        ui.end_row();
        let l = ui.label(tr(lang, "Collateral"));
        egui::ComboBox::from_id_salt("collateral")
            .selected_text(match s.collateral {
                Collateral::IpOnly => tr(lang, "IP only"),
                Collateral::Mixed => tr(lang, "IP and other collateral"),
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut s.collateral, Collateral::IpOnly, tr(lang, "IP only"));
                ui.selectable_value(
                    &mut s.collateral,
                    Collateral::Mixed,
                    tr(lang, "IP and other collateral"),
                );
            })
            .response
            .labelled_by(l.id);
        ui.end_row();
        let l = ui.label(tr(lang, "Accepted value"));
        egui::ComboBox::from_id_salt("accept")
            .selected_text(match s.accept {
                Accept::Bank => tr(lang, "Bank's value"),
                Accept::External => tr(lang, "External value"),
                Accept::Lower => tr(lang, "Lower of the two"),
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut s.accept, Accept::Lower, tr(lang, "Lower of the two"));
                ui.selectable_value(&mut s.accept, Accept::Bank, tr(lang, "Bank's value"));
                ui.selectable_value(&mut s.accept, Accept::External, tr(lang, "External value"));
            })
            .response
            .labelled_by(l.id);
        ui.end_row();
    });
    if app.crosscheck.external.is_none() {
        ui.label(tr(
            lang,
            "No external appraisal loaded: the bank's value is accepted.",
        ));
    }
}

fn policy_editor(app: &mut PatvalApp, lang: Lang, ctx: &egui::Context, ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        ui.strong(tr(lang, "Policy profile"));
        ui.label(match lang {
            Lang::Zh => &app.pledge.policy.name,
            Lang::En => &app.pledge.policy.name_en,
        });
    });
    ui.horizontal(|ui| {
        if ui.button(tr(lang, "Open profile…")).clicked() {
            let mut request = file_dialog::Request::open(("TOML", &["toml"]));
            request.dir = Policy::user_dir();
            file_dialog::pick(
                app,
                ctx,
                request,
                Box::new(|app, _, paths| {
                    if let Some(p) = paths.into_iter().next() {
                        match Policy::load(&p.display().to_string()) {
                            Ok(p) => app.pledge.policy = p,
                            Err(e) => app.pledge.error = Some(e.to_string()),
                        }
                    }
                }),
            );
        }
        if ui.button(tr(lang, "Save profile…")).clicked() {
            let text = app.pledge.policy.to_toml();
            let name = format!("{}.toml", app.pledge.policy.id);
            let mut request = file_dialog::Request::save(("TOML", &["toml"]), &name);
            request.dir = Policy::user_dir();
            if let Some(dir) = &request.dir {
                let _ = std::fs::create_dir_all(dir);
            }
            file_dialog::save_text(app, ctx, request, text, |app, e| {
                app.pledge.error = Some(e);
            });
        }
        if ui.button(tr(lang, "Shenzhen defaults")).clicked() {
            app.pledge.policy = Policy::shenzhen();
        }
    });
    let p = &mut app.pledge.policy;
    egui::Grid::new("policy").show(ui, |ui| {
        pct_edit(
            ui,
            tr(lang, "Fund share, IP only"),
            &mut p.compensation.ip_only_share,
            1.0,
        );
        ui.end_row();
        pct_edit(
            ui,
            tr(lang, "Fund share, mixed collateral"),
            &mut p.compensation.mixed_share,
            1.0,
        );
        ui.end_row();
        let l = ui.label(tr(lang, "Fund cap per loan (万元)"));
        let mut cap = p.compensation.cap_per_loan / 1e4;
        if ui
            .add(
                egui::DragValue::new(&mut cap)
                    .range(0.0..=1e6)
                    .suffix(" 万元"),
            )
            .labelled_by(l.id)
            .changed()
        {
            p.compensation.cap_per_loan = cap * 1e4;
        }
        ui.end_row();
        pct_edit(
            ui,
            tr(lang, "Quick-sale discount"),
            &mut p.liquidation.quick_sale_discount,
            1.0,
        );
        ui.end_row();
    });
    ui.label(tr(lang, "Pledge rates by type and band (A / B / C / D)"));
    egui::Grid::new("rates").show(ui, |ui| {
        for (name, rates) in [
            (tr(lang, "Invention"), &mut p.pledge_rates.invention),
            (tr(lang, "Utility model"), &mut p.pledge_rates.utility_model),
            (tr(lang, "Design"), &mut p.pledge_rates.design),
        ] {
            ui.label(name);
            for (k, r) in rates.iter_mut().enumerate() {
                let mut v = *r * 100.0;
                if ui
                    .add(egui::DragValue::new(&mut v).range(0.0..=100.0).suffix(" %"))
                    .on_hover_text(["A", "B", "C", "D"][k])
                    .changed()
                {
                    *r = v / 100.0;
                }
            }
            ui.end_row();
        }
    });
}

fn results(app: &PatvalApp, r: &PledgeResult, lang: Lang, ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        for (k, v) in [
            (tr(lang, "Accepted value"), app.money(r.accepted_total)),
            (tr(lang, "Credit limit"), app.money(r.credit_limit)),
            (
                tr(lang, "Liquidation value"),
                app.money(r.liquidation_value),
            ),
            (tr(lang, "Coverage"), format!("{:.1}%", r.coverage * 100.0)),
            (
                tr(lang, "Liquidation coverage"),
                format!("{:.1}%", r.liquidation_coverage * 100.0),
            ),
            (tr(lang, "Headroom"), app.money(r.headroom)),
        ] {
            ui.label(format!("{k}: "));
            ui.strong(v);
            ui.separator();
        }
    });
    if r.headroom < 0.0 {
        ui.colored_label(
            egui::Color32::from_rgb(200, 60, 40),
            tr(
                lang,
                "The loan is above the credit limit the collateral supports.",
            ),
        );
    }
    ui.columns(2, |cols| {
        let ui = &mut cols[0];
        ui.strong(tr(lang, "Disposal paths"));
        egui::Grid::new("paths").striped(true).show(ui, |ui| {
            for d in &r.recoveries {
                ui.label(if lang == Lang::Zh {
                    &d.name_zh
                } else {
                    &d.name_en
                });
                ui.label(format!("{:.0}%", d.weight * 100.0));
                ui.label(format!("{:.0} {}", d.months, tr(lang, "months")));
                ui.label(app.money(d.present_value));
                ui.end_row();
            }
        });
        let ui = &mut cols[1];
        ui.strong(tr(lang, "After a default (waterfall)"));
        if !r.parts.is_empty() {
            ui.label(lang.pick(
                "按事先约定的比例分配处置收入：",
                "Proceeds split by the agreed shares:",
            ));
            egui::Grid::new("agreed_split")
                .striped(true)
                .show(ui, |ui| {
                    for p in &r.parts {
                        ui.label(format!(
                            "{} {:.1}%",
                            lang.pick(&p.name_zh, &p.name_en),
                            p.share * 100.0
                        ));
                        ui.label(app.money(p.amount));
                        ui.end_row();
                    }
                });
        }
        let a = &r.allocation;
        egui::Grid::new("waterfall").striped(true).show(ui, |ui| {
            for (k, v) in [
                ("Expected disposal proceeds", a.proceeds),
                ("1. To the bank", a.to_bank),
                ("2. To other parties (surplus)", a.to_others),
                ("3. Guarantor", a.guarantor),
                ("3a. Insurer", a.insurer),
                ("4. Risk-compensation fund", a.fund),
                ("5. Bank's loss", a.bank_loss),
            ] {
                ui.label(tr(lang, k));
                ui.label(app.money(v));
                ui.end_row();
            }
        });
        if a.fund_capped {
            ui.label(tr(lang, "The fund's payment is capped."));
        }
        ui.strong(format!(
            "PD {:.2}% · LGD {:.1}% · {} {}",
            r.loan.pd * 100.0,
            r.lgd * 100.0,
            tr(lang, "Expected loss"),
            app.money(r.expected_loss)
        ));
    });
    ui.separator();
    TableBuilder::new(ui)
        .striped(true)
        .column(Column::auto().at_least(150.0))
        .columns(Column::auto().at_least(80.0), 6)
        .min_scrolled_height(200.0)
        .header(20.0, |mut h| {
            for t in [
                "Patent no.",
                "Type",
                "Band",
                "Accepted value",
                "Pledge rate",
                "Credit limit",
                "Liquidation value",
            ] {
                h.col(|ui| {
                    ui.strong(tr(lang, t));
                });
            }
        })
        .body(|body| {
            body.rows(20.0, r.patents.len(), |mut row| {
                let p = &r.patents[row.index()];
                row.col(|ui| {
                    ui.label(&p.patent_no);
                });
                row.col(|ui| {
                    ui.label(if lang == Lang::Zh {
                        p.patent_type.label_zh()
                    } else {
                        p.patent_type.label_en()
                    });
                });
                row.col(|ui| {
                    ui.label(format!("{} ({:.1})", p.band.letter(), p.score));
                });
                row.col(|ui| {
                    ui.label(app.money(p.accepted));
                });
                row.col(|ui| {
                    ui.label(format!("{:.0}%", p.pledge_rate * 100.0));
                });
                row.col(|ui| {
                    ui.label(app.money(p.credit_limit));
                });
                row.col(|ui| {
                    ui.label(app.money(p.liquidation));
                });
            });
        });
}
