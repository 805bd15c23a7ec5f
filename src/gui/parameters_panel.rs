//! Parameters panel (参数及依据): the appraiser's workpapers. Pick an asset group or a patent, see
//! every parameter with its value, where it comes from (this scope, the group, the portfolio or
//! the assumptions file) and its basis; override a value with its basis, or remove an override.
//! Each edit re-values in the background; undo and redo step through the edits.

use eframe::egui;

use super::{PatvalApp, tr};
use crate::import::{ReadOptions, TableKind, read_table_bytes};
use crate::model::parameters::{KEYS, ParamEntry, ParamKey, ParamScope, ParameterSet};
use crate::valuation::parameters::{ResolvedParam, Resolver};

/// What is selected and being typed.
#[derive(Default)]
pub struct ParametersState {
    /// `None`: the portfolio; else the asset group, and the patent if one is picked.
    pub group: Option<String>,
    pub patent: Option<String>,
    /// The key being overridden, with the typed value, basis and source.
    pub editing: Option<(String, String, String, String)>,
    pub undo: Vec<ParameterSet>,
    pub redo: Vec<ParameterSet>,
    pub error: Option<String>,
    pub filter: String,
    /// The loaded data set's parameters, indexed, and the data set they came from (by address):
    /// parsed once per data set, not every frame.
    cache: Option<(usize, std::sync::Arc<Resolver>)>,
}

impl ParametersState {
    fn scope(&self) -> (ParamScope, String) {
        match (&self.group, &self.patent) {
            (_, Some(p)) => (ParamScope::Patent, p.clone()),
            (Some(g), None) => (ParamScope::Group, g.clone()),
            (None, None) => (ParamScope::Portfolio, String::new()),
        }
    }
}

/// The loaded data set's parameters table, indexed by scope (cached per data set).
fn resolver(app: &mut PatvalApp) -> std::sync::Arc<Resolver> {
    let key = app
        .loaded
        .dataset
        .as_ref()
        .map_or(0, |d| std::sync::Arc::as_ptr(d) as usize);
    match &app.parameters.cache {
        Some((k, r)) if *k == key => r.clone(),
        _ => {
            let r = std::sync::Arc::new(Resolver::new(current_set(app)));
            app.parameters.cache = Some((key, r.clone()));
            r
        }
    }
}

/// The parameters table of the loaded data set (empty without one).
pub fn current_set(app: &PatvalApp) -> ParameterSet {
    app.loaded
        .dataset
        .as_ref()
        .and_then(|d| d.parameter_set().ok())
        .unwrap_or_default()
}

/// Puts a new parameters table into the data set and re-values; the old one goes on the undo
/// stack unless this is an undo or redo.
pub fn replace_set(app: &mut PatvalApp, set: ParameterSet, record: bool) {
    let Some(ds) = app.loaded.dataset.clone() else {
        return;
    };
    let date = ds.assumptions.as_ref().map(|a| a.valuation_date);
    let opts = ReadOptions::new(date.unwrap_or_default());
    let mut next = (*ds).clone();
    if set.entries.is_empty() {
        next.parameters = None;
    } else {
        match read_table_bytes(
            TableKind::Parameters,
            &set.to_csv(),
            "parameters.csv",
            &opts,
            None,
        ) {
            Ok(t) => next.set_table(t),
            Err(e) => {
                app.parameters.error = Some(e.to_string());
                return;
            }
        }
    }
    if record {
        app.parameters.undo.push(current_set(app));
        app.parameters.redo.clear();
    }
    app.parameters.error = None;
    app.loaded.dataset = Some(std::sync::Arc::new(next));
    app.revalue_at = Some(std::time::Instant::now());
}

/// Steps back one edit.
pub fn undo(app: &mut PatvalApp) {
    if let Some(prev) = app.parameters.undo.pop() {
        let now = current_set(app);
        app.parameters.redo.push(now);
        replace_set(app, prev, false);
    }
}

/// Steps forward one undone edit.
pub fn redo(app: &mut PatvalApp) {
    if let Some(next) = app.parameters.redo.pop() {
        let now = current_set(app);
        app.parameters.undo.push(now);
        replace_set(app, next, false);
    }
}

