//! Market approach (市场法): adjusted prices of the most similar past transactions.
//!
//! Selection (docs/methods.md §4): comparables are bucketed by patent type and IPC level (main
//! group, subclass, class, section, any) and sorted by remaining life within each bucket. For a
//! patent the buckets are visited from the narrowest, taking from each the comparables nearest in
//! remaining life, until enough candidates are gathered; the candidates are scored by similarity
//! and the best kept. The cost per patent is independent of the number of comparables (a binary
//! search per bucket), so a million patents against a hundred thousand comparables is no
//! all-pairs scan.
//!
//! Each kept comparable's price is multiplied by factors for deal circumstances, date (price
//! index), technology (score ratio), remaining life (annuity-factor ratio) and deal kind, each
//! clamped to [1/max, max]; the value is the similarity-weighted mean of the adjusted prices.

use std::collections::HashMap;

use chrono::Datelike;
use rayon::prelude::*;

use super::discount::annuity_factor;
use super::inputs::{Comparable, IpcKey, Patent};
use super::trace::{ComparableTrace, MarketTrace};
use super::{Engine, MIN_RATE, MethodResult, NoValue, Tweak, ValuationError};
use crate::model::LegalStatus;
use crate::model::assumptions::{LifeFactor, Weighting};
use crate::model::parameters::GridFactor;
use crate::progress::Progress;

/// IPC similarity by the deepest level two symbols share.
pub fn ipc_similarity(a: &IpcKey, b: &IpcKey) -> f64 {
    let same = |x: u32, y: u32| x != u32::MAX && x == y;
    if same(a.group, b.group) {
        1.0
    } else if same(a.subclass, b.subclass) {
        0.75
    } else if same(a.class, b.class) {
        0.5
    } else if same(a.section, b.section) {
        0.25
    } else {
        0.0
    }
}

/// `1 − |a − b| / max(a, b)`, and 1 when both are 0.
fn closeness(a: f64, b: f64) -> f64 {
    let m = a.max(b);
    if m <= 0.0 {
        1.0
    } else {
        1.0 - (a - b).abs() / m
    }
}

/// Similarity 0–1: 0.4 × IPC + 0.2 × same type + 0.2 × life closeness + 0.2 × claims closeness.
pub fn similarity(p: &Patent, life: f64, c: &Comparable) -> f64 {
    0.4 * ipc_similarity(&p.ipc, &c.ipc)
        + 0.2 * f64::from(u8::from(p.patent_type == c.patent_type))
        + 0.2 * closeness(life, c.remaining_life)
        + 0.2 * closeness(f64::from(p.claims), f64::from(c.claims))
}

/// The comparables chosen for every patent, best first.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    offsets: Vec<u32>,
    picks: Vec<u32>,
}

impl Selection {
    /// The comparables kept for patent `i` (indices into the comparables), best first.
    pub fn of(&self, i: usize) -> &[u32] {
        let a = self.offsets.get(i).copied().unwrap_or(0) as usize;
        let b = self.offsets.get(i + 1).copied().unwrap_or(0) as usize;
        self.picks.get(a..b).unwrap_or(&[])
    }

