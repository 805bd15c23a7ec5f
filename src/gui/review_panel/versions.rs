//! The review panel's left side: who reviews, which store, saving the current valuation as a new
//! version (of a new or an existing case), and the list of cases and versions to select and
//! compare.

use eframe::egui;

use super::{refresh, role_key, with_store};
use crate::gui::{PatvalApp, tr};
use crate::store::VersionInfo;
use crate::store::review::ROLES;

/// The left side, top to bottom.
pub(super) fn ui(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context) {
    reviewer(app, ui);
    ui.separator();
    store(app, ui, ctx);
    ui.separator();
    save_form(app, ui, ctx);
    ui.separator();
    cases(app, ui, ctx);
}

/// Name and role of the reviewer.
fn reviewer(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    ui.strong(tr(lang, "Reviewer"));
    ui.weak(tr(
        lang,
        "Enter your name and role once; they are remembered.",
    ));
    egui::Grid::new("who").num_columns(2).show(ui, |ui| {
        let l = ui.label(tr(lang, "Name"));
        ui.text_edit_singleline(&mut app.settings.reviewer)
            .labelled_by(l.id);
        ui.end_row();
        ui.label(tr(lang, "Role"));
        ui.horizontal(|ui| {
            for r in ROLES {
                ui.radio_value(&mut app.settings.role, r.to_string(), tr(lang, role_key(r)));
            }
        });
        ui.end_row();
    });
}

/// The store file: its path, choose another, refresh, and why it cannot be opened.
fn store(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context) {
    let lang = app.lang();
    ui.strong(tr(lang, "Store"));
    ui.horizontal(|ui| {
        ui.label(
            app.settings
                .store
                .as_ref()
                .map_or_else(|| "—".into(), |p| p.display().to_string()),
        );
        if ui.button(tr(lang, "Choose…")).clicked() {
            let request = crate::gui::file_dialog::Request::save(
                ("patval store", &["sqlite3", "db"]),
                "store.sqlite3",
            );
            crate::gui::file_dialog::pick(
                app,
                ctx,
                request,
                Box::new(|app, ctx, paths| {
                    if let Some(p) = paths.into_iter().next() {
                        app.settings.store = Some(p);
                        app.review.selected = None;
                        app.review.compare = None;
                        refresh(app, ctx);
                    }
                }),
            );
        }
        if ui.button(tr(lang, "Refresh")).clicked() {
            refresh(app, ctx);
        }
    });
    if let Some(e) = &app.review.store_error {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!("{}: {e}", tr(lang, "The store cannot be opened")),
        );
    }
}

/// "Save as a new version": the case, its facts when new, the note, the button (or Ctrl+S) and
/// what the last save said.
fn save_form(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context) {
    let lang = app.lang();
    ui.strong(tr(lang, "Save as a new version"));
    egui::Grid::new("save").num_columns(2).show(ui, |ui| {
        case_choice(app, ui);
        if app.review.case.is_none() {
            new_case_fields(app, ui);
        }
        let l = ui.label(tr(lang, "Version note"));
        ui.text_edit_singleline(&mut app.review.note)
            .labelled_by(l.id);
        ui.end_row();
    });
    let can_save =
        app.valued.is_some() && !app.jobs.busy("value") && !app.settings.reviewer.trim().is_empty();
    if ui
        .add_enabled(
            can_save,
            egui::Button::new(tr(lang, "Save as a new version")),
        )
        .on_hover_text("Ctrl+S")
        .clicked()
        || (can_save && ui.input(|i| i.modifiers.command && i.key_pressed(egui::Key::S)))
    {
        save(app, ctx);
    }
    if !app.review.message.is_empty() {
        ui.label(&app.review.message);
    }
}

