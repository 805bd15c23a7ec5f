//! The expert pool (专家库): who may review, in which fields, with which conflicts, and their
//! public keys. Experts and key events (a key added, a key revoked) are append-only rows in the
//! audit chain; a key's rotation is a new key added and the old one revoked. The registry can be
//! exported as a file that a bank or an association distributes and imported into other stores.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::keys::{key_fingerprint, public_key};
use super::{Store, StoreError, audit, fields_hash, new_id, now, text_row};

pub(crate) const EXPERT_COLUMNS: &str = "id, name, institution, title, fields, industries, contact, conflict_institutions, conflict_borrowers, author, created_at";
pub(crate) const KEY_COLUMNS: &str =
    "id, expert_id, public_key, action, reason, author, created_at";
const FORMAT: &str = "patval-expert-registry";
const FORMAT_VERSION: u32 = 1;

/// An expert in the pool. Lists are kept as entered (trimmed, empty entries dropped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Expert {
    pub id: String,
    pub name: String,
    pub institution: String,
    pub title: String,
    /// IPC sections, classes or subclasses (`G`, `G06`, `G06F`).
    pub fields: Vec<String>,
    pub industries: Vec<String>,
    pub contact: String,
    /// Declared conflicts: institutions (e.g. appraisal firms) and borrowers.
    pub conflict_institutions: Vec<String>,
    pub conflict_borrowers: Vec<String>,
    pub author: String,
    pub created_at: String,
}

/// A key added to or revoked from an expert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyEvent {
    pub id: String,
    pub expert_id: String,
    pub public_key: String,
    /// `add` or `revoke`.
    pub action: String,
    pub reason: String,
    pub author: String,
    pub created_at: String,
}

fn list_text(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn text_list(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}

/// Splits a user's list (`,`, `;`, `，`, `；`, `、`), trims and drops empties.
pub fn parse_list(s: &str) -> Vec<String> {
    s.split([',', ';', '，', '；', '、'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

impl Expert {
    pub fn fields_row(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.name.clone(),
            self.institution.clone(),
            self.title.clone(),
            list_text(&self.fields),
            list_text(&self.industries),
            self.contact.clone(),
            list_text(&self.conflict_institutions),
            list_text(&self.conflict_borrowers),
            self.author.clone(),
            self.created_at.clone(),
        ]
    }

    fn from_row(f: &[String]) -> Self {
        Self {
            id: f[0].clone(),
            name: f[1].clone(),
            institution: f[2].clone(),
            title: f[3].clone(),
            fields: text_list(&f[4]),
            industries: text_list(&f[5]),
            contact: f[6].clone(),
            conflict_institutions: text_list(&f[7]),
            conflict_borrowers: text_list(&f[8]),
            author: f[9].clone(),
            created_at: f[10].clone(),
        }
    }
}

impl KeyEvent {
    pub fn fields_row(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.expert_id.clone(),
            self.public_key.clone(),
            self.action.clone(),
            self.reason.clone(),
            self.author.clone(),
            self.created_at.clone(),
        ]
    }

    fn from_row(f: &[String]) -> Self {
        Self {
            id: f[0].clone(),
            expert_id: f[1].clone(),
            public_key: f[2].clone(),
            action: f[3].clone(),
            reason: f[4].clone(),
            author: f[5].clone(),
            created_at: f[6].clone(),
        }
    }
}

/// A key as the registry knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyStatus {
    pub expert_id: String,
    pub public_key: String,
    pub fingerprint: String,
    pub added_at: String,
    /// When it was revoked; signatures made at or after it are refused.
    pub revoked_at: Option<String>,
}

/// The registry: every expert and every key event.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Registry {
    pub experts: Vec<Expert>,
    pub keys: Vec<KeyEvent>,
}

impl Registry {
    pub fn expert(&self, id: &str) -> Option<&Expert> {
        self.experts.iter().find(|e| e.id == id)
    }

