//! The review panel's right side: the selected version (number, fingerprint, value, author), the
//! comparison with a second version, its reviews and the form to give a verdict, then export and
//! annotations.

use eframe::egui;

use super::{Detail, annotations, compare, refresh, role_key, verdict_key, with_store};
use crate::gui::{PatvalApp, tr};
use crate::store::keys;
use crate::store::review::VERDICTS;
use crate::store::signature::{SigStatus, SignatureView};

/// The right side, top to bottom; a hint when no version is selected.
pub(super) fn ui(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context) {
    let lang = app.lang();
    let Some(d) = &app.review.detail else {
        ui.label(tr(lang, "Select a version."));
        return;
    };
    header(app, ui, d);
    let version_for_export = d.info.id.clone();
    if let Some(o) = &app.review.other {
        ui.separator();
        ui.strong(format!("{} v{}", tr(lang, "Compare with"), o.info.number));
        compare::grid(app, ui, d, o);
    }
    ui.separator();
    reviews(app, ui, d);
    let version_id = d.info.id.clone();
    verdict(app, ui, ctx, &version_id);
    ui.separator();
    crate::gui::export::ui(app, ui, ctx, version_for_export);
    ui.separator();
    annotations::ui(app, ui, ctx, &version_id);
}

/// The heading (number and fingerprint) and the line with value, author and time.
fn header(app: &PatvalApp, ui: &mut egui::Ui, d: &Detail) {
    let lang = app.lang();
    let s = &d.results.summary;
    ui.heading(format!(
        "v{} · {}",
        d.info.number,
        &d.info.fingerprint[..16]
    ));
    ui.label(format!(
        "{} {} · {} · {}",
        tr(lang, "Reconciled value"),
        app.money(s.reconciled),
        d.info.author,
        d.info.created_at
    ));
}

/// The reviews given so far.
fn reviews(app: &PatvalApp, ui: &mut egui::Ui, d: &Detail) {
    let lang = app.lang();
    ui.strong(tr(lang, "Reviews"));
    for r in &d.reviews {
        ui.horizontal(|ui| {
            ui.label(format!(
                "{} ({}): {} — {}",
                r.reviewer,
                tr(lang, role_key(&r.role)),
                tr(lang, verdict_key(&r.verdict)),
                r.comment
            ));
            signature_label(app, ui, d.signatures.get(&r.id).map_or(&[], Vec::as_slice));
        });
    }
}

/// "√ 签名有效 · 王专家 · 3f2a 91c0 …", a problem in red, or "unsigned" greyed.
fn signature_label(app: &PatvalApp, ui: &mut egui::Ui, sigs: &[SignatureView]) {
    let lang = app.lang();
    if sigs.is_empty() {
        ui.weak(lang.pick("未签名", "unsigned"));
    }
    for s in sigs {
        let status = lang.pick(s.status.label_zh(), s.status.label_en());
        let key = lang.pick("密钥", "key");
        let text = format!("{status} · {} · {key} {}", s.signer, s.key_fingerprint);
        if s.status == SigStatus::Valid {
            ui.colored_label(egui::Color32::from_rgb(60, 160, 90), format!("√ {text}"));
        } else {
            ui.colored_label(ui.visuals().error_fg_color, format!("× {text}"));
        }
    }
}

/// The verdict, its comment and "Give verdict".
fn verdict(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context, version_id: &str) {
    let lang = app.lang();
    ui.horizontal(|ui| {
        ui.label(tr(lang, "Verdict"));
        for v in VERDICTS {
            ui.radio_value(
                &mut app.review.verdict,
                v.to_string(),
                tr(lang, verdict_key(v)),
            );
        }
    });
    ui.checkbox(
        &mut app.review.sign,
        lang.pick(
            "以专家库中同名专家的密钥签名（口令见专家库面板）",
            "Sign with the key of the pool's expert of my name (passphrase: Expert pool panel)",
        ),
    );
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut app.review.verdict_comment)
                .hint_text(tr(lang, "Comment"))
                .desired_width(360.0),
        );
        let ok = !app.settings.reviewer.trim().is_empty();
        if ui
            .add_enabled(ok, egui::Button::new(tr(lang, "Give verdict")))
            .clicked()
        {
            let (who, role, verdict, comment, vid) = (
                app.settings.reviewer.clone(),
                app.settings.role.clone(),
                app.review.verdict.clone(),
                app.review.verdict_comment.clone(),
                version_id.to_string(),
            );
            let sign = app.review.sign;
            let (dir, pass) = (app.experts.key_dir(), app.experts.passphrase.clone());
            with_store(
                app,
                ctx,
                move |s| {
                    let signer = if sign {
                        let e = s.resolve_expert(&who)?;
                        let pass = (!pass.is_empty()).then_some(pass.as_str());
                        Some(keys::find_signer(&s.registry()?, &e.id, &dir, pass)?)
                    } else {
                        None
                    };
                    s.add_review_as(&vid, &who, &role, &verdict, &comment, signer.as_ref())
                },
                |app, ctx, _| {
                    app.review.verdict_comment.clear();
                    refresh(app, ctx);
                },
            );
        }
    });
}