    /// Selects comparables for every patent.
    pub fn build(e: &Engine, progress: Option<&Progress>) -> Result<Self, ValuationError> {
        let comps = &e.inputs.comparables;
        let cfg = &e.assumptions.market;
        // Buckets: (type, level, key) → comparables sorted by remaining life.
        let mut buckets: HashMap<(u8, u8, u32), Vec<u32>> = HashMap::new();
        for (ci, c) in comps.iter().enumerate() {
            for (level, key) in levels(&c.ipc) {
                buckets
                    .entry((c.patent_type as u8, level, key))
                    .or_default()
                    .push(ci as u32);
                buckets
                    .entry((u8::MAX, level, key))
                    .or_default()
                    .push(ci as u32);
            }
        }
        for v in buckets.values_mut() {
            v.sort_by(|&x, &y| {
                comps[x as usize]
                    .remaining_life
                    .total_cmp(&comps[y as usize].remaining_life)
            });
        }
        let want = (cfg.max_comparables * 4).max(cfg.min_comparables).max(8);
        let by_id: HashMap<&str, u32> = comps
            .iter()
            .enumerate()
            .map(|(ci, c)| (c.deal_id.as_str(), ci as u32))
            .collect();
        let n = e.len();
        let chunk = 4096;
        let per_patent: Vec<Vec<u32>> = (0..n)
            .into_par_iter()
            .with_min_len(chunk)
            .map(|i| {
                if i % chunk == 0 && progress.is_some_and(Progress::is_cancelled) {
                    return Vec::new();
                }
                let p = &e.inputs.patents[i];
                if matches!(p.status, LegalStatus::Lapsed | LegalStatus::Invalidated) {
                    return Vec::new();
                }
                let life = e.base[i].life.remaining_economic;
                let mut cand: Vec<u32> = Vec::with_capacity(want * 2);
                'levels: for type_key in [p.patent_type as u8, u8::MAX] {
                    for (level, key) in levels(&p.ipc) {
                        if let Some(b) = buckets.get(&(type_key, level, key)) {
                            nearest_by_life(b, comps, life, want, &mut cand);
                            cand.sort_unstable();
                            cand.dedup();
                            if cand.len() >= want {
                                break 'levels;
                            }
                        }
                    }
                }
                let mut scored: Vec<(f64, u32)> = cand
                    .into_iter()
                    .map(|ci| (similarity(p, life, &comps[ci as usize]), ci))
                    .filter(|(s, _)| *s >= cfg.min_similarity)
                    .collect();
                scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                scored.truncate(cfg.max_comparables);
                let mut picks: Vec<u32> = scored.into_iter().map(|(_, ci)| ci).collect();
                apply_hand_selection(&e.params(i).grid, &by_id, comps, &mut picks);
                picks
            })
            .collect();
        if progress.is_some_and(Progress::is_cancelled) {
            return Err(ValuationError::Cancelled);
        }
        let mut offsets = Vec::with_capacity(n + 1);
        let mut picks = Vec::new();
        offsets.push(0);
        for v in per_patent {
            picks.extend(v);
            offsets.push(picks.len() as u32);
        }
        Ok(Self { offsets, picks })
    }
}

/// The appraiser's hand selection: comparables marked `exclude` leave, those marked `include`
/// join (at the end, in the grid's order).
fn apply_hand_selection(
    grid: &[super::parameters::GridCell],
    by_id: &HashMap<&str, u32>,
    comps: &[Comparable],
    picks: &mut Vec<u32>,
) {
    if grid.is_empty() {
        return;
    }
    let marked = |ci: u32, f: &GridFactor| {
        grid.iter()
            .any(|g| g.factor == *f && g.value > 0.0 && g.deal_id == comps[ci as usize].deal_id)
    };
    picks.retain(|&ci| !marked(ci, &GridFactor::Exclude));
    for g in grid {
        if g.factor == GridFactor::Include
            && g.value > 0.0
            && let Some(&ci) = by_id.get(g.deal_id.as_str())
            && !picks.contains(&ci)
            && !marked(ci, &GridFactor::Exclude)
        {
            picks.push(ci);
        }
    }
}

/// The IPC levels of a symbol present, narrowest first, then "any" (level 4, key 0).
fn levels(k: &IpcKey) -> impl Iterator<Item = (u8, u32)> {
    [
        (0u8, k.group),
        (1, k.subclass),
        (2, k.class),
        (3, k.section),
        (4, 0),
    ]
    .into_iter()
    .filter(|(_, key)| *key != u32::MAX)
}

/// Adds to `out` up to `n` comparables of `bucket` (sorted by life) nearest to `life`.
fn nearest_by_life(bucket: &[u32], comps: &[Comparable], life: f64, n: usize, out: &mut Vec<u32>) {
    let pos = bucket.partition_point(|&ci| comps[ci as usize].remaining_life < life);
    let (mut lo, mut hi) = (pos, pos);
    let mut taken = 0;
    while taken < n && (lo > 0 || hi < bucket.len()) {
        let left = (lo > 0).then(|| (life - comps[bucket[lo - 1] as usize].remaining_life).abs());
        let right =
            (hi < bucket.len()).then(|| (comps[bucket[hi] as usize].remaining_life - life).abs());
        match (left, right) {
            (Some(l), Some(r)) if l <= r => {
                lo -= 1;
                out.push(bucket[lo]);
            }
            (Some(_), None) => {
                lo -= 1;
                out.push(bucket[lo]);
            }
            _ => {
                out.push(bucket[hi]);
                hi += 1;
            }
        }
        taken += 1;
    }
}

