//! Review panel: save the current valuation as a new report version; browse cases and versions;
//! compare two versions (inputs, assumptions, values); annotate a patent, an assumption or a
//! method, reply, resolve; give a verdict. Every store access runs off the UI thread; a store that
//! cannot be opened is reported here and the rest of the app works on.

use std::collections::BTreeMap;
use std::path::PathBuf;

use eframe::egui;

use super::{PatvalApp, tr};
use crate::store::review::{ANCHORS, ROLES, SEVERITIES, Thread, VERDICTS};
use crate::store::versions::StoredResults;
use crate::store::{AppraisalInfo, NewAppraisal, Review, Store, StoreError, VersionInfo};

/// A version with its reviews and annotations.
pub struct Detail {
    pub info: VersionInfo,
    pub results: StoredResults,
    pub reviews: Vec<Review>,
    pub threads: Vec<Thread>,
    pub blob_hashes: BTreeMap<String, String>,
    pub assumptions: BTreeMap<String, String>,
    pub parameters: crate::model::parameters::ParameterSet,
}

/// Review state.
pub struct ReviewState {
    pub cases: Vec<(AppraisalInfo, Vec<VersionInfo>)>,
    pub store_error: Option<String>,
    pub new_case: NewAppraisal,
    /// Save into this case (None: a new case).
    pub case: Option<String>,
    pub note: String,
    pub selected: Option<String>,
    pub compare: Option<String>,
    pub detail: Option<Detail>,
    pub other: Option<Detail>,
    pub anchor_kind: String,
    pub anchor: String,
    pub severity: String,
    pub comment: String,
    pub reply: BTreeMap<String, String>,
    pub verdict: String,
    pub verdict_comment: String,
    pub message: String,
}

impl Default for ReviewState {
    fn default() -> Self {
        Self {
            cases: Vec::new(),
            store_error: None,
            new_case: NewAppraisal {
                purpose: "专利权质押融资".into(),
                ..Default::default()
            },
            case: None,
            note: String::new(),
            selected: None,
            compare: None,
            detail: None,
            other: None,
            anchor_kind: "patent".into(),
            anchor: String::new(),
            severity: "minor".into(),
            comment: String::new(),
            reply: BTreeMap::new(),
            verdict: "approve".into(),
            verdict_comment: String::new(),
            message: String::new(),
        }
    }
}

pub(super) fn store_path(app: &PatvalApp) -> Option<PathBuf> {
    app.settings.store.clone()
}

/// Runs `f` on the store off the UI thread and applies its result.
fn with_store<T: Send + 'static>(
    app: &mut PatvalApp,
    ctx: &egui::Context,
    f: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    then: impl FnOnce(&mut PatvalApp, &egui::Context, T) + Send + 'static,
) {
    let Some(path) = store_path(app) else {
        app.review.store_error = Some("no store file chosen".into());
        return;
    };
    app.jobs.spawn(ctx, "store".into(), move |_| {
        let r = Store::open(&path).and_then(|mut s| f(&mut s));
        Box::new(move |app: &mut PatvalApp, ctx: &egui::Context| match r {
            Ok(v) => {
                app.review.store_error = None;
                then(app, ctx, v);
            }
            Err(e) => app.review.store_error = Some(e.to_string()),
        })
    });
}

/// Reloads the list of cases and the selected versions.
pub fn refresh(app: &mut PatvalApp, ctx: &egui::Context) {
    let selected = app.review.selected.clone();
    let compare = app.review.compare.clone();
    with_store(
        app,
        ctx,
        move |s| {
            let mut cases = Vec::new();
            for a in s.appraisals()? {
                let vs = s.versions(&a.id)?;
                cases.push((a, vs));
            }
            let d = selected.map(|id| detail(s, &id)).transpose()?;
            let o = compare.map(|id| detail(s, &id)).transpose()?;
            Ok((cases, d, o))
        },
        |app, _, (cases, d, o)| {
            app.review.cases = cases;
            app.review.detail = d;
            app.review.other = o;
        },
    );
}

fn detail(s: &Store, id: &str) -> Result<Detail, StoreError> {
    let data = s.load_version(id)?;
    let assumptions = data
        .blobs
        .get("assumptions.toml")
        .and_then(|b| std::str::from_utf8(b).ok())
        .and_then(|t| t.parse::<toml::Table>().ok())
        .map(|t| flatten(&t))
        .unwrap_or_default();
    Ok(Detail {
        results: s.results(id)?,
        reviews: s.reviews(id)?,
        threads: s.threads(id)?,
        blob_hashes: data
            .blobs
            .iter()
            .map(|(k, v)| (k.clone(), crate::store::sha256_hex(v)))
            .collect(),
        assumptions,
        parameters: data.parameter_set(),
        info: data.info,
    })
}

