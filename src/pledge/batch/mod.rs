//! Batch post-loan monitoring of the whole book (docs/bank.md §3, "The whole book"): every loan
//! still on the book has its collateral re-valued at the monitoring date with the legal-status
//! changes of an update file applied, and is checked for lapsed, invalidated, transferred and
//! released patents, patents at or near the end of their term, coverage below the threshold and
//! a credit limit now below the exposure. A run is kept in the store as a dated record.

mod updates;

use std::collections::HashMap;
use std::rc::Rc;

use chrono::NaiveDate;
use polars::prelude::DataType;
use serde::{Deserialize, Serialize};

pub use updates::{Change, StatusUpdate, read_updates};

use super::credit::{PledgeResult, accepted_values, pledge};
use super::{PledgeError, load_book};
use crate::import::Dataset;
use crate::import::schema::EnumKind;
use crate::model::LegalStatus;
use crate::store::Store;
use crate::valuation::Engine;

crate::model::labelled_enum! {
    /// Why a loan needs attention after a monitoring run.
    AlertKind {
        Lapsed => ("lapsed", "patent lapsed", "专利失效", []),
        Invalidated => ("invalidated", "patent invalidated", "专利被宣告无效", []),
        Transferred => ("transferred", "patent transferred", "专利权转让", []),
        PledgeReleased => ("pledge_released", "pledge released", "质押登记注销", []),
        PledgeRegistered => ("pledge_registered", "pledge registered", "质押登记生效", []),
        TermEnded => ("term_ended", "legal term ended", "法定保护期届满", []),
        NearTermEnd => ("near_term_end", "near the end of its term", "临近保护期届满", []),
        CoverageBelow => ("coverage_below", "coverage below the threshold", "覆盖率低于预警线", []),
        LimitBelowExposure => ("limit_below_exposure", "credit limit below exposure", "可贷额度低于敞口", []),
    }
}

/// One alert of a loan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchAlert {
    pub kind: AlertKind,
    /// The patent, for a patent's alert.
    pub patent_no: Option<String>,
    pub detail: String,
    pub detail_zh: String,
}

/// One loan checked.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoanCheck {
    pub loan_id: String,
    pub loan_no: String,
    pub borrower: String,
    pub exposure: f64,
    /// Accepted value, credit limit and coverage at grant (the stored version) and now.
    pub accepted_before: f64,
    pub accepted_after: f64,
    pub credit_limit_before: f64,
    pub credit_limit_after: f64,
    pub coverage_before: f64,
    pub coverage_after: f64,
    pub alerts: Vec<BatchAlert>,
}

/// A monitoring run over the book.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MonitorRun {
    pub date: NaiveDate,
    pub coverage_alert: f64,
    pub loans: Vec<LoanCheck>,
    /// Updates of patents that secure no loan on the book.
    pub unmatched: Vec<StatusUpdate>,
    /// Updates dated after the monitoring date: not applied.
    pub later: Vec<StatusUpdate>,
}

impl MonitorRun {
    pub fn alert_count(&self) -> usize {
        self.loans.iter().map(|l| l.alerts.len()).sum()
    }
    pub fn loans_with_alerts(&self) -> usize {
        self.loans.iter().filter(|l| !l.alerts.is_empty()).count()
    }
}

/// Where a patent stands after the updates up to the date, applied in date order (ties in file
/// order).
#[derive(Debug, Clone, Default)]
struct PatentNews {
    legal: Option<(LegalStatus, NaiveDate)>,
    transferred: Option<NaiveDate>,
    /// Some(true): registered; Some(false): released; with the date.
    pledge: Option<(bool, NaiveDate)>,
}

fn news_of(updates: &[StatusUpdate]) -> HashMap<String, PatentNews> {
    let mut sorted: Vec<&StatusUpdate> = updates.iter().collect();
    sorted.sort_by_key(|u| (u.date, u.row));
    let mut out: HashMap<String, PatentNews> = HashMap::new();
    for u in sorted {
        let n = out.entry(u.patent_no.clone()).or_default();
        match u.change {
            Change::Lapsed => n.legal = Some((LegalStatus::Lapsed, u.date)),
            Change::Invalidated => n.legal = Some((LegalStatus::Invalidated, u.date)),
            Change::Transferred => n.transferred = Some(u.date),
            Change::PledgeRegistered => n.pledge = Some((true, u.date)),
            Change::PledgeReleased => n.pledge = Some((false, u.date)),
        }
    }
    out
}

/// A version re-valued at the date with the legal changes applied.
struct Revalued {
    engine: Engine,
    values: Vec<f64>,
}

