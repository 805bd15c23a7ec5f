//! The valuation engine: cost, income and market approaches over a whole portfolio, their
//! reconciliation, sensitivity and Monte Carlo uncertainty. Every formula is in
//! `docs/methods.md`; every figure can explain itself through a [`trace::PatentTrace`].
//!
//! [`Engine::new`] reads the imported frames once, scores every patent, builds its discount
//! rate and selects its comparables (the work that does not change when a parameter is nudged).
//! [`Engine::evaluate`] then values one patent under a [`Tweak`], optionally recording a trace;
//! the portfolio run, the sensitivity and the simulation are all made of these calls, so what
//! the trace shows is what the totals add up.

pub mod build;
pub mod cost;
pub mod discount;
pub mod income;
pub mod inputs;
pub mod life;
pub mod market;
pub mod parameters;
pub mod reconcile;
pub mod results;
pub mod scorecard;
pub mod sensitivity;
pub mod simulation;
pub mod trace;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;

use crate::model::Assumptions;
use crate::progress::Progress;
use discount::DiscountBuildUp;
use inputs::Inputs;
use life::Life;
use parameters::{ParamTable, Params, Resolver};
use scorecard::Score;

pub use results::{Summary, Valuation};

/// Why a valuation could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValuationError {
    #[error("no {0} is loaded; it is needed to value")]
    MissingInput(&'static str),
    #[error("{file}, row {row}: {message}")]
    Input {
        file: String,
        row: usize,
        message: String,
    },
    #[error("{0}")]
    Parameters(String),
    #[error("no method is switched on")]
    NoMethod,
    #[error("cancelled")]
    Cancelled,
    #[error("internal error: {0}")]
    Internal(String),
}

/// The three approaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Cost,
    Income,
    Market,
}

impl Method {
    pub const ALL: [Method; 3] = [Method::Cost, Method::Income, Method::Market];

    pub fn label_en(self) -> &'static str {
        match self {
            Method::Cost => "cost approach",
            Method::Income => "income approach",
            Method::Market => "market approach",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Method::Cost => "成本法",
            Method::Income => "收益法",
            Method::Market => "市场法",
        }
    }
}

/// Which methods run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Methods {
    pub cost: bool,
    pub income: bool,
    pub market: bool,
}

impl Default for Methods {
    fn default() -> Self {
        Self {
            cost: true,
            income: true,
            market: true,
        }
    }
}

impl Methods {
    pub fn on(&self, m: Method) -> bool {
        match m {
            Method::Cost => self.cost,
            Method::Income => self.income,
            Method::Market => self.market,
        }
    }
}

/// Why a method gave no value for a patent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum NoValue {
    /// The method is switched off.
    Off,
    /// The patent's asset group has no forecast.
    NoForecast,
    /// Profit share needs a profit margin for this year.
    NoProfitMargin { year: i32 },
    /// No cost items and no R&D cost override.
    NoCostData,
    /// Fewer usable comparables than required.
    TooFewComparables { found: u32, needed: u32 },
}

impl NoValue {
    /// The reason in Chinese.
    pub fn describe_zh(&self) -> String {
        match self {
            NoValue::Off => "方法未启用".into(),
            NoValue::NoForecast => "所属资产组没有收益预测".into(),
            NoValue::NoProfitMargin { year } => format!("利润分成需要 {year} 年的利润率"),
            NoValue::NoCostData => "没有成本明细，也没有研发成本".into(),
            NoValue::TooFewComparables { found, needed } => {
                format!("可用交易案例 {found} 个，至少需要 {needed} 个")
            }
        }
    }

    pub fn describe(&self) -> String {
        match self {
            NoValue::Off => "method switched off".into(),
            NoValue::NoForecast => "its asset group has no forecast".into(),
            NoValue::NoProfitMargin { year } => {
                format!("profit share needs a profit margin for {year}")
            }
            NoValue::NoCostData => "no cost items and no R&D cost".into(),
            NoValue::TooFewComparables { found, needed } => {
                format!("{found} usable comparables, {needed} needed")
            }
        }
    }
}

