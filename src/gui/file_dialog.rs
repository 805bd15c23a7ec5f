//! Choosing a file. The system's dialog runs on its own thread when the desktop can show one;
//! where it cannot (no xdg desktop portal, no session bus, no desktop at all, or
//! `PATVAL_FILE_DIALOG=builtin`), a dialog drawn in the window opens instead. A system dialog
//! that returns nothing at once is taken as one that could not be shown: the in-window dialog
//! opens in its place and is used from then on. Every panel asks through [`pick`].

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use eframe::egui;

use super::PatvalApp;
use super::i18n::tr;

/// What to do with the chosen paths (on the UI thread).
pub type OnPick = Box<dyn FnOnce(&mut PatvalApp, &egui::Context, Vec<PathBuf>) + Send>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Open,
    OpenMany,
    Save,
}

/// A request for a file: the mode, a filter (name and extensions) and, to save, a file name.
#[derive(Debug, Clone)]
pub struct Request {
    pub mode: Mode,
    pub filter: (&'static str, &'static [&'static str]),
    pub file_name: String,
    pub dir: Option<PathBuf>,
}

impl Request {
    pub fn open(filter: (&'static str, &'static [&'static str])) -> Self {
        Request {
            mode: Mode::Open,
            filter,
            file_name: String::new(),
            dir: None,
        }
    }

    pub fn save(filter: (&'static str, &'static [&'static str]), file_name: &str) -> Self {
        Request {
            mode: Mode::Save,
            file_name: file_name.into(),
            ..Request::open(filter)
        }
    }
}

/// The dialog drawn in the window.
#[derive(Default)]
pub struct FileDialogState {
    /// The system dialog cannot be shown here; the in-window one is used.
    pub native_unavailable: bool,
    /// The folder the in-window dialog opens in: the last one a file was chosen from (else the
    /// working folder).
    pub folder: Option<PathBuf>,
    open: Option<InWindow>,
}

struct InWindow {
    request: Request,
    on_pick: Option<OnPick>,
    dir: PathBuf,
    typed_dir: String,
    /// Sub-folders, then the files the filter lets through, each sorted by name.
    entries: Vec<(String, bool)>,
    selected: Vec<String>,
    name: String,
    error: Option<String>,
}

impl FileDialogState {
    /// Whether the in-window dialog is showing.
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    fn show(&mut self, request: Request, on_pick: OnPick) {
        let dir = request
            .dir
            .clone()
            .or_else(|| self.folder.clone())
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("/"));
        let mut w = InWindow {
            name: request.file_name.clone(),
            request,
            on_pick: Some(on_pick),
            typed_dir: String::new(),
            dir,
            entries: Vec::new(),
            selected: Vec::new(),
            error: None,
        };
        w.list();
        self.open = Some(w);
    }
}

/// Whether the file's extension is one of `exts` (any case).
pub fn has_extension(path: &Path, exts: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Asks where to save `text` and writes it there: the path goes to the status line, a failure
/// to `on_error`.
pub fn save_text(
    app: &mut PatvalApp,
    ctx: &egui::Context,
    request: Request,
    text: String,
    on_error: fn(&mut PatvalApp, String),
) {
    save_bytes(app, ctx, request, text.into_bytes(), on_error);
}

/// Asks for a file name, then writes `bytes` to it; a failure goes to `on_error`.
pub fn save_bytes(
    app: &mut PatvalApp,
    ctx: &egui::Context,
    request: Request,
    bytes: Vec<u8>,
    on_error: fn(&mut PatvalApp, String),
) {
    pick(
        app,
        ctx,
        request,
        Box::new(move |app, _, paths| {
            if let Some(p) = paths.into_iter().next() {
                match crate::files::write_bytes_replacing(&p, bytes) {
                    Ok(()) => app.status = p.display().to_string(),
                    Err(e) => on_error(app, format!("{}: {e}", p.display())),
                }
            }
        }),
    );
}

/// Whether a system dialog can be tried at all.
fn native_possible() -> bool {
    if std::env::var("PATVAL_FILE_DIALOG").is_ok_and(|v| v == "builtin") {
        return false;
    }
    // On Linux the dialog goes through the desktop portal on the session bus.
    !cfg!(target_os = "linux") || std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
}

/// Asks for a file, by the system's dialog or the in-window one; `on_pick` gets the paths.
pub fn pick(app: &mut PatvalApp, ctx: &egui::Context, request: Request, on_pick: OnPick) {
    if app.files.native_unavailable || !native_possible() {
        app.files.native_unavailable = true;
        app.files.show(request, on_pick);
        return;
    }
    app.jobs.spawn(ctx, "dialog".into(), move |_| {
        let started = Instant::now();
        let picked = native(&request);
        let at_once = started.elapsed() < Duration::from_millis(300);
        Box::new(move |app: &mut PatvalApp, ctx: &egui::Context| {
            if !picked.is_empty() {
                on_pick(app, ctx, picked);
            } else if at_once {
                // Nothing shown (no portal): the in-window dialog from now on.
                app.files.native_unavailable = true;
                app.files.show(request, on_pick);
            }
        })
    });
}

fn native(r: &Request) -> Vec<PathBuf> {
    let mut d = rfd::FileDialog::new().add_filter(r.filter.0, r.filter.1);
    if let Some(dir) = &r.dir {
        d = d.set_directory(dir);
    }
    match r.mode {
        Mode::Open => d.pick_file().into_iter().collect(),
        Mode::OpenMany => d.pick_files().unwrap_or_default(),
        Mode::Save => d
            .set_file_name(&r.file_name)
            .save_file()
            .into_iter()
            .collect(),
    }
}

impl InWindow {
    /// Reads the folder; an unreadable one is said in the dialog.
    fn list(&mut self) {
        self.entries.clear();
        self.selected.clear();
        self.typed_dir = self.dir.display().to_string();
        let read = match std::fs::read_dir(&self.dir) {
            Ok(r) => r,
            Err(e) => {
                self.error = Some(format!("{}: {e}", self.dir.display()));
                return;
            }
        };
        self.error = None;
        let exts = self.request.filter.1;
        for entry in read.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if name.starts_with('.') {
                continue;
            }
            let is_dir = entry.path().is_dir();
            if is_dir || has_extension(Path::new(&name), exts) {
                self.entries.push((name, is_dir));
            }
        }
        self.entries
            .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    }

    fn go(&mut self, dir: PathBuf) {
        self.dir = dir;
        self.list();
    }

    /// The paths the dialog would give now.
    fn chosen(&self) -> Vec<PathBuf> {
        match self.request.mode {
            Mode::Save if !self.name.trim().is_empty() => vec![self.dir.join(self.name.trim())],
            Mode::Save => Vec::new(),
            _ => self.selected.iter().map(|n| self.dir.join(n)).collect(),
        }
    }
}

/// Draws the in-window dialog when it is open; a choice calls the request's `on_pick`.
pub fn ui(app: &mut PatvalApp, ctx: &egui::Context) {
    let lang = app.lang();
    let Some(w) = app.files.open.as_mut() else {
        return;
    };
    let title = match w.request.mode {
        Mode::Save => tr(lang, "Save as"),
        _ => tr(lang, "Open file"),
    };
    let mut done: Option<Vec<PathBuf>> = None;
    let mut cancel = false;
    egui::Window::new(title)
        .id(egui::Id::unique("patval-file-dialog"))
        .collapsible(false)
        .resizable(true)
        .default_size([560.0, 420.0])
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            folder_row(ui, w, lang);
            entries(ui, w, &mut done);
            if w.request.mode == Mode::Save {
                ui.horizontal(|ui| {
                    ui.label(tr(lang, "File name"));
                    ui.text_edit_singleline(&mut w.name);
                });
            }
            if let Some(e) = &w.error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            ui.horizontal(|ui| {
                let ok = match w.request.mode {
                    Mode::Save => tr(lang, "Save"),
                    _ => tr(lang, "Open"),
                };
                let chosen = w.chosen();
                if ui
                    .add_enabled(!chosen.is_empty(), egui::Button::new(ok))
                    .clicked()
                {
                    done = Some(chosen);
                }
                if w.request.mode == Mode::OpenMany
                    && ui.button(tr(lang, "Open this folder")).clicked()
                {
                    done = Some(vec![w.dir.clone()]);
                }
                if ui.button(tr(lang, "Cancel")).clicked() {
                    cancel = true;
                }
            });
        });
    if cancel {
        app.files.open = None;
    } else if let Some(paths) = done
        && let Some(mut w) = app.files.open.take()
        && let Some(on_pick) = w.on_pick.take()
    {
        app.files.folder = Some(w.dir);
        on_pick(app, ctx, paths);
    }
}

/// The folder: typed or reached by "up" and by clicking sub-folders.
fn folder_row(ui: &mut egui::Ui, w: &mut InWindow, lang: super::i18n::Lang) {
    ui.horizontal(|ui| {
        if ui.button(tr(lang, "Up")).clicked()
            && let Some(parent) = w.dir.parent()
        {
            let parent = parent.to_path_buf();
            w.go(parent);
        }
        let r = ui.add(egui::TextEdit::singleline(&mut w.typed_dir).desired_width(420.0));
        if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            let dir = PathBuf::from(w.typed_dir.trim());
            w.go(dir);
        }
    });
}

/// Sub-folders and files; a double click on a file chooses it.
fn entries(ui: &mut egui::Ui, w: &mut InWindow, done: &mut Option<Vec<PathBuf>>) {
    let mut go = None;
    egui::ScrollArea::vertical()
        .max_height(260.0)
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for (name, is_dir) in &w.entries {
                let label = if *is_dir {
                    format!("{name}/")
                } else {
                    name.clone()
                };
                let on = w.selected.contains(name);
                let r = ui.selectable_label(on, label);
                if *is_dir {
                    if r.clicked() {
                        go = Some(w.dir.join(name));
                    }
                    continue;
                }
                if r.clicked() {
                    match w.request.mode {
                        Mode::OpenMany if on => w.selected.retain(|n| n != name),
                        Mode::OpenMany => w.selected.push(name.clone()),
                        Mode::Open => w.selected = vec![name.clone()],
                        Mode::Save => w.name = name.clone(),
                    }
                }
                if r.double_clicked() && w.request.mode != Mode::Save {
                    *done = Some(vec![w.dir.join(name)]);
                }
            }
        });
    if let Some(dir) = go {
        w.go(dir);
    }
}
