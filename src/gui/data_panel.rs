//! Data panel: open inputs by file dialog, drag and drop, a typed path or the recent list; see
//! every import problem with file, row and column, and the offending row itself.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use eframe::egui;

use super::{PatvalApp, tr};
use crate::import::{self, Dataset, Problem, ReadOptions, TableKind};
use crate::model::Assumptions;

/// State of the data panel.
#[derive(Default)]
pub struct DataState {
    /// Path typed by hand.
    pub typed: String,
    /// Bytes of files whose problems are listed, to show the offending row.
    pub sources: HashMap<String, Arc<Vec<u8>>>,
    /// The problem whose row is shown.
    pub shown: Option<usize>,
    /// The problem list: grouped, and the group shown.
    pub list: super::problem_list::ListState,
}

/// Loads files off the UI thread and merges them into the current data set: each CSV replaces the
/// table of its kind, a `.toml` replaces the assumptions. A folder opens as a whole case in one
/// action: its data files replace the current data set, and are cross-checked once.
pub fn open_files(app: &mut PatvalApp, ctx: &egui::Context, paths: Vec<PathBuf>) {
    if paths.is_empty() {
        return;
    }
    let whole_case = paths.iter().any(|p| p.is_dir());
    for p in &paths {
        app.settings.recent.retain(|r| r != p);
        app.settings.recent.insert(0, p.clone());
    }
    app.settings.recent.truncate(10);
    let current = app.loaded.dataset.clone().filter(|_| !whole_case);
    let current_assumptions = app.assumptions.clone();
    let mut files = if whole_case {
        Vec::new()
    } else {
        app.loaded.files.clone()
    };
    let mut assumptions_file = app.loaded.assumptions_file.clone().filter(|_| !whole_case);
    let lang = app.lang();
    app.jobs.spawn(ctx, "load".into(), move |progress| {
        // A folder's files are listed here, off the UI thread.
        let paths = expand_folders(paths);
        if paths.is_empty() {
            return Box::new(move |app: &mut PatvalApp, _: &egui::Context| {
                app.status = tr(lang, "No data files there").to_string();
            });
        }
        let mut ds: Dataset = current.map(|d| (*d).clone()).unwrap_or_default();
        let mut problems: Vec<Problem> = Vec::new();
        let mut sources = HashMap::new();
        // The case file (case.toml) holds the documents' facts.
        for p in paths.iter().filter(|p| is_case(p)) {
            match crate::import::load_case(p) {
                Ok(c) => ds.case = Some(c),
                Err(e) => {
                    problems.push(Problem::file_error(&p.display().to_string(), e.to_string()))
                }
            }
        }
        // Assumptions first: their valuation date bounds the tables' dates.
        for p in paths.iter().filter(|p| import::is_toml(p) && !is_case(p)) {
            match crate::import::load_assumptions(p) {
                Ok(a) => {
                    ds.assumptions = Some(a);
                    assumptions_file = Some(p.clone());
                }
                Err(e) => {
                    problems.push(Problem::file_error(&p.display().to_string(), e.to_string()))
                }
            }
        }
        let a = ds
            .assumptions
            .clone()
            .or(current_assumptions)
            .unwrap_or_else(|| Assumptions::with_date(chrono::Local::now().date_naive()));
        ds.assumptions = Some(a.clone());
        let opts = ReadOptions::new(a.valuation_date);
        // The files are read largest first, then taken in the order given.
        let tables: Vec<&Path> = paths
            .iter()
            .map(PathBuf::as_path)
            .filter(|p| !import::is_toml(p))
            .collect();
        let read = crate::progress::timed("read", || {
            import::read_files(&tables, &opts, Some(progress))
        });
        for (name, r) in read {
            let (bytes, found) = match r {
                Ok(x) => x,
                Err(e) => {
                    problems.push(Problem::file_error(
                        &name,
                        format!("cannot read the file: {e}"),
                    ));
                    continue;
                }
            };
            // A CSV file's text shows a problem's row; a workbook's messages name the cell.
            if !import::workbook::is_workbook(&bytes, &name) {
                sources.insert(name.clone(), bytes.clone());
            }
            // A CSV file holds one table; a workbook one per recognised sheet.
            problems.extend(found.notes);
            for read in found.tables {
                match read.result {
                    Ok(t) => {
                        problems.extend(t.warnings.iter().cloned());
                        let shown = match &t.sheet {
                            Some(s) => format!("{name} [{s}]"),
                            None => name.clone(),
                        };
                        files.retain(|(k, _)| *k != t.kind);
                        files.push((t.kind, shown));
                        ds.set_table(t);
                    }
                    Err(e) => problems.extend(e.problems),
                }
            }
        }
        problems.extend(crate::progress::timed("cross-check", || ds.cross_check()));
        Box::new(move |app: &mut PatvalApp, _: &egui::Context| {
            app.data.sources = sources;
            app.data.shown = None;
            let cancelled = problems.iter().any(|p| p.message == "cancelled");
            if !cancelled {
                app.set_dataset(ds, files, problems, assumptions_file);
            }
        })
    });
}

