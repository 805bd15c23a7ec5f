//! Expert pool panel (专家库): the registry with each expert's keys, adding an expert, creating
//! a key on this machine (private key in the key folder, optionally sealed with a passphrase;
//! public key into the registry), and the review panels of the version selected in Review:
//! assign by the rule, see who has returned what, record the conclusion. Store work runs on a
//! job thread; the library does the work (`store::experts`, `store::keys`, `store::panels`) as
//! `patval experts|keys|panel` do (docs/store.md).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use eframe::egui;

use super::PatvalApp;
use super::i18n::Lang;
use super::review_panel::verdict_key;
use crate::store::experts::{KeyStatus, NewExpert, Registry, parse_list};
use crate::store::keys::{self, key_fingerprint};
use crate::store::panels::{Decision, PanelProgress, RuleWarning};
use crate::store::{Store, StoreError};

/// The add-expert form, as typed.
#[derive(Default, Clone)]
pub struct ExpertForm {
    pub name: String,
    pub institution: String,
    pub title: String,
    pub fields: String,
    pub conflict_institutions: String,
    pub conflict_borrowers: String,
}

/// Panel state.
pub struct ExpertsState {
    pub registry: Option<Arc<Registry>>,
    /// The registry's keys with their state, by public key (derived once per load).
    pub keys: Arc<BTreeMap<String, KeyStatus>>,
    pub form: ExpertForm,
    /// The key folder (default: keys/ in the user's config folder).
    pub key_dir: String,
    /// The passphrase that seals a new key and opens it to sign (empty: not sealed).
    pub passphrase: String,
    pub rule: Decision,
    pub size: usize,
    /// The panels of the version selected in Review, with their progress.
    pub panels: Arc<Vec<PanelProgress>>,
    /// Sign the recorded conclusion with the identity's key.
    pub sign: bool,
    pub message: String,
    pub error: Option<String>,
    /// The version `panels` belong to.
    pub loaded_for: Option<Option<String>>,
    /// The key being revoked (public key), awaiting the reason and confirmation.
    pub revoking: Option<String>,
    pub revoke_reason: String,
}

impl Default for ExpertsState {
    fn default() -> Self {
        Self {
            registry: None,
            keys: Arc::default(),
            form: ExpertForm::default(),
            key_dir: keys::default_key_dir().map_or(String::new(), |d| d.display().to_string()),
            passphrase: String::new(),
            rule: Decision::Majority,
            size: 3,
            panels: Arc::default(),
            sign: false,
            message: String::new(),
            error: None,
            loaded_for: None,
            revoking: None,
            revoke_reason: String::new(),
        }
    }
}

impl ExpertsState {
    pub fn key_dir(&self) -> PathBuf {
        PathBuf::from(self.key_dir.trim())
    }

    fn passphrase(&self) -> Option<String> {
        (!self.passphrase.is_empty()).then(|| self.passphrase.clone())
    }
}

/// What a store job hands back.
struct Loaded {
    registry: Registry,
    panels: Vec<PanelProgress>,
    message: String,
}

/// Runs `f` on the store on a job thread, then reloads the registry and the selected version's
/// panels.
fn job(
    app: &mut PatvalApp,
    ctx: &egui::Context,
    f: impl FnOnce(&mut Store) -> Result<String, StoreError> + Send + 'static,
) {
    let Some(path) = app.settings.store.clone() else {
        app.experts.error = Some("no store file chosen".into());
        return;
    };
    let version = app.review.selected.clone();
    app.experts.loaded_for = Some(version.clone());
    app.jobs.spawn(ctx, "experts".into(), move |_| {
        let r = Store::open(&path).and_then(|mut s| {
            let message = f(&mut s)?;
            let mut panels = Vec::new();
            if let Some(v) = &version {
                for p in s.panels(v)? {
                    panels.push(s.panel_progress(&p.id)?);
                }
            }
            Ok(Loaded {
                registry: s.registry()?,
                panels,
                message,
            })
        });
        Box::new(move |app: &mut PatvalApp, _: &egui::Context| match r {
            Ok(l) => {
                let e = &mut app.experts;
                e.keys = Arc::new(l.registry.key_states());
                e.registry = Some(Arc::new(l.registry));
                (e.panels, e.error) = (Arc::new(l.panels), None);
                if !l.message.is_empty() {
                    e.message = l.message;
                }
            }
            Err(e) => app.experts.error = Some(e.to_string()),
        })
    });
}

