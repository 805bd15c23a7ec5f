//! The bank's loan book: pledge loans and the events of their life (status changes, restated
//! exposure, realised proceeds). Both tables are append-only and every row is in the audit
//! chain, like the rest of the store. Numbers are kept as text in Rust's shortest round-trip
//! form, so the audit hash of a row is the hash of exactly what is stored.

use chrono::NaiveDate;
use rusqlite::{Transaction, params};
use serde::Serialize;

use super::{Store, StoreError, audit, fields_hash, new_id, now, text_row};
use crate::model::LoanStatus;
use crate::pledge::credit::{Accept, Collateral};
use crate::pledge::loans::{LoanState, LoanTerms, transition_allowed};

/// The columns of `loans`, in the order the audit hash covers them.
pub(crate) const LOAN_COLUMNS: &str = "id, loan_no, borrower, product, exposure, interest_rate, pd, start_date, maturity_date, version_id, external_version_id, accept, collateral, other_collateral_value, guarantor, guarantee_share, insurer, insurance_share, policy, author, created_at";
/// The columns of `loan_events`, in the order the audit hash covers them.
pub(crate) const EVENT_COLUMNS: &str =
    "id, loan_id, status, effective_date, exposure, proceeds, note, author, created_at";

/// A stored loan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoanRecord {
    pub id: String,
    #[serde(flatten)]
    pub terms: LoanTerms,
    pub author: String,
    pub created_at: String,
}

/// One event in a loan's life.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoanEvent {
    pub id: String,
    pub loan_id: String,
    pub status: LoanStatus,
    pub date: NaiveDate,
    /// The exposure from this date on, when restated.
    pub exposure: Option<f64>,
    /// Proceeds realised (net of costs), when recorded.
    pub proceeds: Option<f64>,
    pub note: String,
    pub author: String,
    pub created_at: String,
}

fn num(x: f64) -> String {
    format!("{x}")
}

fn opt_num(x: Option<f64>) -> String {
    x.map(num).unwrap_or_default()
}

impl LoanRecord {
    /// The row's fields as stored, in [`LOAN_COLUMNS`] order.
    pub fn fields(&self) -> Vec<String> {
        let t = &self.terms;
        vec![
            self.id.clone(),
            t.loan_no.clone(),
            t.borrower.clone(),
            t.product.clone(),
            num(t.exposure),
            num(t.interest_rate),
            num(t.pd),
            t.start.to_string(),
            t.maturity.to_string(),
            t.version_id.clone(),
            t.external_version_id.clone().unwrap_or_default(),
            t.accept.code().into(),
            t.collateral.code().into(),
            num(t.other_collateral_value),
            t.guarantor.clone(),
            num(t.guarantee_share),
            t.insurer.clone(),
            num(t.insurance_share),
            t.policy.clone(),
            self.author.clone(),
            self.created_at.clone(),
        ]
    }
}

impl LoanEvent {
    /// The row's fields as stored, in [`EVENT_COLUMNS`] order.
    pub fn fields(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.loan_id.clone(),
            self.status.code().into(),
            self.date.to_string(),
            opt_num(self.exposure),
            opt_num(self.proceeds),
            self.note.clone(),
            self.author.clone(),
            self.created_at.clone(),
        ]
    }
}

/// A loan's state after its events (the first event is its grant, `performing`).
pub fn state_of(terms: &LoanTerms, events: &[LoanEvent]) -> LoanState {
    let mut s = LoanState {
        status: LoanStatus::Performing,
        since: terms.start,
        exposure: terms.exposure,
        proceeds: None,
    };
    for e in events {
        s.status = e.status;
        s.since = e.date;
        if let Some(x) = e.exposure {
            s.exposure = x;
        }
        if e.proceeds.is_some() {
            s.proceeds = e.proceeds;
        }
    }
    s
}

/// A status change to record.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub status: LoanStatus,
    pub date: NaiveDate,
    pub exposure: Option<f64>,
    pub proceeds: Option<f64>,
    pub note: String,
}

/// How many columns a column list names.
pub(crate) fn width(columns: &str) -> usize {
    columns.split(',').count()
}

