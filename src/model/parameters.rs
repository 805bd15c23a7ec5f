//! Valuation parameters set per scope (portfolio, asset group, patent), each with the basis
//! (依据) and source the appraiser recorded: the appraiser's workpapers (评估底稿).
//!
//! A [`ParameterSet`] is the parameters table as read (`parameters.csv`, docs/input-formats.md);
//! the valuation resolves it per patent in `valuation::parameters` (patent, else asset group, else
//! portfolio, else the assumptions file). This module holds the types, the closed list of keys
//! with their ranges, and the share-rate derivations.

use serde::{Deserialize, Serialize};

labelled_enum! {
    /// Where a parameter row applies; the narrower scope wins.
    ParamScope {
        Portfolio => ("portfolio", "portfolio", "组合", ["全部", "整体", "评估对象", "all"]),
        Group => ("group", "asset group", "资产组", ["产品线", "asset_group", "product line"]),
        Patent => ("patent", "patent", "专利", ["单项专利", "单件专利"]),
    }
}

/// What a key's value is and its admissible range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueKind {
    /// A fraction: `12%` or `0.12`.
    Rate { min: f64, max: f64 },
    /// Years: `8`, `8.5`, `8年`.
    Years { min: f64, max: f64 },
    /// A plain number.
    Number { min: f64, max: f64 },
    /// An amount in yuan (`12.5万元`).
    Money,
    /// On or off.
    Bool,
    /// One of a closed set of codes, each with its accepted spellings.
    Choice(&'static [(&'static str, &'static [&'static str])]),
    /// A rate or a derivation (约当投资, 利润分成换算, 三分法, 四分法).
    ShareRate,
    /// A factor bound above 1, or `off`.
    FactorOrOff,
}

/// One parameter the table can set.
#[derive(Debug, Clone, Copy)]
pub struct KeySpec {
    pub code: &'static str,
    pub zh: &'static str,
    /// Other accepted spellings of the key.
    pub aliases: &'static [&'static str],
    pub kind: ValueKind,
    /// The key may be set only for one patent (amounts that belong to one patent).
    pub patent_only: bool,
    /// One line for the docs and the GUI.
    pub doc: &'static str,
}

/// Spellings of on and off.
pub const ON_OFF: &[(&str, &[&str])] = &[
    ("on", &["true", "yes", "1", "是", "启用", "开", "采用", "y"]),
    (
        "off",
        &["false", "no", "0", "否", "不启用", "关", "不采用", "n"],
    ),
];

pub const INCOME_VARIANTS: &[(&str, &[&str])] = &[
    ("share", &["分成法", "收入分成法", "收益分成法", "share"]),
    (
        "relief_from_royalty",
        &["许可费节省法", "relief from royalty", "royalty"],
    ),
    (
        "excess_earnings",
        &["超额收益法", "excess earnings", "excess"],
    ),
];
pub const SHARE_BASES: &[(&str, &[&str])] = &[
    ("revenue", &["收入", "销售收入", "营业收入", "sales"]),
    ("profit", &["利润", "利润总额", "营业利润"]),
];
pub const CONCLUSIONS: &[(&str, &[&str])] = &[
    ("weighted", &["加权", "加权平均", "综合", "weighted mean"]),
    ("cost", &["成本法", "cost approach"]),
    ("income", &["收益法", "income approach"]),
    ("market", &["市场法", "market approach"]),
];
pub const COST_METHODS: &[(&str, &[&str])] = &[
    (
        "restated",
        &["重置成本", "历史成本调整", "物价指数法", "cost items"],
    ),
    ("multiplier", &["倍加系数法", "倍加系数"]),
];
pub const LIFE_FACTORS: &[(&str, &[&str])] = &[
    ("annuity", &["年金系数", "年金现值系数", "annuity factor"]),
    ("ratio", &["年限比", "剩余寿命比", "n/n0", "plain ratio"]),
];
pub const FACTOR_TABLES: &[(&str, &[&str])] = &[
    ("exact", &["精确", "不取整"]),
    ("pf4", &["复利现值系数表", "复利现值系数", "P/F"]),
    ("pa4", &["年金现值系数表", "年金现值系数", "P/A"]),
];
pub const WEIGHTINGS: &[(&str, &[&str])] = &[
    ("similarity", &["相似度", "按相似度"]),
    ("equal", &["等权", "简单平均", "算术平均"]),
    ("manual", &["手工", "人工", "指定", "by hand"]),
];

