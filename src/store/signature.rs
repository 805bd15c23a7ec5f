//! Signed reviews. A review, an annotation, an annotation event or a panel conclusion is signed
//! with its author's Ed25519 key over a canonical form: the JSON array
//! `["patval-signature-1", entity, [the row's fields as stored], version fingerprint, expert id,
//! public key, signed at]`. A signature is its own append-only row (`signatures`), in the audit
//! chain like the row it signs; changing the signed row, even with the whole audit chain rewritten
//! to match, breaks the signature, and only the private key's holder can make a new one.

use std::collections::BTreeMap;

use rusqlite::{Connection, Transaction, params};
use serde::{Deserialize, Serialize};

use super::experts::Registry;
use super::keys::{Signer, key_fingerprint, verify_signature};
use super::{StoreError, audit, fields_hash, new_id, now, text_row};

pub(crate) const SIG_COLUMNS: &str =
    "id, entity, entity_id, expert_id, public_key, version_fingerprint, signed_at, signature";

/// The entities that are signed, with the columns their signature covers (in order).
pub const SIGNED: &[(&str, &str, &str)] = &[
    (
        "review",
        "reviews",
        "id, version_id, reviewer, role, verdict, comment, created_at",
    ),
    (
        "annotation",
        "annotations",
        "id, version_id, anchor_kind, anchor, severity, comment, author, role, created_at",
    ),
    (
        "annotation_event",
        "annotation_events",
        "id, annotation_id, kind, author, text, created_at",
    ),
    (
        "panel_conclusion",
        "panel_conclusions",
        super::panels::CONCLUSION_COLUMNS,
    ),
];

/// A stored signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureRecord {
    pub id: String,
    pub entity: String,
    pub entity_id: String,
    pub expert_id: String,
    pub public_key: String,
    pub version_fingerprint: String,
    pub signed_at: String,
    pub signature: String,
}

impl SignatureRecord {
    pub fn fields_row(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.entity.clone(),
            self.entity_id.clone(),
            self.expert_id.clone(),
            self.public_key.clone(),
            self.version_fingerprint.clone(),
            self.signed_at.clone(),
            self.signature.clone(),
        ]
    }

    fn from_row(f: &[String]) -> Self {
        Self {
            id: f[0].clone(),
            entity: f[1].clone(),
            entity_id: f[2].clone(),
            expert_id: f[3].clone(),
            public_key: f[4].clone(),
            version_fingerprint: f[5].clone(),
            signed_at: f[6].clone(),
            signature: f[7].clone(),
        }
    }

    /// The key's short fingerprint.
    pub fn key_fingerprint(&self) -> String {
        key_fingerprint(&self.public_key)
    }
}

/// The bytes a signature covers.
pub fn message(
    entity: &str,
    content: &[String],
    version_fingerprint: &str,
    expert_id: &str,
    public_key: &str,
    signed_at: &str,
) -> Vec<u8> {
    serde_json::to_vec(&(
        "patval-signature-1",
        entity,
        content,
        version_fingerprint,
        expert_id,
        public_key,
        signed_at,
    ))
    .unwrap_or_default()
}

/// What a signature check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SigStatus {
    /// It matches the content and a registered, unrevoked key of the expert.
    Valid,
    /// It does not match the content (or the signed row is gone).
    Forged,
    /// The registry does not list this key for this expert.
    UnknownKey,
    /// Made at or after the key's revocation.
    RevokedKey { revoked_at: String },
}

impl SigStatus {
    pub fn label_en(&self) -> &'static str {
        match self {
            SigStatus::Valid => "verified",
            SigStatus::Forged => "forged",
            SigStatus::UnknownKey => "unknown key",
            SigStatus::RevokedKey { .. } => "revoked key",
        }
    }

    pub fn label_zh(&self) -> &'static str {
        match self {
            SigStatus::Valid => "签名有效",
            SigStatus::Forged => "签名与内容不符",
            SigStatus::UnknownKey => "密钥未登记",
            SigStatus::RevokedKey { .. } => "密钥已吊销",
        }
    }
}

/// Checks a signature against content (as stored now) and the registry.
pub fn check(
    s: &SignatureRecord,
    content: Option<&(Vec<String>, String)>,
    registry: &Registry,
) -> SigStatus {
    let Some((fields, fp)) = content else {
        return SigStatus::Forged;
    };
    let msg = message(
        &s.entity,
        fields,
        fp,
        &s.expert_id,
        &s.public_key,
        &s.signed_at,
    );
    if *fp != s.version_fingerprint || !verify_signature(&s.public_key, &msg, &s.signature) {
        return SigStatus::Forged;
    }
    match registry.key(&s.expert_id, &s.public_key) {
        None => SigStatus::UnknownKey,
        Some(k) => match k.revoked_at {
            Some(t) if s.signed_at >= t => SigStatus::RevokedKey { revoked_at: t },
            _ => SigStatus::Valid,
        },
    }
}

