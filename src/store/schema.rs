//! Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
//!
//! Every table is append-only: triggers refuse UPDATE and DELETE, so a saved report version, a
//! review or an annotation can only be superseded, never changed. An annotation's status is the
//! last resolve/reopen event in `annotation_events`.

/// Tables whose rows are immutable, each with its two guard triggers.
pub const IMMUTABLE_TABLES: &[&str] = &[
    "appraisals",
    "versions",
    "version_blobs",
    "reviews",
    "annotations",
    "annotation_events",
    "audit_log",
    "conflicts",
    "loans",
    "loan_events",
    "monitor_runs",
    "experts",
    "expert_keys",
    "signatures",
    "panels",
    "panel_conclusions",
];

fn guards(table: &str) -> String {
    format!(
        "CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, '{table} rows are immutable'); END;\n\
         CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, '{table} rows are immutable'); END;\n"
    )
}

/// Schema 1: cases, versions and their blobs, reviews, annotations and their events, the audit log.
pub fn v1() -> String {
    let mut sql = String::from(
        "
CREATE TABLE appraisals (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    borrower TEXT NOT NULL,
    purpose TEXT NOT NULL,
    valuation_date TEXT NOT NULL,
    appraiser TEXT NOT NULL,
    firm TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE versions (
    id TEXT PRIMARY KEY,
    appraisal_id TEXT NOT NULL REFERENCES appraisals(id),
    number INTEGER NOT NULL,
    parent_id TEXT REFERENCES versions(id),
    created_at TEXT NOT NULL,
    author TEXT NOT NULL,
    note TEXT NOT NULL,
    software_version TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    UNIQUE (appraisal_id, number)
);
CREATE TABLE version_blobs (
    version_id TEXT NOT NULL REFERENCES versions(id),
    name TEXT NOT NULL,
    content BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (version_id, name)
);
CREATE TABLE reviews (
    id TEXT PRIMARY KEY,
    version_id TEXT NOT NULL REFERENCES versions(id),
    reviewer TEXT NOT NULL,
    role TEXT NOT NULL,
    verdict TEXT NOT NULL,
    comment TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE annotations (
    id TEXT PRIMARY KEY,
    version_id TEXT NOT NULL REFERENCES versions(id),
    anchor_kind TEXT NOT NULL,
    anchor TEXT NOT NULL,
    severity TEXT NOT NULL,
    comment TEXT NOT NULL,
    author TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE annotation_events (
    id TEXT PRIMARY KEY,
    annotation_id TEXT NOT NULL REFERENCES annotations(id),
    kind TEXT NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    payload_sha256 TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
",
    );
    for t in &IMMUTABLE_TABLES[..7] {
        sql.push_str(&guards(t));
    }
    sql
}

/// Schema 2: conflicts met when merging review packages, and indexes for browsing.
pub fn v2() -> String {
    let mut sql = String::from(
        "
CREATE TABLE conflicts (
    id TEXT PRIMARY KEY,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    local_json TEXT NOT NULL,
    incoming_json TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX versions_by_appraisal ON versions (appraisal_id, number);
CREATE INDEX reviews_by_version ON reviews (version_id);
CREATE INDEX annotations_by_version ON annotations (version_id);
CREATE INDEX events_by_annotation ON annotation_events (annotation_id);
CREATE INDEX audit_by_entity ON audit_log (entity, entity_id);
",
    );
    sql.push_str(&guards("conflicts"));
    sql
}

/// Schema 3: the bank's loan book. Numbers are stored as text (Rust's shortest round-trip
/// form), so a row's audit hash covers exactly what is stored.
pub fn v3() -> String {
    let mut sql = String::from(
        "
CREATE TABLE loans (
    id TEXT PRIMARY KEY,
    loan_no TEXT NOT NULL UNIQUE,
    borrower TEXT NOT NULL,
    product TEXT NOT NULL,
    exposure TEXT NOT NULL,
    interest_rate TEXT NOT NULL,
    pd TEXT NOT NULL,
    start_date TEXT NOT NULL,
    maturity_date TEXT NOT NULL,
    version_id TEXT NOT NULL REFERENCES versions(id),
    external_version_id TEXT REFERENCES versions(id),
    accept TEXT NOT NULL,
    collateral TEXT NOT NULL,
    other_collateral_value TEXT NOT NULL,
    guarantor TEXT NOT NULL,
    guarantee_share TEXT NOT NULL,
    insurer TEXT NOT NULL,
    insurance_share TEXT NOT NULL,
    policy TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE loan_events (
    id TEXT PRIMARY KEY,
    loan_id TEXT NOT NULL REFERENCES loans(id),
    status TEXT NOT NULL,
    effective_date TEXT NOT NULL,
    exposure TEXT NOT NULL,
    proceeds TEXT NOT NULL,
    note TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX loan_events_by_loan ON loan_events (loan_id);
",
    );
    sql.push_str(&guards("loans"));
    sql.push_str(&guards("loan_events"));
    sql
}

/// Schema 4: batch monitoring runs of the loan book, each a dated record.
pub fn v4() -> String {
    let mut sql = String::from(
        "
CREATE TABLE monitor_runs (
    id TEXT PRIMARY KEY,
    monitoring_date TEXT NOT NULL,
    updates_name TEXT NOT NULL,
    updates_sha256 TEXT NOT NULL,
    loans_checked TEXT NOT NULL,
    loans_with_alerts TEXT NOT NULL,
    alerts TEXT NOT NULL,
    result_json TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);
",
    );
    sql.push_str(&guards("monitor_runs"));
    sql
}

/// Schema 5: the expert pool and its keys, signatures, review panels and their conclusions.
/// Lists are JSON arrays of strings; a key's rotation or revocation is a new `expert_keys` row.
pub fn v5() -> String {
    let mut sql = String::from(
        "
CREATE TABLE experts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    institution TEXT NOT NULL,
    title TEXT NOT NULL,
    fields TEXT NOT NULL,
    industries TEXT NOT NULL,
    contact TEXT NOT NULL,
    conflict_institutions TEXT NOT NULL,
    conflict_borrowers TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE expert_keys (
    id TEXT PRIMARY KEY,
    expert_id TEXT NOT NULL REFERENCES experts(id),
    public_key TEXT NOT NULL,
    action TEXT NOT NULL,
    reason TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE signatures (
    id TEXT PRIMARY KEY,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    expert_id TEXT NOT NULL,
    public_key TEXT NOT NULL,
    version_fingerprint TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    signature TEXT NOT NULL
);
CREATE TABLE panels (
    id TEXT PRIMARY KEY,
    version_id TEXT NOT NULL REFERENCES versions(id),
    rule TEXT NOT NULL,
    members TEXT NOT NULL,
    chair TEXT NOT NULL,
    how TEXT NOT NULL,
    warnings TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE panel_conclusions (
    id TEXT PRIMARY KEY,
    panel_id TEXT NOT NULL REFERENCES panels(id),
    verdict TEXT NOT NULL,
    tally TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX signatures_by_entity ON signatures (entity, entity_id);
CREATE INDEX panels_by_version ON panels (version_id);
",
    );
    for t in [
        "experts",
        "expert_keys",
        "signatures",
        "panels",
        "panel_conclusions",
    ] {
        sql.push_str(&guards(t));
    }
    sql
}

/// All migrations; schema version N is reached by running the first N.
pub fn migrations() -> Vec<String> {
    vec![v1(), v2(), v3(), v4(), v5()]
}
