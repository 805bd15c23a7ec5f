//! The agreed split of disposal proceeds, the fourth disposal path and the borrower's financing
//! cost with subsidies: docs/bank.md's worked examples to the fen, the split's fen arithmetic on
//! random inputs, the bundled profile's sourced figures, and the `pledge` command.

use patval::pledge::credit::Collateral;
use patval::pledge::split::{SplitShare, allocate_agreed, split_parts};
use patval::pledge::subsidy::{CostInputs, CostItem, Subsidy, financing_cost};
use patval::pledge::{Policy, fen};
use proptest::prelude::*;

use crate::common;

fn shares(list: &[(&str, f64)]) -> Vec<SplitShare> {
    list.iter()
        .map(|(p, s)| SplitShare {
            party: p.to_string(),
            share: *s,
        })
        .collect()
}

#[test]
fn the_agreed_split_worked_example_matches_docs_bank_to_the_cent() {
    let checks = common::doc_checks("docs/bank.md");
    let want = |k: &str| *checks.get(k).unwrap_or_else(|| panic!("no check:{k}"));
    let p = Policy::shenzhen();
    let split = shares(&[
        ("bank", 0.6),
        ("guarantor", 0.25),
        ("fund", 0.1),
        ("appraiser", 0.05),
    ]);
    let r = want("recovery");
    let a = allocate_agreed(5_000_000.0, r, &split, (0.4, 0.0), &p, Collateral::IpOnly);
    let got: Vec<f64> = a.parts.iter().map(|x| x.amount).collect();
    assert_eq!(
        got,
        [
            want("split_bank"),
            want("split_guarantor"),
            want("split_fund"),
            want("split_appraiser")
        ]
    );
    assert_eq!(a.parts.iter().map(|x| fen(x.amount)).sum::<i64>(), fen(r));
    assert_eq!(a.waterfall.guarantor, want("split_g"));
    assert_eq!(a.waterfall.fund, want("split_f"));
    assert_eq!(a.waterfall.bank_loss, want("split_loss"));
    assert_eq!(fen(0.03 * a.waterfall.bank_loss), fen(want("split_el")));
    // The bank's part and the cover meet the exposure to the fen.
    let w = &a.waterfall;
    assert_eq!(
        fen(w.to_bank) + fen(w.guarantor) + fen(w.insurer) + fen(w.fund) + fen(w.bank_loss),
        fen(5_000_000.0)
    );
    assert_eq!(fen(w.to_bank) + fen(w.to_others), fen(r));
    // The profile's split reaches the pledge analysis through `settle`.
    let mut with_split = p.clone();
    with_split.split = split;
    let (alloc, parts) =
        patval::pledge::credit::settle(5_000_000.0, r, (0.4, 0.0), &with_split, Collateral::IpOnly);
    assert_eq!((alloc, parts), (a.waterfall, a.parts));
}

proptest! {
    #[test]
    fn agreed_parts_always_sum_to_the_proceeds_to_the_fen(
        proceeds_fen in 0i64..10_000_000_000,
        weights in proptest::collection::vec(1u32..1000, 1..7),
    ) {
        let total: u32 = weights.iter().sum();
        let split: Vec<SplitShare> = weights
            .iter()
            .enumerate()
            .map(|(i, w)| SplitShare { party: format!("p{i}"), share: *w as f64 / total as f64 })
            .collect();
        let proceeds = proceeds_fen as f64 / 100.0;
        let parts = split_parts(proceeds, &split);
        prop_assert_eq!(parts.iter().map(|p| fen(p.amount)).sum::<i64>(), proceeds_fen);
        // Each part is within a fen of its exact share.
        for (p, s) in parts.iter().zip(&split) {
            let exact = proceeds_fen as f64 * s.share;
            prop_assert!((fen(p.amount) as f64 - exact).abs() < 1.0 + 1e-6);
        }
    }
}

fn cost(guaranteed: f64) -> CostInputs {
    CostInputs {
        principal: 5_000_000.0,
        interest_rate: 0.0435,
        guaranteed,
        guarantee_fee_rate: 0.02,
        appraisal_fee: 30_000.0,
        premium_rate: 0.015,
        term_years: 1.0,
        not_eligible: vec![],
    }
}

