//! Appraisal cases and their immutable report versions.
//!
//! A version holds the inputs exactly as used (each CSV's original bytes, the assumptions as
//! TOML, the methods switched on), the results, the software version and a SHA-256 fingerprint
//! over all of it. Editing a valuation saves a new version; nothing is updated in place.

use std::collections::BTreeMap;
use std::sync::Arc;

use rusqlite::{Transaction, params};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError, audit, new_id, now, row_hash, sha256_hex};
use crate::import::{self, Dataset, ReadOptions, TableKind};
use crate::model::Assumptions;
use crate::valuation::{Engine, Methods, Summary, Valuation};

/// A new case.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct NewAppraisal {
    pub name: String,
    pub borrower: String,
    pub purpose: String,
    pub appraiser: String,
    pub firm: String,
}

/// A case as stored.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AppraisalInfo {
    pub id: String,
    pub name: String,
    pub borrower: String,
    pub purpose: String,
    pub valuation_date: String,
    pub appraiser: String,
    pub firm: String,
    pub created_at: String,
}

impl AppraisalInfo {
    pub fn fields(&self) -> [&str; 8] {
        [
            &self.id,
            &self.name,
            &self.borrower,
            &self.purpose,
            &self.valuation_date,
            &self.appraiser,
            &self.firm,
            &self.created_at,
        ]
    }
}

/// A version's metadata.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct VersionInfo {
    pub id: String,
    pub appraisal_id: String,
    pub number: i64,
    pub parent_id: Option<String>,
    pub created_at: String,
    pub author: String,
    pub note: String,
    pub software_version: String,
    pub fingerprint: String,
}

/// A version re-opened by [`Store::reopen`].
pub struct Reopened {
    pub data: VersionData,
    pub dataset: Dataset,
    pub assumptions: Assumptions,
    pub engine: Engine,
}

/// A version with its blobs.
#[derive(Debug, Clone)]
pub struct VersionData {
    pub info: VersionInfo,
    pub blobs: BTreeMap<String, Vec<u8>>,
}

impl VersionData {
    /// The version's parameters table (empty when it has none or it cannot be read).
    pub fn parameter_set(&self) -> crate::model::parameters::ParameterSet {
        let date = self
            .blobs
            .get("assumptions.toml")
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(|t| Assumptions::from_toml(t, "assumptions.toml").ok())
            .map(|a| a.valuation_date)
            .unwrap_or_default();
        self.blobs
            .get("parameters.csv")
            .and_then(|b| {
                let opts = import::ReadOptions::new(date);
                import::read_table_bytes(TableKind::Parameters, b, "parameters.csv", &opts, None)
                    .ok()
            })
            .and_then(|t| crate::model::parameters::ParameterSet::from_table(&t).ok())
            .unwrap_or_default()
    }
}

/// Per-patent figures kept in `results.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoredPatent {
    pub patent_no: String,
    pub cost: Option<f64>,
    pub income: Option<f64>,
    pub market: Option<f64>,
    pub reconciled: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// `results.json` of a version.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoredResults {
    pub summary: StoredSummary,
    pub patents: Vec<StoredPatent>,
}

/// The totals kept with a version.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoredSummary {
    pub valuation_date: String,
    pub patents: usize,
    pub cost: f64,
    pub income: f64,
    pub market: f64,
    pub reconciled: f64,
    pub low: f64,
    pub high: f64,
}

impl StoredResults {
    pub fn from_valuation(e: &Engine, v: &Valuation) -> Self {
        let total = |m: crate::valuation::Method| {
            v.summary
                .methods
                .iter()
                .find(|t| t.method == m)
                .map_or(0.0, |t| t.total)
        };
        let s: &Summary = &v.summary;
        Self {
            summary: StoredSummary {
                valuation_date: s.valuation_date.clone(),
                patents: s.patents,
                cost: total(crate::valuation::Method::Cost),
                income: total(crate::valuation::Method::Income),
                market: total(crate::valuation::Method::Market),
                reconciled: s.reconciled,
                low: s.low,
                high: s.high,
            },
            patents: v
                .patents
                .iter()
                .enumerate()
                .map(|(i, p)| StoredPatent {
                    patent_no: e.inputs.patent_nos[i].clone(),
                    cost: p.cost.ok(),
                    income: p.income.ok(),
                    market: p.market.ok(),
                    reconciled: p.reconciled,
                    low: p.low,
                    high: p.high,
                })
                .collect(),
        }
    }
}

