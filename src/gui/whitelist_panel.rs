//! Whitelist panel (白名单预评估, banks and the financing service platform): many firms'
//! patents in one portfolio CSV with a firm id column, valued and aggregated per firm under the
//! Pledge panel's policy profile; the thresholds select the whitelist and every firm left out
//! says why. The work runs on a job thread; the figures and the exports are the library's
//! (`pledge::whitelist`), as `patval whitelist` prints and writes them (docs/bank.md §6).

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use eframe::egui;
use egui_extras::{Column, TableBuilder};

use super::PatvalApp;
use super::file_dialog::{self, Request};
use super::i18n::Lang;
use crate::model::Assumptions;
use crate::pledge::Policy;
use crate::pledge::whitelist::{
    self, ValueBasis, Whitelist, WhitelistFiles, WhitelistRule, assess_engine,
};
use crate::progress::Progress;
use crate::report::ReportLang;
use crate::valuation::{Engine, Methods, Tweak};

/// Panel state.
pub struct WhitelistState {
    /// The firms' portfolio CSV (with a firm id column).
    pub portfolio: String,
    /// Revenue forecasts CSV with a firm id column (empty: none).
    pub forecasts: String,
    /// Comparable transactions (empty: none).
    pub comparables: String,
    /// The edited assumptions (Assumptions panel) instead of the documented defaults at `date`.
    pub use_current: bool,
    pub date: String,
    /// The thresholds, the library's defaults to start with.
    pub rule: WhitelistRule,
    /// Firms listed in the xlsx summary sheet and the summary report.
    pub top: usize,
    pub only_whitelisted: bool,
    pub result: Option<Arc<Outcome>>,
    pub error: Option<String>,
}

impl Default for WhitelistState {
    fn default() -> Self {
        Self {
            portfolio: String::new(),
            forecasts: String::new(),
            comparables: String::new(),
            use_current: false,
            date: chrono::Local::now().date_naive().to_string(),
            rule: WhitelistRule::default(),
            top: 10,
            only_whitelisted: false,
            result: None,
            error: None,
        }
    }
}

impl WhitelistState {
    /// The files; blank optional paths are none.
    pub fn files(&self) -> WhitelistFiles {
        let opt = |s: &str| (!s.trim().is_empty()).then(|| PathBuf::from(s.trim()));
        WhitelistFiles {
            portfolio: PathBuf::from(self.portfolio.trim()),
            forecasts: opt(&self.forecasts),
            comparables: opt(&self.comparables),
        }
    }
}

/// A finished pre-assessment.
pub struct Outcome {
    pub whitelist: Whitelist,
    /// Indices (rank order) of the whitelisted firms, for the filter.
    pub whitelisted_rows: Vec<u32>,
    pub warnings: Vec<String>,
}

/// What a run needs, gathered on the UI thread.
struct Inputs {
    files: WhitelistFiles,
    assumptions: Assumptions,
    methods: Methods,
    policy: Policy,
    rule: WhitelistRule,
}

/// Load, value, assess: the steps of `patval whitelist`.
fn compute(i: Inputs, p: &Progress) -> Result<Outcome, String> {
    let loaded = whitelist::load(&i.files, &i.assumptions, Some(p)).map_err(|e| e.to_string())?;
    let engine = Engine::new(&loaded.dataset, &i.assumptions, i.methods, Some(p))
        .map_err(|e| e.to_string())?;
    p.start("whitelist", 1);
    let values = engine.evaluate_all(&Tweak::IDENTITY);
    let wl = assess_engine(
        &engine,
        &values,
        &loaded.firms,
        &i.policy,
        &i.rule,
        ValueBasis::Reconciled,
    )
    .map_err(|e| e.to_string())?;
    p.set(1);
    let whitelisted_rows = (0..wl.firms.len() as u32)
        .filter(|&k| wl.firms[k as usize].whitelisted)
        .collect();
    Ok(Outcome {
        whitelist: wl,
        whitelisted_rows,
        warnings: loaded.warnings.iter().map(ToString::to_string).collect(),
    })
}