fn flatten(t: &toml::Table) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    fn walk(prefix: &str, v: &toml::Value, out: &mut BTreeMap<String, String>) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    walk(
                        &if prefix.is_empty() {
                            k.clone()
                        } else {
                            format!("{prefix}.{k}")
                        },
                        v,
                        out,
                    );
                }
            }
            other => {
                out.insert(prefix.to_string(), other.to_string());
            }
        }
    }
    for (k, v) in t {
        walk(k, v, &mut out);
    }
    out
}

pub fn ui(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    let ctx = ui.ctx().clone();
    egui::Panel::left("review-left")
        .resizable(true)
        .default_size(430.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("review-left-scroll")
                .show(ui, |ui| left(app, ui, &ctx));
        });
    egui::ScrollArea::vertical()
        .id_salt("review-right")
        .show(ui, |ui| right(app, ui, &ctx));
    let _ = lang;
}

fn left(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context) {
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
    ui.separator();
    ui.strong(tr(lang, "Store"));
    ui.horizontal(|ui| {
        ui.label(
            app.settings
                .store
                .as_ref()
                .map_or_else(|| "—".into(), |p| p.display().to_string()),
        );
        if ui.button(tr(lang, "Choose…")).clicked() {
            app.jobs.spawn(ctx, "dialog".into(), |_| {
                let picked = rfd::FileDialog::new()
                    .add_filter("patval store", &["sqlite3", "db"])
                    .set_file_name("store.sqlite3")
                    .save_file();
                Box::new(move |app: &mut PatvalApp, ctx: &egui::Context| {
                    if let Some(p) = picked {
                        app.settings.store = Some(p);
                        app.review.selected = None;
                        app.review.compare = None;
                        refresh(app, ctx);
                    }
                })
            });
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
    ui.separator();
    ui.strong(tr(lang, "Save as a new version"));
    egui::Grid::new("save").num_columns(2).show(ui, |ui| {
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
        if app.review.case.is_none() {
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
    ui.separator();
    ui.strong(tr(lang, "Cases and versions"));
    let mut select = None;
    let mut compare = None;
    for (a, vs) in &app.review.cases {
        ui.collapsing(format!("{} — {}", a.name, a.borrower), |ui| {
            for v in vs {
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
                        select = Some(v.id.clone());
                    }
                    if app.review.selected.is_some()
                        && !sel
                        && ui.small_button(tr(lang, "Compare with")).clicked()
                    {
                        compare = Some(v.id.clone());
                    }
                });
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

fn right(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context) {
    let lang = app.lang();
    let Some(d) = &app.review.detail else {
        ui.label(tr(lang, "Select a version."));
        return;
    };
    let s = &d.results.summary;
    ui.heading(format!(
        "v{} · {}",
        d.info.number,
        &d.info.fingerprint[..16]
    ));
    let version_for_export = d.info.id.clone();
    ui.label(format!(
        "{} {} · {} · {}",
        tr(lang, "Reconciled value"),
        app.money(s.reconciled),
        d.info.author,
        d.info.created_at
    ));
    if let Some(o) = &app.review.other {
        ui.separator();
        ui.strong(format!("{} v{}", tr(lang, "Compare with"), o.info.number));
        egui::Grid::new("cmp")
            .striped(true)
            .num_columns(3)
            .show(ui, |ui| {
                ui.label("");
                ui.strong(format!("v{}", d.info.number));
                ui.strong(format!("v{}", o.info.number));
                ui.end_row();
                ui.strong(tr(lang, "Inputs"));
                ui.end_row();
                let names: std::collections::BTreeSet<&String> =
                    d.blob_hashes.keys().chain(o.blob_hashes.keys()).collect();
                for n in names.into_iter().filter(|n| n.ends_with(".csv")) {
                    ui.label(n.as_str());
                    let same = d.blob_hashes.get(n) == o.blob_hashes.get(n);
                    ui.label(tr(lang, if same { "same" } else { "different" }));
                    ui.end_row();
                }
                ui.strong(tr(lang, "Assumptions"));
                ui.end_row();
                let keys: std::collections::BTreeSet<&String> =
                    d.assumptions.keys().chain(o.assumptions.keys()).collect();
                for k in keys {
                    let (a, b) = (d.assumptions.get(k), o.assumptions.get(k));
                    if a != b {
                        ui.label(k.as_str());
                        ui.label(a.map_or("—", String::as_str));
                        ui.label(b.map_or("—", String::as_str));
                        ui.end_row();
                    }
                }
                ui.strong(tr(lang, "Parameters"));
                ui.end_row();
                for c in crate::model::parameters::diff(&d.parameters, &o.parameters) {
                    ui.label(format!(
                        "{} {} {}",
                        tr(lang, scope_key(c.scope)),
                        c.target,
                        c.key
                    ));
                    ui.label(c.before.as_deref().unwrap_or("—"));
                    ui.label(format!(
                        "{} — {}: {}",
                        c.after.as_deref().unwrap_or("—"),
                        tr(lang, "Basis of the value"),
                        c.basis
                    ));
                    ui.end_row();
                }
                ui.strong(tr(lang, "Results"));
                ui.end_row();
                let os = &o.results.summary;
                for (label, x, y) in [
                    ("Cost approach", s.cost, os.cost),
                    ("Income approach", s.income, os.income),
                    ("Market approach", s.market, os.market),
                    ("Reconciled value", s.reconciled, os.reconciled),
                ] {
                    ui.label(tr(lang, label));
                    ui.label(app.money(x));
                    ui.label(format!(
                        "{} ({}{})",
                        app.money(y),
                        if y >= x { "+" } else { "" },
                        app.money(y - x)
                    ));
                    ui.end_row();
                }
                let mut changed: Vec<(String, f64)> = d
                    .results
                    .patents
                    .iter()
                    .filter_map(|p| {
                        let q = o
                            .results
                            .patents
                            .iter()
                            .find(|q| q.patent_no == p.patent_no)?;
                        let delta = q.reconciled.unwrap_or(0.0) - p.reconciled.unwrap_or(0.0);
                        (delta.abs() >= 0.005).then(|| (p.patent_no.clone(), delta))
                    })
                    .collect();
                changed.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
                for (no, delta) in changed.iter().take(10) {
                    ui.label(no);
                    ui.label(tr(lang, "Changed"));
                    ui.label(app.money(*delta));
                    ui.end_row();
                }
            });
    }
    ui.separator();
    ui.strong(tr(lang, "Reviews"));
    for r in &d.reviews {
        ui.label(format!(
            "{} ({}): {} — {}",
            r.reviewer,
            tr(lang, role_key(&r.role)),
            tr(lang, verdict_key(&r.verdict)),
            r.comment
        ));
    }
    let version_id = d.info.id.clone();
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
                version_id.clone(),
            );
            with_store(
                app,
                ctx,
                move |s| s.add_review(&vid, &who, &role, &verdict, &comment),
                |app, ctx, _| {
                    app.review.verdict_comment.clear();
                    refresh(app, ctx);
                },
            );
        }
    });
    ui.separator();
    super::export::ui(app, ui, ctx, version_for_export);
    ui.separator();
    annotations(app, ui, ctx, &version_id);
}

/// The phrase for a role code (`bank_valuer` reads "bank valuer").
fn role_key(r: &str) -> &'static str {
    match r {
        "bank_valuer" => "bank valuer",
        "expert" => "expert",
        _ => "analyst",
    }
}

fn verdict_key(v: &str) -> &'static str {
    VERDICTS.into_iter().find(|x| *x == v).unwrap_or("revise")
}

fn annotations(app: &mut PatvalApp, ui: &mut egui::Ui, ctx: &egui::Context, version_id: &str) {
    let lang = app.lang();
    ui.strong(tr(lang, "Annotations"));
    let threads: Vec<Thread> = app
        .review
        .detail
        .as_ref()
        .map(|d| d.threads.clone())
        .unwrap_or_default();
    for t in &threads {
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
            ui.horizontal(|ui| {
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
            });
        });
    }
    ui.add_space(6.0);
    ui.strong(tr(lang, "Add annotation"));
    egui::Grid::new("new-ann").num_columns(2).show(ui, |ui| {
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
    });
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

fn anchor_key(k: &str) -> &'static str {
    ANCHORS.into_iter().find(|x| *x == k).unwrap_or("version")
}

fn severity_key(s: &str) -> &'static str {
    SEVERITIES.into_iter().find(|x| *x == s).unwrap_or("minor")
}

/// The i18n key of a parameter scope.
fn scope_key(s: crate::model::parameters::ParamScope) -> &'static str {
    match s {
        crate::model::parameters::ParamScope::Portfolio => "Whole portfolio",
        crate::model::parameters::ParamScope::Group => "Asset group",
        crate::model::parameters::ParamScope::Patent => "Patent",
    }
}