pub fn ui(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let ctx = ui.ctx().clone();
    let lang = app.lang();
    if app.experts.loaded_for.as_ref() != Some(&app.review.selected) && !app.jobs.busy("experts") {
        job(app, &ctx, |_| Ok(String::new()));
    }
    ui.heading(lang.pick("专家库与评审专家组", "Expert pool and review panels"));
    ui.weak(lang.pick(
        "专家的私钥只保存在本机密钥文件夹中，公钥登记在专家库；评审意见、批注及专家组结论以私钥签名，校验（verify）可发现签名后的任何改动。",
        "Private keys stay in this machine's key folder; public keys are in the registry. Reviews, annotations and panel conclusions are signed; verify finds any change made after signing.",
    ));
    if let Some(e) = &app.experts.error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    if !app.experts.message.is_empty() {
        ui.label(&app.experts.message);
    }
    egui::ScrollArea::vertical().show(ui, |ui| {
        registry_table(app, ui, &ctx);
        ui.separator();
        add_form(app, ui, &ctx);
        ui.separator();
        panels(app, ui, &ctx);
    });
}

/// A labelled single-line field.
fn field(ui: &mut egui::Ui, label: &str, text: &mut String, password: bool) {
    let l = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(text)
            .password(password)
            .desired_width(220.0),
    )
    .labelled_by(l.id);
}

fn registry_table(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context) {
    let lang = app.lang();
    ui.strong(lang.pick("专家库", "Registry"));
    ui.horizontal(|ui| {
        field(
            ui,
            lang.pick("密钥文件夹", "Key folder"),
            &mut app.experts.key_dir,
            false,
        );
        field(
            ui,
            lang.pick("密钥口令（可空）", "Key passphrase (optional)"),
            &mut app.experts.passphrase,
            true,
        );
    });
    let (Some(reg), states) = (app.experts.registry.clone(), app.experts.keys.clone()) else {
        ui.spinner();
        return;
    };
    if reg.experts.is_empty() {
        ui.weak(lang.pick("专家库中尚无专家。", "No experts in the pool yet."));
    }
    egui::Grid::new("experts_grid")
        .striped(true)
        .show(ui, |ui| {
            super::grid_header(
                ui,
                &[
                    lang.pick("姓名", "Name"),
                    lang.pick("单位", "Institution"),
                    lang.pick("职称", "Title"),
                    lang.pick("领域（IPC）", "Fields (IPC)"),
                    lang.pick("回避", "Conflicts"),
                    lang.pick("密钥", "Keys"),
                    "",
                ],
            );
            for e in &reg.experts {
                ui.label(&e.name);
                ui.label(&e.institution);
                ui.label(&e.title);
                ui.label(e.fields.join(", "));
                ui.label(
                    [
                        e.conflict_institutions.clone(),
                        e.conflict_borrowers.clone(),
                    ]
                    .concat()
                    .join(", "),
                );
                key_cells(
                    app,
                    ui,
                    lang,
                    states.values().filter(|k| k.expert_id == e.id),
                );
                let b = ui
                    .button(lang.pick("生成密钥", "Create key"))
                    .on_hover_text(&e.name);
                if b.clicked() {
                    create_key(app, ctx, e.id.clone(), e.name.clone());
                }
                ui.end_row();
            }
        });
    revoke_confirm(app, ui, ctx, &states);
}

/// An expert's keys, one per line, each active one with its Revoke button.
fn key_cells<'a>(
    app: &mut PatvalApp,
    ui: &mut egui::Ui,
    lang: Lang,
    keys: impl Iterator<Item = &'a KeyStatus>,
) {
    ui.vertical(|ui| {
        for k in keys {
            ui.horizontal(|ui| match &k.revoked_at {
                None => {
                    ui.label(format!("{} √", k.fingerprint));
                    let b = ui.small_button(lang.pick("吊销", "Revoke"));
                    if b.on_hover_text(&k.fingerprint).clicked() {
                        app.experts.revoking = Some(k.public_key.clone());
                    }
                }
                Some(t) => {
                    let when = t.get(..10).unwrap_or(t);
                    let what = lang.pick("吊销于", "revoked");
                    ui.label(format!("{} × {what} {when}", k.fingerprint));
                }
            });
        }
    });
}