pub fn ui(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    ui.heading(tr(lang, "Parameters and their basis"));
    ui.label(tr(
        lang,
        "A value set for a patent beats its asset group's, which beats the portfolio's and the assumptions file. Every override needs a basis.",
    ));
    let (undo_key, redo_key) = ui.input(|i| {
        let cmd = i.modifiers.command;
        (
            cmd && i.key_pressed(egui::Key::Z) && !i.modifiers.shift,
            cmd && (i.key_pressed(egui::Key::Y)
                || (i.modifiers.shift && i.key_pressed(egui::Key::Z))),
        )
    });
    ui.horizontal(|ui| {
        let u = ui.add_enabled(
            !app.parameters.undo.is_empty(),
            egui::Button::new(tr(lang, "Undo")),
        );
        let r = ui.add_enabled(
            !app.parameters.redo.is_empty(),
            egui::Button::new(tr(lang, "Redo")),
        );
        if u.clicked() || undo_key {
            undo(app);
        }
        if r.clicked() || redo_key {
            redo(app);
        }
        ui.label(format!(
            "{}: {}",
            tr(lang, "Rows in the parameters table"),
            resolver(app).set.entries.len()
        ));
    });
    if let Some(e) = &app.parameters.error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    ui.separator();
    egui::Panel::left("param_targets")
        .resizable(true)
        .default_size(260.0)
        .min_size(200.0)
        .show(ui, |ui| targets(app, ui));
    egui::CentralPanel::default().show(ui, |ui| grid(app, ui));
}

/// The list of scopes: the portfolio, each asset group and its patents.
fn targets(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    let Some(v) = app.valued.clone() else {
        ui.label(tr(lang, "No valuation yet"));
        return;
    };
    let e = &v.engine;
    ui.add(egui::TextEdit::singleline(&mut app.parameters.filter).hint_text(tr(lang, "Filter")));
    let st = &mut app.parameters;
    egui::ScrollArea::vertical().show(ui, |ui| {
        if ui
            .selectable_label(st.group.is_none(), tr(lang, "Whole portfolio"))
            .clicked()
        {
            st.group = None;
            st.patent = None;
            st.editing = None;
        }
        for (g, name) in e.inputs.group_names.iter().enumerate() {
            let picked = st.group.as_deref() == Some(name) && st.patent.is_none();
            if ui.selectable_label(picked, name.as_str()).clicked() {
                st.group = Some(name.clone());
                st.patent = None;
                st.editing = None;
            }
            if st.group.as_deref() != Some(name) && st.filter.is_empty() {
                continue;
            }
            for (i, p) in e.inputs.patents.iter().enumerate() {
                let no = &e.inputs.patent_nos[i];
                if p.group_name as usize != g || !no.contains(st.filter.trim()) {
                    continue;
                }
                let picked = st.patent.as_deref() == Some(no.as_str());
                if ui.selectable_label(picked, format!("    {no}")).clicked() {
                    st.group = Some(name.clone());
                    st.patent = Some(no.clone());
                    st.editing = None;
                }
            }
        }
    });
}

/// Where a resolved value comes from, as the grid shows it.
fn origin(lang: super::Lang, p: &ResolvedParam, here: ParamScope) -> String {
    let s = match p.scope.as_str() {
        "patent" => "Patent",
        "group" => "Asset group",
        "portfolio" => "Whole portfolio",
        _ => "Assumptions file",
    };
    if p.scope == here.code() {
        format!("{} ({})", tr(lang, s), tr(lang, "set here"))
    } else {
        format!("{} ({})", tr(lang, s), tr(lang, "inherited"))
    }
}

/// The parameter grid of the selected scope.
fn grid(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    let (true, Some(a)) = (app.loaded.dataset.is_some(), app.assumptions.clone()) else {
        return;
    };
    let resolver = resolver(app);
    let (scope, target) = app.parameters.scope();
    let group = app.parameters.group.clone().unwrap_or_default();
    let rows = resolver.explain(&a, &group, app.parameters.patent.as_deref(), true);
    ui.strong(match scope {
        ParamScope::Portfolio => tr(lang, "Whole portfolio").to_string(),
        _ => target.clone(),
    });
    let mut action: Option<Action> = None;
    editor(app, ui, &mut action);
    egui::ScrollArea::vertical().show(ui, |ui| {
        egui::Grid::new("param_grid")
            .striped(true)
            .num_columns(6)
            .show(ui, |ui| {
                for h in [
                    "Parameter",
                    "Value",
                    "From",
                    "Basis of the value",
                    "Source",
                    "",
                ] {
                    ui.strong(tr(lang, h));
                }
                ui.end_row();
                for p in &rows {
                    row(app, ui, p, scope, &mut action);
                    ui.end_row();
                }
            });
    });
    if let Some(act) = action {
        apply(app, resolver.set.clone(), scope, &target, act);
    }
}

