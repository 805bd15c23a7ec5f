//! Results panel: portfolio totals per method and reconciled, the per-patent table, the full
//! trace of the selected patent, and charts (cash flows, method comparison, tornado, Monte Carlo
//! histogram, comparables scatter).

use std::sync::Arc;

use eframe::egui;
use egui_extras::{Column, TableBuilder};
use egui_plot::{Bar, BarChart, Legend, Plot, Points};

use super::{Lang, PatvalApp, Valued, tr};
use crate::valuation::Method;
use crate::valuation::trace::PatentTrace;

/// Which chart is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Chart {
    #[default]
    CashFlows,
    Methods,
    Tornado,
    MonteCarlo,
    Comparables,
}

/// Results state.
#[derive(Default)]
pub struct ResultsState {
    pub selected: Option<usize>,
    pub trace: Option<(usize, Arc<PatentTrace>)>,
    pub chart: Chart,
    /// The last simulation of the current valuation (cleared when it is re-run).
    pub simulation: Option<crate::valuation::simulation::Simulation>,
}

fn method_label(m: Method, lang: Lang) -> &'static str {
    match m {
        Method::Cost => tr(lang, "Cost approach"),
        Method::Income => tr(lang, "Income approach"),
        Method::Market => tr(lang, "Market approach"),
    }
}

/// Says so when the results shown are not of the data now loaded (it is still being valued, or
/// could not be valued), rather than passing off the previous case's figures as current.
fn stale_notice(app: &PatvalApp, ui: &mut egui::Ui, v: &Valued) {
    let current = app
        .loaded
        .dataset
        .as_ref()
        .is_some_and(|d| Arc::ptr_eq(d, &v.dataset));
    if current {
        return;
    }
    let lang = app.lang();
    let valuing = app.jobs.running.iter().any(|j| j.label == "value") || app.revalue_at.is_some();
    let text = if valuing {
        tr(
            lang,
            "These results are of the data loaded before; the data now loaded is being valued…",
        )
    } else {
        tr(
            lang,
            "These results are of the data loaded before: the data now loaded could not be valued (see the status bar and the Data panel's problems).",
        )
    };
    ui.horizontal(|ui| {
        if valuing {
            ui.spinner();
        }
        ui.colored_label(ui.visuals().warn_fg_color, text);
    });
    ui.separator();
}

pub fn ui(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    let Some(v) = app.valued.clone() else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(tr(lang, "Valuing…"));
        });
        return;
    };
    stale_notice(app, ui, &v);
    summary(app, ui, &v);
    ui.separator();
    if app.results.selected.is_none() && !v.engine.is_empty() {
        app.results.selected = Some(0);
    }
    if let Some(i) = app.results.selected
        && app.results.trace.as_ref().is_none_or(|(j, _)| *j != i)
        && i < v.engine.len()
    {
        app.results.trace = Some((i, Arc::new(v.engine.trace(i))));
    }
    egui::Panel::bottom("charts")
        .resizable(true)
        .min_size(240.0)
        .default_size(300.0)
        .show(ui, |ui| charts(app, ui, &v));
    egui::Panel::right("trace")
        .resizable(true)
        .default_size(520.0)
        .show(ui, |ui| trace_view(app, ui, &v));
    table(app, ui, &v);
}

fn summary(app: &PatvalApp, ui: &mut egui::Ui, v: &Valued) {
    let lang = app.lang();
    let s = &v.valuation.summary;
    ui.horizontal(|ui| {
        ui.heading(tr(lang, "Portfolio summary"));
        ui.label(format!(
            "{} {} · {} {} · {} {}",
            tr(lang, "Valuation date"),
            s.valuation_date,
            s.patents,
            tr(lang, "patents"),
            tr(lang, "Discount rate"),
            format_args!("{:.2} %", v.assumptions.discount.rate() * 100.0)
        ));
    });
    egui::Grid::new("summary")
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            ui.strong(tr(lang, "Method"));
            ui.strong(tr(lang, "Total"));
            ui.strong(tr(lang, "Valued"));
            ui.end_row();
            for m in &s.methods {
                if !v.engine.methods.on(m.method) {
                    continue;
                }
                ui.label(method_label(m.method, lang));
                ui.label(app.money(m.total));
                ui.label(format!("{} / {}", m.valued, s.patents));
                ui.end_row();
            }
            ui.strong(tr(lang, "Reconciled value"));
            ui.strong(egui::RichText::new(app.money(s.reconciled)).size(18.0));
            ui.label(format!(
                "{} {} – {}",
                tr(lang, "Range"),
                app.money(s.low),
                app.money(s.high)
            ));
            ui.end_row();
        });
}