/// The signed columns of a row and the fingerprint of the version it belongs to.
pub fn content_of(
    conn: &Connection,
    entity: &str,
    id: &str,
) -> Result<Option<(Vec<String>, String)>, StoreError> {
    let Some((_, table, cols)) = SIGNED.iter().find(|(e, _, _)| *e == entity) else {
        return Ok(None);
    };
    let n = super::loans::width(cols);
    let sql = format!("SELECT {cols} FROM {table} WHERE id = ?1");
    let Some(fields) = super::optional(conn.query_row(&sql, [id], |r| text_row(r, n)))? else {
        return Ok(None);
    };
    // The version: reviews and annotations name it; an event through its annotation; a
    // conclusion through its panel.
    let version_sql = match entity {
        "review" | "annotation" => "SELECT fingerprint FROM versions WHERE id = ?1",
        "annotation_event" => {
            "SELECT v.fingerprint FROM annotations a JOIN versions v ON v.id = a.version_id WHERE a.id = ?1"
        }
        _ => {
            "SELECT v.fingerprint FROM panels p JOIN versions v ON v.id = p.version_id WHERE p.id = ?1"
        }
    };
    let fp: Option<String> =
        super::optional(conn.query_row(version_sql, [&fields[1]], |r| r.get(0)))?;
    Ok(Some((fields, fp.unwrap_or_default())))
}

/// Signs a row just written in `tx` and records the signature. The signer's key must be
/// registered to the signer's expert entry and not revoked.
pub(crate) fn sign_in(
    tx: &Transaction<'_>,
    entity: &str,
    id: &str,
    signer: &Signer,
    registry: &Registry,
) -> Result<SignatureRecord, StoreError> {
    let public = signer.public_hex();
    let fp = super::keys::key_fingerprint(&public);
    match registry.key(&signer.expert_id, &public) {
        None => {
            return Err(StoreError::Invalid(format!(
                "key {fp} is not registered for this expert in the pool: register it first"
            )));
        }
        Some(k) if k.revoked_at.is_some() => {
            return Err(StoreError::Invalid(format!(
                "key {fp} was revoked; create a new key to sign"
            )));
        }
        Some(_) => {}
    }
    let (fields, version_fp) = content_of(tx, entity, id)?
        .ok_or_else(|| StoreError::Invalid(format!("no {entity} {id} to sign")))?;
    let signed_at = now();
    let msg = message(
        entity,
        &fields,
        &version_fp,
        &signer.expert_id,
        &public,
        &signed_at,
    );
    let rec = SignatureRecord {
        id: new_id(),
        entity: entity.into(),
        entity_id: id.into(),
        expert_id: signer.expert_id.clone(),
        public_key: public,
        version_fingerprint: version_fp,
        signed_at,
        signature: signer.sign(&msg),
    };
    insert(tx, &rec)?;
    let actor = registry
        .expert(&signer.expert_id)
        .map_or(signer.expert_id.as_str(), |e| e.name.as_str());
    audit::append(
        tx,
        actor,
        "sign",
        "signature",
        &rec.id,
        &fields_hash(&rec.fields_row()),
    )?;
    Ok(rec)
}

pub(crate) fn insert(tx: &Transaction<'_>, s: &SignatureRecord) -> Result<(), StoreError> {
    let v = s.fields_row();
    tx.execute(
        &format!("INSERT INTO signatures ({SIG_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
        params![v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]],
    )?;
    Ok(())
}

/// The signatures of one row.
pub fn signatures_of(
    conn: &Connection,
    entity: &str,
    id: &str,
) -> Result<Vec<SignatureRecord>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {SIG_COLUMNS} FROM signatures WHERE entity = ?1 AND entity_id = ?2 ORDER BY rowid"
    ))?;
    let rows: Vec<Vec<String>> = stmt
        .query_map(params![entity, id], |r| {
            text_row(r, super::loans::width(SIG_COLUMNS))
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows.iter().map(|f| SignatureRecord::from_row(f)).collect())
}

/// Every signature in the store.
pub fn all_signatures(conn: &Connection) -> Result<Vec<SignatureRecord>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {SIG_COLUMNS} FROM signatures ORDER BY rowid"
    ))?;
    let rows: Vec<Vec<String>> = stmt
        .query_map([], |r| text_row(r, super::loans::width(SIG_COLUMNS)))?
        .collect::<Result<_, _>>()?;
    Ok(rows.iter().map(|f| SignatureRecord::from_row(f)).collect())
}

/// A signature as shown beside what it signs.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureView {
    pub signer: String,
    pub expert_id: String,
    pub key_fingerprint: String,
    pub signed_at: String,
    pub status: SigStatus,
}

/// The signatures of one row, each checked against `reg`.
pub(crate) fn views(
    conn: &Connection,
    reg: &Registry,
    entity: &str,
    id: &str,
) -> Result<Vec<SignatureView>, StoreError> {
    let content = content_of(conn, entity, id)?;
    Ok(signatures_of(conn, entity, id)?
        .iter()
        .map(|s| SignatureView {
            signer: reg
                .expert(&s.expert_id)
                .map_or_else(|| s.expert_id.clone(), |e| e.name.clone()),
            expert_id: s.expert_id.clone(),
            key_fingerprint: s.key_fingerprint(),
            signed_at: s.signed_at.clone(),
            status: check(s, content.as_ref(), reg),
        })
        .collect())
}

impl super::Store {
    /// The signatures of a review, annotation, event or conclusion, each checked.
    pub fn signature_views(
        &self,
        entity: &str,
        id: &str,
    ) -> Result<Vec<SignatureView>, StoreError> {
        views(self.conn(), &self.registry()?, entity, id)
    }

    /// Each review's signatures, checked (review id → signatures), as the Review panel and the
    /// reports show them.
    pub fn review_signatures(
        &self,
        reviews: &[super::Review],
    ) -> Result<BTreeMap<String, Vec<SignatureView>>, StoreError> {
        let reg = self.registry()?;
        reviews
            .iter()
            .map(|r| Ok((r.id.clone(), views(self.conn(), &reg, "review", &r.id)?)))
            .collect()
    }
}
