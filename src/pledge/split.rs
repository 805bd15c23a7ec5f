//! The agreed split of disposal proceeds (docs/bank.md §2, "Agreed split").
//!
//! The Shenzhen 2023 guideline (第十一条) asks that the shares of the guarantor, the bank, the
//! risk-compensation fund, the appraisal firm and other parties in the disposal proceeds be fixed
//! before disposal. With an agreed split each party takes its share of the proceeds R (to the
//! fen; the fen left over by rounding go to the largest remainders, so the parts sum to R
//! exactly); the bank's part then stands where steps 1–2 of the waterfall stood, and the
//! guarantor, insurer and fund cover the bank's shortfall as in steps 3–5.

use serde::{Deserialize, Serialize};

use super::credit::{Allocation, Collateral, allocate_covered};
use super::policy::Policy;
use super::{fen, yuan};

/// One party's agreed share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitShare {
    /// `bank`, `guarantor`, `insurer`, `fund`, `appraiser`, `pledgor` or any other code.
    pub party: String,
    pub share: f64,
}

/// Known parties: (code, Chinese, English).
pub const PARTIES: &[(&str, &str, &str)] = &[
    ("bank", "银行", "bank"),
    ("guarantor", "担保方", "guarantor"),
    ("insurer", "保险方", "insurer"),
    ("fund", "风险补偿资金", "risk-compensation fund"),
    ("appraiser", "评估机构", "appraisal firm"),
    ("pledgor", "出质人", "pledgor"),
];

/// A party's names: the known ones translated, others as written.
pub fn party_names(code: &str) -> (String, String) {
    PARTIES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or((code.to_string(), code.to_string()), |(_, zh, en)| {
            (zh.to_string(), en.to_string())
        })
}

/// Problems with a split, each naming its entry; an empty split means the waterfall.
pub fn problems(split: &[SplitShare]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, s) in split.iter().enumerate() {
        if s.party.trim().is_empty() {
            out.push(format!("split[{i}].party is empty"));
        }
        if !(0.0..=1.0).contains(&s.share) {
            out.push(format!("split[{i}].share = {} is outside 0–1", s.share));
        }
        if split[..i].iter().any(|o| o.party == s.party) {
            out.push(format!("split[{i}]: party {} appears twice", s.party));
        }
    }
    let total: f64 = split.iter().map(|s| s.share).sum();
    if !split.is_empty() && (total - 1.0).abs() > 1e-9 {
        out.push(format!(
            "split: the shares sum to {total:.4}, they must sum to 1"
        ));
    }
    out
}

/// Parses `bank=0.6,guarantor=0.25,fund=0.1,appraiser=0.05` (shares or percentages with `%`).
pub fn parse(text: &str) -> Result<Vec<SplitShare>, String> {
    let mut out = Vec::new();
    for part in text.split([',', '，']).filter(|p| !p.trim().is_empty()) {
        let (party, share) = part
            .split_once('=')
            .ok_or_else(|| format!("'{part}' is not PARTY=SHARE"))?;
        let share = share.trim();
        let v = match share.strip_suffix('%') {
            Some(p) => p.trim().parse::<f64>().map(|v| v / 100.0),
            None => share.parse::<f64>(),
        }
        .map_err(|_| format!("'{share}' in '{part}' is not a number"))?;
        out.push(SplitShare {
            party: party.trim().to_string(),
            share: v,
        });
    }
    let p = problems(&out);
    if p.is_empty() {
        Ok(out)
    } else {
        Err(p.join("; "))
    }
}

/// One party's part of the proceeds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    pub party: String,
    pub name_zh: String,
    pub name_en: String,
    pub share: f64,
    /// Yuan to the fen.
    pub amount: f64,
}

/// The proceeds split by agreed shares and the bank's shortfall covered as in the waterfall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreedAllocation {
    pub proceeds: f64,
    pub parts: Vec<Part>,
    /// Steps 3–5 run on the bank's part in place of min(R, EAD).
    pub waterfall: Allocation,
}