/// Asks for the reason before a key is revoked; revocation is recorded and cannot be undone.
fn revoke_confirm(
    app: &mut PatvalApp,
    ui: &mut egui::Ui,
    ctx: &egui::Context,
    states: &BTreeMap<String, KeyStatus>,
) {
    let lang = app.lang();
    let Some(k) = app.experts.revoking.as_ref().and_then(|p| states.get(p)) else {
        return;
    };
    let (public, fp) = (k.public_key.clone(), k.fingerprint.clone());
    ui.colored_label(
        ui.visuals().warn_fg_color,
        match lang {
            Lang::Zh => format!("吊销密钥 {fp}：此后以该密钥所作的签名均不被承认，且不可撤回。"),
            Lang::En => format!(
                "Revoke key {fp}: signatures made with it from now on are refused; this cannot be undone."
            ),
        },
    );
    let author = app.settings.reviewer.trim().to_string();
    let no_author = author.is_empty();
    ui.horizontal(|ui| {
        let l = lang.pick("吊销原因", "Reason");
        field(ui, l, &mut app.experts.revoke_reason, false);
        let reason = app.experts.revoke_reason.trim().to_string();
        let ok = !reason.is_empty() && !no_author;
        let confirm = egui::Button::new(lang.pick("确认吊销", "Confirm revocation"));
        if ui.add_enabled(ok, confirm).clicked() {
            app.experts.revoking = None;
            app.experts.revoke_reason.clear();
            job(app, ctx, move |s| {
                s.revoke_key(&public, &reason, &author)?;
                Ok(match lang {
                    Lang::Zh => format!("密钥 {fp} 已吊销"),
                    Lang::En => format!("Key {fp} revoked"),
                })
            });
        }
        if ui.button(lang.pick("取消", "Cancel")).clicked() {
            app.experts.revoking = None;
        }
    });
    if no_author {
        ui.weak(lang.pick(
            "请先在评审面板填写您的姓名。",
            "Enter your name in the Review panel first.",
        ));
    }
}

/// A new key for the expert: the key file into the folder, the public key into the registry.
fn create_key(app: &mut PatvalApp, ctx: &egui::Context, id: String, name: String) {
    let lang = app.lang();
    let author = app.settings.reviewer.trim().to_string();
    let (dir, pass) = (app.experts.key_dir(), app.experts.passphrase());
    job(app, ctx, move |s| {
        let (path, signer) = keys::create_key(&dir, &id, pass.as_deref())?;
        let author = if author.is_empty() {
            name.clone()
        } else {
            author
        };
        s.register_key(&id, &signer.public_hex(), &author)?;
        let fp = key_fingerprint(&signer.public_hex());
        Ok(match lang {
            Lang::Zh => format!("已为{name}生成密钥 {fp}，私钥保存在 {}", path.display()),
            Lang::En => format!(
                "Key {fp} created for {name}; private key in {}",
                path.display()
            ),
        })
    });
}

fn add_form(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context) {
    let lang = app.lang();
    ui.strong(lang.pick("添加专家", "Add an expert"));
    let f = &mut app.experts.form;
    ui.horizontal(|ui| {
        field(ui, lang.pick("姓名", "Name"), &mut f.name, false);
        field(
            ui,
            lang.pick("单位", "Institution"),
            &mut f.institution,
            false,
        );
        field(ui, lang.pick("职称", "Title"), &mut f.title, false);
    });
    ui.horizontal(|ui| {
        let l = lang.pick("领域（IPC，逗号分隔）", "Fields (IPC, comma-separated)");
        field(ui, l, &mut f.fields, false);
        let l = lang.pick("回避单位", "Conflict institutions");
        field(ui, l, &mut f.conflict_institutions, false);
        let l = lang.pick("回避借款人", "Conflict borrowers");
        field(ui, l, &mut f.conflict_borrowers, false);
    });
    let author = app.settings.reviewer.trim().to_string();
    let ok = !app.experts.form.name.trim().is_empty() && !author.is_empty();
    let add = ui.add_enabled(ok, egui::Button::new(lang.pick("添加专家", "Add expert")));
    if author.is_empty() {
        ui.weak(lang.pick(
            "请先在评审面板填写您的姓名。",
            "Enter your name in the Review panel first.",
        ));
    }
    if add.clicked() {
        let f = std::mem::take(&mut app.experts.form);
        let e = NewExpert {
            name: f.name,
            institution: f.institution,
            title: f.title,
            fields: parse_list(&f.fields),
            conflict_institutions: parse_list(&f.conflict_institutions),
            conflict_borrowers: parse_list(&f.conflict_borrowers),
            ..NewExpert::default()
        };
        job(app, ctx, move |s| {
            s.add_expert(&e, &author).map(|x| x.name + " √")
        });
    }
}