/// A method's value for one patent, or why there is none.
pub type MethodResult = Result<f64, NoValue>;

/// A nudge of the main parameters, for sensitivity and simulation. The identity leaves every
/// figure as the assumptions give it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Tweak {
    /// Multiplies the share (or royalty) rate.
    pub share_mult: f64,
    /// Added to the discount rate.
    pub discount_shift: f64,
    /// Multiplies revenue.
    pub revenue_mult: f64,
    /// Multiplies remaining economic life (still capped by the remaining legal term).
    pub life_mult: f64,
}

impl Tweak {
    pub const IDENTITY: Tweak = Tweak {
        share_mult: 1.0,
        discount_shift: 0.0,
        revenue_mult: 1.0,
        life_mult: 1.0,
    };
}

impl Default for Tweak {
    fn default() -> Self {
        Self::IDENTITY
    }
}

/// First year of the dense price-index table; years outside 1900–2200 are rejected on import.
const INDEX_FIRST_YEAR: i32 = 1900;
const INDEX_LAST_YEAR: i32 = 2200;

/// Lowest discount rate a tweak can produce.
pub const MIN_RATE: f64 = 0.001;

/// Figures of one patent that do not depend on a tweak.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Base {
    pub life: Life,
    pub score: Score,
    pub discount: DiscountBuildUp,
    /// Share rate before decay and forecast overrides.
    pub share_rate: f64,
    /// This patent's share of its asset group's patent income.
    pub allocation: f64,
    /// Grant probability for a pending application, else 1.
    pub pending_factor: f64,
}

/// One patent's values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PatentValue {
    pub cost: MethodResult,
    pub income: MethodResult,
    pub market: MethodResult,
    pub reconciled: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

impl PatentValue {
    pub fn method(&self, m: Method) -> MethodResult {
        match m {
            Method::Cost => self.cost,
            Method::Income => self.income,
            Method::Market => self.market,
        }
    }
}

/// The engine: inputs, per-patent base figures and selected comparables.
#[derive(Clone)]
pub struct Engine {
    pub assumptions: Assumptions,
    pub methods: Methods,
    pub inputs: Inputs,
    pub base: Vec<Base>,
    pub market: market::Selection,
    price_index: BTreeMap<i32, f64>,
    /// `index_of(year)` for every year from [`INDEX_FIRST_YEAR`], so lookups in hot loops are
    /// array reads.
    index_dense: Vec<Option<f64>>,
    /// Restated R&D costs and official fees per patent (they do not depend on a tweak).
    pub cost_base: Vec<Result<cost::Restated, NoValue>>,
    /// Share of the valuation year after the valuation date.
    pub first_fraction: f64,
    /// The parameters table, indexed by scope (for explaining a value).
    pub resolver: std::sync::Arc<Resolver>,
    /// Every patent's resolved parameters.
    pub params: std::sync::Arc<ParamTable>,
}

impl Engine {
    pub fn len(&self) -> usize {
        self.inputs.patents.len()
    }

    /// The resolved parameters of patent `i`.
    pub fn params(&self, i: usize) -> &Params {
        self.params.get(i)
    }

    /// Changes resolved parameters patent by patent (the bank's value bridge swaps one
    /// parameter at a time this way); every patent gets a set of its own.
    pub fn edit_params(&mut self, f: impl Fn(usize, &mut Params)) {
        let sets = (0..self.len())
            .map(|i| {
                let mut p = self.params(i).clone();
                f(i, &mut p);
                p
            })
            .collect();
        self.params = std::sync::Arc::new(ParamTable {
            sets,
            of: (0..self.len() as u32).collect(),
        });
    }

    /// The asset group of patent `i`.
    pub fn group_name(&self, i: usize) -> &str {
        self.inputs
            .group_names
            .get(self.inputs.patents[i].group_name as usize)
            .map_or("", String::as_str)
    }

