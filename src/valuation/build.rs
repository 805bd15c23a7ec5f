//! Building an [`Engine`]: the inputs read once from the data set, every patent's parameters
//! resolved, then its life, score, discount rate, share rate and allocation worked out, its
//! costs restated and its comparables selected. [`Engine::reparameterised`] does the same over
//! the inputs already read, under another parameters table (the bank re-computes an outside
//! appraisal this way with the figures the firm stated).

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::discount::{self, DiscountBuildUp};
use super::inputs::{Inputs, IpcInterner};
use super::life::{self, Life};
use super::parameters::{ParamTable, Params, Resolver};
use super::scorecard::{self, Score};
use super::{
    Base, Engine, INDEX_FIRST_YEAR, INDEX_LAST_YEAR, Methods, ValuationError, cost,
    first_year_fraction, market,
};
use crate::import::Dataset;
use crate::model::assumptions::{Allocation, SharePosition};
use crate::model::parameters::{ParamScope, ParameterSet};
use crate::model::{Assumptions, LegalStatus};
use crate::progress::{Progress, timed};

impl Engine {
    /// Prepares a valuation of the data set.
    pub fn new(
        ds: &Dataset,
        assumptions: &Assumptions,
        methods: Methods,
        progress: Option<&Progress>,
    ) -> Result<Self, ValuationError> {
        let set = ds
            .parameter_set()
            .map_err(|p| ValuationError::Parameters(p.to_string()))?;
        Self::with_parameters(ds, assumptions, methods, set, progress)
    }

    /// Prepares a valuation of the data set under a parameters table given apart from it.
    pub fn with_parameters(
        ds: &Dataset,
        assumptions: &Assumptions,
        methods: Methods,
        set: ParameterSet,
        progress: Option<&Progress>,
    ) -> Result<Self, ValuationError> {
        if !(methods.cost || methods.income || methods.market) {
            return Err(ValuationError::NoMethod);
        }
        let mut ipc = IpcInterner::default();
        let inputs = timed("engine inputs", || Inputs::from_dataset(ds, &mut ipc))?;
        Self::assemble(inputs, assumptions, methods, Resolver::new(set), progress)
    }

    /// The same data and assumptions under another parameters table: every patent's
    /// parameters are resolved again and everything that depends on them is rebuilt.
    pub fn reparameterised(
        &self,
        set: ParameterSet,
        progress: Option<&Progress>,
    ) -> Result<Self, ValuationError> {
        Self::assemble(
            self.inputs.clone(),
            &self.assumptions,
            self.methods,
            Resolver::new(set),
            progress,
        )
    }

    fn assemble(
        inputs: Inputs,
        a: &Assumptions,
        methods: Methods,
        resolver: Resolver,
        progress: Option<&Progress>,
    ) -> Result<Self, ValuationError> {
        let group_of: Vec<u32> = inputs.patents.iter().map(|p| p.group_name).collect();
        let params = timed("engine parameters", || {
            ParamTable::build(
                &resolver,
                a,
                &inputs.group_names,
                &group_of,
                &inputs.patent_nos,
            )
        });
        if let Some(p) = progress {
            p.start("scoring patents", inputs.patents.len() as u64);
        }
        let partial = timed("engine scores", || score_all(&inputs, a, &params));
        if progress.is_some_and(Progress::is_cancelled) {
            return Err(ValuationError::Cancelled);
        }
        let base = timed("engine bases", || base_all(&inputs, a, &params, &partial));
        let mut engine = Engine {
            assumptions: a.clone(),
            methods,
            inputs,
            base,
            market: market::Selection::default(),
            price_index: a
                .price_index
                .iter()
                .filter_map(|(y, v)| Some((y.parse::<i32>().ok()?, *v)))
                .collect::<BTreeMap<i32, f64>>(),
            index_dense: Vec::new(),
            cost_base: Vec::new(),
            first_fraction: first_year_fraction(a.valuation_date),
            resolver: std::sync::Arc::new(resolver),
            params: std::sync::Arc::new(params),
        };
        engine.index_dense = (INDEX_FIRST_YEAR..=INDEX_LAST_YEAR)
            .map(|y| engine.index_of(y))
            .collect();
        if methods.cost {
            engine.cost_base = timed("engine cost", || {
                (0..engine.len())
                    .into_par_iter()
                    .map(|i| cost::restate(&engine, i, None))
                    .collect()
            });
        }
        if methods.market {
            if let Some(p) = progress {
                p.start("selecting comparables", engine.inputs.patents.len() as u64);
            }
            engine.market = timed("engine market", || {
                market::Selection::build(&engine, progress)
            })?;
        }
        Ok(engine)
    }
}