    /// The first `add` event of each public key, with its position.
    fn adds(&self) -> impl Iterator<Item = (usize, &KeyEvent)> {
        let mut seen = std::collections::HashSet::new();
        self.keys
            .iter()
            .enumerate()
            .filter(move |(_, k)| k.action == "add" && seen.insert(k.public_key.as_str()))
    }

    /// The state of the key added by event `i`: revoked by the first later `revoke` of it.
    fn status_of(&self, i: usize) -> KeyStatus {
        let k = &self.keys[i];
        KeyStatus {
            expert_id: k.expert_id.clone(),
            public_key: k.public_key.clone(),
            fingerprint: key_fingerprint(&k.public_key),
            added_at: k.created_at.clone(),
            revoked_at: self.keys[i + 1..]
                .iter()
                .find(|e| e.action == "revoke" && e.public_key == k.public_key)
                .map(|e| e.created_at.clone()),
        }
    }

    /// Every key with its state, by public key.
    pub fn key_states(&self) -> BTreeMap<String, KeyStatus> {
        self.adds()
            .map(|(i, k)| (k.public_key.clone(), self.status_of(i)))
            .collect()
    }

    /// The key `public` of `expert_id` if the registry lists it for that expert.
    pub fn key(&self, expert_id: &str, public: &str) -> Option<KeyStatus> {
        let i = self
            .keys
            .iter()
            .position(|k| k.action == "add" && k.public_key == public)?;
        (self.keys[i].expert_id == expert_id).then(|| self.status_of(i))
    }

    /// The expert's keys not revoked, newest first.
    pub fn active_keys(&self, expert_id: &str) -> Vec<KeyStatus> {
        let mut v: Vec<KeyStatus> = self
            .adds()
            .filter(|(_, k)| k.expert_id == expert_id)
            .map(|(i, _)| self.status_of(i))
            .filter(|k| k.revoked_at.is_none())
            .collect();
        v.sort_by(|a, b| b.added_at.cmp(&a.added_at));
        v
    }
}

/// What a new expert entry says.
#[derive(Debug, Clone, Default)]
pub struct NewExpert {
    pub name: String,
    pub institution: String,
    pub title: String,
    pub fields: Vec<String>,
    pub industries: Vec<String>,
    pub contact: String,
    pub conflict_institutions: Vec<String>,
    pub conflict_borrowers: Vec<String>,
}

/// The registry file a bank or an association distributes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RegistryFile {
    pub format: String,
    pub format_version: u32,
    pub exported_at: String,
    #[serde(flatten)]
    pub registry: Registry,
}

/// What a registry import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RegistryMerge {
    pub experts_added: usize,
    pub key_events_added: usize,
    pub duplicates: usize,
    /// Entries whose id is here with other content, each named; they are not imported.
    pub refused: Vec<String>,
}

fn insert_expert(tx: &rusqlite::Transaction<'_>, e: &Expert) -> Result<String, StoreError> {
    let v = e.fields_row();
    tx.execute(
        &format!("INSERT INTO experts ({EXPERT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
        params![v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]],
    )?;
    Ok(fields_hash(&v))
}