/// Splits `proceeds` by `split` to the fen (largest remainder), Σ parts = proceeds exactly.
pub fn split_parts(proceeds: f64, split: &[SplitShare]) -> Vec<Part> {
    let total = fen(proceeds.max(0.0));
    // Normalised, so that a sum a hair off 1 cannot hand out a fen too many.
    let sum: f64 = split.iter().map(|s| s.share).sum();
    let raw: Vec<f64> = split
        .iter()
        .map(|s| {
            if sum > 0.0 {
                total as f64 * s.share / sum
            } else {
                0.0
            }
        })
        .collect();
    let mut cents: Vec<i64> = raw.iter().map(|r| r.floor() as i64).collect();
    let mut left = total - cents.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..split.len()).collect();
    // Largest remainder first; ties in the agreed order.
    order.sort_by(|&a, &b| {
        let (ra, rb) = (raw[a] - raw[a].floor(), raw[b] - raw[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for &i in order.iter().cycle().take(split.len() * 2) {
        if left <= 0 {
            break;
        }
        cents[i] += 1;
        left -= 1;
    }
    split
        .iter()
        .zip(cents)
        .map(|(s, c)| {
            let (zh, en) = party_names(&s.party);
            Part {
                party: s.party.clone(),
                name_zh: zh,
                name_en: en,
                share: s.share,
                amount: yuan(c),
            }
        })
        .collect()
}

/// The agreed split of `proceeds`: the parts, then the bank's part through steps 3–5 of the
/// waterfall with the guarantor's and insurer's shares `(g, c)`.
pub fn allocate_agreed(
    exposure: f64,
    proceeds: f64,
    split: &[SplitShare],
    shares: (f64, f64),
    policy: &Policy,
    collateral: Collateral,
) -> AgreedAllocation {
    let parts = split_parts(proceeds, split);
    let bank: f64 = parts
        .iter()
        .filter(|p| p.party == "bank")
        .map(|p| p.amount)
        .sum();
    let mut waterfall = allocate_covered(exposure, bank, shares, policy, collateral);
    // The waterfall saw only the bank's part; the other parts are shown in `parts`.
    waterfall.proceeds = yuan(fen(proceeds.max(0.0)));
    waterfall.to_others = yuan(fen(proceeds.max(0.0)) - fen(waterfall.to_bank));
    AgreedAllocation {
        proceeds: waterfall.proceeds,
        parts,
        waterfall,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shares(list: &[(&str, f64)]) -> Vec<SplitShare> {
        list.iter()
            .map(|(p, s)| SplitShare {
                party: p.to_string(),
                share: *s,
            })
            .collect()
    }

    #[test]
    fn thirds_of_a_fen_amount_sum_back_to_the_proceeds() {
        let s = shares(&[
            ("bank", 1.0 / 3.0),
            ("guarantor", 1.0 / 3.0),
            ("fund", 1.0 / 3.0),
        ]);
        let parts = split_parts(100.0, &s);
        let cents: Vec<i64> = parts.iter().map(|p| fen(p.amount)).collect();
        assert_eq!(cents, vec![3334, 3333, 3333]);
        // 0.02 yuan over three parties: the two largest remainders take a fen each.
        let parts = split_parts(0.02, &shares(&[("a", 0.5), ("b", 0.3), ("c", 0.2)]));
        assert_eq!(
            parts.iter().map(|p| fen(p.amount)).collect::<Vec<_>>(),
            vec![1, 1, 0]
        );
    }

    #[test]
    fn parse_takes_shares_or_percentages_and_names_mistakes() {
        let s = parse("bank=60%, guarantor=0.3，fund=10%").unwrap();
        assert_eq!(s.len(), 3);
        assert!((s[0].share - 0.6).abs() < 1e-12);
        assert_eq!(
            parse("bank=0.6,fund=0.3").unwrap_err(),
            "split: the shares sum to 0.9000, they must sum to 1"
        );
        assert_eq!(parse("bank").unwrap_err(), "'bank' is not PARTY=SHARE");
        assert_eq!(
            parse("bank=x").unwrap_err(),
            "'x' in 'bank=x' is not a number"
        );
        assert!(
            parse("bank=0.5,bank=0.5")
                .unwrap_err()
                .contains("party bank appears twice")
        );
    }
}