macro_rules! key {
    ($code:literal, $zh:literal, [$($alias:literal),*], $kind:expr, $doc:literal) => {
        KeySpec { code: $code, zh: $zh, aliases: &[$($alias),*], kind: $kind, patent_only: false, doc: $doc }
    };
    ($code:literal, $zh:literal, [$($alias:literal),*], $kind:expr, patent_only, $doc:literal) => {
        KeySpec { code: $code, zh: $zh, aliases: &[$($alias),*], kind: $kind, patent_only: true, doc: $doc }
    };
}

const fn rate(min: f64, max: f64) -> ValueKind {
    ValueKind::Rate { min, max }
}

/// Every key of the parameters table (comparable keys `comparable.<deal id>.<factor>` aside).
pub const KEYS: &[KeySpec] = &[
    key!(
        "discount_rate",
        "折现率",
        ["discount"],
        rate(0.001, 1.0),
        "discount rate typed directly; replaces the build-up"
    ),
    key!(
        "risk_free_rate",
        "无风险报酬率",
        ["无风险利率", "rf"],
        rate(0.0, 0.2),
        "risk-free rate of the build-up"
    ),
    key!(
        "technology_risk",
        "技术风险报酬率",
        ["技术风险"],
        rate(0.0, 0.3),
        "technology risk premium"
    ),
    key!(
        "market_risk",
        "市场风险报酬率",
        ["市场风险"],
        rate(0.0, 0.3),
        "market risk premium"
    ),
    key!(
        "funding_risk",
        "资金风险报酬率",
        ["资金风险"],
        rate(0.0, 0.3),
        "funding risk premium"
    ),
    key!(
        "management_risk",
        "管理风险报酬率",
        ["管理风险"],
        rate(0.0, 0.3),
        "management risk premium"
    ),
    key!(
        "share_rate",
        "分成率",
        ["提成率", "技术分成率"],
        ValueKind::ShareRate,
        "share rate, or a derivation: 约当投资(…), 利润分成换算(…), 三分法(…), 四分法(…)"
    ),
    key!(
        "share_base",
        "分成基数",
        ["分成基础", "share basis"],
        ValueKind::Choice(SHARE_BASES),
        "what the share rate applies to: revenue or profit"
    ),
    key!(
        "annual_decay",
        "分成率年衰减率",
        ["分成率衰减", "衰减率", "decay"],
        rate(0.0, 0.9),
        "relative decline of the share rate per year"
    ),
    key!(
        "royalty_rate",
        "许可费率",
        ["royalty"],
        rate(0.0, 1.0),
        "royalty rate on revenue (relief from royalty)"
    ),
    key!(
        "used_life",
        "已使用年限",
        ["已使用年数", "已用年限"],
        ValueKind::Years {
            min: 0.0,
            max: 30.0
        },
        "years in use, for the cost approach's depreciation (default: years since filing)"
    ),
    key!(
        "remaining_life",
        "剩余经济寿命",
        ["剩余寿命", "收益期", "收益年限"],
        ValueKind::Years {
            min: 0.0,
            max: 20.0
        },
        "remaining economic life, years (still capped by the legal term)"
    ),
    key!(
        "income_variant",
        "收益法类型",
        ["收益法", "income method"],
        ValueKind::Choice(INCOME_VARIANTS),
        "share, relief_from_royalty or excess_earnings"
    ),
    key!(
        "tax_rate",
        "所得税率",
        ["税率"],
        rate(0.0, 0.6),
        "income-tax rate on the patent's income"
    ),
    key!(
        "apply_tax",
        "扣除所得税",
        ["税后"],
        ValueKind::Bool,
        "deduct income tax from the patent's income"
    ),
    key!(
        "mid_year",
        "年中折现",
        ["期中折现"],
        ValueKind::Bool,
        "discount each period at its middle"
    ),
    key!(
        "factor_table",
        "折现系数表",
        ["系数表", "折现系数"],
        ValueKind::Choice(FACTOR_TABLES),
        "exact factors, or a 4-decimal table: pf4 (P/F per year) or pa4 (P/A, for level streams)"
    ),
    key!(
        "tax_amortisation",
        "税收摊销收益",
        ["tab", "摊销税盾"],
        ValueKind::Bool,
        "add the tax amortisation benefit (IVS 210), off by default"
    ),
    key!(
        "tax_amortisation_years",
        "税法摊销年限",
        ["摊销年限"],
        ValueKind::Years {
            min: 1.0,
            max: 50.0
        },
        "tax amortisation period for the benefit, years"
    ),
    key!(
        "grant_probability",
        "授权概率",
        ["授权可能性"],
        rate(0.0, 1.0),
        "probability a pending application is granted"
    ),
    key!(
        "developer_profit_rate",
        "成本利润率",
        ["开发者利润率", "合理利润率"],
        rate(0.0, 1.0),
        "developer's profit on the restated R&D cost"
    ),
    key!(
        "functional_obsolescence",
        "功能性贬值率",
        [],
        rate(0.0, 1.0),
        "functional obsolescence"
    ),
    key!(
        "economic_obsolescence",
        "经济性贬值率",
        [],
        rate(0.0, 1.0),
        "economic obsolescence"
    ),
    key!(
        "cost_method",
        "成本法类型",
        ["重置成本方法"],
        ValueKind::Choice(COST_METHODS),
        "restated (cost items) or multiplier (倍加系数法)"
    ),
    key!(
        "cost_material",
        "物质消耗",
        ["物化劳动消耗", "C"],
        ValueKind::Money,
        patent_only,
        "multiplier method: materials consumed (C), yuan"
    ),
    key!(
        "cost_labour",
        "人员消耗",
        ["活劳动消耗", "V"],
        ValueKind::Money,
        patent_only,
        "multiplier method: labour (V), yuan"
    ),
    key!(
        "cost_beta",
        "科研人员倍加系数",
        ["倍加系数", "β", "beta"],
        ValueKind::Number {
            min: 1.0,
            max: 10.0
        },
        "multiplier method: labour multiplier β"
    ),
    key!(
        "cost_risk_rate",
        "科研平均风险系数",
        ["风险系数"],
        rate(0.0, 0.99),
        "multiplier method: research risk rate r"
    ),
    key!(
        "cost_return_rate",
        "无形资产投资报酬率",
        ["投资报酬率"],
        rate(0.0, 5.0),
        "multiplier method: return on the investment L"
    ),
    key!(
        "method_cost",
        "成本法启用",
        ["成本法"],
        ValueKind::Bool,
        "use the cost approach"
    ),
    key!(
        "method_income",
        "收益法启用",
        ["收益法启用与否"],
        ValueKind::Bool,
        "use the income approach"
    ),
    key!(
        "method_market",
        "市场法启用",
        ["市场法"],
        ValueKind::Bool,
        "use the market approach"
    ),
    key!(
        "weight_cost",
        "成本法权重",
        [],
        rate(0.0, 1.0),
        "weight of the cost approach in the reconciliation"
    ),
    key!(
        "weight_income",
        "收益法权重",
        [],
        rate(0.0, 1.0),
        "weight of the income approach"
    ),
    key!(
        "weight_market",
        "市场法权重",
        [],
        rate(0.0, 1.0),
        "weight of the market approach"
    ),
    key!(
        "conclusion",
        "评估结论方法",
        ["结论方法", "结论"],
        ValueKind::Choice(CONCLUSIONS),
        "weighted, or one method chosen (its reason is the basis)"
    ),
    key!(
        "min_comparables",
        "最少可比案例数",
        ["最少案例数"],
        ValueKind::Number {
            min: 1.0,
            max: 100.0
        },
        "fewest comparables the market approach needs (1 or 2: warned)"
    ),
    key!(
        "max_factor",
        "修正系数上限",
        ["因素修正上限"],
        ValueKind::FactorOrOff,
        "each computed factor is clamped to [1/x, x]; off = no clamp"
    ),
    key!(
        "life_factor",
        "剩余寿命修正方式",
        ["寿命修正"],
        ValueKind::Choice(LIFE_FACTORS),
        "annuity (annuity-factor ratio) or ratio (n / n_c)"
    ),
    key!(
        "weighting",
        "可比案例权重方式",
        ["案例权重"],
        ValueKind::Choice(WEIGHTINGS),
        "similarity, equal or manual (comparable.<id>.weight)"
    ),
    key!(
        "circumstance_factor",
        "交易情况修正系数",
        ["交易情况修正"],
        ValueKind::Number {
            min: 0.1,
            max: 10.0
        },
        "deal-circumstance factor for every comparable"
    ),
];