/// The files the data panel opens (its dialog's filter, and what a folder contributes).
pub const DATA_FILES: (&str, &[&str]) = (
    "CSV / Excel / WPS / TOML",
    &["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "ods", "toml"],
);

/// Each folder among `paths` becomes its data files, sorted by name.
fn expand_folders(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if !p.is_dir() {
            out.push(p);
            continue;
        }
        let mut inside: Vec<PathBuf> = std::fs::read_dir(&p)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|f| f.is_file() && super::file_dialog::has_extension(f, DATA_FILES.1))
            .collect();
        inside.sort();
        out.extend(inside);
    }
    out
}

fn is_case(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| n.eq_ignore_ascii_case(crate::import::CASE_FILE))
}

/// What a table was read from: a text file's encoding, or a workbook's sheet.
fn source_label(lang: super::Lang, e: import::SourceEncoding) -> &'static str {
    match e {
        import::SourceEncoding::Workbook => tr(lang, "workbook sheet"),
        other => other.label(),
    }
}

/// Files dropped on the window open like files from the dialog.
pub fn accept_dropped_files(app: &mut PatvalApp, ctx: &egui::Context) {
    let dropped: Vec<PathBuf> = ctx.input(|i| {
        i.raw
            .dropped_files
            .iter()
            .map(|f| f.path().to_path_buf())
            .filter(|p| !p.as_os_str().is_empty())
            .collect()
    });
    if !dropped.is_empty() {
        app.settings.panel = super::Panel::Data;
        open_files(app, ctx, dropped);
    }
}

/// Asks where to save the input template (in the window's language), then writes it.
fn save_template(app: &mut PatvalApp, ctx: &egui::Context) {
    let lang = match app.lang() {
        super::i18n::Lang::Zh => crate::report::ReportLang::Zh,
        super::i18n::Lang::En => crate::report::ReportLang::En,
    };
    let name = lang.pick("评估数据模板.xlsx", "patval-input-template.xlsx");
    match import::template::template_xlsx(lang) {
        Ok(bytes) => {
            let request = super::file_dialog::Request::save(("Excel", &["xlsx"]), name);
            super::file_dialog::save_bytes(app, ctx, request, bytes, |app, e| app.status = e);
        }
        Err(e) => app.status = e.to_string(),
    }
}

/// Asks for data files (the system's dialog, else the in-window one), then opens them.
fn pick_files(app: &mut PatvalApp, ctx: &egui::Context) {
    let mut request = super::file_dialog::Request::open(DATA_FILES);
    request.mode = super::file_dialog::Mode::OpenMany;
    super::file_dialog::pick(app, ctx, request, Box::new(open_files));
}