#[test]
fn the_financing_cost_worked_examples_match_docs_bank_to_the_cent() {
    let checks = common::doc_checks("docs/bank.md");
    let want = |k: &str| *checks.get(k).unwrap_or_else(|| panic!("no check:{k}"));
    let sz = Policy::shenzhen();
    let f = financing_cost(&cost(2_500_000.0), &sz.subsidies);
    assert_eq!(f.gross, want("cost_gross"));
    assert_eq!(f.net, want("cost_net_sz"));
    assert!((f.gross_rate - 0.0745).abs() < 1e-12);
    assert!((f.net_rate - 0.04105).abs() < 1e-12);
    assert_eq!(
        f.lines.iter().map(|l| l.subsidy).collect::<Vec<_>>(),
        [152_250.0, 15_000.0, 0.0, 0.0]
    );
    let mut user = sz.subsidies.clone();
    let sub = |share, cap| Subsidy {
        share,
        cap,
        below: None,
        condition: String::new(),
        source: String::new(),
    };
    user.appraisal_fee = Some(sub(0.5, Some(10_000.0)));
    user.insurance_premium = Some(sub(0.4, None));
    let f = financing_cost(&cost(2_500_000.0), &user);
    assert_eq!(f.net, want("cost_net_user"));
    assert!(f.lines[2].note.contains("capped"), "{:?}", f.lines[2]);
    let f = financing_cost(&cost(3_000_000.0), &sz.subsidies);
    assert_eq!(f.net, want("cost_net_3m"));
    assert_eq!(f.lines[1].subsidy, 0.0);
    // A borrower outside the interest subsidy's condition gets none of it.
    let mut c = cost(2_500_000.0);
    c.not_eligible = vec![CostItem::Interest];
    assert_eq!(financing_cost(&c, &sz.subsidies).net, 205_250.0 + 152_250.0);
}

#[test]
fn the_bundled_profile_holds_only_the_sourced_subsidies_and_the_four_paths() {
    let p = Policy::shenzhen();
    let i = p.subsidies.interest.as_ref().unwrap();
    assert_eq!((i.share, i.cap, i.below), (0.7, None, None));
    assert!(i.source.contains("深市质函〔2018〕202号"), "{}", i.source);
    let g = p.subsidies.guarantee_fee.as_ref().unwrap();
    assert_eq!((g.share, g.below), (0.3, Some(3_000_000.0)));
    assert!(g.condition.contains("300万元"));
    assert!(p.subsidies.appraisal_fee.is_none() && p.subsidies.insurance_premium.is_none());
    assert!(
        p.split.is_empty(),
        "the bundled profile keeps the waterfall"
    );
    assert_eq!(p.disposal.len(), 4);
    // Saved and read back unchanged, subsidies and a split included.
    let mut q = p.clone();
    q.split = shares(&[("bank", 0.7), ("fund", 0.3)]);
    assert_eq!(Policy::from_toml(&q.to_toml(), "copy").unwrap(), q);
    // A profile whose split does not sum to 1 is refused with the key named.
    let text = q.to_toml().replace("share = 0.3", "share = 0.2");
    let e = Policy::from_toml(&text, "bank.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("policy bank.toml: split: the shares sum to 0.9000, they must sum to 1"),
        "{e}"
    );
}

fn pledge_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "pledge",
        "--portfolio",
        "sample_data/portfolio.csv",
        "--forecasts",
        "sample_data/forecasts.csv",
        "--comparables",
        "sample_data/comparables.csv",
        "--cost-items",
        "sample_data/cost_items.csv",
        "--assumptions",
        "sample_data/assumptions.toml",
        "--exposure",
        "500万元",
        "--pd",
        "3%",
        "--guarantee",
        "40%",
    ];
    a.extend_from_slice(extra);
    a
}

#[test]
fn cli_pledge_shows_the_agreed_split_and_the_financing_cost() {
    let o = common::patval(&pledge_args(&[
        "--split",
        "bank=60%,guarantor=25%,fund=10%,appraiser=5%",
        "--interest-rate",
        "4.35%",
        "--guarantee-fee",
        "2%",
        "--guaranteed",
        "250万元",
        "--appraisal-fee",
        "3万元",
        "--premium",
        "1.5%",
        "--json",
    ]));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let parts = j["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 4);
    let sum: i64 = parts
        .iter()
        .map(|p| fen(p["amount"].as_f64().unwrap()))
        .sum();
    assert_eq!(sum, fen(j["expected_recovery"].as_f64().unwrap()));
    assert_eq!(j["financing_cost"]["net"].as_f64(), Some(205_250.0));
    assert_eq!(j["recoveries"].as_array().unwrap().len(), 4);
    // Text: the split's rows and the cost table; without the options neither shows.
    let o = common::patval(&pledge_args(&[
        "--split",
        "bank=1",
        "--interest-rate",
        "4%",
    ]));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("agreed split of the proceeds"), "{text}");
    assert!(text.contains("financing cost a year"), "{text}");
    assert!(text.contains("transfer and commercialisation"), "{text}");
    let o = common::patval(&pledge_args(&[]));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("(waterfall)") && !text.contains("financing cost"));
    // Mistakes are named.
    let o = common::patval(&pledge_args(&["--split", "bank=60%,fund=30%"]));
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("the shares sum to 0.9000"), "{err}");
    let o = common::patval(&pledge_args(&[
        "--interest-rate",
        "4%",
        "--not-eligible",
        "rent",
    ]));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("'rent' is not one of interest"), "{err}");
}