/// The grid row choosing the case to save into (or a new one).
fn case_choice(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    let cl = ui.label(tr(lang, "Case"));
    let current = app
        .review
        .case
        .as_ref()
        .and_then(|id| app.review.cases.iter().find(|(a, _)| &a.id == id))
        .map_or_else(|| tr(lang, "New case").to_string(), |(a, _)| a.name.clone());
    let combo = egui::ComboBox::from_id_salt("case")
        .selected_text(current)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut app.review.case, None, tr(lang, "New case"));
            for (a, _) in &app.review.cases {
                ui.selectable_value(&mut app.review.case, Some(a.id.clone()), &a.name);
            }
        });
    combo.response.labelled_by(cl.id);
    ui.end_row();
}

/// The grid rows with the facts of a new case.
fn new_case_fields(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    let n = &mut app.review.new_case;
    for (label, field) in [
        ("Case name", &mut n.name),
        ("Borrower", &mut n.borrower),
        ("Appraiser", &mut n.appraiser),
        ("Firm", &mut n.firm),
    ] {
        let l = ui.label(tr(lang, label));
        ui.text_edit_singleline(field).labelled_by(l.id);
        ui.end_row();
    }
}

/// Saves the current valuation as a new version (creating the case first when it is new), then
/// selects it.
fn save(app: &mut PatvalApp, ctx: &egui::Context) {
    let (Some(v), Some(ds)) = (app.valued.clone(), app.loaded.dataset.clone()) else {
        return;
    };
    let author = app.settings.reviewer.trim().to_string();
    let case = app.review.case.clone();
    let new_case = app.review.new_case.clone();
    let note = app.review.note.clone();
    with_store(
        app,
        ctx,
        move |s| {
            let app_id = match case {
                Some(id) => id,
                None => {
                    s.create_appraisal(
                        &new_case,
                        &v.assumptions.valuation_date.to_string(),
                        &author,
                    )?
                    .id
                }
            };
            let mut dataset = (*ds).clone();
            dataset.assumptions = Some(v.assumptions.clone());
            s.save_version(
                &app_id,
                &author,
                &note,
                &dataset,
                &v.assumptions,
                v.engine.methods,
                &v.engine,
                &v.valuation,
            )
        },
        |app, ctx, info| {
            app.review.message = format!(
                "{} v{} · {}",
                tr(app.lang(), "Saved version"),
                info.number,
                &info.fingerprint[..16]
            );
            app.review.case = Some(info.appraisal_id.clone());
            app.review.selected = Some(info.id);
            app.review.note.clear();
            refresh(app, ctx);
        },
    );
}

/// "Cases and versions": one collapsible block per case; selecting a version shows it, "Compare
/// with" sets the second one.
fn cases(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context) {
    let lang = app.lang();
    ui.strong(tr(lang, "Cases and versions"));
    let mut select = None;
    let mut compare = None;
    for (a, vs) in &app.review.cases {
        ui.collapsing(format!("{} — {}", a.name, a.borrower), |ui| {
            for v in vs {
                version_row(app, ui, v, &mut select, &mut compare);
            }
        });
    }
    if let Some(id) = select {
        app.review.selected = Some(id);
        app.review.compare = None;
        app.review.other = None;
        refresh(app, ctx);
    }
    if let Some(id) = compare {
        app.review.compare = Some(id);
        refresh(app, ctx);
    }
}

/// One version in the list: its label (click to select) and "Compare with".
fn version_row(
    app: &PatvalApp,
    ui: &mut egui::Ui,
    v: &VersionInfo,
    select: &mut Option<String>,
    compare: &mut Option<String>,
) {
    let lang = app.lang();
    ui.horizontal(|ui| {
        let sel = app.review.selected.as_deref() == Some(v.id.as_str());
        if ui
            .selectable_label(
                sel,
                format!(
                    "v{} {} {}",
                    v.number,
                    &v.created_at[..16.min(v.created_at.len())],
                    v.note
                ),
            )
            .clicked()
        {
            *select = Some(v.id.clone());
        }
        if app.review.selected.is_some()
            && !sel
            && ui.small_button(tr(lang, "Compare with")).clicked()
        {
            *compare = Some(v.id.clone());
        }
    });
}