/// Blob names of the input tables.
pub const TABLE_BLOBS: [(TableKind, &str); 5] = import::DIRECTORY_FILES;

/// The fingerprint of a version: SHA-256 over its metadata and each blob's name, size and hash.
pub fn fingerprint(info: &VersionInfo, blobs: &BTreeMap<String, Vec<u8>>) -> String {
    let mut s = String::from("patval-version-v1\n");
    for (k, v) in [
        ("appraisal_id", info.appraisal_id.as_str()),
        ("number", &info.number.to_string()),
        ("parent_id", info.parent_id.as_deref().unwrap_or("")),
        ("created_at", &info.created_at),
        ("author", &info.author),
        ("note", &info.note),
        ("software_version", &info.software_version),
    ] {
        s.push_str(&format!(
            "{k}={}\n",
            serde_json::to_string(v).unwrap_or_default()
        ));
    }
    for (name, content) in blobs {
        s.push_str(&format!(
            "blob {} {} {}\n",
            serde_json::to_string(name).unwrap_or_default(),
            content.len(),
            sha256_hex(content)
        ));
    }
    sha256_hex(s.as_bytes())
}

/// The blobs that make up a valuation.
pub fn blobs_of(
    ds: &Dataset,
    assumptions: &Assumptions,
    methods: Methods,
    e: &Engine,
    v: &Valuation,
) -> Result<BTreeMap<String, Vec<u8>>, StoreError> {
    let mut blobs = BTreeMap::new();
    for (kind, name) in TABLE_BLOBS {
        if let Some(t) = ds.table(kind) {
            blobs.insert(name.to_string(), t.source.as_ref().clone());
        }
    }
    blobs.insert(
        "assumptions.toml".into(),
        assumptions.to_toml().into_bytes(),
    );
    blobs.insert("methods.json".into(), serde_json::to_vec(&methods)?);
    if let Some(c) = &ds.case {
        blobs.insert(import::CASE_FILE.into(), c.to_toml().into_bytes());
    }
    blobs.insert(
        "results.json".into(),
        serde_json::to_vec(&StoredResults::from_valuation(e, v))?,
    );
    Ok(blobs)
}

impl Store {
    /// Creates a case.
    pub fn create_appraisal(
        &mut self,
        a: &NewAppraisal,
        valuation_date: &str,
        actor: &str,
    ) -> Result<AppraisalInfo, StoreError> {
        for (what, v) in [
            ("case name", &a.name),
            ("borrower", &a.borrower),
            ("appraiser", &a.appraiser),
        ] {
            if v.trim().is_empty() {
                return Err(StoreError::Invalid(format!("the {what} is required")));
            }
        }
        let info = AppraisalInfo {
            id: new_id(),
            name: a.name.trim().into(),
            borrower: a.borrower.trim().into(),
            purpose: a.purpose.trim().into(),
            valuation_date: valuation_date.into(),
            appraiser: a.appraiser.trim().into(),
            firm: a.firm.trim().into(),
            created_at: now(),
        };
        self.write(|tx| {
            insert_appraisal(tx, &info)?;
            audit::append(
                tx,
                actor,
                "create",
                "appraisal",
                &info.id,
                &row_hash(&info.fields()),
            )
        })?;
        Ok(info)
    }