/// The Markdown table of every key, as `docs/input-formats.md` shows it.
pub fn markdown_keys() -> String {
    let mut out = String::from("| key | 中文 | value | meaning |\n|---|---|---|---|\n");
    for k in KEYS {
        let value = match k.kind {
            ValueKind::Rate { min, max } => format!(
                "rate {}% to {}%",
                trim_num(min * 100.0),
                trim_num(max * 100.0)
            ),
            ValueKind::Years { min, max } => {
                format!("years {} to {}", trim_num(min), trim_num(max))
            }
            ValueKind::Number { min, max } => format!("{} to {}", trim_num(min), trim_num(max)),
            ValueKind::Money => "amount, yuan".into(),
            ValueKind::Bool => "on / off".into(),
            ValueKind::Choice(c) => c
                .iter()
                .map(|(c, _)| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", "),
            ValueKind::ShareRate => "rate 0% to 100%, or a derivation".into(),
            ValueKind::FactorOrOff => "1 to 10, or `off`".into(),
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {}{} |\n",
            k.code,
            k.zh,
            value,
            k.doc,
            if k.patent_only {
                " (patent scope only)"
            } else {
                ""
            }
        ));
    }
    out
}

/// The spec of a key by its code.
pub fn key_spec(code: &str) -> Option<&'static KeySpec> {
    KEYS.iter().find(|k| k.code == code)
}

