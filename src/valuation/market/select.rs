//! Choosing the comparables: similarity, buckets by type and IPC level, nearest by remaining
//! life, and the appraiser's hand selection.

use std::collections::HashMap;

use rayon::prelude::*;

use chrono::Datelike;

use crate::model::parameters::GridFactor;
use crate::model::{DealKind, LegalStatus, PatentType};
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
    Traits::of(c).similarity(p, life)
}

/// What the similarity and the adjustment grid read of a comparable, packed into one cache
/// line so that scoring candidates and valuing walk a small array instead of the comparables'
/// records (which hold strings).
#[derive(Debug, Clone, Copy)]
pub(super) struct Traits {
    ipc: IpcKey,
    pub remaining_life: f64,
    pub price: f64,
    /// The technical score, 0 when not given.
    pub technical_score: f64,
    pub year: i32,
    claims: u32,
    pub deal_kind: DealKind,
    patent_type: PatentType,
}

impl Traits {
    fn of(c: &Comparable) -> Self {
        Self {
            ipc: c.ipc,
            remaining_life: c.remaining_life,
            price: c.price,
            technical_score: c.technical_score.unwrap_or(0.0),
            year: c.date.year(),
            claims: c.claims,
            deal_kind: c.deal_kind,
            patent_type: c.patent_type,
        }
    }

    pub(super) fn similarity(&self, p: &Patent, life: f64) -> f64 {
        0.4 * ipc_similarity(&p.ipc, &self.ipc)
            + 0.2 * f64::from(u8::from(p.patent_type == self.patent_type))
            + 0.2 * closeness(life, self.remaining_life)
            + 0.2 * closeness(f64::from(p.claims), f64::from(self.claims))
    }
}

/// The comparables chosen for every patent, best first.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    offsets: Vec<u32>,
    picks: Vec<u32>,
    /// Every comparable's traits, by index.
    traits: Vec<Traits>,
}

impl Selection {
    /// The comparables kept for patent `i` (indices into the comparables), best first.
    pub fn of(&self, i: usize) -> &[u32] {
        let a = self.offsets.get(i).copied().unwrap_or(0) as usize;
        let b = self.offsets.get(i + 1).copied().unwrap_or(0) as usize;
        self.picks.get(a..b).unwrap_or(&[])
    }

    /// Comparable `ci`'s traits.
    pub(super) fn traits(&self, ci: u32) -> &Traits {
        &self.traits[ci as usize]
    }

    /// Selects comparables for every patent.
    pub fn build(e: &Engine, progress: Option<&Progress>) -> Result<Self, ValuationError> {
        let comps = &e.inputs.comparables;
        let cfg = &e.assumptions.market;
        let traits: Vec<Traits> = comps.iter().map(Traits::of).collect();
        let buckets = buckets(&traits);
        let want = (cfg.max_comparables * 4).max(cfg.min_comparables).max(8);
        let by_id: HashMap<&str, u32> = comps
            .iter()
            .enumerate()
            .map(|(ci, c)| (c.deal_id.as_str(), ci as u32))
            .collect();
        let n = e.len();
        let chunk = 4096;
        // Each chunk of patents gives its picks end to end and their counts (no vector per
        // patent); the chunks are joined in order.
        let parts: Vec<(Vec<u32>, Vec<u32>)> = (0..n.div_ceil(chunk))
            .into_par_iter()
            .map(|k| {
                let mut scratch = Scratch::default();
                let (mut counts, mut picks) = (Vec::with_capacity(chunk), Vec::new());
                if progress.is_some_and(Progress::is_cancelled) {
                    return (counts, picks);
                }
                for i in k * chunk..((k + 1) * chunk).min(n) {
                    let before = picks.len();
                    let p = &e.inputs.patents[i];
                    if !matches!(p.status, LegalStatus::Lapsed | LegalStatus::Invalidated) {
                        let life = e.base[i].life.remaining_economic;
                        scratch.candidates(p, life, &buckets, want);
                        scratch.best(p, life, &traits, cfg, &mut picks);
                        let grid = &e.params(i).grid;
                        apply_hand_selection(grid, &by_id, comps, &mut picks, before);
                    }
                    counts.push((picks.len() - before) as u32);
                }
                if let Some(p) = progress {
                    p.advance(counts.len() as u64);
                }
                (counts, picks)
            })
            .collect();
        if progress.is_some_and(Progress::is_cancelled) {
            return Err(ValuationError::Cancelled);
        }
        let mut offsets = Vec::with_capacity(n + 1);
        let mut picks = Vec::with_capacity(parts.iter().map(|p| p.1.len()).sum());
        offsets.push(0);
        for (counts, part) in parts {
            let mut at = picks.len() as u32;
            for c in counts {
                at += c;
                offsets.push(at);
            }
            picks.extend(part);
        }
        Ok(Self {
            offsets,
            picks,
            traits,
        })
    }
}

