//! The desktop workstation (egui/eframe). It holds no valuation logic: it calls the library, and
//! every slow step (import, valuation, simulation, store access) runs in a [`jobs::Job`] off the
//! UI thread with progress and cancel.
//!
//! Panels, one file each, in the order of the work: case (the facts the documents print), data (open inputs, see problems), browse (portfolio table and detail),
//! assumptions (editor), results (totals, per-patent table, trace, charts), review (save
//! versions, browse and compare them, annotations, verdicts); for banks: cross-check, pledge,
//! loan book, whitelist pre-assessment.

pub mod assumptions_panel;
pub mod browse;
pub mod case_panel;
pub mod crosscheck_panel;
pub mod data_panel;
pub mod experts_panel;
pub mod export;
pub mod file_dialog;
pub mod fonts;
pub mod i18n;
pub mod jobs;
pub mod loans_monitor;
pub mod loans_panel;
pub mod parameters_panel;
pub mod pledge_cost;
pub mod pledge_panel;
pub mod problem_list;
pub mod results_panel;
pub mod review_panel;
pub mod whitelist_panel;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use eframe::egui;
use serde::{Deserialize, Serialize};

use crate::import::{Dataset, Problem, TableKind};
use crate::model::Assumptions;
use crate::model::money::{MoneyUnit, format_money};
use crate::valuation::sensitivity::Bar;
use crate::valuation::{Engine, Methods, Valuation};
pub use i18n::{Lang, tr};
use jobs::Jobs;

/// The panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Panel {
    Case,
    Data,
    Browse,
    Assumptions,
    Parameters,
    #[default]
    Results,
    Review,
    CrossCheck,
    Pledge,
    Loans,
    Whitelist,
    Experts,
}

impl Panel {
    pub const ALL: [Panel; 12] = [
        Panel::Case,
        Panel::Data,
        Panel::Browse,
        Panel::Assumptions,
        Panel::Parameters,
        Panel::Results,
        Panel::Review,
        Panel::CrossCheck,
        Panel::Pledge,
        Panel::Loans,
        Panel::Whitelist,
        Panel::Experts,
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Panel::Case => tr(lang, "Case"),
            Panel::Data => tr(lang, "Data"),
            Panel::Browse => tr(lang, "Browse"),
            Panel::Assumptions => tr(lang, "Assumptions"),
            Panel::Parameters => tr(lang, "Parameters"),
            Panel::Results => tr(lang, "Results"),
            Panel::Review => tr(lang, "Review"),
            Panel::CrossCheck => tr(lang, "Cross-check"),
            Panel::Pledge => tr(lang, "Pledge"),
            Panel::Loans => tr(lang, "Loan book"),
            Panel::Whitelist => tr(lang, "Whitelist"),
            Panel::Experts => tr(lang, "Expert pool"),
        }
    }
}

/// What persists between runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub lang: Lang,
    pub unit: MoneyUnit,
    pub panel: Panel,
    pub recent: Vec<PathBuf>,
    pub store: Option<PathBuf>,
    pub reviewer: String,
    pub role: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            lang: Lang::Zh,
            unit: MoneyUnit::Wan,
            panel: Panel::Results,
            recent: Vec::new(),
            store: crate::store::Store::default_path(),
            reviewer: String::new(),
            role: "analyst".into(),
        }
    }
}

/// A finished valuation and what was derived from it.
pub struct Valued {
    pub engine: Engine,
    pub valuation: Valuation,
    /// Worked out after the values are shown (a million patents take seconds more).
    pub tornado: std::sync::OnceLock<Vec<Bar>>,
    /// The assumptions it was computed with.
    pub assumptions: Assumptions,
    /// The data it was computed from: results of other data than the loaded are marked so.
    pub dataset: Arc<Dataset>,
}

/// The loaded inputs.
#[derive(Default)]
pub struct Loaded {
    pub dataset: Option<Arc<Dataset>>,
    /// Files, per table (None = bundled sample or not loaded).
    pub files: Vec<(TableKind, String)>,
    pub assumptions_file: Option<PathBuf>,
    pub problems: Vec<Problem>,
}

/// The application.
pub struct PatvalApp {
    pub settings: Settings,
    pub loaded: Loaded,
    /// Assumptions being edited; a change re-runs the valuation.
    pub assumptions: Option<Assumptions>,
    /// Assumptions as loaded from file (for "reset").
    pub assumptions_loaded: Option<Assumptions>,
    pub methods: Methods,
    pub valued: Option<Arc<Valued>>,
    pub jobs: Jobs,
    /// When the assumptions last changed; the valuation re-runs once they rest.
    pub revalue_at: Option<Instant>,
    pub browse: browse::BrowseState,
    pub results: results_panel::ResultsState,
    pub review: review_panel::ReviewState,
    pub data: data_panel::DataState,
    pub crosscheck: crosscheck_panel::CrossCheckState,
    pub pledge: pledge_panel::PledgeState,
    pub loans: loans_panel::LoansState,
    pub whitelist: whitelist_panel::WhitelistState,
    pub experts: experts_panel::ExpertsState,
    pub parameters: parameters_panel::ParametersState,
    pub case: case_panel::CaseState,
    pub export: export::ExportState,
    /// The in-window file dialog, where the system's cannot be shown.
    pub files: file_dialog::FileDialogState,
    pub status: String,
    pub last_frame: Duration,
}