/// A factor of one comparable in the market grid (因素修正表).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GridFactor {
    Circumstance,
    Date,
    Technology,
    Life,
    DealKind,
    /// Use this comparable even if the selection left it out.
    Include,
    /// Leave this comparable out.
    Exclude,
    /// Weight of this comparable under `weighting = manual`.
    Weight,
    /// A factor the appraiser adds (region, scale, …).
    Other(String),
}

impl GridFactor {
    pub fn parse(s: &str) -> Self {
        match crate::model::label_key(s).as_str() {
            "circumstance" | "交易情况" => Self::Circumstance,
            "date" | "交易日期" | "时间" | "日期" => Self::Date,
            "technology" | "技术" => Self::Technology,
            "life" | "剩余寿命" | "寿命" => Self::Life,
            "dealkind" | "交易类型" => Self::DealKind,
            "include" | "纳入" | "加入" => Self::Include,
            "exclude" | "剔除" | "排除" => Self::Exclude,
            "weight" | "权重" => Self::Weight,
            _ => Self::Other(s.trim().to_string()),
        }
    }

    pub fn code(&self) -> &str {
        match self {
            Self::Circumstance => "circumstance",
            Self::Date => "date",
            Self::Technology => "technology",
            Self::Life => "life",
            Self::DealKind => "deal_kind",
            Self::Include => "include",
            Self::Exclude => "exclude",
            Self::Weight => "weight",
            Self::Other(s) => s,
        }
    }

