//! Annotations of the selected version: each thread (status, anchor, severity, author, comment,
//! replies) with reply, resolve and reopen; and the form to add an annotation to a patent, an
//! assumption, a method or the whole version.

use eframe::egui;

use super::{anchor_key, refresh, role_key, severity_key, with_store};
use crate::gui::{PatvalApp, tr};
use crate::store::review::{ANCHORS, SEVERITIES, Thread};

/// The threads, then "Add annotation".
pub(super) fn ui(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context, version_id: &str) {
    let lang = app.lang();
    ui.strong(tr(lang, "Annotations"));
    let threads: Vec<Thread> = app
        .review
        .detail
        .as_ref()
        .map(|d| d.threads.clone())
        .unwrap_or_default();
    for t in &threads {
        thread(app, ui, ctx, t);
    }
    ui.add_space(6.0);
    ui.strong(tr(lang, "Add annotation"));
    egui::Grid::new("new-ann")
        .num_columns(2)
        .show(ui, |ui| new_annotation_fields(app, ui));
    add_button(app, ui, ctx, version_id);
}

/// One thread in a frame.
fn thread(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context, t: &Thread) {
    let lang = app.lang();
    let a = &t.annotation;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.strong(format!(
                "[{}]",
                tr(
                    lang,
                    if t.status == "resolved" {
                        "resolved"
                    } else {
                        "open"
                    }
                )
            ));
            ui.label(format!(
                "{} {} · {} · {} ({})",
                tr(lang, anchor_key(&a.anchor_kind)),
                a.anchor,
                tr(lang, severity_key(&a.severity)),
                a.author,
                tr(lang, role_key(&a.role))
            ));
        });
        ui.label(&a.comment);
        for e in &t.events {
            ui.weak(format!("  {} — {}: {}", e.author, e.kind, e.text));
        }
        ui.horizontal(|ui| thread_actions(app, ui, ctx, t));
    });
}

/// The reply field, "Reply" and "Resolve" (or "Reopen") of a thread.
fn thread_actions(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context, t: &Thread) {
    let lang = app.lang();
    let a = &t.annotation;
    let text = app.review.reply.entry(a.id.clone()).or_default();
    ui.add(
        egui::TextEdit::singleline(text)
            .desired_width(280.0)
            .hint_text(tr(lang, "Reply")),
    );
    let who = app.settings.reviewer.clone();
    let ok = !who.trim().is_empty();
    let mut action = None;
    if ui
        .add_enabled(
            ok && !text.trim().is_empty(),
            egui::Button::new(tr(lang, "Reply")),
        )
        .clicked()
    {
        action = Some("reply");
    }
    let toggle = if t.status == "resolved" {
        "reopen"
    } else {
        "resolve"
    };
    if ui
        .add_enabled(
            ok,
            egui::Button::new(tr(
                lang,
                if toggle == "resolve" {
                    "Resolve"
                } else {
                    "Reopen"
                },
            )),
        )
        .clicked()
    {
        action = Some(toggle);
    }
    if let Some(kind) = action {
        let text = std::mem::take(text);
        let id = a.id.clone();
        with_store(
            app,
            ctx,
            move |s| s.add_event(&id, kind, &who, &text),
            |app, ctx, _| refresh(app, ctx),
        );
    }
}

/// The grid rows of a new annotation: anchor kind, anchor, severity, comment.
fn new_annotation_fields(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    ui.label(tr(lang, "Anchor"));
    ui.horizontal(|ui| {
        for k in ANCHORS {
            ui.radio_value(
                &mut app.review.anchor_kind,
                k.to_string(),
                tr(lang, anchor_key(k)),
            );
        }
    });
    ui.end_row();
    if app.review.anchor_kind != "version" {
        ui.label("");
        let hint = match app.review.anchor_kind.as_str() {
            "patent" => app
                .results
                .trace
                .as_ref()
                .map_or("CN…".to_string(), |(_, t)| t.patent_no.clone()),
            "assumption" => "discount.market_risk".into(),
            _ => "income".into(),
        };
        ui.add(egui::TextEdit::singleline(&mut app.review.anchor).hint_text(hint));
        ui.end_row();
    }
    ui.label(tr(lang, "Severity"));
    ui.horizontal(|ui| {
        for s in SEVERITIES {
            ui.radio_value(
                &mut app.review.severity,
                s.to_string(),
                tr(lang, severity_key(s)),
            );
        }
    });
    ui.end_row();
    let l = ui.label(tr(lang, "Comment"));
    ui.add(egui::TextEdit::multiline(&mut app.review.comment).desired_rows(2))
        .labelled_by(l.id);
    ui.end_row();
}

/// "Add annotation": a patent anchor left empty means the patent shown in the trace.
fn add_button(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context, version_id: &str) {
    let lang = app.lang();
    let ok = !app.settings.reviewer.trim().is_empty() && !app.review.comment.trim().is_empty();
    if ui
        .add_enabled(ok, egui::Button::new(tr(lang, "Add annotation")))
        .clicked()
    {
        let r = &app.review;
        let anchor = if r.anchor.trim().is_empty() && r.anchor_kind == "patent" {
            app.results
                .trace
                .as_ref()
                .map(|(_, t)| t.patent_no.clone())
                .unwrap_or_default()
        } else {
            r.anchor.trim().to_string()
        };
        let (vid, kind, sev, comment, who, role) = (
            version_id.to_string(),
            r.anchor_kind.clone(),
            r.severity.clone(),
            r.comment.clone(),
            app.settings.reviewer.clone(),
            app.settings.role.clone(),
        );
        with_store(
            app,
            ctx,
            move |s| s.add_annotation(&vid, &kind, &anchor, &sev, &comment, &who, &role),
            |app, ctx, _| {
                app.review.comment.clear();
                app.review.anchor.clear();
                refresh(app, ctx);
            },
        );
    }
}
