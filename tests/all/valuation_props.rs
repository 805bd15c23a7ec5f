//! Properties of the valuation engine on synthetic portfolios: value falls as the discount rate
//! rises, rises with the share rate, is zero for lapsed patents, and the reconciled value lies
//! within the methods' range.

use std::sync::OnceLock;

use patval::import::Dataset;
use patval::model::{Assumptions, LegalStatus};
use patval::synth::{SynthSpec, generate};
use patval::valuation::{Engine, Methods, Tweak};
use proptest::prelude::*;

fn dataset() -> &'static Dataset {
    static DS: OnceLock<Dataset> = OnceLock::new();
    DS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut spec = SynthSpec::new(120);
        spec.seed = 9;
        generate(&spec, dir.path(), None).unwrap();
        patval::import::load_directory(dir.path()).unwrap()
    })
}

fn base() -> Assumptions {
    dataset().assumptions.clone().unwrap()
}

fn engine(a: &Assumptions, m: Methods) -> Engine {
    Engine::new(dataset(), a, m, None).unwrap()
}

const TOL: f64 = 1e-9;

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn income_value_falls_as_the_discount_rate_rises(rf in 0.0f64..0.1, step in 0.001f64..0.05) {
        let mut a = base();
        a.discount.risk_free_rate = rf;
        let lo = engine(&a, Methods { cost: false, income: true, market: false });
        a.discount.risk_free_rate = rf + step;
        let hi = engine(&a, Methods { cost: false, income: true, market: false });
        let (vl, vh) = (lo.evaluate_all(&Tweak::IDENTITY), hi.evaluate_all(&Tweak::IDENTITY));
        for i in 0..vl.len() {
            let (l, h) = (vl[i].income.unwrap_or(0.0), vh[i].income.unwrap_or(0.0));
            prop_assert!(h <= l + TOL, "patent {i}: {h} at the higher rate > {l}");
            if l > 0.0 { prop_assert!(h < l, "patent {i}: a positive value must fall strictly"); }
        }
        // With cost and income only (the market's life adjustment can move either way), the
        // reconciled portfolio total falls too.
        let m = Methods { cost: true, income: true, market: false };
        a.discount.risk_free_rate = rf;
        let t_lo = engine(&a, m).total(&Tweak::IDENTITY);
        a.discount.risk_free_rate = rf + step;
        let t_hi = engine(&a, m).total(&Tweak::IDENTITY);
        prop_assert!(t_hi < t_lo);
    }

    #[test]
    fn value_rises_with_the_share_rate(low in 0.0f64..0.05, width in 0.0f64..0.05, bump in 0.001f64..0.05) {
        let mut a = base();
        a.share_rate.low = low;
        a.share_rate.high = low + width;
        let e1 = engine(&a, Methods::default());
        a.share_rate.low += bump;
        a.share_rate.high += bump;
        let e2 = engine(&a, Methods::default());
        let (v1, v2) = (e1.evaluate_all(&Tweak::IDENTITY), e2.evaluate_all(&Tweak::IDENTITY));
        for i in 0..v1.len() {
            prop_assert!(v2[i].income.unwrap_or(0.0) + TOL >= v1[i].income.unwrap_or(0.0));
            prop_assert!(v2[i].reconciled.unwrap_or(0.0) + TOL >= v1[i].reconciled.unwrap_or(0.0));
        }
    }

    #[test]
    fn reconciled_lies_within_the_methods_range(wc in 0.0f64..1.0, wi in 0.0f64..1.0, wm in 0.0f64..1.0, shift in -0.05f64..0.05, life in 0.5f64..1.5) {
        prop_assume!(wc + wi + wm > 0.01);
        let mut a = base();
        a.method_weights.cost = wc;
        a.method_weights.income = wi;
        a.method_weights.market = wm;
        let e = engine(&a, Methods::default());
        let tw = Tweak { discount_shift: shift, life_mult: life, ..Tweak::IDENTITY };
        for (i, v) in e.evaluate_all(&tw).iter().enumerate() {
            let vals: Vec<f64> = [v.cost, v.income, v.market].iter().filter_map(|r| r.ok()).collect();
            if let Some(r) = v.reconciled {
                let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                prop_assert!(r >= lo - TOL && r <= hi + TOL, "patent {i}: {r} outside {lo}–{hi}");
                prop_assert_eq!(v.low, Some(lo));
                prop_assert_eq!(v.high, Some(hi));
            } else {
                prop_assert!(vals.is_empty());
            }
        }
    }
}