    pub fn label_zh(&self) -> &str {
        match self {
            Self::Circumstance => "交易情况",
            Self::Date => "交易日期",
            Self::Technology => "技术",
            Self::Life => "剩余寿命",
            Self::DealKind => "交易类型",
            Self::Include => "纳入",
            Self::Exclude => "剔除",
            Self::Weight => "权重",
            Self::Other(s) => s,
        }
    }

    /// The value kind of this factor's cells.
    pub fn kind(&self) -> ValueKind {
        match self {
            Self::Include | Self::Exclude => ValueKind::Bool,
            Self::Weight => ValueKind::Number {
                min: 0.0,
                max: 1000.0,
            },
            _ => ValueKind::Number {
                min: 0.01,
                max: 100.0,
            },
        }
    }
}

/// A key of the parameters table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamKey {
    /// One of [`KEYS`], by code.
    Known(String),
    /// A cell of the market grid: `comparable.<deal id>.<factor>`.
    Comparable { deal_id: String, factor: GridFactor },
}

impl ParamKey {
    /// Parses a key's code, Chinese name or alias, or `comparable.<deal id>.<factor>`.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        for prefix in ["comparable.", "可比案例.", "案例."] {
            if let Some(rest) = t.strip_prefix(prefix) {
                let (id, factor) = rest.rsplit_once('.')?;
                if id.trim().is_empty() || factor.trim().is_empty() {
                    return None;
                }
                return Some(ParamKey::Comparable {
                    deal_id: id.trim().to_string(),
                    factor: GridFactor::parse(factor),
                });
            }
        }
        let k = crate::model::label_key(t);
        KEYS.iter()
            .find(|s| {
                crate::model::label_key(s.code) == k
                    || crate::model::label_key(s.zh) == k
                    || s.aliases.iter().any(|a| crate::model::label_key(a) == k)
            })
            .map(|s| ParamKey::Known(s.code.to_string()))
    }

    /// The canonical text of the key.
    pub fn code(&self) -> String {
        match self {
            ParamKey::Known(c) => c.clone(),
            ParamKey::Comparable { deal_id, factor } => {
                format!("comparable.{deal_id}.{}", factor.code())
            }
        }
    }

    /// The key in Chinese.
    pub fn label_zh(&self) -> String {
        match self {
            ParamKey::Known(c) => key_spec(c).map_or(c.clone(), |s| s.zh.to_string()),
            ParamKey::Comparable { deal_id, factor } => {
                format!("可比案例 {deal_id} {}", factor.label_zh())
            }
        }
    }

    pub fn kind(&self) -> ValueKind {
        match self {
            ParamKey::Known(c) => key_spec(c).map_or(ValueKind::Money, |s| s.kind),
            ParamKey::Comparable { factor, .. } => factor.kind(),
        }
    }

    pub fn is(&self, code: &str) -> bool {
        matches!(self, ParamKey::Known(c) if c == code)
    }
}

/// How a share rate was derived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Derivation {
    /// 约当投资分成法: `C₁(1+r₁) / (C₁(1+r₁) + C₂(1+r₂))`, a profit share.
    EquivalentInvestment {
        licensor_cost: f64,
        licensor_rate: f64,
        licensee_assets: f64,
        licensee_rate: f64,
    },
    /// 利润分成率 × 销售利润率 = 销售收入分成率.
    ProfitToRevenue { profit_share: f64, margin: f64 },
    /// 三分法 (1/3) or 四分法 (1/4) of profit; with a margin, of revenue.
    RuleOfThumb { fraction: f64, margin: Option<f64> },
}

