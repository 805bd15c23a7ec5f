//! The expert-review store: immutable appraisal report versions, reviews and annotations in a
//! local SQLite file, with a hash-chained audit log.
//!
//! Durability: WAL journal with `synchronous=FULL`, foreign keys on, a busy timeout, and one
//! `BEGIN IMMEDIATE` transaction per user action, so two app instances can share one file and a
//! crash loses at most the action in flight. A file that is not a patval store, is damaged, or
//! was written by a newer patval is refused with a message that says so.

pub mod audit;
pub mod experts;
pub mod keys;
pub mod loans;
pub mod monitor_runs;
pub mod package;
pub mod panel_rule;
pub mod panels;
pub mod review;
mod schema;
pub mod signature;
mod signed_review;
mod verify_signatures;
pub mod versions;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OptionalExtension, Transaction, TransactionBehavior};
use sha2::{Digest, Sha256};

pub use audit::VerifyReport;
pub use review::{Annotation, AnnotationEvent, Review};
pub use versions::{AppraisalInfo, NewAppraisal, VersionData, VersionInfo};

use crate::valuation::ValuationError;

/// `PRAGMA application_id` of a patval store ("PATV").
pub const APPLICATION_ID: i32 = 0x5041_5456;

/// Everything that can go wrong with the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: cannot open the store: {message}")]
    Open { path: String, message: String },
    #[error("{path}: not a patval store (it is another SQLite database); choose another file")]
    NotPatval { path: String },
    #[error("{path}: not a database, or a damaged one: {message}")]
    Damaged { path: String, message: String },
    #[error(
        "{path}: written by a newer patval (store schema {found}; this build knows up to {known}); open it with that version"
    )]
    Newer {
        path: String,
        found: i32,
        known: i32,
    },
    #[error("store: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("no report version matches \"{0}\"")]
    NoVersion(String),
    #[error("\"{0}\" matches more than one {1}; give more characters")]
    Ambiguous(String, &'static str),
    #[error("no appraisal matches \"{0}\"")]
    NoAppraisal(String),
    #[error("no annotation matches \"{0}\"")]
    NoAnnotation(String),
    #[error("{0}")]
    Invalid(String),
    #[error("report version {version}: {message}")]
    StoredInput { version: String, message: String },
    #[error(transparent)]
    Valuation(#[from] ValuationError),
    #[error("review package {path}: {message}")]
    Package { path: String, message: String },
    #[error("cannot encode: {0}")]
    Json(#[from] serde_json::Error),
}

/// An open store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A new random id (128 bits, hex): stable across stores, so merges recognise rows.
pub fn new_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Now, UTC, RFC 3339 with microseconds.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Hash of a row's fields in a fixed order (what the audit log records for it).
pub fn row_hash(fields: &[&str]) -> String {
    sha256_hex(serde_json::to_string(fields).unwrap_or_default().as_bytes())
}

impl Store {
    /// The default store: `store.sqlite3` in the user's data directory.
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("org", "patval", "patval")
            .map(|d| d.data_dir().join("store.sqlite3"))
    }

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let shown = path.display().to_string();
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                path: shown.clone(),
                message: e.to_string(),
            })?;
        }
        let conn = Connection::open(path).map_err(|e| classify(&shown, e))?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(|e| classify(&shown, e))?;
        let journal: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| classify(&shown, e))?;
        if !journal.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Open {
                path: shown,
                message: format!("cannot switch to WAL (journal mode is {journal})"),
            });
        }
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
            .map_err(|e| classify(&shown, e))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.migrate().map_err(|e| match e {
            StoreError::Sql(e) => classify(&shown, e),
            other => other,
        })?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Schema version of the open store.
    pub fn schema_version(&self) -> Result<i32, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// The latest schema this build knows.
    pub fn known_schema() -> i32 {
        schema::migrations().len() as i32
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let shown = self.path.display().to_string();
        let migrations = schema::migrations();
        let known = migrations.len() as i32;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i32 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let app: i32 = tx.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let tables: i64 = tx.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if version == 0 && app == 0 && tables > 0 {
            return Err(StoreError::NotPatval { path: shown });
        }
        if app != 0 && app != APPLICATION_ID {
            return Err(StoreError::NotPatval { path: shown });
        }
        if version > known {
            return Err(StoreError::Newer {
                path: shown,
                found: version,
                known,
            });
        }
        if version < known {
            for (i, sql) in migrations.iter().enumerate().skip(version as usize) {
                tx.execute_batch(sql)?;
                tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
            }
            tx.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID}"))?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Applies only the first `n` migrations to a new file (for migration tests).
    #[doc(hidden)]
    pub fn create_at_schema(path: &Path, n: usize) -> Result<(), StoreError> {
        let conn = Connection::open(path)?;
        conn.execute_batch("PRAGMA journal_mode = WAL;")?;
        for (i, sql) in schema::migrations().iter().take(n).enumerate() {
            conn.execute_batch(sql)?;
            conn.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
        }
        conn.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID}"))?;
        Ok(())
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction: all or nothing.
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Resolves a version id or a unique prefix of one (at least 4 characters).
    pub fn resolve_version(&self, key: &str) -> Result<String, StoreError> {
        resolve(&self.conn, "versions", key, "report version").map_err(|e| match e {
            StoreError::Invalid(_) => StoreError::NoVersion(key.to_string()),
            other => other,
        })
    }

    /// Resolves an annotation id or unique prefix.
    pub fn resolve_annotation(&self, key: &str) -> Result<String, StoreError> {
        resolve(&self.conn, "annotations", key, "annotation").map_err(|e| match e {
            StoreError::Invalid(_) => StoreError::NoAnnotation(key.to_string()),
            other => other,
        })
    }

    /// Resolves an appraisal id or unique prefix.
    pub fn resolve_appraisal(&self, key: &str) -> Result<String, StoreError> {
        resolve(&self.conn, "appraisals", key, "appraisal").map_err(|e| match e {
            StoreError::Invalid(_) => StoreError::NoAppraisal(key.to_string()),
            other => other,
        })
    }
}