impl PatvalApp {
    /// A new app: settings from storage, then the bundled sample case loads and values.
    pub fn new(ctx: &egui::Context, storage: Option<&dyn eframe::Storage>) -> Self {
        let settings: Settings = storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        Self::with_settings(ctx, settings)
    }

    /// A new app with given settings (tests point the store at a temporary file this way).
    pub fn with_settings(ctx: &egui::Context, mut settings: Settings) -> Self {
        fonts::install(ctx);
        if let Ok(lang) = std::env::var("PATVAL_LANG") {
            settings.lang = if lang.starts_with("en") {
                Lang::En
            } else {
                Lang::Zh
            };
        }
        if let Ok(panel) = std::env::var("PATVAL_PANEL") {
            settings.panel = match panel.as_str() {
                "case" => Panel::Case,
                "data" => Panel::Data,
                "browse" => Panel::Browse,
                "assumptions" => Panel::Assumptions,
                "parameters" => Panel::Parameters,
                "review" => Panel::Review,
                "crosscheck" => Panel::CrossCheck,
                "pledge" => Panel::Pledge,
                "loans" => Panel::Loans,
                "whitelist" => Panel::Whitelist,
                "experts" => Panel::Experts,
                _ => Panel::Results,
            };
        }
        let mut app = Self {
            settings,
            loaded: Loaded::default(),
            assumptions: None,
            assumptions_loaded: None,
            methods: Methods::default(),
            valued: None,
            jobs: Jobs::default(),
            revalue_at: None,
            browse: browse::BrowseState::default(),
            results: results_panel::ResultsState::default(),
            review: review_panel::ReviewState::default(),
            data: data_panel::DataState::default(),
            crosscheck: crosscheck_panel::CrossCheckState::default(),
            pledge: pledge_panel::PledgeState::default(),
            loans: loans_panel::LoansState::default(),
            whitelist: whitelist_panel::WhitelistState::default(),
            experts: experts_panel::ExpertsState::default(),
            parameters: parameters_panel::ParametersState::default(),
            case: case_panel::CaseState::default(),
            export: export::ExportState::default(),
            files: file_dialog::FileDialogState::default(),
            status: String::new(),
            last_frame: Duration::ZERO,
        };
        app.load_sample(ctx);
        review_panel::refresh(&mut app, ctx);
        app
    }

    pub fn lang(&self) -> Lang {
        self.settings.lang
    }

    pub fn money(&self, yuan: f64) -> String {
        format_money(yuan, self.settings.unit)
    }

    /// Loads the bundled sample case (off the UI thread), then values it.
    pub fn load_sample(&mut self, ctx: &egui::Context) {
        self.jobs.spawn(ctx, "load".into(), |_p| {
            let r = crate::sample::load();
            Box::new(move |app: &mut PatvalApp, _: &egui::Context| match r {
                Ok(ds) => {
                    let files = TableKind::ALL
                        .iter()
                        .filter(|k| ds.table(**k).is_some())
                        .map(|k| (*k, format!("sample_data ({})", k.name())))
                        .collect();
                    app.set_dataset(ds, files, Vec::new(), None);
                }
                Err(e) => app.status = e.to_string(),
            })
        });
    }

    /// Takes a newly loaded data set and values it.
    pub fn set_dataset(
        &mut self,
        ds: Dataset,
        files: Vec<(TableKind, String)>,
        problems: Vec<Problem>,
        assumptions_file: Option<PathBuf>,
    ) {
        if let Some(a) = &ds.assumptions {
            self.assumptions = Some(a.clone());
            self.assumptions_loaded = Some(a.clone());
        }
        let path = std::mem::take(&mut self.case.path);
        self.case = case_panel::CaseState::of(ds.case.clone().unwrap_or_default());
        self.case.path = path;
        self.loaded = Loaded {
            dataset: Some(Arc::new(ds)),
            files,
            assumptions_file,
            problems,
        };
        self.browse.invalidate();
        self.data.list = problem_list::ListState::default();
        self.results.selected = None;
        self.parameters = parameters_panel::ParametersState::default();
        self.revalue_at = Some(Instant::now() - Duration::from_secs(1));
    }