/// Clamps a computed factor to `[1/max, max]`, unless the bound is off.
fn clamp_factor(f: f64, max: Option<f64>) -> f64 {
    match max {
        Some(m) => f.clamp(1.0 / m, m),
        None => f,
    }
}

/// Fewest comparables below which the market value carries a warning.
pub const WARN_BELOW: usize = 3;

/// Values patent `i` by the market approach.
pub fn value(
    e: &Engine,
    i: usize,
    tw: &Tweak,
    mut trace: Option<&mut MarketTrace>,
) -> MethodResult {
    let a = &e.assumptions;
    let cfg = &a.market;
    let pp = e.params(i);
    let p = &e.inputs.patents[i];
    let b = &e.base[i];
    if let Some(t) = trace.as_deref_mut() {
        t.pending_factor = b.pending_factor;
        t.excluded = pp
            .grid
            .iter()
            .filter(|g| g.factor == GridFactor::Exclude && g.value > 0.0)
            .map(|g| (g.deal_id.clone(), g.reason.clone()))
            .collect();
    }
    if matches!(p.status, LegalStatus::Lapsed | LegalStatus::Invalidated) {
        if let Some(t) = trace {
            t.value = Some(0.0);
            t.note = Some("lapsed or invalidated: no market value".into());
        }
        return Ok(0.0);
    }
    let picks = e.market.of(i);
    if picks.len() < pp.min_comparables {
        let why = NoValue::TooFewComparables {
            found: picks.len() as u32,
            needed: pp.min_comparables as u32,
        };
        if let Some(t) = trace {
            t.note = Some(format!(
                "{}: only {} comparables have a similarity of at least {}",
                why.describe(),
                picks.len(),
                cfg.min_similarity
            ));
        }
        return Err(why);
    }
    let base_life = b.life.remaining_economic;
    let life = (base_life * tw.life_mult).min(b.life.remaining_legal);
    let r = (b.discount.rate + tw.discount_shift).max(MIN_RATE);
    let subject = Subject {
        kind: cfg.deal_kind_factors.of(cfg.subject_deal_kind),
        life,
        life_af: annuity_factor(r, life),
        rate: r,
        vd_year: a.valuation_date.year(),
    };
    let mut wsum = 0.0;
    let mut acc = 0.0;
    let mut low = f64::INFINITY;
    let mut high = f64::NEG_INFINITY;
    for &ci in picks {
        let c = &e.inputs.comparables[ci as usize];
        let row = grid_row(e, i, c, &subject);
        let weight = match pp.weighting {
            Weighting::Similarity => row.similarity,
            Weighting::Equal => 1.0,
            Weighting::Manual => pp
                .grid_cell(&c.deal_id, &GridFactor::Weight)
                .map_or(1.0, |g| g.value),
        };
        wsum += weight;
        acc += weight * row.adjusted;
        low = low.min(row.adjusted);
        high = high.max(row.adjusted);
        if let Some(t) = trace.as_deref_mut() {
            t.comparables.push(trace_row(e, i, c, &row, weight));
        }
    }
    let mean = if wsum > 0.0 { acc / wsum } else { 0.0 };
    let v = if life <= 0.0 {
        0.0
    } else {
        mean * b.pending_factor
    };
    if let Some(t) = trace {
        t.weighted_mean = Some(mean);
        t.low = Some(low);
        t.high = Some(high);
        t.value = Some(v);
        if life <= 0.0 {
            t.note = Some("no remaining economic life".into());
        }
        if picks.len() < WARN_BELOW {
            t.warning = Some(format!(
                "only {} comparable(s): the market value rests on fewer than {WARN_BELOW} transactions",
                picks.len()
            ));
        }
    }
    Ok(v)
}

/// The subject patent's side of the grid.
struct Subject {
    kind: f64,
    life: f64,
    life_af: f64,
    rate: f64,
    vd_year: i32,
}

/// The five computed factors of the grid, in [`GRID_FACTORS`] order.
const GRID_FACTORS: [GridFactor; 5] = [
    GridFactor::Circumstance,
    GridFactor::Date,
    GridFactor::Technology,
    GridFactor::Life,
    GridFactor::DealKind,
];