fn resolve(
    conn: &Connection,
    table: &str,
    key: &str,
    what: &'static str,
) -> Result<String, StoreError> {
    let key = key.trim().to_ascii_lowercase();
    if key.len() < 4 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(StoreError::Invalid(key));
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT id FROM {table} WHERE id >= ?1 AND id < ?2 LIMIT 2"
    ))?;
    let upper = format!("{key}g");
    let ids: Vec<String> = stmt
        .query_map([&key, &upper], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    match ids.len() {
        0 => Err(StoreError::Invalid(key)),
        1 => Ok(ids.into_iter().next().unwrap_or_default()),
        _ => Err(StoreError::Ambiguous(key, what)),
    }
}

/// Turns SQLite's errors on open into messages about the file.
fn classify(path: &str, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => StoreError::Damaged {
            path: path.to_string(),
            message: e.to_string(),
        },
        Some(ErrorCode::CannotOpen)
        | Some(ErrorCode::PermissionDenied)
        | Some(ErrorCode::ReadOnly) => StoreError::Open {
            path: path.to_string(),
            message: e.to_string(),
        },
        _ => StoreError::Sql(e),
    }
}

/// A row's first `n` columns as text (NULL as empty), as the audit hash takes them.
pub(crate) fn text_row(r: &rusqlite::Row<'_>, n: usize) -> rusqlite::Result<Vec<String>> {
    (0..n)
        .map(|i| r.get::<_, Option<String>>(i).map(Option::unwrap_or_default))
        .collect()
}

/// [`row_hash`] of owned fields.
pub(crate) fn fields_hash(fields: &[String]) -> String {
    let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
    row_hash(&refs)
}

/// Reads an optional single value.
pub(crate) fn optional<T>(r: Result<T, rusqlite::Error>) -> Result<Option<T>, StoreError> {
    Ok(r.optional()?)
}