/// The run's inputs, or what is wrong with them.
fn inputs(app: &PatvalApp) -> Result<Inputs, String> {
    let lang = app.lang();
    let s = &app.whitelist;
    if s.portfolio.trim().is_empty() {
        return Err(lang
            .pick(
                "请选择企业专利清单（CSV）",
                "choose the firms' portfolio (CSV)",
            )
            .into());
    }
    let assumptions = if s.use_current {
        app.assumptions.clone().ok_or_else(|| {
            lang.pick("尚未载入评估假设", "no assumptions loaded")
                .to_string()
        })?
    } else {
        let date = s.date.trim().parse::<NaiveDate>().map_err(|_| {
            let what = lang.pick("不是日期（YYYY-MM-DD）", "is not a date (YYYY-MM-DD)");
            format!("\"{}\": {what}", s.date)
        })?;
        Assumptions::with_date(date)
    };
    // As `patval whitelist` without --methods: cost, with income when forecasts and market
    // when comparables are given; the reconciled value counts (its default --basis).
    let files = s.files();
    let methods = Methods {
        cost: true,
        income: files.forecasts.is_some(),
        market: files.comparables.is_some(),
    };
    let rule = s.rule.clone();
    rule.check().map_err(|e| e.to_string())?;
    Ok(Inputs {
        files,
        assumptions,
        methods,
        policy: app.pledge.policy.clone(),
        rule,
    })
}

/// Starts the pre-assessment on a job thread.
pub fn start(app: &mut PatvalApp, ctx: &egui::Context) {
    let Ok(i) = inputs(app).map_err(|e| app.whitelist.error = Some(e)) else {
        return;
    };
    app.whitelist.error = None;
    app.jobs.spawn(ctx, "whitelist".into(), move |p| {
        let r = compute(i, p);
        Box::new(move |app: &mut PatvalApp, _: &egui::Context| match r {
            Ok(o) => app.whitelist.result = Some(Arc::new(o)),
            Err(e) => app.whitelist.error = Some(e),
        })
    });
}

pub fn ui(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let ctx = ui.ctx().clone();
    let lang = app.lang();
    ui.heading(lang.pick("白名单预评估", "Whitelist pre-assessment"));
    ui.weak(lang.pick(
        "多家企业的专利在一张清单中（含企业编号列），逐户汇总指示性价值、价值度与指示性授信额度，按门槛筛选白名单（公式见 docs/bank.md §6）。",
        "Many firms' patents in one table with a firm id column, aggregated per firm: indicative value, value degree, indicative credit limit; the thresholds select the whitelist (formulas: docs/bank.md §6).",
    ));
    files_grid(app, ui, &ctx);
    thresholds(app, ui);
    let busy = app.jobs.busy("whitelist");
    ui.horizontal(|ui| {
        let run = egui::Button::new(lang.pick("运行预评估", "Run pre-assessment"));
        if ui.add_enabled(!busy, run).clicked() {
            start(app, &ctx);
        }
        if busy {
            ui.spinner();
        }
    });
    if let Some(e) = &app.whitelist.error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    if let Some(o) = app.whitelist.result.clone() {
        ui.separator();
        summary(app, ui, &o);
        export_row(app, ui, &ctx);
        table(app, ui, &o);
    }
}