impl Store {
    /// Adds a loan, with its grant as the first event; refuses unsound terms, an unknown
    /// version or a loan number already on the book.
    pub fn add_loan(&mut self, terms: &LoanTerms, author: &str) -> Result<LoanRecord, StoreError> {
        let problems = terms.problems();
        if !problems.is_empty() {
            return Err(StoreError::Invalid(format!(
                "loan {}: {}",
                terms.loan_no,
                problems.join("; ")
            )));
        }
        if author.trim().is_empty() {
            return Err(StoreError::Invalid(
                "who records the loan is required".into(),
            ));
        }
        self.version(&terms.version_id)?;
        if let Some(x) = &terms.external_version_id {
            self.version(x)?;
        }
        if self.loan_by_no(&terms.loan_no)?.is_some() {
            return Err(StoreError::Invalid(format!(
                "loan {} is already on the book",
                terms.loan_no
            )));
        }
        let rec = LoanRecord {
            id: new_id(),
            terms: LoanTerms {
                loan_no: terms.loan_no.trim().into(),
                borrower: terms.borrower.trim().into(),
                ..terms.clone()
            },
            author: author.trim().into(),
            created_at: now(),
        };
        let grant = LoanEvent {
            id: new_id(),
            loan_id: rec.id.clone(),
            status: LoanStatus::Performing,
            date: terms.start,
            exposure: None,
            proceeds: None,
            note: "granted".into(),
            author: rec.author.clone(),
            created_at: rec.created_at.clone(),
        };
        self.write(|tx| {
            insert_loan(tx, &rec)?;
            insert_event(tx, &grant)
        })?;
        Ok(rec)
    }

    /// Records a status change of a loan: the date may not go back, a closed loan stays closed
    /// (a written-off one may still be recovered).
    pub fn set_loan_status(
        &mut self,
        loan_id: &str,
        change: &StatusChange,
        author: &str,
    ) -> Result<LoanEvent, StoreError> {
        let rec = self.loan(loan_id)?;
        let events = self.loan_events(loan_id)?;
        let state = state_of(&rec.terms, &events);
        let no = &rec.terms.loan_no;
        if !transition_allowed(state.status, change.status) {
            return Err(StoreError::Invalid(format!(
                "loan {no} is {} since {}: it cannot become {}",
                state.status.label_en(),
                state.since,
                change.status.label_en()
            )));
        }
        if change.date < state.since {
            return Err(StoreError::Invalid(format!(
                "loan {no}: the date {} is before its last event ({})",
                change.date, state.since
            )));
        }
        for (what, v) in [("exposure", change.exposure), ("proceeds", change.proceeds)] {
            if let Some(x) = v
                && !(x >= 0.0 && x.is_finite())
            {
                return Err(StoreError::Invalid(format!(
                    "loan {no}: {what} {x} must be 0 or more"
                )));
            }
        }
        if author.trim().is_empty() {
            return Err(StoreError::Invalid(
                "who records the change is required".into(),
            ));
        }
        let e = LoanEvent {
            id: new_id(),
            loan_id: rec.id.clone(),
            status: change.status,
            date: change.date,
            exposure: change.exposure,
            proceeds: change.proceeds,
            note: change.note.trim().into(),
            author: author.trim().into(),
            created_at: now(),
        };
        self.write(|tx| insert_event(tx, &e))?;
        Ok(e)
    }

    /// Every loan, by loan number.
    pub fn loans(&self) -> Result<Vec<LoanRecord>, StoreError> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {LOAN_COLUMNS} FROM loans ORDER BY loan_no"
        ))?;
        let rows: Vec<Vec<String>> = stmt
            .query_map([], |r| text_row(r, width(LOAN_COLUMNS)))?
            .collect::<Result<_, _>>()?;
        rows.into_iter().map(|f| loan_from(&f)).collect()
    }

    /// One loan by id.
    pub fn loan(&self, id: &str) -> Result<LoanRecord, StoreError> {
        let f = super::optional(self.conn().query_row(
            &format!("SELECT {LOAN_COLUMNS} FROM loans WHERE id = ?1"),
            [id],
            |r| text_row(r, width(LOAN_COLUMNS)),
        ))?
        .ok_or_else(|| StoreError::Invalid(format!("no loan {id}")))?;
        loan_from(&f)
    }

    fn loan_by_no(&self, loan_no: &str) -> Result<Option<String>, StoreError> {
        super::optional(self.conn().query_row(
            "SELECT id FROM loans WHERE loan_no = ?1",
            [loan_no.trim()],
            |r| r.get(0),
        ))
    }

    /// A loan by its loan number, or by its id or a unique prefix of it.
    pub fn resolve_loan(&self, key: &str) -> Result<String, StoreError> {
        if let Some(id) = self.loan_by_no(key)? {
            return Ok(id);
        }
        super::resolve(self.conn(), "loans", key, "loan").map_err(|e| match e {
            StoreError::Invalid(_) => StoreError::Invalid(format!("no loan matches \"{key}\"")),
            other => other,
        })
    }

    /// A loan's events, oldest first.
    pub fn loan_events(&self, loan_id: &str) -> Result<Vec<LoanEvent>, StoreError> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {EVENT_COLUMNS} FROM loan_events WHERE loan_id = ?1 ORDER BY rowid"
        ))?;
        let rows: Vec<Vec<String>> = stmt
            .query_map([loan_id], |r| text_row(r, width(EVENT_COLUMNS)))?
            .collect::<Result<_, _>>()?;
        rows.into_iter().map(|f| event_from(&f)).collect()
    }
}