fn insert_key_event(tx: &rusqlite::Transaction<'_>, k: &KeyEvent) -> Result<String, StoreError> {
    let v = k.fields_row();
    tx.execute(
        &format!("INSERT INTO expert_keys ({KEY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
        params![v[0], v[1], v[2], v[3], v[4], v[5], v[6]],
    )?;
    Ok(fields_hash(&v))
}

impl Store {
    /// Adds an expert to the pool.
    pub fn add_expert(&mut self, e: &NewExpert, author: &str) -> Result<Expert, StoreError> {
        if e.name.trim().is_empty() {
            return Err(StoreError::Invalid("the expert's name is required".into()));
        }
        if author.trim().is_empty() {
            return Err(StoreError::Invalid(
                "who adds the expert is required".into(),
            ));
        }
        let clean = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let x = Expert {
            id: new_id(),
            name: e.name.trim().into(),
            institution: e.institution.trim().into(),
            title: e.title.trim().into(),
            fields: clean(&e.fields)
                .into_iter()
                .map(|f| normalise_ipc(&f))
                .collect(),
            industries: clean(&e.industries),
            contact: e.contact.trim().into(),
            conflict_institutions: clean(&e.conflict_institutions),
            conflict_borrowers: clean(&e.conflict_borrowers),
            author: author.trim().into(),
            created_at: now(),
        };
        self.write(|tx| {
            let h = insert_expert(tx, &x)?;
            audit::append(tx, &x.author, "add", "expert", &x.id, &h)
        })?;
        Ok(x)
    }

    /// Lists a public key for an expert.
    pub fn register_key(
        &mut self,
        expert_id: &str,
        public_hex: &str,
        author: &str,
    ) -> Result<KeyEvent, StoreError> {
        public_key(public_hex)?;
        let reg = self.registry()?;
        if reg.expert(expert_id).is_none() {
            return Err(StoreError::Invalid(format!(
                "no expert {expert_id} in the pool"
            )));
        }
        if let Some(k) = reg.key_states().get(public_hex) {
            return Err(StoreError::Invalid(format!(
                "key {} is already registered (expert {})",
                k.fingerprint, k.expert_id
            )));
        }
        self.key_event(expert_id, public_hex, "add", "", author)
    }

    /// Revokes a key: signatures it makes from now on are refused.
    pub fn revoke_key(
        &mut self,
        public_hex: &str,
        reason: &str,
        author: &str,
    ) -> Result<KeyEvent, StoreError> {
        let states = self.registry()?.key_states();
        let k = states.get(public_hex).ok_or_else(|| {
            StoreError::Invalid(format!(
                "key {} is not in the registry",
                key_fingerprint(public_hex)
            ))
        })?;
        if k.revoked_at.is_some() {
            return Err(StoreError::Invalid(format!(
                "key {} is already revoked",
                k.fingerprint
            )));
        }
        let expert = k.expert_id.clone();
        self.key_event(&expert, public_hex, "revoke", reason, author)
    }

    fn key_event(
        &mut self,
        expert_id: &str,
        public_hex: &str,
        action: &str,
        reason: &str,
        author: &str,
    ) -> Result<KeyEvent, StoreError> {
        if author.trim().is_empty() {
            return Err(StoreError::Invalid(
                "who records the key is required".into(),
            ));
        }
        let k = KeyEvent {
            id: new_id(),
            expert_id: expert_id.into(),
            public_key: public_hex.trim().to_ascii_lowercase(),
            action: action.into(),
            reason: reason.trim().into(),
            author: author.trim().into(),
            created_at: now(),
        };
        self.write(|tx| {
            let h = insert_key_event(tx, &k)?;
            audit::append(tx, &k.author, action, "expert_key", &k.id, &h)
        })?;
        Ok(k)
    }

    /// The whole registry.
    pub fn registry(&self) -> Result<Registry, StoreError> {
        let rows = |sql: &str, n: usize| -> Result<Vec<Vec<String>>, StoreError> {
            let mut stmt = self.conn().prepare(sql)?;
            let v = stmt
                .query_map([], |r| text_row(r, n))?
                .collect::<Result<_, _>>()?;
            Ok(v)
        };
        let experts = rows(
            &format!("SELECT {EXPERT_COLUMNS} FROM experts ORDER BY name, id"),
            super::loans::width(EXPERT_COLUMNS),
        )?;
        let keys = rows(
            &format!("SELECT {KEY_COLUMNS} FROM expert_keys ORDER BY rowid"),
            super::loans::width(KEY_COLUMNS),
        )?;
        Ok(Registry {
            experts: experts.iter().map(|f| Expert::from_row(f)).collect(),
            keys: keys.iter().map(|f| KeyEvent::from_row(f)).collect(),
        })
    }

    /// An expert by id, unique id prefix or exact name.
    pub fn resolve_expert(&self, key: &str) -> Result<Expert, StoreError> {
        let reg = self.registry()?;
        let k = key.trim();
        let by_name: Vec<&Expert> = reg.experts.iter().filter(|e| e.name == k).collect();
        let hits: Vec<&Expert> = if by_name.is_empty() {
            let low = k.to_ascii_lowercase();
            if low.len() < 4 {
                Vec::new()
            } else {
                reg.experts
                    .iter()
                    .filter(|e| e.id.starts_with(&low))
                    .collect()
            }
        } else {
            by_name
        };
        match hits.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(StoreError::Invalid(format!("no expert matches \"{k}\""))),
            _ => Err(StoreError::Ambiguous(k.to_string(), "expert")),
        }
    }

    /// Writes the registry file.
    pub fn export_registry(&self, out: &Path) -> Result<RegistryFile, StoreError> {
        let file = RegistryFile {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            exported_at: now(),
            registry: self.registry()?,
        };
        crate::files::write_bytes_replacing(out, serde_json::to_string_pretty(&file)?)
            .map_err(|e| StoreError::Invalid(format!("{}: {e}", out.display())))?;
        Ok(file)
    }

    /// Merges a registry file: new experts and key events are added, identical ones skipped,
    /// an id here with other content is refused and named.
    pub fn import_registry(
        &mut self,
        path: &Path,
        actor: &str,
    ) -> Result<RegistryMerge, StoreError> {
        let reg = read_registry(path)?;
        self.write(|tx| {
            let mut m = RegistryMerge::default();
            for e in &reg.experts {
                let want = fields_hash(&e.fields_row());
                match audit::current_payload(tx, "expert", &e.id)? {
                    None => {
                        let h = insert_expert(tx, e)?;
                        audit::append(tx, actor, "import", "expert", &e.id, &h)?;
                        m.experts_added += 1;
                    }
                    Some(h) if h == want => m.duplicates += 1,
                    Some(_) => m.refused.push(format!(
                        "expert {} ({}): differs from this store's entry",
                        e.id, e.name
                    )),
                }
            }
            for k in &reg.keys {
                if public_key(&k.public_key).is_err()
                    || !["add", "revoke"].contains(&k.action.as_str())
                {
                    m.refused
                        .push(format!("key event {}: not a valid key or action", k.id));
                    continue;
                }
                let known: i64 = tx.query_row(
                    "SELECT count(*) FROM experts WHERE id = ?1",
                    [&k.expert_id],
                    |r| r.get(0),
                )?;
                if known == 0 {
                    m.refused
                        .push(format!("key event {}: no expert {}", k.id, k.expert_id));
                    continue;
                }
                match audit::current_payload(tx, "expert_key", &k.id)? {
                    None => {
                        let h = insert_key_event(tx, k)?;
                        audit::append(tx, actor, "import", "expert_key", &k.id, &h)?;
                        m.key_events_added += 1;
                    }
                    Some(h) if h == fields_hash(&k.fields_row()) => m.duplicates += 1,
                    Some(_) => m.refused.push(format!(
                        "key event {}: differs from this store's entry",
                        k.id
                    )),
                }
            }
            Ok(m)
        })
    }
}

/// Reads a registry file (for import, or as the trusted registry `verify` checks keys against).
pub fn read_registry(path: &Path) -> Result<Registry, StoreError> {
    let bad = |m: String| StoreError::Invalid(format!("expert registry {}: {m}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot read: {e}")))?;
    let f: RegistryFile =
        serde_json::from_str(&text).map_err(|e| bad(format!("not an expert registry: {e}")))?;
    if f.format != FORMAT {
        return Err(bad(format!(
            "not an expert registry (format \"{}\")",
            f.format
        )));
    }
    if f.format_version > FORMAT_VERSION {
        return Err(bad(format!(
            "written by a newer patval (format {})",
            f.format_version
        )));
    }
    Ok(f.registry)
}

/// An IPC code or prefix as compared: upper case, no spaces (`g06f 3/01` → `G06F3/01`).
pub fn normalise_ipc(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase()
}
