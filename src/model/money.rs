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

/// An amount in Chinese capital numerals as contracts and appraisal reports write it
/// (大写): `12345600.00` → `壹仟贰佰叁拾肆万伍仟陆佰元整`, `1003.5` → `壹仟零叁元伍角`.
/// Rounded to the fen; negative amounts get 负.
pub fn yuan_in_words(yuan: f64) -> String {
    const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
    const SMALL: [&str; 4] = ["", "拾", "佰", "仟"];
    const BIG: [&str; 4] = ["", "万", "亿", "万亿"];
    let fen_total = (yuan.abs() * 100.0).round() as u128;
    let (mut whole, jiao, fen) = (fen_total / 100, (fen_total / 10) % 10, fen_total % 10);
    let mut groups = Vec::new();
    while whole > 0 {
        groups.push((whole % 10_000) as usize);
        whole /= 10_000;
    }
    let mut out = String::new();
    let mut zero_pending = false;
    for (gi, &g) in groups.iter().enumerate().rev() {
        if g == 0 {
            zero_pending = !out.is_empty();
            continue;
        }
        if !out.is_empty() && (zero_pending || g < 1000) {
            out.push('零');
        }
        zero_pending = false;
        let digits = [g / 1000, (g / 100) % 10, (g / 10) % 10, g % 10];
        let mut zero_in_group = false;
        let mut started = false;
        for (k, &dgt) in digits.iter().enumerate() {
            if dgt == 0 {
                zero_in_group = started;
                continue;
            }
            if zero_in_group {
                out.push('零');
                zero_in_group = false;
            }
            started = true;
            out.push(DIGITS[dgt]);
            out.push_str(SMALL[3 - k]);
        }
        out.push_str(BIG[gi.min(3)]);
    }
    if out.is_empty() {
        out.push('零');
    }
    out.push('元');
    match (jiao, fen) {
        (0, 0) => out.push('整'),
        (j, 0) => {
            out.push(DIGITS[j as usize]);
            out.push('角');
        }
        (j, f) => {
            if j == 0 {
                out.push('零');
            } else {
                out.push(DIGITS[j as usize]);
                out.push('角');
            }
            out.push(DIGITS[f as usize]);
            out.push('分');
        }
    }
    if yuan < 0.0 && fen_total > 0 {
        out.insert(0, '负');
    }
    out
}

#[cfg(test)]
mod words_tests {
    use super::yuan_in_words;

    #[test]
    fn capital_numerals_as_reports_write_them() {
        assert_eq!(yuan_in_words(12_345_600.0), "壹仟贰佰叁拾肆万伍仟陆佰元整");
        assert_eq!(yuan_in_words(7_240_000.0), "柒佰贰拾肆万元整");
        assert_eq!(yuan_in_words(1_003.5), "壹仟零叁元伍角");
        assert_eq!(yuan_in_words(100_000_005.07), "壹亿零伍元零柒分");
        assert_eq!(
            yuan_in_words(31_812_600.45),
            "叁仟壹佰捌拾壹万贰仟陆佰元肆角伍分"
        );
        assert_eq!(yuan_in_words(10_050.0), "壹万零伍拾元整");
        assert_eq!(yuan_in_words(0.0), "零元整");
    }
}