    /// Starts a valuation of the loaded data with the edited assumptions, cancelling any running one.
    pub fn start_valuation(&mut self, ctx: &egui::Context) {
        let (Some(ds), Some(a)) = (self.loaded.dataset.clone(), self.assumptions.clone()) else {
            return;
        };
        self.jobs.cancel("value");
        let mut methods = self.methods;
        methods.income &= ds.forecasts.is_some();
        methods.market &= ds.comparables.is_some();
        self.jobs.spawn(ctx, "value".into(), move |p| {
            let r = crate::progress::timed("engine", || Engine::new(&ds, &a, methods, Some(p)))
                .and_then(|e| {
                    let dataset = ds.clone();
                    let v = crate::progress::timed("run", || e.run(Some(p)))?;
                    Ok(Valued {
                        engine: e,
                        valuation: v,
                        tornado: std::sync::OnceLock::new(),
                        assumptions: a,
                        dataset,
                    })
                });
            Box::new(move |app: &mut PatvalApp, ctx: &egui::Context| match r {
                Ok(v) => {
                    let v = Arc::new(v);
                    app.valued = Some(v.clone());
                    app.results.trace = None;
                    app.results.simulation = None;
                    app.start_sensitivity(ctx, v);
                }
                Err(e) => app.status = e.to_string(),
            })
        });
    }

    /// The tornado of a shown valuation, on a job thread; the chart waits for it.
    fn start_sensitivity(&mut self, ctx: &egui::Context, v: Arc<Valued>) {
        self.jobs.spawn(ctx, "sensitivity".into(), move |p| {
            p.start("sensitivity", 1);
            let _ = v
                .tornado
                .set(crate::valuation::sensitivity::tornado(&v.engine));
            Box::new(|_: &mut PatvalApp, _: &egui::Context| {})
        });
    }

    fn poll_jobs(&mut self, ctx: &egui::Context) {
        for apply in self.jobs.finished() {
            apply(self, ctx);
        }
        if let Some(t) = self.revalue_at
            && t.elapsed() >= Duration::from_millis(300)
        {
            self.revalue_at = None;
            self.start_valuation(ctx);
        }
        if self.revalue_at.is_some() || !self.jobs.running.is_empty() {
            ctx.request_repaint_after(Duration::from_millis(50));
        }
    }