/// Sets the legal status of the patents the updates name, in the portfolio frame.
fn apply_legal(ds: &mut Dataset, news: &HashMap<String, PatentNews>) -> Result<(), PledgeError> {
    let Some(t) = ds.portfolio.as_mut() else {
        return Ok(());
    };
    let polars = |e: polars::prelude::PolarsError| PledgeError::Other(format!("portfolio: {e}"));
    let nos =
        t.df.column("patent_no")
            .map_err(polars)?
            .cast(&DataType::String);
    let nos = nos.map_err(polars)?;
    let st = t.codes("legal_status").map_err(PledgeError::Other)?;
    let nos = nos.str().map_err(polars)?;
    let new =
        nos.iter().zip(st).map(
            |(n, s)| match n.and_then(|n| news.get(n)).and_then(|x| x.legal) {
                Some((l, _)) => Some(l.code()),
                None => s,
            },
        );
    let new = crate::import::codes::code_column("legal_status", EnumKind::LegalStatus, new);
    t.df.with_column(new).map_err(polars)?;
    Ok(())
}

fn revalue(
    store: &Store,
    version: &str,
    date: NaiveDate,
    news: &HashMap<String, PatentNews>,
) -> Result<Revalued, PledgeError> {
    let r = store.reopen(version)?;
    let mut ds = r.dataset;
    apply_legal(&mut ds, news)?;
    let mut a = r.assumptions;
    a.valuation_date = date;
    let engine = Engine::new(&ds, &a, r.engine.methods, None)?;
    let values = engine.reconciled_values();
    Ok(Revalued { engine, values })
}

/// Runs the monitoring over every loan on the book.
pub fn monitor_book(
    store: &Store,
    date: NaiveDate,
    coverage_alert: f64,
    updates: &[StatusUpdate],
) -> Result<MonitorRun, PledgeError> {
    let (now, later): (Vec<StatusUpdate>, Vec<StatusUpdate>) =
        updates.iter().cloned().partition(|u| u.date <= date);
    let news = news_of(&now);
    let opts = super::book::BookOptions {
        coverage_alert,
        ..Default::default()
    };
    let book = load_book(store, opts)?;
    let mut cache: HashMap<String, Rc<Revalued>> = HashMap::new();
    let mut policies: HashMap<String, Rc<super::Policy>> = HashMap::new();
    let mut matched: std::collections::HashSet<String> = Default::default();
    let mut loans = Vec::new();
    for line in book.loans.iter().filter(|l| l.status.on_book()) {
        let rec = store.loan(&line.loan_id)?;
        let t = &rec.terms;
        let what = |e: PledgeError| PledgeError::Loan(format!("{}: {e}", t.loan_no));
        let after = match cache.get(&t.version_id) {
            Some(r) => r.clone(),
            None => {
                let r = Rc::new(revalue(store, &t.version_id, date, &news).map_err(what)?);
                cache.insert(t.version_id.clone(), r.clone());
                r
            }
        };
        let reported = match &t.external_version_id {
            Some(x) => Some(store.results(x)?.patents),
            None => None,
        };
        let reported: Option<Vec<(String, f64)>> = reported.map(|ps| {
            ps.into_iter()
                .map(|p| (p.patent_no, p.reconciled.unwrap_or(0.0)))
                .collect()
        });
        let mut accepted =
            accepted_values(&after.engine, &after.values, reported.as_deref(), t.accept);
        for (i, no) in after.engine.inputs.patent_nos.iter().enumerate() {
            if let Some(n) = news.get(no.as_str()) {
                matched.insert(no.clone());
                if n.transferred.is_some() || matches!(n.pledge, Some((false, _))) {
                    accepted[i] = 0.0;
                }
            }
        }
        let policy = match policies.get(&t.policy) {
            Some(p) => p.clone(),
            None => {
                let p = Rc::new(super::Policy::load(&t.policy).map_err(what)?);
                policies.insert(t.policy.clone(), p.clone());
                p
            }
        };
        let loan = t.loan(line.exposure, super::book::effective_pd(t, line.status));
        let r = pledge(&after.engine, &accepted, &policy, &loan).map_err(what)?;
        let near = policy.monitoring.near_term_years;
        loans.push(check(
            line,
            &after.engine,
            &r,
            &news,
            (coverage_alert, near),
        ));
    }
    let unmatched = now
        .into_iter()
        .filter(|u| !matched.contains(&u.patent_no))
        .collect();
    Ok(MonitorRun {
        date,
        coverage_alert,
        loans,
        unmatched,
        later,
    })
}