    /// Each parameter of patent `i` that the parameters table sets, with its scope and basis;
    /// with `all`, also those left to the assumptions file.
    pub fn explain(&self, i: usize, all: bool) -> Vec<parameters::ResolvedParam> {
        self.resolver.explain(
            &self.assumptions,
            self.group_name(i),
            self.inputs.patent_nos.get(i).map(String::as_str),
            all,
        )
    }

    pub fn is_empty(&self) -> bool {
        self.inputs.patents.is_empty()
    }

    /// `index(to_year) / index(from_year)`; a year missing from the table takes the nearest
    /// year it has (the earlier one on a tie). Returns 1 with an empty table.
    pub fn index_ratio(&self, from_year: i32, to_year: i32) -> f64 {
        let dense = |y: i32| -> Option<f64> {
            if (INDEX_FIRST_YEAR..=INDEX_LAST_YEAR).contains(&y) && !self.index_dense.is_empty() {
                self.index_dense[(y - INDEX_FIRST_YEAR) as usize]
            } else {
                self.index_of(y)
            }
        };
        match (dense(from_year), dense(to_year)) {
            (Some(f), Some(t)) if f > 0.0 => t / f,
            _ => 1.0,
        }
    }

    fn index_of(&self, year: i32) -> Option<f64> {
        let before = self.price_index.range(..=year).next_back();
        let after = self.price_index.range(year..).next();
        match (before, after) {
            (Some((by, bv)), Some((ay, av))) => {
                Some(if year - by <= ay - year { *bv } else { *av })
            }
            (Some((_, v)), None) | (None, Some((_, v))) => Some(*v),
            (None, None) => None,
        }
    }

    /// The price-index year actually used for `year` (for traces).
    pub fn index_year_used(&self, year: i32) -> Option<i32> {
        let before = self.price_index.range(..=year).next_back().map(|(y, _)| *y);
        let after = self.price_index.range(year..).next().map(|(y, _)| *y);
        match (before, after) {
            (Some(b), Some(a)) => Some(if year - b <= a - year { b } else { a }),
            (b, a) => b.or(a),
        }
    }

    /// Values patent `i` under `tweak`; with `trace`, records every intermediate figure.
    pub fn evaluate(
        &self,
        i: usize,
        tweak: &Tweak,
        trace: Option<&mut trace::PatentTrace>,
    ) -> PatentValue {
        self.evaluate_with(i, tweak, None, trace)
    }

    /// [`Engine::evaluate`] with patent `i`'s market grid rows worked out beforehand
    /// ([`market::Fixed::of`]), for valuing one patent under many tweaks: the same figures.
    pub fn evaluate_fixed(&self, i: usize, tweak: &Tweak, fixed: &market::Fixed) -> PatentValue {
        self.evaluate_with(i, tweak, Some(fixed), None)
    }

    fn evaluate_with(
        &self,
        i: usize,
        tweak: &Tweak,
        fixed: Option<&market::Fixed>,
        mut trace: Option<&mut trace::PatentTrace>,
    ) -> PatentValue {
        let pp = self.params(i);
        let m = Methods {
            cost: self.methods.cost && pp.methods.cost,
            income: self.methods.income && pp.methods.income,
            market: self.methods.market && pp.methods.market,
        };
        let cost = if m.cost {
            cost::value(
                self,
                i,
                tweak,
                trace
                    .as_deref_mut()
                    .map(|t| t.cost.insert(Default::default())),
            )
        } else {
            Err(NoValue::Off)
        };
        let income = if m.income {
            income::value(
                self,
                i,
                tweak,
                trace
                    .as_deref_mut()
                    .map(|t| t.income.insert(Default::default())),
            )
        } else {
            Err(NoValue::Off)
        };
        let market = if m.market {
            market::value(
                self,
                i,
                tweak,
                fixed,
                trace
                    .as_deref_mut()
                    .map(|t| t.market.insert(Default::default())),
            )
        } else {
            Err(NoValue::Off)
        };
        let r = reconcile::conclude(&pp.weights, pp.conclusion, [cost, income, market]);
        if let Some(t) = trace {
            t.reconciliation = Some(r.clone());
        }
        PatentValue {
            cost,
            income,
            market,
            reconciled: r.value,
            low: r.low,
            high: r.high,
        }
    }