    /// Saves a valuation as the next version of a case, in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub fn save_version(
        &mut self,
        appraisal_id: &str,
        author: &str,
        note: &str,
        ds: &Dataset,
        assumptions: &Assumptions,
        methods: Methods,
        engine: &Engine,
        valuation: &Valuation,
    ) -> Result<VersionInfo, StoreError> {
        if author.trim().is_empty() {
            return Err(StoreError::Invalid(
                "the author of a version is required".into(),
            ));
        }
        let blobs = blobs_of(ds, assumptions, methods, engine, valuation)?;
        let appraisal_id = appraisal_id.to_string();
        self.write(|tx| {
            let exists: i64 = tx.query_row("SELECT count(*) FROM appraisals WHERE id = ?1", [&appraisal_id], |r| r.get(0))?;
            if exists == 0 {
                return Err(StoreError::NoAppraisal(appraisal_id.clone()));
            }
            let last: Option<(i64, String)> = super::optional(tx.query_row(
                "SELECT number, id FROM versions WHERE appraisal_id = ?1 ORDER BY number DESC LIMIT 1",
                [&appraisal_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            ))?;
            let mut info = VersionInfo {
                id: new_id(),
                appraisal_id: appraisal_id.clone(),
                number: last.as_ref().map_or(1, |l| l.0 + 1),
                parent_id: last.map(|l| l.1),
                created_at: now(),
                author: author.trim().into(),
                note: note.trim().into(),
                software_version: env!("CARGO_PKG_VERSION").into(),
                fingerprint: String::new(),
            };
            info.fingerprint = fingerprint(&info, &blobs);
            insert_version(tx, &info, &blobs)?;
            audit::append(tx, author, "save", "version", &info.id, &info.fingerprint)?;
            Ok(info)
        })
    }

    /// Every case, newest first.
    pub fn appraisals(&self) -> Result<Vec<AppraisalInfo>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT id, name, borrower, purpose, valuation_date, appraiser, firm, created_at FROM appraisals ORDER BY created_at DESC, id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(AppraisalInfo {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    borrower: r.get(2)?,
                    purpose: r.get(3)?,
                    valuation_date: r.get(4)?,
                    appraiser: r.get(5)?,
                    firm: r.get(6)?,
                    created_at: r.get(7)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    pub fn appraisal(&self, id: &str) -> Result<AppraisalInfo, StoreError> {
        self.appraisals()?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| StoreError::NoAppraisal(id.into()))
    }

    /// The versions of a case, oldest first.
    pub fn versions(&self, appraisal_id: &str) -> Result<Vec<VersionInfo>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT id, appraisal_id, number, parent_id, created_at, author, note, software_version, fingerprint FROM versions WHERE appraisal_id = ?1 ORDER BY number",
        )?;
        let rows = stmt
            .query_map([appraisal_id], version_row)?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    pub fn version(&self, id: &str) -> Result<VersionInfo, StoreError> {
        super::optional(self.conn().query_row(
            "SELECT id, appraisal_id, number, parent_id, created_at, author, note, software_version, fingerprint FROM versions WHERE id = ?1",
            [id],
            version_row,
        ))?
        .ok_or_else(|| StoreError::NoVersion(id.into()))
    }

    /// A version with all its blobs.
    pub fn load_version(&self, id: &str) -> Result<VersionData, StoreError> {
        let info = self.version(id)?;
        let mut stmt = self
            .conn()
            .prepare("SELECT name, content FROM version_blobs WHERE version_id = ?1")?;
        let blobs = stmt
            .query_map([id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
            })?
            .collect::<Result<BTreeMap<_, _>, _>>()?;
        Ok(VersionData { info, blobs })
    }

    /// The stored results of a version.
    pub fn results(&self, id: &str) -> Result<StoredResults, StoreError> {
        let content: Vec<u8> = super::optional(self.conn().query_row(
            "SELECT content FROM version_blobs WHERE version_id = ?1 AND name = 'results.json'",
            [id],
            |r| r.get(0),
        ))?
        .ok_or_else(|| StoreError::StoredInput {
            version: id.into(),
            message: "results.json is missing".into(),
        })?;
        serde_json::from_slice(&content).map_err(|e| StoreError::StoredInput {
            version: id.into(),
            message: format!("results.json: {e}"),
        })
    }

    /// Problems with one version's blobs and fingerprint (empty when it is intact).
    pub fn check_version(&self, id: &str) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        let data = self.load_version(id)?;
        let mut stmt = self
            .conn()
            .prepare("SELECT name, sha256 FROM version_blobs WHERE version_id = ?1")?;
        let hashes: Vec<(String, String)> = stmt
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (name, h) in hashes {
            if data.blobs.get(&name).map(|b| sha256_hex(b)) != Some(h) {
                out.push(format!(
                    "version {id}: blob {name} was changed (its hash does not match)"
                ));
            }
        }
        for required in [
            "portfolio.csv",
            "assumptions.toml",
            "methods.json",
            "results.json",
        ] {
            if !data.blobs.contains_key(required) {
                out.push(format!("version {id}: blob {required} is missing"));
            }
        }
        let fp = fingerprint(&data.info, &data.blobs);
        if fp != data.info.fingerprint {
            out.push(format!(
                "version {id}: fingerprint {} does not match its content ({fp})",
                data.info.fingerprint
            ));
        }
        Ok(out)
    }

    /// The inputs of a version, loaded as they were used.
    pub fn dataset_of(
        &self,
        data: &VersionData,
    ) -> Result<(Dataset, Assumptions, Methods), StoreError> {
        let vid = data.info.id.clone();
        let bad = |message: String| StoreError::StoredInput {
            version: vid.clone(),
            message,
        };
        let toml = data
            .blobs
            .get("assumptions.toml")
            .ok_or_else(|| bad("assumptions.toml is missing".into()))?;
        let text =
            String::from_utf8(toml.clone()).map_err(|e| bad(format!("assumptions.toml: {e}")))?;
        let a =
            Assumptions::from_toml(&text, "assumptions.toml").map_err(|e| bad(e.to_string()))?;
        let methods: Methods = serde_json::from_slice(
            data.blobs
                .get("methods.json")
                .ok_or_else(|| bad("methods.json is missing".into()))?,
        )
        .map_err(|e| bad(format!("methods.json: {e}")))?;
        let opts = ReadOptions::new(a.valuation_date);
        let case = match data.blobs.get(import::CASE_FILE) {
            Some(bytes) => {
                let text = String::from_utf8(bytes.clone())
                    .map_err(|e| bad(format!("{}: {e}", import::CASE_FILE)))?;
                Some(
                    crate::model::case::CaseInfo::from_toml(&text, import::CASE_FILE)
                        .map_err(|e| bad(e.to_string()))?,
                )
            }
            None => None,
        };
        let mut ds = Dataset {
            assumptions: Some(a.clone()),
            case,
            ..Dataset::default()
        };
        for (kind, name) in TABLE_BLOBS {
            if let Some(bytes) = data.blobs.get(name) {
                let t = import::read_table_shared(kind, Arc::new(bytes.clone()), name, &opts, None)
                    .map_err(|e| bad(e.to_string()))?;
                ds.set_table(t);
            }
        }
        Ok((ds, a, methods))
    }

    /// Re-opens a version: its stored data, its inputs as used, and an engine on them.
    pub fn reopen(&self, id: &str) -> Result<Reopened, StoreError> {
        let data = self.load_version(id)?;
        let (dataset, assumptions, methods) = self.dataset_of(&data)?;
        let engine = Engine::new(&dataset, &assumptions, methods, None)?;
        Ok(Reopened {
            data,
            dataset,
            assumptions,
            engine,
        })
    }

    /// Re-opens a version, re-computes it, and lists every figure that differs from the stored
    /// results (empty when they are equal).
    pub fn recompute(&self, id: &str) -> Result<Vec<String>, StoreError> {
        let Reopened { engine, .. } = self.reopen(id)?;
        let v = engine.run(None)?;
        let now = StoredResults::from_valuation(&engine, &v);
        let stored = self.results(id)?;
        let mut diffs = Vec::new();
        if now.summary != stored.summary {
            diffs.push(format!(
                "totals differ: stored {:?}, recomputed {:?}",
                stored.summary, now.summary
            ));
        }
        if now.patents.len() != stored.patents.len() {
            diffs.push(format!(
                "{} patents stored, {} recomputed",
                stored.patents.len(),
                now.patents.len()
            ));
        }
        for (s, n) in stored.patents.iter().zip(&now.patents) {
            if s != n {
                diffs.push(format!("{}: stored {s:?}, recomputed {n:?}", s.patent_no));
            }
        }
        Ok(diffs)
    }
}