fn panels(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context) {
    let lang = app.lang();
    ui.strong(lang.pick("评审专家组", "Review panels"));
    let Some(version) = app.review.selected.clone() else {
        ui.weak(lang.pick(
            "请先在评审面板选择一个报告版本。",
            "Select a report version in the Review panel first.",
        ));
        return;
    };
    ui.horizontal(|ui| {
        ui.label(lang.pick("结论规则", "Rule"));
        for d in Decision::ALL {
            let label = lang.pick(d.label_zh(), d.key());
            ui.radio_value(&mut app.experts.rule, d, label);
        }
        let l = ui.label(lang.pick("人数", "Members"));
        ui.add(egui::DragValue::new(&mut app.experts.size).range(1..=15))
            .labelled_by(l.id);
        if ui
            .button(lang.pick("按规则组建", "Assign by rule"))
            .clicked()
        {
            let (rule, size, author) = (
                app.experts.rule,
                app.experts.size,
                app.settings.reviewer.clone(),
            );
            job(app, ctx, move |s| {
                s.assign_panel(&version, rule, size, &[], None, &author)
                    .map(|_| String::new())
            });
        }
    });
    for p in app.experts.panels.clone().iter() {
        panel_progress(app, ui, ctx, p);
    }
}

fn panel_progress(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context, p: &PanelProgress) {
    let lang = app.lang();
    ui.separator();
    let rule = lang.pick(p.panel.rule.label_zh(), p.panel.rule.key());
    ui.label(format!(
        "{rule} · {} · {}",
        p.panel.members.len(),
        &p.panel.created_at[..16]
    ));
    egui::Grid::new(("panel", &p.panel.id))
        .striped(true)
        .show(ui, |ui| {
            for m in &p.members {
                let chair = if m.chair {
                    lang.pick("（组长）", " (chair)")
                } else {
                    ""
                };
                ui.label(format!("{}{chair}", m.name));
                let v = m
                    .verdict
                    .as_deref()
                    .map(|v| super::tr(lang, verdict_key(v)));
                ui.label(v.unwrap_or(lang.pick("未返回", "not returned")));
                ui.label(format!(
                    "{} {}",
                    m.annotations,
                    lang.pick("条签名批注", "signed annotations")
                ));
                ui.end_row();
            }
        });
    for w in &p.panel.warnings {
        let w = RuleWarning::localise(w, lang == Lang::Zh);
        ui.colored_label(ui.visuals().warn_fg_color, w);
    }
    match &p.outcome {
        Ok(v) => {
            let v = super::tr(lang, verdict_key(v));
            ui.label(format!(
                "{}{v}",
                lang.pick("按规则结论：", "Conclusion under the rule: ")
            ));
            ui.horizontal(|ui| {
                ui.checkbox(
                    &mut app.experts.sign,
                    lang.pick("以我的密钥签名", "Sign with my key"),
                );
                if ui
                    .button(lang.pick("记录结论", "Record conclusion"))
                    .clicked()
                {
                    record(app, ctx, p.panel.id.clone());
                }
            });
        }
        Err(why) => {
            let why = match lang {
                Lang::Zh => why.zh(),
                Lang::En => why.to_string(),
            };
            ui.weak(format!(
                "{}{why}",
                lang.pick("尚无结论：", "No conclusion yet: ")
            ));
        }
    }
}

fn record(app: &mut PatvalApp, ctx: &egui::Context, panel: String) {
    let lang = app.lang();
    let author = app.settings.reviewer.trim().to_string();
    let sign = app.experts.sign;
    let (dir, pass) = (app.experts.key_dir(), app.experts.passphrase());
    job(app, ctx, move |s| {
        let signer = if sign {
            let e = s.resolve_expert(&author)?;
            Some(keys::find_signer(
                &s.registry()?,
                &e.id,
                &dir,
                pass.as_deref(),
            )?)
        } else {
            None
        };
        s.record_conclusion(&panel, &author, signer.as_ref())
            .map(|c| {
                let v = super::tr(lang, verdict_key(&c.verdict));
                format!("{v} {}", if signer.is_some() { "√" } else { "" })
            })
    });
}