impl Derivation {
    /// The derived rate.
    pub fn rate(&self) -> f64 {
        match *self {
            Derivation::EquivalentInvestment {
                licensor_cost,
                licensor_rate,
                licensee_assets,
                licensee_rate,
            } => {
                let a = licensor_cost * (1.0 + licensor_rate);
                let b = licensee_assets * (1.0 + licensee_rate);
                if a + b > 0.0 { a / (a + b) } else { 0.0 }
            }
            Derivation::ProfitToRevenue {
                profit_share,
                margin,
            } => profit_share * margin,
            Derivation::RuleOfThumb { fraction, margin } => fraction * margin.unwrap_or(1.0),
        }
    }

    /// What the derived rate applies to: `"profit"` or `"revenue"`.
    pub fn base(&self) -> &'static str {
        match self {
            Derivation::EquivalentInvestment { .. } => "profit",
            Derivation::ProfitToRevenue { .. } => "revenue",
            Derivation::RuleOfThumb { margin, .. } => {
                if margin.is_some() {
                    "revenue"
                } else {
                    "profit"
                }
            }
        }
    }

    /// The derivation with its inputs, in Chinese, as the workpapers show it.
    pub fn describe_zh(&self) -> String {
        let pct = |x: f64| format!("{}%", trim_num(x * 100.0));
        let r = pct(self.rate());
        match *self {
            Derivation::EquivalentInvestment {
                licensor_cost,
                licensor_rate,
                licensee_assets,
                licensee_rate,
            } => format!(
                "约当投资分成法：{c1} × (1 + {r1}) ÷ [{c1} × (1 + {r1}) + {c2} × (1 + {r2})] = {r}（利润分成率）",
                c1 = trim_num(licensor_cost),
                r1 = pct(licensor_rate),
                c2 = trim_num(licensee_assets),
                r2 = pct(licensee_rate)
            ),
            Derivation::ProfitToRevenue {
                profit_share,
                margin,
            } => format!(
                "销售收入分成率 = 利润分成率 {} × 销售利润率 {} = {r}",
                pct(profit_share),
                pct(margin)
            ),
            Derivation::RuleOfThumb { fraction, margin } => {
                let rule = if (fraction - 0.25).abs() < 1e-9 {
                    "四分法"
                } else {
                    "三分法"
                };
                match margin {
                    Some(m) => format!(
                        "{rule}：利润分成率 {} × 销售利润率 {} = {r}（销售收入分成率）",
                        pct(fraction),
                        pct(m)
                    ),
                    None => format!("{rule}：利润分成率 = {r}"),
                }
            }
        }
    }
}

/// A displayed value in Chinese: a choice's code as its Chinese name, on/off as 是/否, and the
/// assumptions file's markers translated; anything else as it is.
pub fn value_zh(key: &str, value: &str) -> String {
    let kind = key_spec(key).map(|k| k.kind);
    if let Some(ValueKind::Choice(options)) = kind
        && let Some((_, aliases)) = options.iter().find(|(c, _)| *c == value)
        && let Some(zh) = aliases.first()
    {
        return (*zh).to_string();
    }
    match value {
        "on" => "是".into(),
        "off" => "否".into(),
        "rules" => "按剩余经济寿命规则".into(),
        "since filing" => "自申请日起算".into(),
        _ => value
            .replace(" (build-up)", "（累加法）")
            .replace(" 年", "年")
            .replace(" 元", "元"),
    }
}

/// A number without trailing zeros, at most 6 decimals.
pub fn trim_num(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// A parsed parameter value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    Number(f64),
    Bool(bool),
    /// A choice's code.
    Choice(String),
    /// A share rate with its derivation.
    Derived(Derivation),
    /// `off` for a factor bound.
    Off,
}

impl ParamValue {
    pub fn number(&self) -> Option<f64> {
        match self {
            ParamValue::Number(x) => Some(*x),
            ParamValue::Derived(d) => Some(d.rate()),
            _ => None,
        }
    }

