//! The append-only audit log, hash-chained: entry n's hash covers its fields and entry n − 1's
//! hash, and records the hash of the row it is about. `verify` recomputes the chain, every row's
//! hash and every version's fingerprint, and names whatever does not match.

use rusqlite::{Connection, Transaction, params};
use serde::Serialize;

use super::schema::IMMUTABLE_TABLES;
use super::{Store, StoreError, now, sha256_hex};

/// Hash of the entry before the first.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of an audit entry.
#[allow(clippy::too_many_arguments)]
pub fn entry_hash(
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    payload: &str,
    prev: &str,
) -> String {
    sha256_hex(
        format!("{seq}|{at}|{actor}|{action}|{entity}|{entity_id}|{payload}|{prev}").as_bytes(),
    )
}

/// Appends an entry inside the caller's transaction.
pub fn append(
    tx: &Transaction<'_>,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    payload: &str,
) -> Result<(), StoreError> {
    let last: Option<(i64, String)> = super::optional(tx.query_row(
        "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    ))?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let at = now();
    let hash = entry_hash(seq, &at, actor, action, entity, entity_id, payload, &prev);
    tx.execute(
        "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, payload_sha256, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![seq, at, actor, action, entity, entity_id, payload, prev, hash],
    )?;
    Ok(())
}

/// The hash the audit log records for a row, computed from the row as it is now; `None` if the
/// row is gone.
pub fn current_payload(
    conn: &Connection,
    entity: &str,
    id: &str,
) -> Result<Option<String>, StoreError> {
    let q = |sql: &str, n: usize| -> Result<Option<String>, StoreError> {
        super::optional(conn.query_row(sql, [id], |r| {
            super::text_row(r, n).map(|f| super::fields_hash(&f))
        }))
    };
    match entity {
        "appraisal" => q(
            "SELECT id, name, borrower, purpose, valuation_date, appraiser, firm, created_at FROM appraisals WHERE id = ?1",
            8,
        ),
        "version" => Ok(super::optional(conn.query_row(
            "SELECT fingerprint FROM versions WHERE id = ?1",
            [id],
            |r| r.get(0),
        ))?),
        "review" => q(
            "SELECT id, version_id, reviewer, role, verdict, comment, created_at FROM reviews WHERE id = ?1",
            7,
        ),
        "annotation" => q(
            "SELECT id, version_id, anchor_kind, anchor, severity, comment, author, role, created_at FROM annotations WHERE id = ?1",
            9,
        ),
        "annotation_event" => q(
            "SELECT id, annotation_id, kind, author, text, created_at FROM annotation_events WHERE id = ?1",
            6,
        ),
        "conflict" => q(
            "SELECT id, entity, entity_id, local_json, incoming_json, source, created_at FROM conflicts WHERE id = ?1",
            7,
        ),
        "loan" => q(
            &format!(
                "SELECT {} FROM loans WHERE id = ?1",
                super::loans::LOAN_COLUMNS
            ),
            super::loans::width(super::loans::LOAN_COLUMNS),
        ),
        "loan_event" => q(
            &format!(
                "SELECT {} FROM loan_events WHERE id = ?1",
                super::loans::EVENT_COLUMNS
            ),
            super::loans::width(super::loans::EVENT_COLUMNS),
        ),
        "monitor_run" => q(
            &format!(
                "SELECT {} FROM monitor_runs WHERE id = ?1",
                super::monitor_runs::RUN_COLUMNS
            ),
            super::loans::width(super::monitor_runs::RUN_COLUMNS),
        ),
        "expert" => q(
            &format!(
                "SELECT {} FROM experts WHERE id = ?1",
                super::experts::EXPERT_COLUMNS
            ),
            super::loans::width(super::experts::EXPERT_COLUMNS),
        ),
        "expert_key" => q(
            &format!(
                "SELECT {} FROM expert_keys WHERE id = ?1",
                super::experts::KEY_COLUMNS
            ),
            super::loans::width(super::experts::KEY_COLUMNS),
        ),
        "signature" => q(
            &format!(
                "SELECT {} FROM signatures WHERE id = ?1",
                super::signature::SIG_COLUMNS
            ),
            super::loans::width(super::signature::SIG_COLUMNS),
        ),
        "panel" => q(
            &format!(
                "SELECT {} FROM panels WHERE id = ?1",
                super::panels::PANEL_COLUMNS
            ),
            super::loans::width(super::panels::PANEL_COLUMNS),
        ),
        "panel_conclusion" => q(
            &format!(
                "SELECT {} FROM panel_conclusions WHERE id = ?1",
                super::panels::CONCLUSION_COLUMNS
            ),
            super::loans::width(super::panels::CONCLUSION_COLUMNS),
        ),
        _ => Ok(None),
    }
}

/// One row of the audit log.
struct Entry {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    payload: String,
    prev_hash: String,
    hash: String,
}

/// What `verify` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VerifyReport {
    pub path: String,
    pub integrity: String,
    pub audit_entries: usize,
    pub versions: usize,
    pub rows_checked: usize,
    /// Every mismatch, each naming the row or entry.
    pub problems: Vec<String>,
    /// Signatures checked (reviews, annotations, events, panel conclusions).
    pub signatures_checked: usize,
    /// Signable rows without a signature, each named (not a problem: older and bank-internal
    /// reviews are unsigned).
    pub unsigned: Vec<String>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

const ENTITY_TABLES: &[(&str, &str)] = &[
    ("appraisal", "appraisals"),
    ("version", "versions"),
    ("review", "reviews"),
    ("annotation", "annotations"),
    ("annotation_event", "annotation_events"),
    ("conflict", "conflicts"),
    ("loan", "loans"),
    ("loan_event", "loan_events"),
    ("monitor_run", "monitor_runs"),
    ("expert", "experts"),
    ("expert_key", "expert_keys"),
    ("signature", "signatures"),
    ("panel", "panels"),
    ("panel_conclusion", "panel_conclusions"),
];

impl Store {
    /// Checks the file, the guard triggers, the audit chain, every row against its audit entry,
    /// every version against its fingerprint and every signature against this store's registry.
    pub fn verify(&self) -> Result<VerifyReport, StoreError> {
        self.verify_with(None)
    }

    /// [`Store::verify`], with keys looked up in a trusted registry when one is given.
    pub fn verify_with(
        &self,
        trusted: Option<&super::experts::Registry>,
    ) -> Result<VerifyReport, StoreError> {
        let conn = self.conn();
        let mut rep = VerifyReport {
            path: self.path().display().to_string(),
            ..Default::default()
        };
        let checks: Vec<String> = conn
            .prepare("PRAGMA integrity_check")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        rep.integrity = checks.join("; ");
        if rep.integrity != "ok" {
            rep.problems
                .push(format!("SQLite integrity check: {}", rep.integrity));
        }
        for t in IMMUTABLE_TABLES {
            for kind in ["update", "delete"] {
                let name = format!("{t}_no_{kind}");
                let n: i64 = conn.query_row(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                    [&name],
                    |r| r.get(0),
                )?;
                if n == 0 {
                    rep.problems.push(format!(
                        "the guard trigger {name} is missing: rows of {t} could have been changed"
                    ));
                }
            }
        }
        // The chain.
        let mut stmt = conn.prepare("SELECT seq, at, actor, action, entity, entity_id, payload_sha256, prev_hash, hash FROM audit_log ORDER BY seq")?;
        let entries: Vec<Entry> = stmt
            .query_map([], |r| {
                Ok(Entry {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    entity: r.get(4)?,
                    entity_id: r.get(5)?,
                    payload: r.get(6)?,
                    prev_hash: r.get(7)?,
                    hash: r.get(8)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        rep.audit_entries = entries.len();
        let mut prev = GENESIS.to_string();
        let mut expected_seq = 1;
        let mut audited: std::collections::HashMap<(String, String), (i64, String)> =
            std::collections::HashMap::new();
        for Entry {
            seq,
            at,
            actor,
            action,
            entity,
            entity_id,
            payload,
            prev_hash,
            hash,
        } in &entries
        {
            if *seq != expected_seq {
                rep.problems.push(format!(
                    "audit entry #{expected_seq} is missing (the next is #{seq})"
                ));
            }
            expected_seq = seq + 1;
            if *prev_hash != prev {
                rep.problems.push(format!(
                    "audit entry #{seq} does not chain to the entry before it"
                ));
            }
            let h = entry_hash(
                *seq, at, actor, action, entity, entity_id, payload, prev_hash,
            );
            if h != *hash {
                rep.problems.push(format!("audit entry #{seq} ({action} {entity} {entity_id}) was edited: its hash does not match its content"));
            }
            prev = hash.clone();
            // The latest entry about a row records its payload (rows never change, so every
            // entry about the same row must agree).
            audited.insert((entity.clone(), entity_id.clone()), (*seq, payload.clone()));
        }
        // Every row against its audit entry, and every row has one.
        for (entity, table) in ENTITY_TABLES {
            let ids: Vec<String> = conn
                .prepare(&format!("SELECT id FROM {table} ORDER BY id"))?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for id in ids {
                rep.rows_checked += 1;
                match audited.get(&(entity.to_string(), id.clone())) {
                    None => rep.problems.push(format!(
                        "{entity} {id} has no audit entry: it was inserted outside patval"
                    )),
                    Some((seq, payload)) => {
                        let now = current_payload(conn, entity, &id)?;
                        if now.as_deref() != Some(payload.as_str()) {
                            rep.problems.push(format!(
                                "{entity} {id} was changed after audit entry #{seq} recorded it"
                            ));
                        }
                    }
                }
            }
        }
        for ((entity, id), (seq, _)) in &audited {
            if current_payload(conn, entity, id)?.is_none()
                && ENTITY_TABLES.iter().any(|(e, _)| e == entity)
            {
                rep.problems.push(format!(
                    "{entity} {id}, recorded by audit entry #{seq}, was deleted"
                ));
            }
        }
        // Every version against its fingerprint.
        let vids: Vec<String> = conn
            .prepare("SELECT id FROM versions ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        rep.versions = vids.len();
        for v in vids {
            rep.problems.extend(self.check_version(&v)?);
        }
        self.check_signatures(&mut rep, trusted)?;
        rep.problems.sort();
        Ok(rep)
    }
}