/// The alerts of one loan.
fn check(
    line: &super::book::LoanLine,
    engine: &Engine,
    r: &PledgeResult,
    news: &HashMap<String, PatentNews>,
    (coverage_alert, near): (f64, f64),
) -> LoanCheck {
    let mut alerts = Vec::new();
    for (i, p) in r.patents.iter().enumerate() {
        let no = &p.patent_no;
        if let Some(n) = news.get(no.as_str()) {
            patent_news_alerts(no, n, &mut alerts);
        }
        let legal = engine.base[i].life.remaining_legal;
        if p.status == LegalStatus::Granted {
            if legal <= 0.0 {
                alerts.push(patent_alert(AlertKind::TermEnded, no, String::new()));
            } else if legal < near {
                alerts.push(patent_alert(
                    AlertKind::NearTermEnd,
                    no,
                    format!("{legal:.2}"),
                ));
            }
        }
    }
    if r.coverage < coverage_alert {
        alerts.push(BatchAlert {
            kind: AlertKind::CoverageBelow,
            patent_no: None,
            detail: format!(
                "coverage {:.1}% is below {:.1}%",
                r.coverage * 100.0,
                coverage_alert * 100.0
            ),
            detail_zh: format!(
                "覆盖率 {:.1}% 低于预警线 {:.1}%",
                r.coverage * 100.0,
                coverage_alert * 100.0
            ),
        });
    }
    if r.credit_limit < r.loan.exposure {
        alerts.push(BatchAlert {
            kind: AlertKind::LimitBelowExposure,
            patent_no: None,
            detail: format!(
                "credit limit {} is below the exposure {}",
                wan(r.credit_limit),
                wan(r.loan.exposure)
            ),
            detail_zh: format!(
                "可贷额度 {} 低于敞口 {}",
                wan(r.credit_limit),
                wan(r.loan.exposure)
            ),
        });
    }
    LoanCheck {
        loan_id: line.loan_id.clone(),
        loan_no: line.loan_no.clone(),
        borrower: line.borrower.clone(),
        exposure: line.exposure,
        accepted_before: line.accepted,
        accepted_after: r.accepted_total,
        credit_limit_before: line.credit_limit,
        credit_limit_after: r.credit_limit,
        coverage_before: line.coverage,
        coverage_after: r.coverage,
        alerts,
    }
}

fn wan(x: f64) -> String {
    crate::model::money::format_money(x, crate::model::money::MoneyUnit::Wan)
}

fn patent_news_alerts(no: &str, n: &PatentNews, alerts: &mut Vec<BatchAlert>) {
    if let Some((l, d)) = n.legal {
        let kind = match l {
            LegalStatus::Invalidated => AlertKind::Invalidated,
            _ => AlertKind::Lapsed,
        };
        alerts.push(patent_alert(kind, no, d.to_string()));
    }
    if let Some(d) = n.transferred {
        alerts.push(patent_alert(AlertKind::Transferred, no, d.to_string()));
    }
    if let Some((registered, d)) = n.pledge {
        let kind = if registered {
            AlertKind::PledgeRegistered
        } else {
            AlertKind::PledgeReleased
        };
        alerts.push(patent_alert(kind, no, d.to_string()));
    }
}

/// A patent's alert; `what` is the date of the change or the years of term left.
fn patent_alert(kind: AlertKind, no: &str, what: String) -> BatchAlert {
    let (detail, detail_zh) = match kind {
        AlertKind::NearTermEnd => (
            format!("legal term ends in {what} years"),
            format!("法定保护期剩余 {what} 年"),
        ),
        AlertKind::TermEnded => ("legal term has ended".into(), "法定保护期已届满".into()),
        AlertKind::Transferred | AlertKind::PledgeReleased => (
            format!(
                "{} on {what}: it no longer secures the loan",
                kind.label_en()
            ),
            format!("{}（{what}），不再计入押品价值", kind.label_zh()),
        ),
        _ => (
            format!("{} on {what}", kind.label_en()),
            format!("{}（{what}）", kind.label_zh()),
        ),
    };
    BatchAlert {
        kind,
        patent_no: Some(no.to_string()),
        detail,
        detail_zh,
    }
}

/// Keeps `run` in the store as a dated record, with the update file's name (no folder) and
/// bytes when one was applied.
pub fn record_run(
    store: &mut Store,
    run: &MonitorRun,
    updates: Option<(&str, &[u8])>,
    author: &str,
) -> Result<crate::store::monitor_runs::RunRecord, PledgeError> {
    let json = serde_json::to_string(run).map_err(|e| PledgeError::Other(e.to_string()))?;
    let new = crate::store::monitor_runs::NewRun {
        monitoring_date: run.date,
        updates,
        loans_checked: run.loans.len(),
        loans_with_alerts: run.loans_with_alerts(),
        alerts: run.alert_count(),
        result_json: json,
    };
    Ok(store.add_monitor_run(&new, author)?)
}