#[test]
fn lapsed_and_invalidated_patents_are_worth_zero_by_every_method() {
    let e = engine(&base(), Methods::default());
    let values = e.evaluate_all(&Tweak::IDENTITY);
    let mut dead = 0;
    for (i, p) in e.inputs.patents.iter().enumerate() {
        if matches!(p.status, LegalStatus::Lapsed | LegalStatus::Invalidated) {
            dead += 1;
            let v = values[i];
            for r in [v.cost, v.income, v.market] {
                prop_assert_zero(r);
            }
            assert_eq!(v.reconciled, Some(0.0));
        }
    }
    assert!(
        dead > 0,
        "the synthetic portfolio should hold lapsed patents"
    );
}

fn prop_assert_zero(r: patval::valuation::MethodResult) {
    match r {
        Ok(v) => assert_eq!(v, 0.0),
        Err(why) => panic!("a lapsed patent must value at zero, not fail: {why:?}"),
    }
}

#[test]
fn pending_applications_are_discounted_by_the_grant_probability() {
    let mut a = base();
    let e1 = engine(&a, Methods::default());
    a.economic_life.grant_probability = 0.3;
    let e2 = engine(&a, Methods::default());
    let (v1, v2) = (
        e1.evaluate_all(&Tweak::IDENTITY),
        e2.evaluate_all(&Tweak::IDENTITY),
    );
    let mut pending = 0;
    for (i, p) in e1.inputs.patents.iter().enumerate() {
        let ratio = |x: f64, y: f64| if x == 0.0 { 0.5 } else { y / x };
        if p.status == LegalStatus::Pending {
            pending += 1;
            if let (Ok(x), Ok(y)) = (v1[i].income, v2[i].income) {
                assert!((ratio(x, y) - 0.5).abs() < 1e-9, "0.3 / 0.6 of the value");
            }
        } else {
            assert_eq!(v1[i], v2[i]);
        }
    }
    assert!(
        pending > 0,
        "the synthetic portfolio should hold pending applications"
    );
}

#[test]
fn simulation_is_reproducible_and_ordered() {
    let e = engine(&base(), Methods::default());
    let s1 = patval::valuation::simulation::run(&e, Some(300), None).unwrap();
    let s2 = patval::valuation::simulation::run(&e, Some(300), None).unwrap();
    assert_eq!(
        s1.totals, s2.totals,
        "same seed, same draws, whatever the threads"
    );
    assert!(s1.p5 < s1.p50 && s1.p50 < s1.p95);
    let base_total = e.total(&Tweak::IDENTITY);
    assert!(
        s1.p5 < base_total && base_total < s1.p95,
        "{} {} {}",
        s1.p5,
        base_total,
        s1.p95
    );
}

#[test]
fn tornado_brackets_the_base_value() {
    let e = engine(&base(), Methods::default());
    let bars = patval::valuation::sensitivity::tornado(&e);
    assert_eq!(bars.len(), 4);
    for b in &bars {
        assert!(
            b.down.min(b.up) <= b.base && b.base <= b.down.max(b.up),
            "{b:?}"
        );
    }
    assert!(bars.windows(2).all(|w| w[0].swing() >= w[1].swing()));
}

#[test]
fn too_few_comparables_gives_a_reason_not_a_value() {
    let mut a = base();
    a.market.min_similarity = 0.99;
    let e = engine(&a, Methods::default());
    let v = e.evaluate_all(&Tweak::IDENTITY);
    let alive = e
        .inputs
        .patents
        .iter()
        .position(|p| p.status == LegalStatus::Granted)
        .unwrap();
    match v[alive].market {
        Err(patval::valuation::NoValue::TooFewComparables { found, needed: 3 }) => {
            assert!(found < 3)
        }
        other => panic!("expected too few comparables, got {other:?}"),
    }
    assert!(
        v[alive].reconciled.is_some(),
        "the other methods still reconcile"
    );
}

/// A simulation values each patent under every draw with its market grid worked out once
/// (`evaluate_fixed`): the same figures to the bit as valuing it from scratch, and each draw's
/// total is the sum of the patents' values under that draw.
#[test]
fn simulation_totals_are_the_sums_of_each_draws_values() {
    use patval::valuation::market::Fixed;
    use patval::valuation::simulation::{draw, run};
    let e = engine(&base(), Methods::default());
    let cfg = &e.assumptions.simulation;
    let draws = 40;
    let s = run(&e, Some(draws), None).unwrap();
    let mut market = 0;
    for k in [0, 7, 39] {
        let tw = draw(cfg, k as u64);
        let mut total = 0.0;
        for i in 0..e.len() {
            let v = e.evaluate(i, &tw, None);
            assert_eq!(e.evaluate_fixed(i, &tw, &Fixed::of(&e, i)), v, "patent {i}");
            market += usize::from(matches!(v.market, Ok(x) if x > 0.0));
            total += v.reconciled.unwrap_or(0.0);
        }
        assert!(
            (s.totals[k] - total).abs() <= total.abs() * 1e-12,
            "draw {k}: {} vs {total}",
            s.totals[k]
        );
    }
    assert!(market > 0, "some patents have a market value");
}