/// A path field with its "Choose…" button.
fn path_row(
    ui: &mut egui::Ui,
    ctx: &egui::Context,
    app: &mut PatvalApp,
    label: &str,
    field: fn(&mut PatvalApp) -> &mut String,
    filter: (&'static str, &'static [&'static str]),
) {
    let lang = app.lang();
    let l = ui.label(label);
    ui.horizontal(|ui| {
        ui.add(egui::TextEdit::singleline(field(app)).desired_width(480.0))
            .labelled_by(l.id);
        if ui.button(lang.pick("选择…", "Choose…")).clicked() {
            file_dialog::pick(
                app,
                ctx,
                Request::open(filter),
                Box::new(move |app, _, paths| {
                    if let Some(p) = paths.into_iter().next() {
                        *field(app) = p.display().to_string();
                    }
                }),
            );
        }
    });
    ui.end_row();
}

const CSV: (&str, &[&str]) = ("CSV", &["csv", "txt"]);

fn files_grid(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context) {
    let lang = app.lang();
    egui::Grid::new("whitelist_files")
        .num_columns(2)
        .show(ui, |ui| {
            let l = lang.pick("企业专利清单（CSV）", "Firms portfolio (CSV)");
            path_row(ui, ctx, app, l, |a| &mut a.whitelist.portfolio, CSV);
            let l = lang.pick("收益预测（CSV，可选）", "Forecasts (CSV, optional)");
            path_row(ui, ctx, app, l, |a| &mut a.whitelist.forecasts, CSV);
            let l = lang.pick("交易案例（可选）", "Comparables (optional)");
            let all = super::data_panel::DATA_FILES;
            path_row(ui, ctx, app, l, |a| &mut a.whitelist.comparables, all);
            let s = &mut app.whitelist;
            ui.label(lang.pick("评估假设", "Assumptions"));
            ui.horizontal(|ui| {
                let d = lang.pick("默认参数，评估基准日", "Documented defaults at");
                ui.selectable_value(&mut s.use_current, false, d);
                let l = ui.label(lang.pick("基准日", "Valuation date"));
                ui.add_enabled(
                    !s.use_current,
                    egui::TextEdit::singleline(&mut s.date).desired_width(90.0),
                )
                .labelled_by(l.id);
                let c = lang.pick(
                    "当前评估假设（评估假设面板）",
                    "Current assumptions (Assumptions panel)",
                );
                ui.selectable_value(&mut s.use_current, true, c);
            });
            ui.end_row();
        });
}

/// A DragValue with its label.
fn drag(ui: &mut egui::Ui, label: &str, dv: egui::DragValue<'_>) {
    let l = ui.label(label);
    ui.add(dv).labelled_by(l.id);
}

fn thresholds(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    let band_c = app.pledge.policy.bands.c;
    let s = &mut app.whitelist;
    let r = &mut s.rule;
    ui.strong(lang.pick("入选门槛", "Thresholds"));
    ui.horizontal_wrapped(|ui| {
        let l = lang.pick("有效专利数不少于", "Granted patents at least");
        drag(ui, l, egui::DragValue::new(&mut r.min_granted).speed(0.1));
        let l = lang.pick("有效发明专利数不少于", "Granted invention patents at least");
        drag(
            ui,
            l,
            egui::DragValue::new(&mut r.min_granted_inventions).speed(0.1),
        );
        let mut own = r.min_value_degree.is_some();
        let c = ui.checkbox(&mut own, lang.pick("价值度不低于", "Value degree at least"));
        r.min_value_degree = own.then(|| r.min_value_degree.unwrap_or(band_c));
        if let Some(d) = &mut r.min_value_degree {
            ui.add(egui::DragValue::new(d).range(0.0..=100.0).speed(0.5))
                .labelled_by(c.id);
        } else {
            ui.weak(match lang {
                Lang::Zh => format!("（政策 C 档下限 {band_c}）"),
                Lang::En => format!("(the policy's band C floor, {band_c})"),
            });
        }
        let l = lang.pick(
            "指示性授信额度不低于（万元）",
            "Indicative credit limit at least (10k yuan)",
        );
        let wan = egui::DragValue::new(&mut r.min_credit_limit)
            .range(0.0..=1e13)
            .speed(1e4)
            .custom_formatter(|v, _| format!("{:.2}", v / 1e4))
            .custom_parser(|t| t.trim().parse::<f64>().ok().map(|w| w * 1e4));
        drag(ui, l, wan);
        let l = lang.pick(
            "失效或无效专利占比不高于（%）",
            "Share lapsed or invalidated at most (%)",
        );
        let pct = egui::DragValue::new(&mut r.max_lapsed_share)
            .range(0.0..=1.0)
            .speed(0.005)
            .custom_formatter(|v, _| format!("{:.1}", v * 100.0))
            .custom_parser(|t| t.trim().parse::<f64>().ok().map(|x| x / 100.0));
        drag(ui, l, pct);
        let l = lang.pick("摘要列出企业数", "Firms listed in the summary");
        drag(ui, l, egui::DragValue::new(&mut s.top).range(1..=10_000));
    });
    let p = &app.pledge.policy;
    ui.weak(match lang {
        Lang::Zh => format!(
            "政策参数：{}（质押融资面板中的政策参数；质押率、价值度分档及授信额度按此计算）",
            p.name
        ),
        Lang::En => format!(
            "Policy profile: {} (the Pledge panel's profile: pledge rates, value-degree bands and credit limits follow it)",
            p.name_en
        ),
    });
}

fn summary(app: &PatvalApp, ui: &mut egui::Ui, o: &Outcome) {
    let lang = app.lang();
    let (w, s) = (&o.whitelist, &o.whitelist.summary);
    let share = s.whitelisted as f64 * 100.0 / s.firms.max(1) as f64;
    let date = w.valuation_date.map_or(String::new(), |d| d.to_string());
    ui.label(match lang {
        Lang::Zh => format!(
            "基准日 {date}：企业 {} 户，专利 {} 件；入选白名单 {} 户（{share:.1}%，专利 {} 件）；指示性授信额度合计 {}，其中入选企业 {}",
            s.firms, s.patents, s.whitelisted, s.whitelisted_patents,
            app.money(s.credit_limit), app.money(s.whitelisted_credit_limit)
        ),
        Lang::En => format!(
            "At {date}: {} firms, {} patents; whitelisted {} ({share:.1}%, {} patents); total indicative credit limit {}, of the whitelisted {}",
            s.firms, s.patents, s.whitelisted, s.whitelisted_patents,
            app.money(s.credit_limit), app.money(s.whitelisted_credit_limit)
        ),
    });
    let failed: Vec<String> = s
        .failed
        .iter()
        .map(|c| {
            let name = lang.pick(c.check.label_zh(), c.check.label_en());
            format!("{name} {}", c.firms)
        })
        .collect();
    ui.weak(format!(
        "{}{}",
        lang.pick("未达各项门槛的企业数：", "Firms failing each threshold: "),
        failed.join(lang.pick("；", "; "))
    ));
    if !o.warnings.is_empty() {
        let title = match lang {
            Lang::Zh => format!("读取提示 {} 条", o.warnings.len()),
            Lang::En => format!("{} warnings while reading", o.warnings.len()),
        };
        ui.collapsing(title, |ui| {
            for w in o.warnings.iter().take(200) {
                ui.colored_label(ui.visuals().warn_fg_color, w);
            }
        });
    }
}

#[derive(Clone, Copy)]
enum Export {
    Csv,
    Xlsx,
    Summary,
}

fn export_row(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context) {
    let lang = app.lang();
    ui.horizontal(|ui| {
        let only = lang.pick("仅显示入选企业", "Only whitelisted");
        ui.checkbox(&mut app.whitelist.only_whitelisted, only);
        ui.separator();
        for (kind, zh, en) in [
            (Export::Csv, "导出 CSV…", "Export CSV…"),
            (Export::Xlsx, "导出 Excel…", "Export xlsx…"),
            (
                Export::Summary,
                "导出摘要（Markdown）…",
                "Summary report (Chinese, Markdown)…",
            ),
        ] {
            if ui.button(lang.pick(zh, en)).clicked() {
                export(app, ctx, kind);
            }
        }
    });
}

/// Asks where to save, then makes the file with the library's exporter on a job thread.
fn export(app: &mut PatvalApp, ctx: &egui::Context, kind: Export) {
    let Some(o) = app.whitelist.result.clone() else {
        return;
    };
    let (lang, top) = (app.lang(), app.whitelist.top);
    let report = match lang {
        Lang::Zh => ReportLang::Zh,
        Lang::En => ReportLang::En,
    };
    let request = match kind {
        Export::Csv => Request::save(CSV, lang.pick("白名单预评估.csv", "whitelist.csv")),
        Export::Xlsx => Request::save(
            ("Excel", &["xlsx"]),
            lang.pick("白名单预评估.xlsx", "whitelist.xlsx"),
        ),
        Export::Summary => Request::save(("Markdown", &["md"]), "白名单预评估摘要.md"),
    };
    let on_pick = move |app: &mut PatvalApp, ctx: &egui::Context, paths: Vec<PathBuf>| {
        let Some(path) = paths.into_iter().next() else {
            return;
        };
        app.jobs.spawn(ctx, "export-whitelist".into(), move |_| {
            let w = &o.whitelist;
            let bytes = match kind {
                Export::Csv => whitelist::csv_bytes(w, report),
                Export::Xlsx => whitelist::xlsx_bytes(w, report, top),
                Export::Summary => Ok(whitelist::summary_zh(w, top).into_bytes()),
            };
            let r = bytes
                .map_err(|e| e.to_string())
                .and_then(|b| {
                    crate::files::write_bytes_replacing(&path, b).map_err(|e| e.to_string())
                })
                .map_err(|e| format!("{}: {e}", path.display()));
            Box::new(move |app: &mut PatvalApp, _: &egui::Context| match r {
                Ok(()) => app.status = path.display().to_string(),
                Err(e) => app.whitelist.error = Some(e),
            })
        });
    };
    file_dialog::pick(app, ctx, request, Box::new(on_pick));
}

/// The firms, virtualised: only the rows in view are laid out.
fn table(app: &PatvalApp, ui: &mut egui::Ui, o: &Outcome) {
    let lang = app.lang();
    let firms = &o.whitelist.firms;
    let only = app.whitelist.only_whitelisted;
    let n = if only {
        o.whitelisted_rows.len()
    } else {
        firms.len()
    };
    let heads = [
        lang.pick("排名", "Rank"),
        lang.pick("企业编号", "Firm id"),
        lang.pick("专利数", "Patents"),
        lang.pick("有效发明专利", "Granted inventions"),
        lang.pick("指示性价值", "Indicative value"),
        lang.pick("价值度", "Value degree"),
        lang.pick("指示性授信额度", "Indicative credit limit"),
        lang.pick("入选", "Whitelisted"),
        lang.pick("未入选原因", "Reasons"),
    ];
    TableBuilder::new(ui)
        .id_salt("whitelist_firms")
        .striped(true)
        .max_scroll_height(f32::INFINITY)
        .column(Column::auto().at_least(50.0))
        .column(Column::initial(140.0).resizable(true).clip(true))
        .columns(Column::auto().at_least(70.0), 6)
        .column(Column::remainder().clip(true))
        .header(20.0, |h| super::table_header(h, &heads))
        .body(|body| {
            body.rows(20.0, n, |mut row| {
                let k = if only {
                    o.whitelisted_rows[row.index()] as usize
                } else {
                    row.index()
                };
                let f = &firms[k];
                let reasons: Vec<&str> = f
                    .failed
                    .iter()
                    .map(|x| lang.pick(&x.detail_zh, &x.detail))
                    .collect();
                let cells = [
                    f.rank.to_string(),
                    f.firm_id.clone(),
                    f.patents.to_string(),
                    f.granted_inventions.to_string(),
                    app.money(f.value),
                    format!("{:.2}", f.value_degree),
                    app.money(f.credit_limit),
                    if f.whitelisted { "√" } else { "" }.to_string(),
                    reasons.join(lang.pick("；", "; ")),
                ];
                for c in cells {
                    row.col(|ui| {
                        ui.add(egui::Label::new(c).wrap_mode(egui::TextWrapMode::Extend));
                    });
                }
            });
        });
}