fn table(app: &mut PatvalApp, ui: &mut egui::Ui, v: &Valued) {
    let lang = app.lang();
    ui.strong(tr(lang, "Per-patent results"));
    let mut clicked = None;
    let f = |x: Option<f64>| x.map_or_else(|| "—".to_string(), |x| app.money(x));
    TableBuilder::new(ui)
        .id_salt("results")
        .striped(true)
        .resizable(false)
        .sense(egui::Sense::click())
        .column(Column::initial(150.0))
        .columns(Column::initial(105.0), 4)
        .column(Column::remainder().clip(true))
        .header(22.0, |mut h| {
            for t in [
                "Patent no.",
                "Cost approach",
                "Income approach",
                "Market approach",
                "Reconciled",
                "Note",
            ] {
                h.col(|ui| {
                    ui.strong(tr(lang, t));
                });
            }
        })
        .body(|body| {
            body.rows(20.0, v.valuation.patents.len(), |mut row| {
                let i = row.index();
                let pv = v.valuation.patents[i];
                row.set_selected(app.results.selected == Some(i));
                // Cells are not selectable text: a click on the text selects the row.
                let cell = |ui: &mut egui::Ui, text: String| {
                    ui.add(egui::Label::new(text).truncate().selectable(false));
                };
                row.col(|ui| cell(ui, v.engine.inputs.patent_nos[i].clone()));
                for x in [pv.cost.ok(), pv.income.ok(), pv.market.ok(), pv.reconciled] {
                    row.col(|ui| cell(ui, f(x)));
                }
                row.col(|ui| {
                    let note =
                        crate::valuation::results::note_in(&v.engine, i, &pv, lang == Lang::Zh);
                    cell(ui, note);
                });
                if row.response().clicked() {
                    clicked = Some(i);
                }
            });
        });
    if let Some(i) = clicked {
        app.results.selected = Some(i);
        app.browse.selected = Some(i);
    }
}