    /// Values every patent (in parallel) under `tweak`.
    pub fn evaluate_all(&self, tweak: &Tweak) -> Vec<PatentValue> {
        (0..self.len())
            .into_par_iter()
            .map(|i| self.evaluate(i, tweak, None))
            .collect()
    }

    /// Each patent's reconciled value at the assumptions' values, 0 where there is none.
    pub fn reconciled_values(&self) -> Vec<f64> {
        self.evaluate_all(&Tweak::IDENTITY)
            .iter()
            .map(|v| v.reconciled.unwrap_or(0.0))
            .collect()
    }

    /// Sum of the reconciled values of every patent under `tweak`.
    pub fn total(&self, tweak: &Tweak) -> f64 {
        (0..self.len())
            .into_par_iter()
            .map(|i| self.evaluate(i, tweak, None).reconciled.unwrap_or(0.0))
            .sum()
    }

    /// The full trace of one patent at the assumptions' values.
    pub fn trace(&self, i: usize) -> trace::PatentTrace {
        let mut t = trace::PatentTrace::new(self, i);
        self.evaluate(i, &Tweak::IDENTITY, Some(&mut t));
        t
    }

    /// Index of a patent by number.
    pub fn find(&self, patent_no: &str) -> Option<usize> {
        let key = crate::import::cell::normalize_patent_no(patent_no);
        self.inputs.patent_nos.iter().position(|n| *n == key)
    }

    /// Runs the whole valuation: every patent, totals and warnings.
    pub fn run(&self, progress: Option<&Progress>) -> Result<Valuation, ValuationError> {
        if let Some(p) = progress {
            p.start("valuing patents", self.len() as u64);
        }
        let patents = self.evaluate_all(&Tweak::IDENTITY);
        if progress.is_some_and(Progress::is_cancelled) {
            return Err(ValuationError::Cancelled);
        }
        if let Some(p) = progress {
            p.set(self.len() as u64);
        }
        Ok(Valuation::new(self, patents))
    }
}

/// The remaining-life override of a patent: a patent parameter beats the portfolio's column,
/// which beats a group or portfolio parameter (docs/methods.md §10).
/// Share of the valuation year that lies after the valuation date:
/// `(31 December − valuation date) / days in the year`.
pub fn first_year_fraction(vd: NaiveDate) -> f64 {
    let y = vd.year();
    let dec31 = NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(vd);
    let days_in_year = if NaiveDate::from_ymd_opt(y, 2, 29).is_some() {
        366.0
    } else {
        365.0
    };
    (dec31 - vd).num_days() as f64 / days_in_year
}

/// Start and length, in years from the valuation date, of calendar year `year`'s period.
pub fn period(vd_year: i32, first_fraction: f64, year: i32) -> (f64, f64) {
    if year < vd_year {
        (0.0, 0.0)
    } else if year == vd_year {
        (0.0, first_fraction)
    } else {
        (first_fraction + f64::from(year - vd_year - 1), 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_fraction_and_periods() {
        let vd = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
        assert!((first_year_fraction(vd) - 92.0 / 365.0).abs() < 1e-15);
        let f = first_year_fraction(vd);
        assert_eq!(period(2026, f, 2026), (0.0, f));
        assert_eq!(period(2026, f, 2027), (f, 1.0));
        assert_eq!(period(2026, f, 2029), (f + 2.0, 1.0));
        assert_eq!(period(2026, f, 2025), (0.0, 0.0));
        assert_eq!(
            first_year_fraction(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()),
            0.0
        );
    }
}