/// Life, score and discount rate of every patent (the allocation weights need the scores, so
/// this comes first).
fn score_all(
    inputs: &Inputs,
    a: &Assumptions,
    params: &ParamTable,
) -> Vec<(Life, Score, DiscountBuildUp)> {
    let vd = a.valuation_date;
    use chrono::Datelike;
    let first_revenue: Vec<f64> = inputs
        .groups
        .iter()
        .map(|g| {
            g.years
                .iter()
                .find(|y| y.year >= vd.year())
                .map_or(0.0, |y| y.revenue)
        })
        .collect();
    inputs
        .patents
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let pp = params.get(i);
            let life = life::remaining_life(
                p.patent_type,
                p.status,
                p.filing,
                vd,
                life_override(p.life_override, pp),
                &a.economic_life,
            );
            let fr = p.group.map_or(0.0, |g| first_revenue[g as usize]);
            let score = scorecard::score(p, &life, fr, a.economic_life.max_years, &a.scorecard);
            let disc = discount::build_up(&pp.discount, pp.discount_rate, &score, &a.scorecard);
            (life, score, disc)
        })
        .collect()
}

/// Each patent's base figures: share rate before decay, allocation within its asset group,
/// and the grant probability of a pending application.
fn base_all(
    inputs: &Inputs,
    a: &Assumptions,
    params: &ParamTable,
    partial: &[(Life, Score, DiscountBuildUp)],
) -> Vec<Base> {
    let weight = |i: usize| -> f64 {
        let p = &inputs.patents[i];
        if matches!(p.status, LegalStatus::Lapsed | LegalStatus::Invalidated) {
            return 0.0;
        }
        match a.share_rate.allocation {
            Allocation::Equal => 1.0,
            Allocation::Claims => f64::from(p.claims),
            Allocation::Scorecard => partial[i].1.overall,
        }
    };
    let mut group_weight = vec![0.0; inputs.group_names.len()];
    for (i, p) in inputs.patents.iter().enumerate() {
        group_weight[p.group_name as usize] += weight(i);
    }
    let s = &a.share_rate;
    partial
        .par_iter()
        .enumerate()
        .map(|(i, &(life, score, discount))| {
            let p = &inputs.patents[i];
            let pp = params.get(i);
            let gw = group_weight[p.group_name as usize];
            Base {
                life,
                score,
                discount,
                share_rate: match (pp.share_rate, s.position) {
                    (Some((r, _)), _) => r,
                    (None, SharePosition::Midpoint) => (s.low + s.high) / 2.0,
                    (None, SharePosition::Scorecard) => {
                        s.low + (s.high - s.low) * score.overall / 100.0
                    }
                },
                allocation: if gw > 0.0 { weight(i) / gw } else { 0.0 },
                pending_factor: if p.status == LegalStatus::Pending {
                    pp.grant_probability
                } else {
                    1.0
                },
            }
        })
        .collect()
}

/// A remaining life set for the patent itself beats the data's column; one set for its group
/// or the portfolio fills in only where the column is empty.
fn life_override(column: Option<f64>, pp: &Params) -> Option<f64> {
    match pp.remaining_life {
        Some((v, ParamScope::Patent)) => Some(v),
        Some((v, _)) => column.or(Some(v)),
        None => column,
    }
}