    /// The value for display: rates in percent where the key is a rate.
    pub fn display(&self, kind: ValueKind) -> String {
        match (self, kind) {
            (ParamValue::Number(x), ValueKind::Rate { .. } | ValueKind::ShareRate) => {
                format!("{}%", trim_num(x * 100.0))
            }
            (ParamValue::Number(x), ValueKind::Years { .. }) => format!("{} 年", trim_num(*x)),
            (ParamValue::Number(x), ValueKind::Money) => format!("{} 元", trim_num(*x)),
            (ParamValue::Number(x), _) => trim_num(*x),
            (ParamValue::Bool(b), _) => if *b { "on" } else { "off" }.into(),
            (ParamValue::Choice(c), _) => c.clone(),
            (ParamValue::Derived(d), _) => format!("{}%", trim_num(d.rate() * 100.0)),
            (ParamValue::Off, _) => "off".into(),
        }
    }
}

/// One row of the parameters table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamEntry {
    pub scope: ParamScope,
    /// Asset group name or normalised patent number; empty for the portfolio.
    pub target: String,
    pub key: ParamKey,
    pub value: ParamValue,
    /// The value as typed.
    pub text: String,
    /// Why this value (依据).
    pub basis: String,
    /// Where it comes from (来源), if stated.
    pub source: String,
    /// Row in the parameters file (0 for an entry made in the app).
    pub row: u32,
}

impl ParamEntry {
    /// The identity of the row: scope, target and key (two rows with one identity conflict).
    pub fn id(&self) -> (ParamScope, &str, String) {
        (self.scope, self.target.as_str(), self.key.code())
    }
}

/// The parameters table: entries in file order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ParameterSet {
    pub entries: Vec<ParamEntry>,
}

impl ParameterSet {
    /// Sets (or replaces) the entry with the same scope, target and key.
    pub fn set(&mut self, e: ParamEntry) {
        match self.entries.iter().position(|x| x.id() == e.id()) {
            Some(i) => self.entries[i] = e,
            None => self.entries.push(e),
        }
    }

    /// Removes the entry for a scope, target and key; returns whether there was one.
    pub fn remove(&mut self, scope: ParamScope, target: &str, key: &ParamKey) -> bool {
        let before = self.entries.len();
        self.entries
            .retain(|x| !(x.scope == scope && x.target == target && &x.key == key));
        before != self.entries.len()
    }

    /// The entry for a scope, target and key.
    pub fn get(&self, scope: ParamScope, target: &str, key: &ParamKey) -> Option<&ParamEntry> {
        self.entries
            .iter()
            .find(|x| x.scope == scope && x.target == target && &x.key == key)
    }

    /// The table as CSV (UTF-8 with BOM, Chinese headers), as the app saves it.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new().from_writer(vec![0xEF, 0xBB, 0xBF]);
        let _ = w.write_record(["范围", "对象", "参数", "取值", "依据", "来源"]);
        for e in &self.entries {
            let _ = w.write_record([
                e.scope.label_zh(),
                &e.target,
                &e.key.code(),
                &e.text,
                &e.basis,
                &e.source,
            ]);
        }
        w.into_inner().unwrap_or_default()
    }
}

/// One difference between two parameter sets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamChange {
    pub scope: ParamScope,
    pub target: String,
    pub key: String,
    /// The value before (`None`: not set).
    pub before: Option<String>,
    pub after: Option<String>,
    /// The basis given with the new value (or the old one's when removed).
    pub basis: String,
}

