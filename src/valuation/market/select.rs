//! Choosing the comparables: similarity, buckets by type and IPC level, nearest by remaining
//! life, and the appraiser's hand selection.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::model::LegalStatus;
use crate::model::parameters::GridFactor;
use crate::progress::Progress;
use crate::valuation::inputs::{Comparable, IpcKey, Patent};
use crate::valuation::{Engine, ValuationError};

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
        let mut buckets: Buckets = HashMap::default();
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
        // By remaining life, ties in file order (the order they were pushed in).
        buckets.par_iter_mut().for_each(|(_, v)| {
            v.sort_unstable_by(|&x, &y| {
                comps[x as usize]
                    .remaining_life
                    .total_cmp(&comps[y as usize].remaining_life)
                    .then(x.cmp(&y))
            });
        });
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
            .map_init(Scratch::default, |scratch, i| {
                if i % chunk == 0 && progress.is_some_and(Progress::is_cancelled) {
                    return Vec::new();
                }
                let p = &e.inputs.patents[i];
                if matches!(p.status, LegalStatus::Lapsed | LegalStatus::Invalidated) {
                    return Vec::new();
                }
                let life = e.base[i].life.remaining_economic;
                scratch.candidates(p, life, &buckets, comps, want);
                let mut picks = scratch.best(p, life, comps, cfg);
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

/// Comparables by (patent type or `u8::MAX` for any, IPC level, interned key).
type Buckets = HashMap<(u8, u8, u32), Vec<u32>, foldhash::fast::RandomState>;

/// One worker's buffers, reused from patent to patent.
#[derive(Default)]
struct Scratch {
    cand: Vec<u32>,
    scored: Vec<(f64, u32)>,
}

impl Scratch {
    /// Candidates for a patent: the comparables nearest by life in the narrowest IPC bucket of
    /// its own type, widening level by level (then to any type) until `want` are found.
    fn candidates(
        &mut self,
        p: &Patent,
        life: f64,
        buckets: &Buckets,
        comps: &[Comparable],
        want: usize,
    ) {
        self.cand.clear();
        for type_key in [p.patent_type as u8, u8::MAX] {
            for (level, key) in levels(&p.ipc) {
                if let Some(b) = buckets.get(&(type_key, level, key)) {
                    nearest_by_life(b, comps, life, want, &mut self.cand);
                    self.cand.sort_unstable();
                    self.cand.dedup();
                    if self.cand.len() >= want {
                        return;
                    }
                }
            }
        }
    }

    /// The candidates at or above the minimum similarity, best first (ties by file order), at
    /// most `max_comparables` of them.
    fn best(
        &mut self,
        p: &Patent,
        life: f64,
        comps: &[Comparable],
        cfg: &crate::model::assumptions::MarketConfig,
    ) -> Vec<u32> {
        self.scored.clear();
        self.scored.extend(
            self.cand
                .iter()
                .map(|&ci| (similarity(p, life, &comps[ci as usize]), ci))
                .filter(|(s, _)| *s >= cfg.min_similarity),
        );
        let order = |a: &(f64, u32), b: &(f64, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        let keep = cfg.max_comparables.min(self.scored.len());
        if keep < self.scored.len() && keep > 0 {
            self.scored.select_nth_unstable_by(keep - 1, order);
        }
        self.scored.truncate(keep);
        self.scored.sort_unstable_by(order);
        self.scored.iter().map(|&(_, ci)| ci).collect()
    }
}

/// The appraiser's hand selection: comparables marked `exclude` leave, those marked `include`
/// join (at the end, in the grid's order).
fn apply_hand_selection(
    grid: &[crate::valuation::parameters::GridCell],
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
