//! Reconciliation (评估结论的确定): a weighted mean of the methods that produced a value, with
//! the weights renormalised over those methods, and the range they span.

use serde::Serialize;

use super::{Method, MethodResult};
use crate::model::assumptions::MethodWeights;

/// How the final value of one patent was reached.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reconciliation {
    /// The weight each method (cost, income, market) received after renormalising; `None` for
    /// a method without a value or weight.
    pub weights: [Option<f64>; 3],
    pub value: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// The method chosen for the conclusion instead of the weighted mean, if any.
    pub chosen: Option<Method>,
    /// Why the chosen method could not conclude (the weighted mean stands instead).
    pub note: Option<String>,
}

/// The conclusion: one chosen method's value (CAS practice: one method chosen with a stated
/// reason), else the weighted mean. A chosen method without a value falls back to the weighted
/// mean, and the note says so.
pub fn conclude(
    w: &MethodWeights,
    chosen: Option<Method>,
    values: [MethodResult; 3],
) -> Reconciliation {
    let mut r = reconcile(w, values);
    let Some(m) = chosen else {
        return r;
    };
    let k = Method::ALL.iter().position(|x| *x == m).unwrap_or(0);
    match values[k] {
        Ok(v) => {
            r.value = Some(v);
            r.weights = [None; 3];
            r.weights[k] = Some(1.0);
            r.chosen = Some(m);
        }
        Err(why) => {
            r.note = Some(format!(
                "the {} was chosen for the conclusion but gave no value ({}); the weighted mean stands",
                m.label_en(),
                why.describe()
            ));
        }
    }
    r
}

/// `V = Σ wₘ Vₘ / Σ wₘ` over the methods with a value; low/high = their min/max.
pub fn reconcile(w: &MethodWeights, values: [MethodResult; 3]) -> Reconciliation {
    let raw = [w.cost, w.income, w.market];
    let mut wsum = 0.0;
    let mut acc = 0.0;
    let mut low: Option<f64> = None;
    let mut high: Option<f64> = None;
    let mut used: [Option<f64>; 3] = [None; 3];
    for (k, v) in values.iter().enumerate() {
        if let Ok(v) = v {
            low = Some(low.map_or(*v, |l| l.min(*v)));
            high = Some(high.map_or(*v, |h| h.max(*v)));
            if raw[k] > 0.0 {
                wsum += raw[k];
                acc += raw[k] * v;
                used[k] = Some(raw[k]);
            }
        }
    }
    // Methods that produced a value but carry no weight still bound the range; if every
    // method with a value has zero weight, their plain mean is used.
    let value = if wsum > 0.0 {
        Some(acc / wsum)
    } else {
        let vs: Vec<f64> = values.iter().filter_map(|v| v.ok()).collect();
        (!vs.is_empty()).then(|| vs.iter().sum::<f64>() / vs.len() as f64)
    };
    for w in used.iter_mut().flatten() {
        *w /= wsum;
    }
    Reconciliation {
        weights: used,
        value,
        low,
        high,
        chosen: None,
        note: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::valuation::NoValue;

    #[test]
    fn renormalises_over_methods_with_a_value() {
        let w = MethodWeights {
            cost: 0.2,
            income: 0.6,
            market: 0.2,
        };
        let r = reconcile(
            &w,
            [
                Ok(100.0),
                Ok(200.0),
                Err(NoValue::TooFewComparables {
                    found: 1,
                    needed: 3,
                }),
            ],
        );
        assert!((r.value.unwrap() - (0.2 * 100.0 + 0.6 * 200.0) / 0.8).abs() < 1e-9);
        assert_eq!((r.low, r.high), (Some(100.0), Some(200.0)));
        let got: Vec<f64> = r.weights.iter().map(|w| w.unwrap_or(-1.0)).collect();
        assert!(
            (got[0] - 0.25).abs() < 1e-12 && (got[1] - 0.75).abs() < 1e-12 && got[2] == -1.0,
            "{got:?}"
        );
        let none = reconcile(
            &w,
            [
                Err(NoValue::Off),
                Err(NoValue::NoForecast),
                Err(NoValue::Off),
            ],
        );
        assert_eq!(none.value, None);
    }

    #[test]
    fn a_chosen_method_concludes_and_falls_back_when_it_has_no_value() {
        let w = MethodWeights::default();
        let r = conclude(&w, Some(Method::Income), [Ok(100.0), Ok(300.0), Ok(200.0)]);
        assert_eq!(r.value, Some(300.0));
        assert_eq!(r.weights, [None, Some(1.0), None]);
        assert_eq!((r.low, r.high), (Some(100.0), Some(300.0)));
        let r = conclude(
            &w,
            Some(Method::Market),
            [Ok(100.0), Ok(300.0), Err(NoValue::Off)],
        );
        assert!((r.value.unwrap() - (0.2 * 100.0 + 0.6 * 300.0) / 0.8).abs() < 1e-9);
        assert!(r.note.unwrap().contains("market approach was chosen"));
    }
}