/// One row of the adjustment grid (因素修正表) as numbers: each factor as computed (and clamped)
/// and as used (a hand-set value replaces the computed one). No allocation: the bulk path
/// values with it, and a trace turns it into a [`ComparableTrace`].
struct GridRow {
    similarity: f64,
    computed: [f64; 5],
    used: [f64; 5],
    /// Price × every factor used × the factors the appraiser added.
    adjusted: f64,
}

fn grid_row(e: &Engine, i: usize, c: &Comparable, s: &Subject) -> GridRow {
    let cfg = &e.assumptions.market;
    let pp = e.params(i);
    let b = &e.base[i];
    let max = pp.max_factor;
    let life_ratio = match pp.life_factor {
        LifeFactor::Annuity => s.life_af / annuity_factor(s.rate, c.remaining_life),
        LifeFactor::Ratio => s.life / c.remaining_life,
    };
    let computed = [
        clamp_factor(pp.circumstance_factor, max),
        clamp_factor(e.index_ratio(c.date.year(), s.vd_year), max),
        match c.technical_score {
            Some(t) if t > 0.0 => clamp_factor(b.score.technical / t, max),
            _ => 1.0,
        },
        clamp_factor(life_ratio, max),
        clamp_factor(s.kind / cfg.deal_kind_factors.of(c.deal_kind), max),
    ];
    let mut used = computed;
    let mut others = 1.0;
    for g in pp.grid.iter().filter(|g| g.deal_id == c.deal_id) {
        match GRID_FACTORS.iter().position(|f| *f == g.factor) {
            Some(k) => used[k] = g.value,
            None if matches!(g.factor, GridFactor::Other(_)) => others *= g.value,
            None => {}
        }
    }
    GridRow {
        similarity: similarity(&e.inputs.patents[i], b.life.remaining_economic, c),
        computed,
        used,
        adjusted: c.price * used.iter().product::<f64>() * others,
    }
}

/// The trace of a grid row: the comparable, each factor, what was set by hand and why.
fn trace_row(e: &Engine, i: usize, c: &Comparable, row: &GridRow, weight: f64) -> ComparableTrace {
    let pp = e.params(i);
    let overrides = GRID_FACTORS
        .iter()
        .enumerate()
        .filter_map(|(k, f)| {
            pp.grid_cell(&c.deal_id, f)
                .map(|g| super::trace::FactorOverride {
                    factor: f.code().to_string(),
                    computed: row.computed[k],
                    value: g.value,
                    reason: g.reason.clone(),
                })
        })
        .collect();
    let other_factors = pp
        .grid
        .iter()
        .filter(|g| g.deal_id == c.deal_id && matches!(g.factor, GridFactor::Other(_)))
        .map(|g| (g.factor.code().to_string(), g.value, g.reason.clone()))
        .collect();
    let [circumstance, date, technology, life, kind] = row.used;
    ComparableTrace {
        deal_id: c.deal_id.clone(),
        deal_date: c.date.to_string(),
        ipc: c.ipc_text.clone(),
        patent_type: c.patent_type,
        deal_kind: c.deal_kind,
        price: c.price,
        remaining_life: c.remaining_life,
        claims: c.claims,
        similarity: row.similarity,
        circumstance_factor: circumstance,
        date_factor: date,
        technology_factor: technology,
        life_factor: life,
        deal_kind_factor: kind,
        other_factors,
        overrides,
        weight,
        adjusted_price: row.adjusted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_by_life_takes_from_both_sides() {
        let mk = |life: f64| Comparable {
            deal_id: String::new(),
            date: chrono::NaiveDate::MIN,
            ipc: IpcKey::default(),
            ipc_text: String::new(),
            patent_type: crate::model::PatentType::Invention,
            deal_kind: crate::model::DealKind::Assignment,
            price: 1.0,
            remaining_life: life,
            claims: 1,
            technical_score: None,
        };
        let comps: Vec<Comparable> = [1.0, 2.0, 4.0, 7.0, 11.0].into_iter().map(mk).collect();
        let bucket: Vec<u32> = (0..5).collect();
        let mut out = Vec::new();
        nearest_by_life(&bucket, &comps, 5.0, 3, &mut out);
        out.sort();
        assert_eq!(out, vec![1, 2, 3]);
        let mut out = Vec::new();
        nearest_by_life(&bucket, &comps, 20.0, 10, &mut out);
        assert_eq!(out.len(), 5);
    }
}
