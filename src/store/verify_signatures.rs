//! What `verify` checks of signatures: every signature against the row it signs as stored now
//! and against the expert registry (this store's, or a trusted registry file), and which
//! signable rows carry no signature.

use std::collections::HashSet;

use super::audit::VerifyReport;
use super::experts::Registry;
use super::keys::key_fingerprint;
use super::signature::{SIGNED, SigStatus, all_signatures, check, content_of};
use super::{Store, StoreError};

impl Store {
    /// Adds the signature checks to a verify report. With `trusted`, keys are looked up in that
    /// registry (a file the bank or association distributes) instead of this store's, and a key
    /// this store lists that the trusted registry does not is named.
    pub(crate) fn check_signatures(
        &self,
        rep: &mut VerifyReport,
        trusted: Option<&Registry>,
    ) -> Result<(), StoreError> {
        let conn = self.conn();
        let local = self.registry()?;
        let reg = trusted.unwrap_or(&local);
        if let Some(t) = trusted {
            let known = t.key_states();
            for (k, s) in local.key_states() {
                if known.get(&k).is_none_or(|x| x.expert_id != s.expert_id) {
                    let name = local.expert(&s.expert_id).map_or("?", |e| e.name.as_str());
                    rep.problems.push(format!(
                        "key {} of {name} is in this store's registry but not in the registry file",
                        s.fingerprint
                    ));
                }
            }
        }
        let mut signed = HashSet::new();
        for s in all_signatures(conn)? {
            rep.signatures_checked += 1;
            signed.insert((s.entity.clone(), s.entity_id.clone()));
            let row = row_name(conn, &s.entity, &s.entity_id)?;
            let who = reg
                .expert(&s.expert_id)
                .map_or_else(|| format!("expert {}", s.expert_id), |e| e.name.clone());
            let fp = key_fingerprint(&s.public_key);
            let content = content_of(conn, &s.entity, &s.entity_id)?;
            match check(&s, content.as_ref(), reg) {
                SigStatus::Valid => {}
                SigStatus::Forged => rep.problems.push(format!(
                    "forged: {row} does not match its signature by {who} (key {fp}): it was changed after it was signed"
                )),
                SigStatus::UnknownKey => rep.problems.push(format!(
                    "unknown key: {row} is signed with key {fp}, which the registry does not list for {who}"
                )),
                SigStatus::RevokedKey { revoked_at } => rep.problems.push(format!(
                    "revoked key: {row} was signed by {who} at {} with key {fp}, revoked at {revoked_at}",
                    s.signed_at
                )),
            }
        }
        for (entity, table, _) in SIGNED {
            let mut stmt = conn.prepare(&format!("SELECT id FROM {table} ORDER BY rowid"))?;
            let ids: Vec<String> = stmt
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for id in ids {
                if !signed.contains(&(entity.to_string(), id.clone())) {
                    rep.unsigned.push(row_name(conn, entity, &id)?);
                }
            }
        }
        Ok(())
    }
}

/// "review 3f2a… (reviews row 4)".
fn row_name(conn: &rusqlite::Connection, entity: &str, id: &str) -> Result<String, StoreError> {
    let table = SIGNED
        .iter()
        .find(|(e, _, _)| *e == entity)
        .map_or(entity, |(_, t, _)| *t);
    let rowid: Option<i64> = super::optional(conn.query_row(
        &format!("SELECT rowid FROM {table} WHERE id = ?1"),
        [id],
        |r| r.get(0),
    ))
    .unwrap_or(None);
    Ok(match rowid {
        Some(n) => format!("{entity} {id} ({table} row {n})"),
        None => format!("{entity} {id} (no longer in {table})"),
    })
}