enum Action {
    Edit(String),
    Remove(ParamKey),
    Set(ParamEntry),
}

fn row(
    app: &PatvalApp,
    ui: &mut egui::Ui,
    p: &ResolvedParam,
    scope: ParamScope,
    action: &mut Option<Action>,
) {
    let lang = app.lang();
    let label = if lang == super::Lang::Zh {
        p.label_zh.clone()
    } else {
        p.key.clone()
    };
    let doc = KEYS.iter().find(|k| k.code == p.key).map_or("", |k| k.doc);
    if ui
        .selectable_label(false, label)
        .on_hover_text(format!("{doc} — {}", tr(lang, "click to override")))
        .clicked()
    {
        *action = Some(Action::Edit(p.key.clone()));
    }
    let shown = match (lang, p.scope.as_str()) {
        (super::Lang::Zh, "assumptions") => crate::model::parameters::value_zh(&p.key, &p.value),
        _ => p.value.clone(),
    };
    let value = match &p.derivation {
        Some(d) => format!("{shown} — {d}"),
        None => shown,
    };
    ui.label(value);
    ui.label(origin(lang, p, scope));
    ui.label(&p.basis);
    ui.label(&p.source);
    ui.horizontal(|ui| {
        let here = p.scope == scope.code();
        if here
            && let Some(k) = ParamKey::parse(&p.key)
            && ui
                .button(tr(lang, "Remove"))
                .on_hover_text(format!("{} {}", tr(lang, "Remove"), p.key))
                .clicked()
        {
            *action = Some(Action::Remove(k));
        }
    });
}

/// The value, basis and source of the override being typed.
fn editor(app: &mut PatvalApp, ui: &mut egui::Ui, action: &mut Option<Action>) {
    let lang = app.lang();
    let (scope, target) = app.parameters.scope();
    let Some((key, value, basis, source)) = app.parameters.editing.as_mut() else {
        return;
    };
    ui.separator();
    ui.strong(format!("{} {key}", tr(lang, "Override")));
    egui::Grid::new("param_editor")
        .num_columns(2)
        .show(ui, |ui| {
            let l = ui.label(tr(lang, "Value"));
            ui.text_edit_singleline(value).labelled_by(l.id);
            ui.end_row();
            let l = ui.label(tr(lang, "Basis of the value"));
            ui.text_edit_singleline(basis).labelled_by(l.id);
            ui.end_row();
            let l = ui.label(tr(lang, "Source"));
            ui.text_edit_singleline(source).labelled_by(l.id);
            ui.end_row();
        });
    let apply = ui.button(tr(lang, "Apply")).clicked();
    if ui.button(tr(lang, "Cancel")).clicked() {
        app.parameters.editing = None;
        return;
    }
    if !apply {
        return;
    }
    let Some(k) = ParamKey::parse(key) else {
        return;
    };
    if basis.trim().is_empty() {
        app.parameters.error = Some(tr(lang, "Every override needs a basis.").into());
        return;
    }
    if let Some(why) = crate::import::parameters::scope_problem(scope, &k) {
        app.parameters.error = Some(why);
        return;
    }
    match crate::import::parameters::parse_value(&k, value) {
        Ok(v) => {
            *action = Some(Action::Set(ParamEntry {
                scope,
                target,
                key: k,
                value: v,
                text: value.trim().to_string(),
                basis: basis.trim().to_string(),
                source: source.trim().to_string(),
                row: 0,
            }))
        }
        Err(e) => app.parameters.error = Some(e),
    }
}

fn apply(app: &mut PatvalApp, mut set: ParameterSet, scope: ParamScope, target: &str, act: Action) {
    match act {
        Action::Edit(key) => {
            let existing = ParamKey::parse(&key).and_then(|k| set.get(scope, target, &k).cloned());
            app.parameters.editing = Some(match existing {
                Some(e) => (key, e.text, e.basis, e.source),
                None => (key, String::new(), String::new(), String::new()),
            });
            app.parameters.error = None;
        }
        Action::Remove(k) => {
            if set.remove(scope, target, &k) {
                replace_set(app, set, true);
            }
        }
        Action::Set(e) => {
            set.set(e);
            app.parameters.editing = None;
            replace_set(app, set, true);
        }
    }
}
