//! Review panel: save the current valuation as a new report version; browse cases and versions;
//! compare two versions (inputs, assumptions, values); annotate a patent, an assumption or a
//! method, reply, resolve; give a verdict. Every store access runs off the UI thread; a store that
//! cannot be opened is reported here and the rest of the app works on.
//!
//! This file holds the state, the store access, the panel's layout and the phrase keys; the parts
//! live in `versions.rs` (reviewer, store, save, the list of cases and versions), `detail.rs` (the
//! selected version, its reviews and the verdict), `compare.rs` (two versions side by side) and
//! `annotations.rs` (threads and the form for a new one).

mod annotations;
mod compare;
mod detail;
mod versions;

use std::collections::BTreeMap;
use std::path::PathBuf;

use eframe::egui;

use super::PatvalApp;
use crate::store::review::{ANCHORS, SEVERITIES, Thread, VERDICTS};
use crate::store::versions::StoredResults;
use crate::store::{AppraisalInfo, NewAppraisal, Review, Store, StoreError, VersionInfo};

/// A version with its reviews and annotations.
pub struct Detail {
    pub info: VersionInfo,
    pub results: StoredResults,
    pub reviews: Vec<Review>,
    /// Each review's signatures, checked (review id → signatures).
    pub signatures: BTreeMap<String, Vec<crate::store::signature::SignatureView>>,
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
    /// Sign the verdict with the key of the pool's expert named as the identity.
    pub sign: bool,
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
            sign: false,
            message: String::new(),
        }
    }
}

pub(super) fn store_path(app: &PatvalApp) -> Option<PathBuf> {
    app.settings.store.clone()
}

/// Runs `f` on the store off the UI thread and applies its result.
pub(crate) fn with_store<T: Send + 'static>(
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
            let d = selected.map(|id| load_detail(s, &id)).transpose()?;
            let o = compare.map(|id| load_detail(s, &id)).transpose()?;
            Ok((cases, d, o))
        },
        |app, _, (cases, d, o)| {
            app.review.cases = cases;
            app.review.detail = d;
            app.review.other = o;
        },
    );
}

fn load_detail(s: &Store, id: &str) -> Result<Detail, StoreError> {
    let data = s.load_version(id)?;
    let assumptions = data
        .blobs
        .get("assumptions.toml")
        .and_then(|b| std::str::from_utf8(b).ok())
        .and_then(|t| t.parse::<toml::Table>().ok())
        .map(|t| flatten(&t))
        .unwrap_or_default();
    let reviews = s.reviews(id)?;
    let signatures = s.review_signatures(&reviews)?;
    Ok(Detail {
        results: s.results(id)?,
        reviews,
        signatures,
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
    let ctx = ui.ctx().clone();
    egui::Panel::left("review-left")
        .resizable(true)
        .default_size(430.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("review-left-scroll")
                .show(ui, |ui| versions::ui(app, ui, &ctx));
        });
    egui::ScrollArea::vertical()
        .id_salt("review-right")
        .show(ui, |ui| detail::ui(app, ui, &ctx));
}

/// The phrase for a role code (`bank_valuer` reads "bank valuer").
fn role_key(r: &str) -> &'static str {
    match r {
        "bank_valuer" => "bank valuer",
        "expert" => "expert",
        _ => "analyst",
    }
}

pub(crate) fn verdict_key(v: &str) -> &'static str {
    VERDICTS.into_iter().find(|x| *x == v).unwrap_or("revise")
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
