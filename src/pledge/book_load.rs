//! The book from the store: every loan's collateral re-opened from its stored version (each
//! version once), its accepted values under the loan's rule, and its credit analysis at the
//! loan's current exposure and status.

use std::collections::HashMap;
use std::rc::Rc;

use super::book::{Book, BookOptions, LoanLine, effective_pd, line, summarise};
use super::credit::{accepted_values, pledge};
use super::policy::Policy;
use super::{PledgeError, fen, yuan};
use crate::store::Store;
use crate::store::loans::{LoanRecord, state_of};
use crate::valuation::Engine;

/// A stored version as the book needs it.
struct Collateral {
    engine: Engine,
    /// Reconciled value per patent, engine order.
    values: Vec<f64>,
    /// (patent number, reconciled value), as an outside appraisal's reported values.
    reported: Vec<(String, f64)>,
    /// IPC class per patent, engine order.
    classes: Vec<String>,
}

/// Versions and policies, each read once.
#[derive(Default)]
struct Cache {
    versions: HashMap<String, Rc<Collateral>>,
    policies: HashMap<String, Rc<Policy>>,
}

impl Cache {
    fn version(&mut self, store: &Store, id: &str) -> Result<Rc<Collateral>, PledgeError> {
        if let Some(c) = self.versions.get(id) {
            return Ok(c.clone());
        }
        let r = store.reopen(id)?;
        let stored = store.results(id)?;
        let by_no: HashMap<&str, f64> = stored
            .patents
            .iter()
            .map(|p| (p.patent_no.as_str(), p.reconciled.unwrap_or(0.0)))
            .collect();
        let engine = r.engine;
        let values = engine
            .inputs
            .patent_nos
            .iter()
            .map(|n| by_no.get(n.as_str()).copied().unwrap_or(0.0))
            .collect();
        let reported = stored
            .patents
            .iter()
            .map(|p| (p.patent_no.clone(), p.reconciled.unwrap_or(0.0)))
            .collect();
        let classes = ipc_classes(&r.dataset, engine.len());
        let c = Rc::new(Collateral {
            engine,
            values,
            reported,
            classes,
        });
        self.versions.insert(id.to_string(), c.clone());
        Ok(c)
    }

    fn policy(&mut self, name: &str) -> Result<Rc<Policy>, PledgeError> {
        if let Some(p) = self.policies.get(name) {
            return Ok(p.clone());
        }
        let p = Rc::new(Policy::load(name)?);
        self.policies.insert(name.to_string(), p.clone());
        Ok(p)
    }
}

/// The IPC class (first three characters) of every patent of the portfolio, `—` when blank.
fn ipc_classes(ds: &crate::import::Dataset, n: usize) -> Vec<String> {
    let col = ds
        .portfolio
        .as_ref()
        .and_then(|t| t.df.column("ipc").ok())
        .and_then(|c| c.str().ok().cloned());
    let class = |s: Option<&str>| {
        let s = s.unwrap_or("").trim();
        if s.is_empty() {
            "—".to_string()
        } else {
            s.chars().take(3).collect()
        }
    };
    match col {
        Some(ca) => ca.iter().map(class).collect(),
        None => vec![class(None); n],
    }
}

/// One loan's line.
fn loan_line(
    store: &Store,
    cache: &mut Cache,
    rec: &LoanRecord,
    opts: &BookOptions,
) -> Result<LoanLine, PledgeError> {
    let t = &rec.terms;
    let what = |e: PledgeError| PledgeError::Loan(format!("{}: {e}", t.loan_no));
    let events = store.loan_events(&rec.id)?;
    let state = state_of(t, &events);
    let c = cache.version(store, &t.version_id).map_err(what)?;
    let ext = match &t.external_version_id {
        Some(x) => Some(cache.version(store, x).map_err(what)?),
        None => None,
    };
    let policy = cache.policy(&t.policy).map_err(what)?;
    let reported = ext.as_ref().map(|x| x.reported.as_slice());
    let accepted = accepted_values(&c.engine, &c.values, reported, t.accept);
    // A loan restated to 0 (repaid) is analysed at its granted exposure: it is off the book.
    let exposure = if state.exposure > 0.0 {
        state.exposure
    } else {
        t.exposure
    };
    let loan = t.loan(exposure, effective_pd(t, state.status));
    let r = pledge(&c.engine, &accepted, &policy, &loan).map_err(what)?;
    let mut classes: HashMap<&str, i64> = HashMap::new();
    for (p, class) in r.patents.iter().zip(&c.classes) {
        *classes.entry(class.as_str()).or_insert(0) += fen(p.accepted);
    }
    let mut by_class: Vec<(String, f64)> = classes
        .into_iter()
        .map(|(k, v)| (k.to_string(), yuan(v)))
        .collect();
    by_class.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(line(&rec.id, t, &state, &r, &policy, by_class, opts))
}

/// The book of every loan in the store.
pub fn load_book(store: &Store, opts: BookOptions) -> Result<Book, PledgeError> {
    let mut cache = Cache::default();
    let lines = store
        .loans()?
        .iter()
        .map(|rec| loan_line(store, &mut cache, rec, &opts))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(summarise(lines, opts))
}