pub fn ui(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    let ctx = ui.ctx().clone();
    ui.heading(tr(lang, "Open data"));
    ui.horizontal(|ui| {
        if ui.button(tr(lang, "Open…")).clicked() {
            pick_files(app, &ctx);
        }
        if ui.button(tr(lang, "Load the sample case")).clicked() {
            app.load_sample(&ctx);
        }
        if ui
            .button(tr(lang, "Save the input template…"))
            .on_hover_text(tr(
                lang,
                "An Excel workbook with one sheet per table, notes on every header, drop-down lists and the sample case filled in",
            ))
            .clicked()
        {
            save_template(app, &ctx);
        }
        ui.add(
            egui::TextEdit::singleline(&mut app.data.typed)
                .hint_text("/path/to/portfolio.csv")
                .desired_width(360.0),
        );
        if ui.button(tr(lang, "Open")).clicked()
            || (ui.input(|i| i.key_pressed(egui::Key::Enter)) && !app.data.typed.trim().is_empty())
        {
            let p = PathBuf::from(app.data.typed.trim());
            app.data.typed.clear();
            open_files(app, &ctx, vec![p]);
        }
    });
    ui.weak(tr(
        lang,
        "Drop CSV files, an Excel/WPS workbook or TOML files here, or a folder to open a whole case; or open them with the buttons.",
    ));
    ui.add_space(8.0);
    egui::Grid::new("loaded")
        .striped(true)
        .num_columns(3)
        .show(ui, |ui| {
            let ds = app.loaded.dataset.clone();
            for kind in TableKind::ALL {
                let label = match kind {
                    TableKind::Portfolio => tr(lang, "Portfolio"),
                    TableKind::Forecasts => tr(lang, "Forecasts"),
                    TableKind::CostItems => tr(lang, "Cost items"),
                    TableKind::Comparables => tr(lang, "Comparables"),
                    TableKind::Parameters => tr(lang, "Parameters"),
                    TableKind::External => tr(lang, "External appraisal"),
                };
                ui.strong(label);
                match ds.as_ref().and_then(|d| d.table(kind)) {
                    Some(t) => {
                        let file = app
                            .loaded
                            .files
                            .iter()
                            .find(|(k, _)| *k == kind)
                            .map_or(t.file.clone(), |f| f.1.clone());
                        ui.label(file);
                        ui.label(format!(
                            "{} {}, {}",
                            t.df.height(),
                            tr(lang, "rows"),
                            source_label(lang, t.encoding)
                        ));
                    }
                    None => {
                        ui.weak(tr(lang, "not loaded"));
                        ui.label("");
                    }
                }
                ui.end_row();
            }
            ui.strong(tr(lang, "Assumptions file"));
            ui.label(app.loaded.assumptions_file.as_ref().map_or_else(
                || "sample_data/assumptions.toml".to_string(),
                |p| p.display().to_string(),
            ));
            ui.label(app.assumptions.as_ref().map_or(String::new(), |a| {
                format!("{} {}", tr(lang, "Valuation date"), a.valuation_date)
            }));
            ui.end_row();
        });
    ui.add_space(8.0);
    if !app.settings.recent.is_empty() {
        ui.collapsing(tr(lang, "Recent files"), |ui| {
            let mut open = None;
            for p in &app.settings.recent {
                if ui.link(p.display().to_string()).clicked() {
                    open = Some(p.clone());
                }
            }
            if let Some(p) = open {
                open_files(app, &ctx, vec![p]);
            }
        });
    }
    ui.separator();
    super::problem_list::ui(app, ui);
    if let Some(p) = app.data.shown.and_then(|i| app.loaded.problems.get(i)) {
        ui.separator();
        ui.strong(tr(lang, "Offending row"));
        // Only a text file's lines are kept (a workbook's messages name the cell).
        let line = p.row.and_then(|row| {
            let bytes = app.data.sources.get(&p.file)?;
            let text = import::encoding::decode(bytes).ok()?;
            let header = text.lines().next().map(str::to_string)?;
            let line = text
                .lines()
                .nth(row.saturating_sub(1))
                .map(str::to_string)?;
            Some((header, line))
        });
        match line {
            Some((header, line)) => {
                ui.monospace(format!("1: {header}"));
                ui.monospace(format!("{}: {line}", p.row.unwrap_or(0)));
            }
            None => {
                ui.weak(p.to_string());
            }
        }
    }
}