/// The comparables by (type, IPC level, key), each bucket sorted by remaining life (ties in
/// file order) and holding the life beside the index so the search stays in one array.
fn buckets(traits: &[Traits]) -> Buckets {
    let mut buckets: Buckets = HashMap::default();
    for (ci, c) in traits.iter().enumerate() {
        for (level, key) in levels(&c.ipc) {
            for t in [c.patent_type as u8, u8::MAX] {
                let b = buckets.entry((t, level, key)).or_default();
                b.push((c.remaining_life, ci as u32));
            }
        }
    }
    buckets.par_iter_mut().for_each(|(_, v)| {
        v.sort_unstable_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    });
    buckets
}

/// Comparables by (patent type or `u8::MAX` for any, IPC level, interned key).
type Buckets = HashMap<(u8, u8, u32), Vec<(f64, u32)>, foldhash::fast::RandomState>;

/// One worker's buffers, reused from patent to patent.
#[derive(Default)]
struct Scratch {
    cand: Vec<u32>,
    scored: Vec<(f64, u32)>,
}

impl Scratch {
    /// Candidates for a patent: the comparables nearest by life in the narrowest IPC bucket of
    /// its own type, widening level by level (then to any type) until `want` are found.
    fn candidates(&mut self, p: &Patent, life: f64, buckets: &Buckets, want: usize) {
        self.cand.clear();
        for type_key in [p.patent_type as u8, u8::MAX] {
            for (level, key) in levels(&p.ipc) {
                if let Some(b) = buckets.get(&(type_key, level, key)) {
                    nearest_by_life(b, life, want, &mut self.cand);
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
    /// most `max_comparables` of them, added to `out`.
    fn best(
        &mut self,
        p: &Patent,
        life: f64,
        traits: &[Traits],
        cfg: &crate::model::assumptions::MarketConfig,
        out: &mut Vec<u32>,
    ) {
        self.scored.clear();
        self.scored.extend(
            self.cand
                .iter()
                .map(|&ci| (traits[ci as usize].similarity(p, life), ci))
                .filter(|(s, _)| *s >= cfg.min_similarity),
        );
        let order = |a: &(f64, u32), b: &(f64, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        let keep = cfg.max_comparables.min(self.scored.len());
        if keep < self.scored.len() && keep > 0 {
            self.scored.select_nth_unstable_by(keep - 1, order);
        }
        self.scored.truncate(keep);
        self.scored.sort_unstable_by(order);
        out.extend(self.scored.iter().map(|&(_, ci)| ci));
    }
}

/// The appraiser's hand selection over one patent's picks (`picks[from..]`): comparables
/// marked `exclude` leave, those marked `include` join (at the end, in the grid's order).
fn apply_hand_selection(
    grid: &[crate::valuation::parameters::GridCell],
    by_id: &HashMap<&str, u32>,
    comps: &[Comparable],
    all: &mut Vec<u32>,
    from: usize,
) {
    if grid.is_empty() {
        return;
    }
    let mut picks = all.split_off(from);
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
    all.append(&mut picks);
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

/// Adds to `out` up to `n` comparables of `bucket` (life and index, sorted by life) nearest to
/// `life`.
fn nearest_by_life(bucket: &[(f64, u32)], life: f64, n: usize, out: &mut Vec<u32>) {
    let pos = bucket.partition_point(|&(l, _)| l < life);
    let (mut lo, mut hi) = (pos, pos);
    let mut taken = 0;
    while taken < n && (lo > 0 || hi < bucket.len()) {
        let left = (lo > 0).then(|| (life - bucket[lo - 1].0).abs());
        let right = (hi < bucket.len()).then(|| (bucket[hi].0 - life).abs());
        match (left, right) {
            (Some(l), Some(r)) if l <= r => {
                lo -= 1;
                out.push(bucket[lo].1);
            }
            (Some(_), None) => {
                lo -= 1;
                out.push(bucket[lo].1);
            }
            _ => {
                out.push(bucket[hi].1);
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
        let traits: Vec<Traits> = comps.iter().map(Traits::of).collect();
        let bucket = &buckets(&traits)[&(u8::MAX, 4, 0)];
        let mut out = Vec::new();
        nearest_by_life(bucket, 5.0, 3, &mut out);
        out.sort();
        assert_eq!(out, vec![1, 2, 3]);
        let mut out = Vec::new();
        nearest_by_life(bucket, 20.0, 10, &mut out);
        assert_eq!(out.len(), 5);
    }
}
