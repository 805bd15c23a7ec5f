//! Monte Carlo: draws of share rate, discount rate, revenue and life from their distributions,
//! each draw re-valuing the portfolio. Seeded and reproducible: draw k always uses ChaCha8 stream
//! k of the seed, whatever the number of threads. docs/methods.md §7.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution as _, LogNormal, Normal, Triangular};
use rayon::prelude::*;
use serde::Serialize;

use super::{Engine, Tweak, ValuationError, market};
use crate::model::assumptions::Distribution;
use crate::progress::Progress;

/// Result of a simulation.
#[derive(Debug, Clone, Serialize)]
pub struct Simulation {
    pub draws: usize,
    pub seed: u64,
    pub mean: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    /// Portfolio totals, one per draw, in draw order.
    pub totals: Vec<f64>,
}

fn sample(d: &Distribution, rng: &mut ChaCha8Rng) -> f64 {
    match *d {
        Distribution::Fixed { value } => value,
        Distribution::Triangular { low, mode, high } => {
            Triangular::new(low, high, mode).map_or(mode, |t| t.sample(rng))
        }
        Distribution::Normal { mean, sd } => Normal::new(mean, sd).map_or(mean, |n| n.sample(rng)),
        Distribution::Lognormal { mu, sigma } => {
            LogNormal::new(mu, sigma).map_or(mu.exp(), |l| l.sample(rng))
        }
    }
}

/// The tweak of draw `k`.
pub fn draw(cfg: &crate::model::assumptions::SimulationConfig, k: u64) -> Tweak {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    rng.set_stream(k);
    Tweak {
        share_mult: sample(&cfg.share_rate, &mut rng).max(0.0),
        discount_shift: sample(&cfg.discount_rate, &mut rng),
        revenue_mult: sample(&cfg.revenue, &mut rng).max(0.0),
        life_mult: sample(&cfg.life, &mut rng).max(0.0),
    }
}

/// Percentile by linear interpolation between closest ranks (`sorted` ascending).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Runs the simulation configured in the assumptions (`draws` overrides the count).
pub fn run(
    e: &Engine,
    draws: Option<usize>,
    progress: Option<&Progress>,
) -> Result<Simulation, ValuationError> {
    let cfg = &e.assumptions.simulation;
    let n = draws.unwrap_or(cfg.draws).max(1);
    let tweaks: Vec<Tweak> = (0..n as u64)
        .into_par_iter()
        .map(|k| draw(cfg, k))
        .collect();
    if let Some(p) = progress {
        p.start("simulating", e.len() as u64);
    }
    let totals = totals(e, &tweaks, progress);
    if progress.is_some_and(Progress::is_cancelled) {
        return Err(ValuationError::Cancelled);
    }
    let mut sorted = totals.clone();
    sorted.sort_by(f64::total_cmp);
    Ok(Simulation {
        draws: n,
        seed: cfg.seed,
        mean: totals.iter().sum::<f64>() / n as f64,
        p5: percentile(&sorted, 0.05),
        p50: percentile(&sorted, 0.50),
        p95: percentile(&sorted, 0.95),
        totals,
    })
}

/// Each draw's portfolio total. Patents are the outer loop, so each patent's market grid is
/// worked out once for all its draws; they go in blocks whose number depends only on the
/// number of draws, and the blocks' sums are added in block order, so the totals are the same
/// whatever the number of threads.
fn totals(e: &Engine, tweaks: &[Tweak], progress: Option<&Progress>) -> Vec<f64> {
    // At most 2^22 partial sums held at once (32 MB), and no more than 64 blocks.
    let blocks = ((1usize << 22) / tweaks.len()).clamp(2, 64);
    let len = e.len();
    let size = len.div_ceil(blocks).max(1);
    let done = std::sync::atomic::AtomicU64::new(0);
    let sums: Vec<Vec<f64>> = (0..len.div_ceil(size))
        .into_par_iter()
        .map(|b| {
            let mut t = vec![0.0; tweaks.len()];
            for i in b * size..((b + 1) * size).min(len) {
                if progress.is_some_and(Progress::is_cancelled) {
                    break;
                }
                let fixed = market::Fixed::of(e, i);
                for (sum, tw) in t.iter_mut().zip(tweaks) {
                    *sum += e.evaluate_fixed(i, tw, &fixed).reconciled.unwrap_or(0.0);
                }
                let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if let Some(p) = progress {
                    p.set(d);
                }
            }
            t
        })
        .collect();
    let mut totals = vec![0.0; tweaks.len()];
    for block in &sums {
        for (t, x) in totals.iter_mut().zip(block) {
            *t += x;
        }
    }
    totals
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile(&v, 0.5), 3.0);
        assert_eq!(percentile(&v, 0.05), 1.2);
        assert_eq!(percentile(&v, 1.0), 5.0);
    }

    #[test]
    fn draws_are_reproducible_and_distinct() {
        let cfg = crate::model::assumptions::SimulationConfig::default();
        assert_eq!(draw(&cfg, 7), draw(&cfg, 7));
        assert_ne!(draw(&cfg, 7), draw(&cfg, 8));
    }
}
