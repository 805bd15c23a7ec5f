//! One-at-a-time sensitivity (tornado): the portfolio's reconciled total with each main
//! parameter moved down and up by its step, the others held. docs/methods.md §7.

use serde::Serialize;

use super::{Engine, Tweak};

/// The parameters moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Parameter {
    ShareRate,
    DiscountRate,
    Revenue,
    Life,
}

impl Parameter {
    pub const ALL: [Parameter; 4] = [
        Parameter::ShareRate,
        Parameter::DiscountRate,
        Parameter::Revenue,
        Parameter::Life,
    ];

    pub fn label_en(self) -> &'static str {
        match self {
            Parameter::ShareRate => "share rate",
            Parameter::DiscountRate => "discount rate",
            Parameter::Revenue => "revenue",
            Parameter::Life => "remaining economic life",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Parameter::ShareRate => "分成率",
            Parameter::DiscountRate => "折现率",
            Parameter::Revenue => "营业收入",
            Parameter::Life => "剩余经济寿命",
        }
    }
}

/// One bar of the tornado.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bar {
    pub parameter: Parameter,
    /// The step: relative for share rate, revenue and life; absolute for the discount rate.
    pub step: f64,
    /// Total with the parameter moved down (discount rate: lower rate).
    pub down: f64,
    /// Total with the parameter moved up.
    pub up: f64,
    pub base: f64,
}

impl Bar {
    /// Width of the bar.
    pub fn swing(&self) -> f64 {
        (self.up - self.down).abs()
    }
}

/// The tornado, widest bar first.
pub fn tornado(e: &Engine) -> Vec<Bar> {
    let s = &e.assumptions.sensitivity;
    let base = e.total(&Tweak::IDENTITY);
    let mut bars: Vec<Bar> = Parameter::ALL
        .into_iter()
        .map(|p| {
            // Each parameter's step and how a signed step becomes a tweak.
            let (step, tweak): (f64, fn(f64) -> Tweak) = match p {
                Parameter::ShareRate => (s.share_rate, |d| Tweak {
                    share_mult: 1.0 + d,
                    ..Tweak::IDENTITY
                }),
                Parameter::DiscountRate => (s.discount_rate, |d| Tweak {
                    discount_shift: d,
                    ..Tweak::IDENTITY
                }),
                Parameter::Revenue => (s.revenue, |d| Tweak {
                    revenue_mult: 1.0 + d,
                    ..Tweak::IDENTITY
                }),
                Parameter::Life => (s.life, |d| Tweak {
                    life_mult: 1.0 + d,
                    ..Tweak::IDENTITY
                }),
            };
            Bar {
                parameter: p,
                step,
                down: e.total(&tweak(-step)),
                up: e.total(&tweak(step)),
                base,
            }
        })
        .collect();
    bars.sort_by(|a, b| b.swing().total_cmp(&a.swing()));
    bars
}
