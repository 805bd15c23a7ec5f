//! Review packages: a self-contained JSON file with one version (its blobs included) and its
//! reviews, annotations and events, for experts who review offline. Importing merges by stable
//! ids: new rows are added, identical rows are skipped, and a row whose id exists with different
//! content is kept as a recorded conflict, never dropped.

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::experts::Registry;
use super::review::{
    Annotation, AnnotationEvent, Review, insert_annotation, insert_event, insert_review,
};
use super::signature::{
    SigStatus, SignatureRecord, check, insert as insert_signature, signatures_of,
};
use super::versions::{AppraisalInfo, VersionInfo, fingerprint, insert_appraisal, insert_version};
use super::{Store, StoreError, audit, new_id, now, row_hash};

pub const FORMAT: &str = "patval-review-package";
pub const FORMAT_VERSION: u32 = 1;

/// The file's content.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Package {
    pub format: String,
    pub format_version: u32,
    pub exported_at: String,
    pub appraisal: AppraisalInfo,
    pub version: VersionInfo,
    /// Blob name → base64 content.
    pub blobs: BTreeMap<String, String>,
    pub reviews: Vec<Review>,
    pub annotations: Vec<Annotation>,
    pub events: Vec<AnnotationEvent>,
    /// The signatures of those reviews, annotations and events (none in packages written
    /// before signatures).
    #[serde(default)]
    pub signatures: Vec<SignatureRecord>,
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MergeReport {
    pub version_id: String,
    /// The version itself was new to this store.
    pub version_added: bool,
    pub reviews_added: usize,
    pub annotations_added: usize,
    pub events_added: usize,
    /// Rows already here, identical.
    pub duplicates: usize,
    /// Rows whose id is here with different content, each described.
    pub conflicts: Vec<String>,
    pub signatures_added: usize,
    /// Rows not imported because their signature is forged or made with a revoked key.
    pub refused: Vec<String>,
    /// Rows imported whose signing key this store's registry does not list, each named.
    pub unknown_keys: Vec<String>,
}

impl Store {
    /// Writes a review package of a version.
    pub fn export_review(&self, version_id: &str, out: &Path) -> Result<Package, StoreError> {
        let data = self.load_version(version_id)?;
        let appraisal = self.appraisal(&data.info.appraisal_id)?;
        let threads = self.threads(version_id)?;
        let reviews = self.reviews(version_id)?;
        let rows = reviews
            .iter()
            .map(|r| ("review", &r.id))
            .chain(threads.iter().flat_map(|t| {
                let events = t.events.iter().map(|e| ("annotation_event", &e.id));
                std::iter::once(("annotation", &t.annotation.id)).chain(events)
            }));
        let mut signatures = Vec::new();
        for (entity, id) in rows {
            signatures.extend(signatures_of(self.conn(), entity, id)?);
        }
        let pkg = Package {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            exported_at: now(),
            appraisal,
            version: data.info.clone(),
            blobs: data
                .blobs
                .iter()
                .map(|(k, v)| (k.clone(), B64.encode(v)))
                .collect(),
            reviews,
            annotations: threads.iter().map(|t| t.annotation.clone()).collect(),
            events: threads.iter().flat_map(|t| t.events.clone()).collect(),
            signatures,
        };
        let text = serde_json::to_string_pretty(&pkg)?;
        crate::files::write_bytes_replacing(out, text).map_err(|e| StoreError::Package {
            path: out.display().to_string(),
            message: e.to_string(),
        })?;
        Ok(pkg)
    }