fn version_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<VersionInfo> {
    Ok(VersionInfo {
        id: r.get(0)?,
        appraisal_id: r.get(1)?,
        number: r.get(2)?,
        parent_id: r.get(3)?,
        created_at: r.get(4)?,
        author: r.get(5)?,
        note: r.get(6)?,
        software_version: r.get(7)?,
        fingerprint: r.get(8)?,
    })
}

pub(crate) fn insert_appraisal(tx: &Transaction<'_>, a: &AppraisalInfo) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO appraisals (id, name, borrower, purpose, valuation_date, appraiser, firm, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![a.id, a.name, a.borrower, a.purpose, a.valuation_date, a.appraiser, a.firm, a.created_at],
    )?;
    Ok(())
}

pub(crate) fn insert_version(
    tx: &Transaction<'_>,
    info: &VersionInfo,
    blobs: &BTreeMap<String, Vec<u8>>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO versions (id, appraisal_id, number, parent_id, created_at, author, note, software_version, fingerprint) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![info.id, info.appraisal_id, info.number, info.parent_id, info.created_at, info.author, info.note, info.software_version, info.fingerprint],
    )?;
    for (name, content) in blobs {
        tx.execute(
            "INSERT INTO version_blobs (version_id, name, content, sha256) VALUES (?1, ?2, ?3, ?4)",
            params![info.id, name, content, sha256_hex(content)],
        )?;
    }
    Ok(())
}