fn trace_view(app: &PatvalApp, ui: &mut egui::Ui, v: &Valued) {
    let lang = app.lang();
    ui.heading(tr(lang, "Trace"));
    let Some((_, t)) = &app.results.trace else {
        ui.label(tr(lang, "Select a patent in the table."));
        return;
    };
    let pct = |x: f64| format!("{:.2} %", x * 100.0);
    egui::ScrollArea::vertical().id_salt("trace-scroll").show(ui, |ui| {
        ui.strong(&t.patent_no);
        egui::Grid::new("trace-head").num_columns(2).show(ui, |ui| {
            ui.label(tr(lang, "Remaining economic life"));
            ui.label(format!("{:.2} {}", t.life.remaining_economic, tr(lang, "years")));
            ui.end_row();
            ui.label(tr(lang, "Value degree"));
            ui.label(format!("{:.1} (L {:.1} / T {:.1} / E {:.1})", t.score.overall, t.score.legal, t.score.technical, t.score.economic));
            ui.end_row();
            ui.label(tr(lang, "Discount rate"));
            ui.label(format!(
                "{} = {} + {} + {} + {} + {}",
                pct(t.discount.rate),
                pct(t.discount.risk_free),
                pct(t.discount.technology),
                pct(t.discount.market),
                pct(t.discount.funding),
                pct(t.discount.management)
            ));
            ui.end_row();
            ui.label(tr(lang, "Share rate"));
            ui.label(pct(t.share_rate));
            ui.end_row();
        });
        if let Some(inc) = &t.income {
            ui.collapsing(format!("{} — {}", tr(lang, "Income approach"), inc.value.map_or_else(|| tr(lang, "No value").to_string(), |x| app.money(x))), |ui| {
                if let Some(n) = &inc.note {
                    ui.weak(n);
                }
                egui::Grid::new("inc").striped(true).show(ui, |ui| {
                    for h in ["Year", "Revenue", "Share rate", "Cash flow", "Discount factor", "Present value"] {
                        ui.strong(tr(lang, h));
                    }
                    ui.end_row();
                    for y in &inc.years {
                        ui.label(y.year.to_string());
                        ui.label(app.money(y.revenue * y.length));
                        ui.label(format!("{:.3} %", y.share_rate * 100.0));
                        ui.label(app.money(y.cash_flow));
                        ui.label(format!("{:.6}", y.discount_factor));
                        ui.label(app.money(y.present_value));
                        ui.end_row();
                    }
                });
            });
        }
        if let Some(c) = &t.cost {
            ui.collapsing(format!("{} — {}", tr(lang, "Cost approach"), c.value.map_or_else(|| tr(lang, "No value").to_string(), |x| app.money(x))), |ui| {
                if let Some(n) = &c.note {
                    ui.weak(n);
                }
                egui::Grid::new("cost").striped(true).show(ui, |ui| {
                    for h in ["Item", "Year", "Amount", "Restated"] {
                        ui.strong(tr(lang, h));
                    }
                    ui.end_row();
                    for it in &c.items {
                        ui.label(if lang == Lang::Zh { it.category.label_zh() } else { it.category.label_en() });
                        ui.label(it.year.to_string());
                        ui.label(app.money(it.amount));
                        ui.label(app.money(it.restated));
                        ui.end_row();
                    }
                });
                ui.label(format!("{}: {}", tr(lang, "Replacement cost"), app.money(c.replacement_cost)));
                ui.label(format!("{}: {:.4}", tr(lang, "Depreciation rate"), c.depreciation_rate));
            });
        }
        if let Some(m) = &t.market {
            ui.collapsing(format!("{} — {}", tr(lang, "Market approach"), m.value.map_or_else(|| tr(lang, "No value").to_string(), |x| app.money(x))), |ui| {
                if let Some(n) = &m.note {
                    ui.weak(n);
                }
                egui::Grid::new("mkt").striped(true).show(ui, |ui| {
                    for h in ["Deal", "Similarity", "Price", "Adjusted"] {
                        ui.strong(tr(lang, h));
                    }
                    ui.end_row();
                    for c in &m.comparables {
                        ui.label(&c.deal_id).on_hover_text(format!(
                            "date ×{:.3}, technology ×{:.3}, life ×{:.3}, kind ×{:.3}, circumstances ×{:.3}",
                            c.date_factor, c.technology_factor, c.life_factor, c.deal_kind_factor, c.circumstance_factor
                        ));
                        ui.label(format!("{:.3}", c.similarity));
                        ui.label(app.money(c.price));
                        ui.label(app.money(c.adjusted_price));
                        ui.end_row();
                    }
                });
            });
        }
        if let Some(r) = &t.reconciliation {
            ui.label(format!("{}: {}", tr(lang, "Reconciled value"), r.value.map_or_else(|| "—".into(), |x| app.money(x))));
        }
        let _ = v;
    });
}