    /// Merges a review package into this store.
    pub fn import_review(&mut self, path: &Path, actor: &str) -> Result<MergeReport, StoreError> {
        let shown = path.display().to_string();
        let bad = |message: String| StoreError::Package {
            path: shown.clone(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot read: {e}")))?;
        let pkg: Package =
            serde_json::from_str(&text).map_err(|e| bad(format!("not a review package: {e}")))?;
        if pkg.format != FORMAT {
            return Err(bad(format!(
                "not a review package (format \"{}\")",
                pkg.format
            )));
        }
        if pkg.format_version > FORMAT_VERSION {
            return Err(bad(format!(
                "written by a newer patval (package format {})",
                pkg.format_version
            )));
        }
        let mut blobs = BTreeMap::new();
        for (k, v) in &pkg.blobs {
            blobs.insert(
                k.clone(),
                B64.decode(v).map_err(|e| bad(format!("blob {k}: {e}")))?,
            );
        }
        if fingerprint(&pkg.version, &blobs) != pkg.version.fingerprint {
            return Err(bad(format!(
                "version {} does not match its fingerprint: the package was altered",
                pkg.version.id
            )));
        }
        if row_hash(&pkg.appraisal.fields()).is_empty() {
            return Err(bad("empty appraisal".into()));
        }
        let source = shown.clone();
        let registry = self.registry()?;
        let fp = pkg.version.fingerprint.clone();
        let sigs = &pkg.signatures;
        self.write(|tx| {
            let mut rep = MergeReport { version_id: pkg.version.id.clone(), ..Default::default() };
            let conflict = |tx: &rusqlite::Transaction<'_>, entity: &str, id: &str, local: String, incoming: String, rep: &mut MergeReport| -> Result<(), StoreError> {
                let cid = new_id();
                let at = now();
                tx.execute(
                    "INSERT INTO conflicts (id, entity, entity_id, local_json, incoming_json, source, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![cid, entity, id, local, incoming, source, at],
                )?;
                let fields = [cid.as_str(), entity, id, &local, &incoming, &source, &at];
                audit::append(tx, actor, "conflict", "conflict", &cid, &row_hash(&fields))?;
                rep.conflicts.push(format!("{entity} {id}: the package's copy differs from this store's; both are kept (see `patval show`)"));
                Ok(())
            };
            // Appraisal and version.
            let local_app = audit::current_payload(tx, "appraisal", &pkg.appraisal.id)?;
            match local_app {
                None => {
                    insert_appraisal(tx, &pkg.appraisal)?;
                    audit::append(tx, actor, "import", "appraisal", &pkg.appraisal.id, &row_hash(&pkg.appraisal.fields()))?;
                }
                Some(h) if h == row_hash(&pkg.appraisal.fields()) => {}
                Some(_) => {
                    return Err(StoreError::Package {
                        path: source.clone(),
                        message: format!("appraisal {} differs from this store's copy", pkg.appraisal.id),
                    });
                }
            }
            match audit::current_payload(tx, "version", &pkg.version.id)? {
                None => {
                    insert_version(tx, &pkg.version, &blobs)?;
                    audit::append(tx, actor, "import", "version", &pkg.version.id, &pkg.version.fingerprint)?;
                    rep.version_added = true;
                }
                Some(fp) if fp == pkg.version.fingerprint => {}
                Some(fp) => {
                    return Err(StoreError::Package {
                        path: source.clone(),
                        message: format!("version {} here has fingerprint {fp}, the package's is {}", pkg.version.id, pkg.version.fingerprint),
                    });
                }
            }
            for r in &pkg.reviews {
                if r.version_id != pkg.version.id {
                    continue;
                }
                let Some(ok) = admit(sigs, "review", &r.id, &r.fields(), &fp, &registry, &mut rep) else {
                    continue;
                };
                match audit::current_payload(tx, "review", &r.id)? {
                    None => {
                        insert_review(tx, r)?;
                        audit::append(tx, actor, "import", "review", &r.id, &row_hash(&r.fields()))?;
                        store_signatures(tx, &ok, actor, &mut rep)?;
                        rep.reviews_added += 1;
                    }
                    Some(h) if h == row_hash(&r.fields()) => {
                        rep.duplicates += 1;
                        store_signatures(tx, &ok, actor, &mut rep)?;
                    }
                    Some(_) => {
                        let local = local_json(tx, "reviews", &r.id)?;
                        conflict(tx, "review", &r.id, local, serde_json::to_string(r)?, &mut rep)?;
                    }
                }
            }
            let mut known_annotations = std::collections::HashSet::new();
            for a in &pkg.annotations {
                if a.version_id != pkg.version.id {
                    continue;
                }
                let Some(ok) = admit(sigs, "annotation", &a.id, &a.fields(), &fp, &registry, &mut rep) else {
                    continue;
                };
                match audit::current_payload(tx, "annotation", &a.id)? {
                    None => {
                        insert_annotation(tx, a)?;
                        audit::append(tx, actor, "import", "annotation", &a.id, &row_hash(&a.fields()))?;
                        store_signatures(tx, &ok, actor, &mut rep)?;
                        rep.annotations_added += 1;
                        known_annotations.insert(a.id.clone());
                    }
                    Some(h) if h == row_hash(&a.fields()) => {
                        rep.duplicates += 1;
                        store_signatures(tx, &ok, actor, &mut rep)?;
                        known_annotations.insert(a.id.clone());
                    }
                    Some(_) => {
                        let local = local_json(tx, "annotations", &a.id)?;
                        conflict(tx, "annotation", &a.id, local, serde_json::to_string(a)?, &mut rep)?;
                        known_annotations.insert(a.id.clone());
                    }
                }
            }
            for e in &pkg.events {
                if !known_annotations.contains(&e.annotation_id) {
                    continue;
                }
                let Some(ok) = admit(sigs, "annotation_event", &e.id, &e.fields(), &fp, &registry, &mut rep) else {
                    continue;
                };
                match audit::current_payload(tx, "annotation_event", &e.id)? {
                    None => {
                        insert_event(tx, e)?;
                        audit::append(tx, actor, "import", "annotation_event", &e.id, &row_hash(&e.fields()))?;
                        store_signatures(tx, &ok, actor, &mut rep)?;
                        rep.events_added += 1;
                    }
                    Some(h) if h == row_hash(&e.fields()) => {
                        rep.duplicates += 1;
                        store_signatures(tx, &ok, actor, &mut rep)?;
                    }
                    Some(_) => {
                        let local = local_json(tx, "annotation_events", &e.id)?;
                        conflict(tx, "annotation_event", &e.id, local, serde_json::to_string(e)?, &mut rep)?;
                    }
                }
            }
            Ok(rep)
        })
    }
}

/// The package's signatures of one row checked against this store's registry: `None` when the
/// row is refused (a forged signature, or one made with a revoked key; the reason is recorded),
/// else the signatures to keep with it (an unknown key is kept and named).
#[allow(clippy::too_many_arguments)]
fn admit<'a>(
    sigs: &'a [SignatureRecord],
    entity: &str,
    id: &str,
    fields: &[&str],
    fingerprint: &str,
    registry: &Registry,
    rep: &mut MergeReport,
) -> Option<Vec<&'a SignatureRecord>> {
    let content = (
        fields.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        fingerprint.to_string(),
    );
    let mine: Vec<&SignatureRecord> = sigs
        .iter()
        .filter(|s| s.entity == entity && s.entity_id == id)
        .collect();
    for s in &mine {
        let fp = s.key_fingerprint();
        match check(s, Some(&content), registry) {
            SigStatus::Valid => {}
            SigStatus::UnknownKey => rep.unknown_keys.push(format!(
                "{entity} {id}: signed with key {fp}, which this store's expert registry does not list for expert {}",
                s.expert_id
            )),
            SigStatus::Forged => {
                rep.refused.push(format!(
                    "{entity} {id}: its signature (key {fp}) does not match its content; not imported"
                ));
                return None;
            }
            SigStatus::RevokedKey { revoked_at } => {
                rep.refused.push(format!(
                    "{entity} {id}: signed at {} with key {fp}, revoked at {revoked_at}; not imported",
                    s.signed_at
                ));
                return None;
            }
        }
    }
    Some(mine)
}

