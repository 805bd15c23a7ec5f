//! Showing money: yuan internally, shown rounded with thousands separators in 元, 万元 or 亿元.

use serde::{Deserialize, Serialize};

/// The unit amounts are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoneyUnit {
    Yuan,
    #[default]
    Wan,
    Yi,
}

impl MoneyUnit {
    pub const ALL: [MoneyUnit; 3] = [MoneyUnit::Yuan, MoneyUnit::Wan, MoneyUnit::Yi];

    /// Yuan per unit.
    pub fn scale(self) -> f64 {
        match self {
            MoneyUnit::Yuan => 1.0,
            MoneyUnit::Wan => 1e4,
            MoneyUnit::Yi => 1e8,
        }
    }

    pub fn suffix(self) -> &'static str {
        match self {
            MoneyUnit::Yuan => "元",
            MoneyUnit::Wan => "万元",
            MoneyUnit::Yi => "亿元",
        }
    }

    /// Decimals shown: cents for yuan, 2 for 万元, 4 for 亿元.
    pub fn decimals(self) -> usize {
        match self {
            MoneyUnit::Yuan | MoneyUnit::Wan => 2,
            MoneyUnit::Yi => 4,
        }
    }
}

/// `1234567.891` → `"1,234,567.89"` with `decimals` places.
pub fn group_thousands(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(s.len() + s.len() / 3 + 1);
    if v < 0.0 && s.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        out.push('-');
    }
    for (k, ch) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// An amount in yuan shown in `unit`: `format_money(1_234_567.0, MoneyUnit::Wan)` → `"123.46万元"`.
pub fn format_money(yuan: f64, unit: MoneyUnit) -> String {
    format!(
        "{}{}",
        group_thousands(yuan / unit.scale(), unit.decimals()),
        unit.suffix()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(group_thousands(1_234_567.891, 2), "1,234,567.89");
        assert_eq!(group_thousands(-1234.5, 2), "-1,234.50");
        assert_eq!(group_thousands(999.0, 0), "999");
        assert_eq!(group_thousands(-0.001, 2), "0.00");
        assert_eq!(format_money(1_234_567.0, MoneyUnit::Wan), "123.46万元");
        assert_eq!(format_money(1_234_567.0, MoneyUnit::Yuan), "1,234,567.00元");
        assert_eq!(format_money(123_456_789.0, MoneyUnit::Yi), "1.2346亿元");
    }
}