/// Which parameters changed from `a` to `b`, where and why.
pub fn diff(a: &ParameterSet, b: &ParameterSet) -> Vec<ParamChange> {
    let mut out = Vec::new();
    for eb in &b.entries {
        let ea = a.entries.iter().find(|x| x.id() == eb.id());
        if ea.is_none_or(|ea| ea.value != eb.value || ea.basis != eb.basis) {
            out.push(ParamChange {
                scope: eb.scope,
                target: eb.target.clone(),
                key: eb.key.code(),
                before: ea.map(|x| x.text.clone()),
                after: Some(eb.text.clone()),
                basis: eb.basis.clone(),
            });
        }
    }
    for ea in &a.entries {
        if !b.entries.iter().any(|x| x.id() == ea.id()) {
            out.push(ParamChange {
                scope: ea.scope,
                target: ea.target.clone(),
                key: ea.key.code(),
                before: Some(ea.text.clone()),
                after: None,
                basis: ea.basis.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_by_code_chinese_and_alias() {
        assert_eq!(
            ParamKey::parse("折现率"),
            Some(ParamKey::Known("discount_rate".into()))
        );
        assert_eq!(
            ParamKey::parse("Share Rate"),
            Some(ParamKey::Known("share_rate".into()))
        );
        assert_eq!(
            ParamKey::parse("comparable.T-07.region"),
            Some(ParamKey::Comparable {
                deal_id: "T-07".into(),
                factor: GridFactor::Other("region".into())
            })
        );
        assert_eq!(
            ParamKey::parse("可比案例.T1.剔除"),
            Some(ParamKey::Comparable {
                deal_id: "T1".into(),
                factor: GridFactor::Exclude
            })
        );
        assert_eq!(ParamKey::parse("discount_rat"), None);
    }

    #[test]
    fn no_two_keys_share_a_spelling() {
        let mut seen = std::collections::HashMap::new();
        for k in KEYS {
            for s in [k.code, k.zh].iter().chain(k.aliases) {
                if let Some(prev) = seen.insert(crate::model::label_key(s), k.code) {
                    assert_eq!(prev, k.code, "{s:?} names two keys");
                }
            }
        }
    }

    #[test]
    fn input_formats_doc_lists_every_key() {
        let doc = include_str!("../../docs/input-formats.md");
        let start = doc.find("<!-- keys -->\n").expect("keys marker") + "<!-- keys -->\n".len();
        let end = start + doc[start..].find("<!-- /keys -->").expect("closing marker");
        let expected = markdown_keys();
        assert_eq!(
            &doc[start..end],
            expected,
            "docs/input-formats.md: the keys table is out of date; it should be:\n{expected}"
        );
    }

    #[test]
    fn values_read_in_chinese() {
        assert_eq!(value_zh("share_base", "revenue"), "收入");
        assert_eq!(value_zh("income_variant", "excess_earnings"), "超额收益法");
        assert_eq!(value_zh("apply_tax", "off"), "否");
        assert_eq!(
            value_zh("discount_rate", "12.85% (build-up)"),
            "12.85%（累加法）"
        );
        assert_eq!(value_zh("tax_rate", "15%"), "15%");
    }

    #[test]
    fn equivalent_investment_share() {
        // Licensor 200 × 1.5 = 300; licensee 4,000 × 1.125 = 4,500: 300 / 4,800 = 6.25 %.
        let d = Derivation::EquivalentInvestment {
            licensor_cost: 200.0,
            licensor_rate: 0.5,
            licensee_assets: 4000.0,
            licensee_rate: 0.125,
        };
        assert!((d.rate() - 0.0625).abs() < 1e-15);
        assert_eq!(d.base(), "profit");
        assert!(d.describe_zh().contains("6.25%"), "{}", d.describe_zh());
    }

    #[test]
    fn diff_names_changed_added_and_removed() {
        let e = |key: &str, v: f64, text: &str, basis: &str| ParamEntry {
            scope: ParamScope::Group,
            target: "A".into(),
            key: ParamKey::Known(key.into()),
            value: ParamValue::Number(v),
            text: text.into(),
            basis: basis.into(),
            source: String::new(),
            row: 0,
        };
        let a = ParameterSet {
            entries: vec![
                e("share_rate", 0.03, "3%", "x"),
                e("tax_rate", 0.15, "15%", "y"),
            ],
        };
        let b = ParameterSet {
            entries: vec![
                e("share_rate", 0.04, "4%", "新合同"),
                e("discount_rate", 0.12, "12%", "z"),
            ],
        };
        let d = diff(&a, &b);
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].before.as_deref(), Some("3%"));
        assert_eq!(d[0].basis, "新合同");
        assert_eq!(d[1].before, None);
        assert_eq!(d[2].after, None);
    }
}