/// Stores a row's signatures (already here, identical: skipped).
fn store_signatures(
    tx: &rusqlite::Transaction<'_>,
    sigs: &[&SignatureRecord],
    actor: &str,
    rep: &mut MergeReport,
) -> Result<(), StoreError> {
    for s in sigs {
        if audit::current_payload(tx, "signature", &s.id)?.is_some() {
            continue;
        }
        insert_signature(tx, s)?;
        let h = super::fields_hash(&s.fields_row());
        audit::append(tx, actor, "import", "signature", &s.id, &h)?;
        rep.signatures_added += 1;
    }
    Ok(())
}

/// A row as JSON (all columns), for the conflict record.
fn local_json(tx: &rusqlite::Transaction<'_>, table: &str, id: &str) -> Result<String, StoreError> {
    let mut stmt = tx.prepare(&format!("SELECT * FROM {table} WHERE id = ?1"))?;
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let row = stmt.query_row([id], |r| {
        let mut m = serde_json::Map::new();
        for (i, n) in names.iter().enumerate() {
            let v: Option<String> = r.get(i).ok();
            m.insert(
                n.clone(),
                v.map_or(serde_json::Value::Null, serde_json::Value::String),
            );
        }
        Ok(serde_json::Value::Object(m))
    })?;
    Ok(row.to_string())
}
