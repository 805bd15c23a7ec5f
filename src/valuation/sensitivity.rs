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
            let (step, down, up) = match p {
                Parameter::ShareRate => (
                    s.share_rate,
                    Tweak {
                        share_mult: 1.0 - s.share_rate,
                        ..Tweak::IDENTITY
                    },
                    Tweak {
                        share_mult: 1.0 + s.share_rate,
                        ..Tweak::IDENTITY
                    },
                ),
                Parameter::DiscountRate => (
                    s.discount_rate,
                    Tweak {
                        discount_shift: -s.discount_rate,
                        ..Tweak::IDENTITY
                    },
                    Tweak {
                        discount_shift: s.discount_rate,
                        ..Tweak::IDENTITY
                    },
                ),
                Parameter::Revenue => (
                    s.revenue,
                    Tweak {
                        revenue_mult: 1.0 - s.revenue,
                        ..Tweak::IDENTITY
                    },
                    Tweak {
                        revenue_mult: 1.0 + s.revenue,
                        ..Tweak::IDENTITY
                    },
                ),
                Parameter::Life => (
                    s.life,
                    Tweak {
                        life_mult: 1.0 - s.life,
                        ..Tweak::IDENTITY
                    },
                    Tweak {
                        life_mult: 1.0 + s.life,
                        ..Tweak::IDENTITY
                    },
                ),
            };
            Bar {
                parameter: p,
                step,
                down: e.total(&down),
                up: e.total(&up),
                base,
            }
        })
        .collect();
    bars.sort_by(|a, b| b.swing().total_cmp(&a.swing()));
    bars
}