    /// The title and the tabs on the left, language and unit on the right; the tabs wrap to a
    /// second row rather than run under the right-hand controls in a narrow window.
    fn top_bar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                self.language_and_unit(ui);
                let wrap = egui::Layout::left_to_right(egui::Align::Center).with_main_wrap(true);
                ui.with_layout(wrap, |ui| self.tabs(ui));
            });
        });
    }

    /// The title, then the tabs; where the full title would push the tabs to a second row, the
    /// name alone (the full title on hover).
    fn tabs(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let title = tr(lang, "patval — patent valuation workstation");
        let width = |t: &str, style: egui::TextStyle| {
            let wrap = Some(egui::TextWrapMode::Extend);
            egui::WidgetText::from(t)
                .into_galley(ui, wrap, f32::INFINITY, style)
                .size()
                .x
        };
        let s = ui.spacing();
        let pad = 2.0 * s.button_padding.x + s.item_spacing.x;
        let tabs: f32 = Panel::ALL
            .iter()
            .map(|p| width(p.label(lang), egui::TextStyle::Button) + pad)
            .sum();
        let full = width(title, egui::TextStyle::Heading) + 4.0 * s.item_spacing.x;
        if full + tabs <= ui.available_width() {
            ui.heading(title);
        } else {
            ui.heading("patval").on_hover_text(title);
        }
        ui.separator();
        for p in Panel::ALL {
            // Ctrl+0…9 are all taken: the Whitelist and Expert pool tabs have no shortcut.
            let key = match p {
                Panel::Case => Some("0"),
                Panel::Data => Some("1"),
                Panel::Browse => Some("2"),
                Panel::Assumptions => Some("3"),
                Panel::Parameters => Some("8"),
                Panel::Results => Some("4"),
                Panel::Review => Some("5"),
                Panel::CrossCheck => Some("6"),
                Panel::Pledge => Some("7"),
                Panel::Loans => Some("9"),
                Panel::Whitelist | Panel::Experts => None,
            };
            let tab = ui.selectable_value(&mut self.settings.panel, p, p.label(lang));
            if let Some(key) = key {
                tab.on_hover_text(format!("Ctrl+{key}"));
            }
        }
    }

    /// Right to left (so added in reverse): the unit box, its label, then the language buttons.
    fn language_and_unit(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let combo = egui::ComboBox::from_id_salt("unit")
            .selected_text(self.settings.unit.suffix())
            .show_ui(ui, |ui| {
                for u in MoneyUnit::ALL {
                    ui.selectable_value(&mut self.settings.unit, u, u.suffix());
                }
            });
        let l = ui.label(tr(lang, "Unit"));
        combo.response.labelled_by(l.id);
        ui.selectable_value(&mut self.settings.lang, Lang::En, "English");
        ui.selectable_value(&mut self.settings.lang, Lang::Zh, "中文");
        ui.label(tr(lang, "Language"));
    }

    fn status_bar(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        ui.horizontal(|ui| {
            let mut cancel = None;
            for j in &self.jobs.running {
                ui.spinner();
                let stage = j.progress.stage();
                ui.label(if stage.is_empty() {
                    j.label.clone()
                } else {
                    stage
                });
                ui.add(
                    egui::ProgressBar::new(j.progress.fraction())
                        .desired_width(160.0)
                        .show_percentage(),
                );
                if ui.button(tr(lang, "Cancel")).clicked() {
                    cancel = Some(j.label.clone());
                }
            }
            if let Some(c) = cancel {
                self.jobs.cancel(&c);
            }
            if self.jobs.running.is_empty() {
                ui.label(tr(lang, "Ready"));
            }
            if !self.status.is_empty() {
                ui.separator();
                ui.colored_label(ui.visuals().warn_fg_color, &self.status);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.weak(format!(
                    "{} {:.1} ms",
                    tr(lang, "frame"),
                    self.last_frame.as_secs_f64() * 1000.0
                ));
            });
        });
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        let (panel, revalue) = ctx.input(|i| {
            let cmd = i.modifiers.command;
            let p = if !cmd {
                None
            } else if i.key_pressed(egui::Key::Num0) {
                Some(Panel::Case)
            } else if i.key_pressed(egui::Key::Num1) {
                Some(Panel::Data)
            } else if i.key_pressed(egui::Key::Num2) {
                Some(Panel::Browse)
            } else if i.key_pressed(egui::Key::Num3) {
                Some(Panel::Assumptions)
            } else if i.key_pressed(egui::Key::Num4) {
                Some(Panel::Results)
            } else if i.key_pressed(egui::Key::Num5) {
                Some(Panel::Review)
            } else if i.key_pressed(egui::Key::Num6) {
                Some(Panel::CrossCheck)
            } else if i.key_pressed(egui::Key::Num7) {
                Some(Panel::Pledge)
            } else if i.key_pressed(egui::Key::Num8) {
                Some(Panel::Parameters)
            } else if i.key_pressed(egui::Key::Num9) {
                Some(Panel::Loans)
            } else {
                None
            };
            (p, cmd && i.key_pressed(egui::Key::R))
        });
        if let Some(p) = panel {
            self.settings.panel = p;
        }
        if revalue {
            self.start_valuation(ctx);
        }
    }
}

impl eframe::App for PatvalApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let started = Instant::now();
        let ctx = ui.ctx().clone();
        self.poll_jobs(&ctx);
        self.shortcuts(&ctx);
        data_panel::accept_dropped_files(self, &ctx);
        egui::Panel::top("top").show(ui, |ui| self.top_bar(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        egui::CentralPanel::default().show(ui, |ui| match self.settings.panel {
            Panel::Case => case_panel::ui(self, ui),
            Panel::Data => data_panel::ui(self, ui),
            Panel::Browse => browse::ui(self, ui),
            Panel::Assumptions => assumptions_panel::ui(self, ui),
            Panel::Parameters => parameters_panel::ui(self, ui),
            Panel::Results => results_panel::ui(self, ui),
            Panel::Review => review_panel::ui(self, ui),
            Panel::CrossCheck => crosscheck_panel::ui(self, ui),
            Panel::Pledge => pledge_panel::ui(self, ui),
            Panel::Loans => loans_panel::ui(self, ui),
            Panel::Whitelist => whitelist_panel::ui(self, ui),
            Panel::Experts => experts_panel::ui(self, ui),
        });
        file_dialog::ui(self, &ctx);
        self.last_frame = started.elapsed();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
    }
}

/// Opens the main window.
pub fn run() -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("patval")
            .with_inner_size([1360.0, 860.0])
            .with_min_inner_size([900.0, 600.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "patval",
        options,
        Box::new(|cc| Ok(Box::new(PatvalApp::new(&cc.egui_ctx, cc.storage)))),
    )
}

/// A grid's header row: each title in bold, then the row ends.
pub(crate) fn grid_header(ui: &mut egui::Ui, titles: &[&str]) {
    for t in titles {
        ui.strong(*t);
    }
    ui.end_row();
}

/// A table's header row: each title in bold.
pub(crate) fn table_header(mut row: egui_extras::TableRow<'_, '_>, titles: &[&str]) {
    for t in titles {
        row.col(|ui| {
            ui.strong(*t);
        });
    }
}
