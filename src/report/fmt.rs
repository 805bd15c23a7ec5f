//! How the documents print figures, stored codes and times.

use super::ReportLang;
use crate::model::money::{MoneyUnit, format_money};

/// Money in 万元 with its unit.
pub fn m(x: f64) -> String {
    format_money(x, MoneyUnit::Wan)
}

/// Money to the fen with separators and no unit (the column header gives 元).
pub fn fen(x: f64) -> String {
    crate::model::money::group_thousands(x, 2)
}

pub fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "—".into(), m)
}

pub fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

pub fn s(x: &str) -> String {
    x.to_string()
}

/// A stored code (role, verdict, severity, status, anchor kind, event kind) in the report's
/// language; an unknown code is shown as stored.
pub fn code(c: &str, lang: ReportLang) -> String {
    let zh = match c {
        "analyst" => "评估师",
        "bank_valuer" => "银行评估人员",
        "expert" => "评审专家",
        "approve" => "同意",
        "revise" => "修改后再审",
        "reject" => "不同意",
        "info" => "提示",
        "minor" => "一般",
        "major" => "重大",
        "open" => "未解决",
        "resolved" => "已解决",
        "patent" => "专利",
        "assumption" => "假设",
        "method" => "方法",
        "reply" => "回复",
        "resolve" => "解决",
        "reopen" => "重新打开",
        _ => c,
    };
    match lang {
        ReportLang::Zh => zh.to_string(),
        ReportLang::En => c.replace('_', " "),
    }
}

/// A stored RFC 3339 UTC time as "YYYY-MM-DD HH:MM UTC".
pub fn when(t: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(t) {
        Ok(d) => d.format("%Y-%m-%d %H:%M UTC").to_string(),
        Err(_) => t.to_string(),
    }
}
