//! Batch monitoring runs of the loan book, each kept as a dated record: the monitoring date,
//! the update file it applied (name and SHA-256), the counts and the full result as JSON.
//! Append-only and in the audit chain like every other table.

use rusqlite::params;
use serde::Serialize;

use super::{Store, StoreError, audit, fields_hash, new_id, now, sha256_hex, text_row};

/// The columns of `monitor_runs`, in the order the audit hash covers them.
pub(crate) const RUN_COLUMNS: &str = "id, monitoring_date, updates_name, updates_sha256, loans_checked, loans_with_alerts, alerts, result_json, author, created_at";

/// A stored run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunRecord {
    pub id: String,
    pub monitoring_date: String,
    /// The update file's name (no folder) and the SHA-256 of its bytes; empty without one.
    pub updates_name: String,
    pub updates_sha256: String,
    pub loans_checked: usize,
    pub loans_with_alerts: usize,
    pub alerts: usize,
    /// The run's result (`pledge::batch::MonitorRun`) as JSON.
    #[serde(skip)]
    pub result_json: String,
    pub author: String,
    pub created_at: String,
}

/// What a run records.
#[derive(Debug, Clone)]
pub struct NewRun<'a> {
    pub monitoring_date: chrono::NaiveDate,
    /// The update file's name and bytes, when one was applied.
    pub updates: Option<(&'a str, &'a [u8])>,
    pub loans_checked: usize,
    pub loans_with_alerts: usize,
    pub alerts: usize,
    pub result_json: String,
}

impl RunRecord {
    fn fields(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.monitoring_date.clone(),
            self.updates_name.clone(),
            self.updates_sha256.clone(),
            self.loans_checked.to_string(),
            self.loans_with_alerts.to_string(),
            self.alerts.to_string(),
            self.result_json.clone(),
            self.author.clone(),
            self.created_at.clone(),
        ]
    }

    fn from_fields(f: &[String]) -> Result<Self, StoreError> {
        let n = |i: usize| {
            f[i].parse::<usize>().map_err(|_| {
                StoreError::Invalid(format!(
                    "stored monitoring run {}: count \"{}\" cannot be read",
                    f[0], f[i]
                ))
            })
        };
        Ok(Self {
            id: f[0].clone(),
            monitoring_date: f[1].clone(),
            updates_name: f[2].clone(),
            updates_sha256: f[3].clone(),
            loans_checked: n(4)?,
            loans_with_alerts: n(5)?,
            alerts: n(6)?,
            result_json: f[7].clone(),
            author: f[8].clone(),
            created_at: f[9].clone(),
        })
    }
}

fn width() -> usize {
    super::loans::width(RUN_COLUMNS)
}

impl Store {
    /// Keeps a monitoring run.
    pub fn add_monitor_run(
        &mut self,
        run: &NewRun<'_>,
        author: &str,
    ) -> Result<RunRecord, StoreError> {
        if author.trim().is_empty() {
            return Err(StoreError::Invalid(
                "who runs the monitoring is required".into(),
            ));
        }
        let (name, sha) = run
            .updates
            .map_or((String::new(), String::new()), |(n, b)| {
                (n.to_string(), sha256_hex(b))
            });
        let rec = RunRecord {
            id: new_id(),
            monitoring_date: run.monitoring_date.to_string(),
            updates_name: name,
            updates_sha256: sha,
            loans_checked: run.loans_checked,
            loans_with_alerts: run.loans_with_alerts,
            alerts: run.alerts,
            result_json: run.result_json.clone(),
            author: author.trim().into(),
            created_at: now(),
        };
        let v = rec.fields();
        self.write(|tx| {
            tx.execute(
                &format!(
                    "INSERT INTO monitor_runs ({RUN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                ),
                params![v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]],
            )?;
            audit::append(tx, &rec.author, "monitor", "monitor_run", &rec.id, &fields_hash(&v))
        })?;
        Ok(rec)
    }

    /// Every run, oldest first.
    pub fn monitor_runs(&self) -> Result<Vec<RunRecord>, StoreError> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {RUN_COLUMNS} FROM monitor_runs ORDER BY rowid"
        ))?;
        let rows: Vec<Vec<String>> = stmt
            .query_map([], |r| text_row(r, width()))?
            .collect::<Result<_, _>>()?;
        rows.iter().map(|f| RunRecord::from_fields(f)).collect()
    }

    /// A run by id or unique prefix.
    pub fn monitor_run(&self, key: &str) -> Result<RunRecord, StoreError> {
        let id = super::resolve(self.conn(), "monitor_runs", key, "monitoring run").map_err(
            |e| match e {
                StoreError::Invalid(_) => StoreError::Invalid(format!("no monitoring run {key}")),
                other => other,
            },
        )?;
        let f = self.conn().query_row(
            &format!("SELECT {RUN_COLUMNS} FROM monitor_runs WHERE id = ?1"),
            [&id],
            |r| text_row(r, width()),
        )?;
        RunRecord::from_fields(&f)
    }
}
