//! Reviews (a verdict per reviewer and version) and annotations (anchored to a version and to a
//! patent, an assumption, a method or the whole version) with replies and resolve/reopen events.

use rusqlite::{Transaction, params};
use serde::{Deserialize, Serialize};

use super::keys::Signer;
use super::signed_review::sign_if;
use super::{Store, StoreError, audit, new_id, now, row_hash};

/// Who reviews.
pub const ROLES: [&str; 3] = ["analyst", "bank_valuer", "expert"];
/// Verdicts.
pub const VERDICTS: [&str; 3] = ["approve", "revise", "reject"];
/// What an annotation is anchored to.
pub const ANCHORS: [&str; 4] = ["patent", "assumption", "method", "version"];
/// Severities.
pub const SEVERITIES: [&str; 3] = ["info", "minor", "major"];

fn one_of(what: &str, v: &str, allowed: &[&str]) -> Result<(), StoreError> {
    if allowed.contains(&v) {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "{what} \"{v}\" is not one of {}",
            allowed.join(", ")
        )))
    }
}

fn required(what: &str, v: &str) -> Result<(), StoreError> {
    if v.trim().is_empty() {
        Err(StoreError::Invalid(format!("the {what} is required")))
    } else {
        Ok(())
    }
}

/// A review of a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub id: String,
    pub version_id: String,
    pub reviewer: String,
    pub role: String,
    pub verdict: String,
    pub comment: String,
    pub created_at: String,
}

impl Review {
    pub fn fields(&self) -> [&str; 7] {
        [
            &self.id,
            &self.version_id,
            &self.reviewer,
            &self.role,
            &self.verdict,
            &self.comment,
            &self.created_at,
        ]
    }
}

/// An annotation, with its status derived from its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    pub id: String,
    pub version_id: String,
    pub anchor_kind: String,
    pub anchor: String,
    pub severity: String,
    pub comment: String,
    pub author: String,
    pub role: String,
    pub created_at: String,
}

impl Annotation {
    pub fn fields(&self) -> [&str; 9] {
        [
            &self.id,
            &self.version_id,
            &self.anchor_kind,
            &self.anchor,
            &self.severity,
            &self.comment,
            &self.author,
            &self.role,
            &self.created_at,
        ]
    }
}

/// A reply to an annotation, or a change of its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnotationEvent {
    pub id: String,
    pub annotation_id: String,
    /// `reply`, `resolve` or `reopen`.
    pub kind: String,
    pub author: String,
    pub text: String,
    pub created_at: String,
}

impl AnnotationEvent {
    pub fn fields(&self) -> [&str; 6] {
        [
            &self.id,
            &self.annotation_id,
            &self.kind,
            &self.author,
            &self.text,
            &self.created_at,
        ]
    }
}

/// An annotation with its thread.
#[derive(Debug, Clone, Serialize)]
pub struct Thread {
    pub annotation: Annotation,
    pub events: Vec<AnnotationEvent>,
    /// `open` or `resolved`.
    pub status: String,
}

pub(crate) fn insert_review(tx: &Transaction<'_>, r: &Review) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO reviews (id, version_id, reviewer, role, verdict, comment, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![r.id, r.version_id, r.reviewer, r.role, r.verdict, r.comment, r.created_at],
    )?;
    Ok(())
}

pub(crate) fn insert_annotation(tx: &Transaction<'_>, a: &Annotation) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO annotations (id, version_id, anchor_kind, anchor, severity, comment, author, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![a.id, a.version_id, a.anchor_kind, a.anchor, a.severity, a.comment, a.author, a.role, a.created_at],
    )?;
    Ok(())
}

pub(crate) fn insert_event(tx: &Transaction<'_>, e: &AnnotationEvent) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO annotation_events (id, annotation_id, kind, author, text, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![e.id, e.annotation_id, e.kind, e.author, e.text, e.created_at],
    )?;
    Ok(())
}

impl Store {
    /// Records a reviewer's verdict on a version (unsigned).
    pub fn add_review(
        &mut self,
        version_id: &str,
        reviewer: &str,
        role: &str,
        verdict: &str,
        comment: &str,
    ) -> Result<Review, StoreError> {
        self.add_review_as(version_id, reviewer, role, verdict, comment, None)
    }

    /// Records a verdict, signed by `signer` when given (in the same transaction).
    pub fn add_review_as(
        &mut self,
        version_id: &str,
        reviewer: &str,
        role: &str,
        verdict: &str,
        comment: &str,
        signer: Option<&Signer>,
    ) -> Result<Review, StoreError> {
        let registry = self.signing_registry(signer, reviewer)?;
        required("reviewer's name", reviewer)?;
        one_of("role", role, &ROLES)?;
        one_of("verdict", verdict, &VERDICTS)?;
        self.version(version_id)?;
        let r = Review {
            id: new_id(),
            version_id: version_id.into(),
            reviewer: reviewer.trim().into(),
            role: role.into(),
            verdict: verdict.into(),
            comment: comment.trim().into(),
            created_at: now(),
        };
        self.write(|tx| {
            insert_review(tx, &r)?;
            audit::append(
                tx,
                &r.reviewer,
                "review",
                "review",
                &r.id,
                &row_hash(&r.fields()),
            )?;
            sign_if(tx, "review", &r.id, signer, &registry)
        })?;
        Ok(r)
    }

    /// Adds an annotation to a version (unsigned).
    #[allow(clippy::too_many_arguments)]
    pub fn add_annotation(
        &mut self,
        version_id: &str,
        anchor_kind: &str,
        anchor: &str,
        severity: &str,
        comment: &str,
        author: &str,
        role: &str,
    ) -> Result<Annotation, StoreError> {
        let a = (anchor_kind, anchor, severity, comment);
        self.add_annotation_as(version_id, a, author, role, None)
    }