fn charts(app: &mut PatvalApp, ui: &mut egui::Ui, v: &Valued) {
    let lang = app.lang();
    let ctx = ui.ctx().clone();
    ui.horizontal(|ui| {
        ui.strong(tr(lang, "Charts"));
        let c = &mut app.results.chart;
        ui.selectable_value(c, Chart::CashFlows, tr(lang, "Cash flows"));
        ui.selectable_value(c, Chart::Methods, tr(lang, "Method comparison"));
        ui.selectable_value(c, Chart::Tornado, tr(lang, "Sensitivity"));
        ui.selectable_value(c, Chart::MonteCarlo, tr(lang, "Monte Carlo"));
        ui.selectable_value(
            c,
            Chart::Comparables,
            tr(lang, "Comparables: price vs remaining life"),
        );
    });
    let scale = app.settings.unit.scale();
    let unit = app.settings.unit.suffix();
    match app.results.chart {
        Chart::CashFlows => {
            let Some((_, t)) = &app.results.trace else {
                ui.label(tr(lang, "Select a patent in the table."));
                return;
            };
            let Some(inc) = &t.income else { return };
            let cf: Vec<Bar> = inc
                .years
                .iter()
                .map(|y| Bar::new(f64::from(y.year) - 0.2, y.cash_flow / scale).width(0.4))
                .collect();
            let pv: Vec<Bar> = inc
                .years
                .iter()
                .map(|y| Bar::new(f64::from(y.year) + 0.2, y.present_value / scale).width(0.4))
                .collect();
            Plot::new("cf")
                .legend(Legend::default())
                .y_axis_label(unit)
                .show(ui, |p| {
                    p.bar_chart(BarChart::new(tr(lang, "Cash flow"), cf));
                    p.bar_chart(BarChart::new(tr(lang, "Present value"), pv));
                });
        }
        Chart::Methods => {
            let s = &v.valuation.summary;
            let mut bars: Vec<Bar> = s
                .methods
                .iter()
                .enumerate()
                .filter(|(_, m)| v.engine.methods.on(m.method))
                .map(|(k, m)| {
                    Bar::new(k as f64, m.total / scale).name(method_label(m.method, lang))
                })
                .collect();
            bars.push(Bar::new(3.0, s.reconciled / scale).name(tr(lang, "Reconciled")));
            Plot::new("methods").y_axis_label(unit).show(ui, |p| {
                p.bar_chart(BarChart::new(tr(lang, "Method comparison"), bars))
            });
        }
        Chart::Tornado => {
            let Some(tornado) = v.tornado.get() else {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(tr(lang, "Working out the sensitivity…"));
                });
                return;
            };
            let bars: Vec<Bar> = tornado
                .iter()
                .rev()
                .enumerate()
                .flat_map(|(k, b)| {
                    let name = if lang == Lang::Zh {
                        b.parameter.label_zh()
                    } else {
                        b.parameter.label_en()
                    };
                    [
                        Bar::new(k as f64, (b.down - b.base) / scale)
                            .name(format!("{name} −"))
                            .horizontal(),
                        Bar::new(k as f64, (b.up - b.base) / scale)
                            .name(format!("{name} +"))
                            .horizontal(),
                    ]
                })
                .collect();
            Plot::new("tornado").x_axis_label(unit).show(ui, |p| {
                p.bar_chart(
                    BarChart::new(
                        tr(lang, "Sensitivity"),
                        bars.into_iter().map(|b| b.horizontal()).collect(),
                    )
                    .horizontal(),
                )
            });
        }
        Chart::MonteCarlo => {
            let draws = v.assumptions.simulation.draws;
            ui.horizontal(|ui| {
                if ui
                    .button(format!(
                        "{} ({} {})",
                        tr(lang, "Run simulation"),
                        draws,
                        tr(lang, "draws")
                    ))
                    .clicked()
                    && let Some(valued) = app.valued.clone()
                {
                    app.jobs.spawn(&ctx, "simulate".into(), move |p| {
                        let r = crate::valuation::simulation::run(&valued.engine, None, Some(p));
                        Box::new(move |app: &mut PatvalApp, _: &egui::Context| match r {
                            // Only if the valuation it ran on is still the current one.
                            Ok(sim)
                                if app
                                    .valued
                                    .as_ref()
                                    .is_some_and(|cur| Arc::ptr_eq(cur, &valued)) =>
                            {
                                app.results.simulation = Some(sim)
                            }
                            Ok(_) => {}
                            Err(e) => app.status = e.to_string(),
                        })
                    });
                }
                if let Some(s) = &app.results.simulation {
                    ui.label(format!(
                        "P5 {}  P50 {}  P95 {}",
                        app.money(s.p5),
                        app.money(s.p50),
                        app.money(s.p95)
                    ));
                }
            });
            if let Some(s) = &app.results.simulation {
                let (lo, hi) = (s.p5 * 0.8, s.p95 * 1.2);
                let n = 40;
                let w = (hi - lo) / n as f64;
                let mut counts = vec![0u32; n];
                for t in &s.totals {
                    if *t >= lo && *t < hi {
                        counts[((t - lo) / w) as usize % n] += 1;
                    }
                }
                let bars: Vec<Bar> = counts
                    .iter()
                    .enumerate()
                    .map(|(k, c)| {
                        Bar::new((lo + (k as f64 + 0.5) * w) / scale, f64::from(*c))
                            .width(w / scale)
                    })
                    .collect();
                Plot::new("mc").x_axis_label(unit).show(ui, |p| {
                    p.bar_chart(BarChart::new(tr(lang, "Monte Carlo"), bars))
                });
            }
        }
        Chart::Comparables => {
            let all: Vec<[f64; 2]> = v
                .engine
                .inputs
                .comparables
                .iter()
                .map(|c| [c.remaining_life, c.price / scale])
                .collect();
            let used: Vec<[f64; 2]> = app
                .results
                .trace
                .as_ref()
                .and_then(|(_, t)| t.market.as_ref())
                .map(|m| {
                    m.comparables
                        .iter()
                        .map(|c| [c.remaining_life, c.price / scale])
                        .collect()
                })
                .unwrap_or_default();
            Plot::new("comps")
                .legend(Legend::default())
                .x_axis_label(tr(lang, "Remaining economic life"))
                .y_axis_label(unit)
                .show(ui, |p| {
                    p.points(Points::new(tr(lang, "Comparables"), all).radius(3.0));
                    p.points(Points::new(tr(lang, "Selected patent"), used).radius(5.0));
                });
        }
    }
}