fn bad(id: &str, what: &str, v: &str) -> StoreError {
    StoreError::Invalid(format!(
        "stored loan row {id}: {what} \"{v}\" cannot be read"
    ))
}

fn f(id: &str, what: &str, v: &str) -> Result<f64, StoreError> {
    v.parse().map_err(|_| bad(id, what, v))
}

fn opt_f(id: &str, what: &str, v: &str) -> Result<Option<f64>, StoreError> {
    if v.is_empty() {
        Ok(None)
    } else {
        f(id, what, v).map(Some)
    }
}

fn date(id: &str, what: &str, v: &str) -> Result<NaiveDate, StoreError> {
    v.parse().map_err(|_| bad(id, what, v))
}

fn loan_from(c: &[String]) -> Result<LoanRecord, StoreError> {
    let id = c[0].as_str();
    Ok(LoanRecord {
        id: id.into(),
        terms: LoanTerms {
            loan_no: c[1].clone(),
            borrower: c[2].clone(),
            product: c[3].clone(),
            exposure: f(id, "exposure", &c[4])?,
            interest_rate: f(id, "interest rate", &c[5])?,
            pd: f(id, "PD", &c[6])?,
            start: date(id, "start date", &c[7])?,
            maturity: date(id, "maturity date", &c[8])?,
            version_id: c[9].clone(),
            external_version_id: (!c[10].is_empty()).then(|| c[10].clone()),
            accept: Accept::from_code(&c[11]).ok_or_else(|| bad(id, "accept rule", &c[11]))?,
            collateral: Collateral::from_code(&c[12])
                .ok_or_else(|| bad(id, "collateral", &c[12]))?,
            other_collateral_value: f(id, "other collateral value", &c[13])?,
            guarantor: c[14].clone(),
            guarantee_share: f(id, "guarantee share", &c[15])?,
            insurer: c[16].clone(),
            insurance_share: f(id, "insurance cover", &c[17])?,
            policy: c[18].clone(),
        },
        author: c[19].clone(),
        created_at: c[20].clone(),
    })
}

fn event_from(c: &[String]) -> Result<LoanEvent, StoreError> {
    let id = c[0].as_str();
    Ok(LoanEvent {
        id: id.into(),
        loan_id: c[1].clone(),
        status: LoanStatus::from_code(&c[2]).ok_or_else(|| bad(id, "status", &c[2]))?,
        date: date(id, "date", &c[3])?,
        exposure: opt_f(id, "exposure", &c[4])?,
        proceeds: opt_f(id, "proceeds", &c[5])?,
        note: c[6].clone(),
        author: c[7].clone(),
        created_at: c[8].clone(),
    })
}

fn insert_loan(tx: &Transaction<'_>, rec: &LoanRecord) -> Result<(), StoreError> {
    let v = rec.fields();
    let ext: Option<&str> = rec.terms.external_version_id.as_deref();
    tx.execute(
        &format!(
            "INSERT INTO loans ({LOAN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)"
        ),
        params![
            v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], ext, v[11], v[12], v[13],
            v[14], v[15], v[16], v[17], v[18], v[19], v[20]
        ],
    )?;
    audit::append(
        tx,
        &rec.author,
        "add loan",
        "loan",
        &rec.id,
        &fields_hash(&v),
    )
}

fn insert_event(tx: &Transaction<'_>, e: &LoanEvent) -> Result<(), StoreError> {
    let v = e.fields();
    tx.execute(
        &format!(
            "INSERT INTO loan_events ({EVENT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        ),
        params![v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]],
    )?;
    audit::append(
        tx,
        &e.author,
        e.status.code(),
        "loan_event",
        &e.id,
        &fields_hash(&v),
    )
}