    /// Adds an annotation `(anchor kind, anchor, severity, comment)`, signed when a signer is
    /// given.
    pub fn add_annotation_as(
        &mut self,
        version_id: &str,
        (anchor_kind, anchor, severity, comment): (&str, &str, &str, &str),
        author: &str,
        role: &str,
        signer: Option<&Signer>,
    ) -> Result<Annotation, StoreError> {
        let registry = self.signing_registry(signer, author)?;
        one_of("anchor", anchor_kind, &ANCHORS)?;
        one_of("severity", severity, &SEVERITIES)?;
        one_of("role", role, &ROLES)?;
        required("author", author)?;
        required("comment", comment)?;
        self.version(version_id)?;
        let a = Annotation {
            id: new_id(),
            version_id: version_id.into(),
            anchor_kind: anchor_kind.into(),
            anchor: anchor.trim().into(),
            severity: severity.into(),
            comment: comment.trim().into(),
            author: author.trim().into(),
            role: role.into(),
            created_at: now(),
        };
        self.write(|tx| {
            insert_annotation(tx, &a)?;
            audit::append(
                tx,
                &a.author,
                "annotate",
                "annotation",
                &a.id,
                &row_hash(&a.fields()),
            )?;
            sign_if(tx, "annotation", &a.id, signer, &registry)
        })?;
        Ok(a)
    }

    /// Replies to, resolves or reopens an annotation (unsigned).
    pub fn add_event(
        &mut self,
        annotation_id: &str,
        kind: &str,
        author: &str,
        text: &str,
    ) -> Result<AnnotationEvent, StoreError> {
        self.add_event_as(annotation_id, kind, author, text, None)
    }

    /// Replies to, resolves or reopens an annotation, signed when a signer is given.
    pub fn add_event_as(
        &mut self,
        annotation_id: &str,
        kind: &str,
        author: &str,
        text: &str,
        signer: Option<&Signer>,
    ) -> Result<AnnotationEvent, StoreError> {
        let registry = self.signing_registry(signer, author)?;
        one_of("event", kind, &["reply", "resolve", "reopen"])?;
        required("author", author)?;
        if kind == "reply" {
            required("reply text", text)?;
        }
        let exists: i64 = self.conn().query_row(
            "SELECT count(*) FROM annotations WHERE id = ?1",
            [annotation_id],
            |r| r.get(0),
        )?;
        if exists == 0 {
            return Err(StoreError::NoAnnotation(annotation_id.into()));
        }
        let e = AnnotationEvent {
            id: new_id(),
            annotation_id: annotation_id.into(),
            kind: kind.into(),
            author: author.trim().into(),
            text: text.trim().into(),
            created_at: now(),
        };
        self.write(|tx| {
            insert_event(tx, &e)?;
            audit::append(
                tx,
                &e.author,
                kind,
                "annotation_event",
                &e.id,
                &row_hash(&e.fields()),
            )?;
            sign_if(tx, "annotation_event", &e.id, signer, &registry)
        })?;
        Ok(e)
    }

    /// Reviews of a version, oldest first.
    pub fn reviews(&self, version_id: &str) -> Result<Vec<Review>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT id, version_id, reviewer, role, verdict, comment, created_at FROM reviews WHERE version_id = ?1 ORDER BY created_at, id",
        )?;
        let rows = stmt
            .query_map([version_id], |r| {
                Ok(Review {
                    id: r.get(0)?,
                    version_id: r.get(1)?,
                    reviewer: r.get(2)?,
                    role: r.get(3)?,
                    verdict: r.get(4)?,
                    comment: r.get(5)?,
                    created_at: r.get(6)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Annotations of a version with their threads, oldest first.
    pub fn threads(&self, version_id: &str) -> Result<Vec<Thread>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT id, version_id, anchor_kind, anchor, severity, comment, author, role, created_at FROM annotations WHERE version_id = ?1 ORDER BY created_at, id",
        )?;
        let anns: Vec<Annotation> = stmt
            .query_map([version_id], |r| {
                Ok(Annotation {
                    id: r.get(0)?,
                    version_id: r.get(1)?,
                    anchor_kind: r.get(2)?,
                    anchor: r.get(3)?,
                    severity: r.get(4)?,
                    comment: r.get(5)?,
                    author: r.get(6)?,
                    role: r.get(7)?,
                    created_at: r.get(8)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(anns.len());
        for a in anns {
            let events = self.events(&a.id)?;
            let status = events
                .iter()
                .rev()
                .find(|e| e.kind == "resolve" || e.kind == "reopen")
                .map_or("open", |e| {
                    if e.kind == "resolve" {
                        "resolved"
                    } else {
                        "open"
                    }
                })
                .to_string();
            out.push(Thread {
                annotation: a,
                events,
                status,
            });
        }
        Ok(out)
    }

    /// Events of an annotation, oldest first.
    pub fn events(&self, annotation_id: &str) -> Result<Vec<AnnotationEvent>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT id, annotation_id, kind, author, text, created_at FROM annotation_events WHERE annotation_id = ?1 ORDER BY created_at, id",
        )?;
        let rows = stmt
            .query_map([annotation_id], |r| {
                Ok(AnnotationEvent {
                    id: r.get(0)?,
                    annotation_id: r.get(1)?,
                    kind: r.get(2)?,
                    author: r.get(3)?,
                    text: r.get(4)?,
                    created_at: r.get(5)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Conflicts met when merging review packages.
    pub fn conflicts(&self) -> Result<Vec<(String, String, String, String)>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT entity, entity_id, source, created_at FROM conflicts ORDER BY created_at",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }
}
