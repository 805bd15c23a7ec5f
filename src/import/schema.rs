//! The columns of each input table: canonical name, type, whether required, accepted headers.
//!
//! `docs/input-formats.md` documents the same tables; a test keeps the two in step.

use crate::model::parameters::ParamScope;
use crate::model::{CostCategory, DealKind, LegalStatus, PatentType};

/// What a column holds and how its cells are parsed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Free text, trimmed.
    Text,
    /// Prose kept as written (trimmed; full-width punctuation not folded): a basis, a source.
    Prose,
    /// A patent or application number: text, upper-cased, inner spaces removed.
    PatentNo,
    /// An IPC symbol: upper-cased, inner spaces removed (`H04L 9/32` → `H04L9/32`).
    Ipc,
    /// A whole number within a range.
    Integer { min: i64, max: i64 },
    /// An amount in yuan; the header may give a unit (元/万元/亿元). `positive` rejects zero.
    Money { positive: bool },
    /// A fraction; `12%` or `0.12`, or `12` under a `(%)` header.
    Rate { min: f64, max: f64 },
    /// A duration in years, above 0 and at most `max`.
    Years { max: f64 },
    /// A calendar year.
    Year,
    /// A forecast period: a calendar year, or the rest of the valuation year stated as a month
    /// range (`2026(10-12)`, `2026年10-12月`), whose month count goes to the `months` column.
    Period,
    /// A key of the parameters table, stored as its canonical code.
    ParamKey,
    /// A calendar date.
    Date,
    /// A number within a range.
    Number { min: f64, max: f64 },
    /// One of a closed set of labels, stored as its code.
    Enum(EnumKind),
}

/// The closed label sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumKind {
    PatentType,
    LegalStatus,
    DealKind,
    CostCategory,
    ParamScope,
}

impl EnumKind {
    /// The code of a label, or `None` if the text is no accepted label.
    pub fn parse(self, text: &str) -> Option<&'static str> {
        match self {
            EnumKind::PatentType => PatentType::parse(text).map(PatentType::code),
            EnumKind::LegalStatus => LegalStatus::parse(text).map(LegalStatus::code),
            EnumKind::DealKind => DealKind::parse(text).map(DealKind::code),
            EnumKind::CostCategory => CostCategory::parse(text).map(CostCategory::code),
            EnumKind::ParamScope => ParamScope::parse(text).map(ParamScope::code),
        }
    }

    /// Each label's code with its Chinese (`zh`) or English label, in declaration order.
    pub fn labels(self, zh: bool) -> Vec<(&'static str, &'static str)> {
        match self {
            EnumKind::PatentType => PatentType::labels(zh),
            EnumKind::LegalStatus => LegalStatus::labels(zh),
            EnumKind::DealKind => DealKind::labels(zh),
            EnumKind::CostCategory => CostCategory::labels(zh),
            EnumKind::ParamScope => ParamScope::labels(zh),
        }
    }

    pub fn accepted(self) -> String {
        match self {
            EnumKind::PatentType => PatentType::accepted(),
            EnumKind::LegalStatus => LegalStatus::accepted(),
            EnumKind::DealKind => DealKind::accepted(),
            EnumKind::CostCategory => CostCategory::accepted(),
            EnumKind::ParamScope => ParamScope::accepted(),
        }
    }

    /// Every variant's code, in declaration order: an enum column's cells hold their code's
    /// position in this list (see [`super::codes`]).
    pub fn codes(self) -> &'static [&'static str] {
        match self {
            EnumKind::PatentType => PatentType::CODES,
            EnumKind::LegalStatus => LegalStatus::CODES,
            EnumKind::DealKind => DealKind::CODES,
            EnumKind::CostCategory => CostCategory::CODES,
            EnumKind::ParamScope => ParamScope::CODES,
        }
    }

    pub fn what(self) -> &'static str {
        match self {
            EnumKind::PatentType => "patent type",
            EnumKind::LegalStatus => "legal status",
            EnumKind::DealKind => "deal kind",
            EnumKind::CostCategory => "cost category",
            EnumKind::ParamScope => "parameter scope",
        }
    }
}

/// One column of an input table.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    /// Canonical name: the column's name in the loaded frame.
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// Accepted headers besides `name` (English and Chinese); matching ignores case, spaces,
    /// `_`, `-`, `.` and a trailing unit in brackets.
    pub aliases: &'static [&'static str],
    /// One line of documentation.
    pub doc: &'static str,
}

/// The input tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    Portfolio,
    Forecasts,
    CostItems,
    Comparables,
    /// Valuation parameters per scope with their basis (the appraiser's workpapers).
    Parameters,
    /// An outside firm's appraisal: per-patent values and the assumptions it stated (bank
    /// cross-check). Not part of a valuation data set, so not in [`TableKind::ALL`].
    External,
}

impl TableKind {
    pub const ALL: [TableKind; 5] = [
        TableKind::Portfolio,
        TableKind::Forecasts,
        TableKind::CostItems,
        TableKind::Comparables,
        TableKind::Parameters,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TableKind::Portfolio => "portfolio",
            TableKind::Forecasts => "forecasts",
            TableKind::CostItems => "cost items",
            TableKind::Comparables => "comparables",
            TableKind::Parameters => "parameters",
            TableKind::External => "external appraisal",
        }
    }

    pub fn columns(self) -> &'static [ColumnSpec] {
        match self {
            TableKind::Portfolio => PORTFOLIO,
            TableKind::Forecasts => FORECASTS,
            TableKind::CostItems => COST_ITEMS,
            TableKind::Comparables => COMPARABLES,
            TableKind::Parameters => PARAMETERS,
            TableKind::External => EXTERNAL,
        }
    }

    /// The enum of a column of this table, if it is an enum column.
    pub fn enum_of(self, column: &str) -> Option<EnumKind> {
        match self.columns().iter().find(|c| c.name == column)?.kind {
            Kind::Enum(e) => Some(e),
            _ => None,
        }
    }

    /// Columns whose combined value must be unique per row.
    pub fn unique_key(self) -> &'static [&'static str] {
        match self {
            TableKind::Portfolio => &["patent_no"],
            TableKind::Forecasts => &["asset_group", "year"],
            TableKind::CostItems => &[],
            TableKind::Comparables => &["deal_id"],
            TableKind::Parameters => &["scope", "target", "key"],
            TableKind::External => &["patent_no"],
        }
    }

    pub fn column(self, name: &str) -> Option<&'static ColumnSpec> {
        self.columns().iter().find(|c| c.name == name)
    }
}

const PATENT_NO: &[&str] = &[
    "patent no",
    "patent number",
    "application number",
    "application no",
    "专利号",
    "申请号",
    "专利申请号",
    "专利(申请)号",
];
const ASSET_GROUP: &[&str] = &[
    "asset group",
    "product line",
    "资产组",
    "产品线",
    "所属产品线",
    "资产组名称",
];
const IPC: &[&str] = &[
    "ipc class",
    "ipc code",
    "ipc分类号",
    "主分类号",
    "ipc主分类号",
    "分类号",
];
const PATENT_TYPE: &[&str] = &["type", "patent type", "专利类型", "类型", "专利种类"];
const CLAIMS: &[&str] = &[
    "claims",
    "claim count",
    "number of claims",
    "权利要求数",
    "权利要求项数",
    "权项数",
];
const REMAINING_LIFE: &[&str] = &[
    "remaining life",
    "remaining economic life",
    "剩余经济寿命",
    "剩余寿命",
    "剩余经济年限",
    "剩余年限",
];

/// External appraisal: one row per patent, as the outside firm reported it.
pub const EXTERNAL: &[ColumnSpec] = &[
    ColumnSpec {
        name: "patent_no",
        kind: Kind::PatentNo,
        required: true,
        aliases: PATENT_NO,
        doc: "patent or application number, as in the portfolio",
    },
    ColumnSpec {
        name: "value",
        kind: Kind::Money { positive: false },
        required: true,
        aliases: &[
            "appraised value",
            "external value",
            "评估值",
            "评估价值",
            "评估结论",
            "外部评估值",
        ],
        doc: "the firm's value of the patent, yuan (header may say 万元)",
    },
    ColumnSpec {
        name: "discount_rate",
        kind: Kind::Rate {
            min: 0.001,
            max: 1.0,
        },
        required: false,
        aliases: &["discount", "折现率"],
        doc: "the discount rate the firm used for this patent",
    },
    ColumnSpec {
        name: "share_rate",
        kind: Kind::Rate { min: 0.0, max: 1.0 },
        required: false,
        aliases: &["royalty rate", "分成率", "提成率"],
        doc: "the share (royalty) rate the firm used",
    },
    ColumnSpec {
        name: "remaining_life",
        kind: Kind::Years { max: 30.0 },
        required: false,
        aliases: REMAINING_LIFE,
        doc: "the remaining economic life the firm used, years",
    },
];

/// Portfolio: one row per patent.
pub const PORTFOLIO: &[ColumnSpec] = &[
    ColumnSpec {
        name: "patent_no",
        kind: Kind::PatentNo,
        required: true,
        aliases: PATENT_NO,
        doc: "patent or application number, kept as text (CN202310123456.7)",
    },
    ColumnSpec {
        name: "title",
        kind: Kind::Text,
        required: true,
        aliases: &["name", "专利名称", "名称", "发明名称", "发明创造名称"],
        doc: "title of the invention",
    },
    ColumnSpec {
        name: "patent_type",
        kind: Kind::Enum(EnumKind::PatentType),
        required: true,
        aliases: PATENT_TYPE,
        doc: "invention / utility model / design (发明 / 实用新型 / 外观设计)",
    },
    ColumnSpec {
        name: "ipc",
        kind: Kind::Ipc,
        required: true,
        aliases: IPC,
        doc: "main IPC symbol, e.g. H04L 9/32",
    },
    ColumnSpec {
        name: "filing_date",
        kind: Kind::Date,
        required: true,
        aliases: &["filing date", "application date", "申请日", "申请日期"],
        doc: "filing date; the legal term runs from it",
    },
    ColumnSpec {
        name: "grant_date",
        kind: Kind::Date,
        required: false,
        aliases: &["grant date", "授权日", "授权公告日", "授权日期"],
        doc: "grant date; blank for a pending application",
    },
    ColumnSpec {
        name: "legal_status",
        kind: Kind::Enum(EnumKind::LegalStatus),
        required: true,
        aliases: &["legal status", "status", "法律状态", "当前法律状态", "状态"],
        doc: "granted / pending / lapsed / invalidated (有效 / 审中 / 失效 / 无效)",
    },
    ColumnSpec {
        name: "owner",
        kind: Kind::Text,
        required: true,
        aliases: &[
            "patentee",
            "assignee",
            "专利权人",
            "权利人",
            "申请人",
            "申请(专利权)人",
        ],
        doc: "current owner (patentee)",
    },
    ColumnSpec {
        name: "claims",
        kind: Kind::Integer {
            min: 1,
            max: 10_000,
        },
        required: true,
        aliases: CLAIMS,
        doc: "number of claims",
    },
    ColumnSpec {
        name: "independent_claims",
        kind: Kind::Integer {
            min: 1,
            max: 10_000,
        },
        required: true,
        aliases: &[
            "independent claims",
            "独立权利要求数",
            "独权数",
            "独立权项数",
        ],
        doc: "number of independent claims, at most `claims`",
    },
    ColumnSpec {
        name: "family_size",
        kind: Kind::Integer {
            min: 1,
            max: 100_000,
        },
        required: false,
        aliases: &["family size", "family", "同族数", "同族专利数", "同族数量"],
        doc: "size of the simple patent family (1 = this patent only)",
    },
    ColumnSpec {
        name: "forward_citations",
        kind: Kind::Integer {
            min: 0,
            max: 1_000_000,
        },
        required: false,
        aliases: &[
            "forward citations",
            "citations",
            "cited by",
            "被引次数",
            "被引用次数",
            "被引证次数",
        ],
        doc: "times cited by later patents",
    },
    ColumnSpec {
        name: "asset_group",
        kind: Kind::Text,
        required: true,
        aliases: ASSET_GROUP,
        doc: "product line the patent earns through; links to the forecasts",
    },
    ColumnSpec {
        name: "remaining_life",
        kind: Kind::Years { max: 20.0 },
        required: false,
        aliases: REMAINING_LIFE,
        doc: "override of the remaining economic life in years",
    },
    ColumnSpec {
        name: "rd_cost",
        kind: Kind::Money { positive: false },
        required: false,
        aliases: &["rd cost", "r&d cost", "研发成本", "研发投入", "研发费用"],
        doc: "override of the historical R&D cost in yuan (used when no cost items are given)",
    },
];

/// Forecasts: one row per asset group and year.
pub const FORECASTS: &[ColumnSpec] = &[
    ColumnSpec {
        name: "asset_group",
        kind: Kind::Text,
        required: true,
        aliases: ASSET_GROUP,
        doc: "product line, as in the portfolio",
    },
    ColumnSpec {
        name: "year",
        kind: Kind::Period,
        required: true,
        aliases: &["年度", "年份", "预测年度", "预测年份", "期间", "预测期间"],
        doc: "calendar year (2026, 2026年, 2026E), or the rest of the valuation year as months (2026(10-12))",
    },
    ColumnSpec {
        name: "months",
        kind: Kind::Integer { min: 1, max: 12 },
        required: false,
        aliases: &["月数", "期间月数", "months covered"],
        doc: "for the valuation year only: the amounts cover just these last months of it (not pro-rated)",
    },
    ColumnSpec {
        name: "revenue",
        kind: Kind::Money { positive: false },
        required: true,
        aliases: &[
            "sales",
            "sales revenue",
            "营业收入",
            "销售收入",
            "收入",
            "预测收入",
            "主营业务收入",
        ],
        doc: "revenue of the product line that year, yuan",
    },
    ColumnSpec {
        name: "profit_margin",
        kind: Kind::Rate {
            min: -1.0,
            max: 1.0,
        },
        required: false,
        aliases: &[
            "profit margin",
            "margin",
            "利润率",
            "销售利润率",
            "营业利润率",
        ],
        doc: "profit margin that year (needed for a profit share rate)",
    },
    ColumnSpec {
        name: "share_rate",
        kind: Kind::Rate { min: 0.0, max: 1.0 },
        required: false,
        aliases: &["share rate", "royalty rate", "分成率", "提成率", "许可费率"],
        doc: "share rate that year; overrides the assumptions' share rate",
    },
    ColumnSpec {
        name: "volume",
        kind: Kind::Number {
            min: 0.0,
            max: 1e15,
        },
        required: false,
        aliases: &["sales volume", "销量", "销售量", "产销量"],
        doc: "excess earnings: units sold that year",
    },
    ColumnSpec {
        name: "price_premium",
        kind: Kind::Money { positive: false },
        required: false,
        aliases: &["price premium", "单价提高额", "价格提高额", "单位产品溢价"],
        doc: "excess earnings: price premium per unit the patent earns, yuan",
    },
    ColumnSpec {
        name: "unit_cost_saving",
        kind: Kind::Money { positive: false },
        required: false,
        aliases: &[
            "cost saving per unit",
            "单位成本节约",
            "单位成本降低额",
            "成本节约额",
        ],
        doc: "excess earnings: cost saved per unit, yuan",
    },
    ColumnSpec {
        name: "added_volume",
        kind: Kind::Number {
            min: 0.0,
            max: 1e15,
        },
        required: false,
        aliases: &["added volume", "增加销量", "新增销量", "销量增加"],
        doc: "excess earnings: units sold because of the patent",
    },
    ColumnSpec {
        name: "unit_margin",
        kind: Kind::Money { positive: false },
        required: false,
        aliases: &["unit margin", "单位利润", "单位产品利润", "单位毛利"],
        doc: "excess earnings: profit per added unit, yuan",
    },
    ColumnSpec {
        name: "excess_income",
        kind: Kind::Money { positive: false },
        required: false,
        aliases: &["excess income", "超额收益", "超额收益额", "追加收益"],
        doc: "excess earnings: pre-tax excess income stated directly, yuan (added to the above)",
    },
];

/// Parameters: one row per parameter set for the portfolio, an asset group or a patent.
pub const PARAMETERS: &[ColumnSpec] = &[
    ColumnSpec {
        name: "scope",
        kind: Kind::Enum(EnumKind::ParamScope),
        required: true,
        aliases: &["范围", "层级", "适用范围"],
        doc: "portfolio / asset group / patent (组合 / 资产组 / 专利); the narrower scope wins",
    },
    ColumnSpec {
        name: "target",
        kind: Kind::Text,
        required: false,
        aliases: &["对象", "适用对象", "资产组或专利号"],
        doc: "the asset group's name or the patent number; blank for the portfolio",
    },
    ColumnSpec {
        name: "key",
        kind: Kind::ParamKey,
        required: true,
        aliases: &["parameter", "参数", "参数名", "参数名称"],
        doc: "the parameter (docs/input-formats.md lists every key), or comparable.<deal id>.<factor>",
    },
    ColumnSpec {
        name: "value",
        kind: Kind::Text,
        required: true,
        aliases: &["取值", "参数值", "数值"],
        doc: "the value: a rate (12%), years, an amount, on/off, a choice or a share-rate derivation",
    },
    ColumnSpec {
        name: "basis",
        kind: Kind::Prose,
        required: true,
        aliases: &["依据", "取值依据", "理由"],
        doc: "why this value (依据)",
    },
    ColumnSpec {
        name: "source",
        kind: Kind::Prose,
        required: false,
        aliases: &["来源", "数据来源", "出处"],
        doc: "where the figure comes from (来源), e.g. a yield curve on a date",
    },
];

/// Cost items: one row per cost incurred for a patent or an asset group.
pub const COST_ITEMS: &[ColumnSpec] = &[
    ColumnSpec {
        name: "patent_no",
        kind: Kind::PatentNo,
        required: false,
        aliases: PATENT_NO,
        doc: "patent the cost belongs to (or give asset_group)",
    },
    ColumnSpec {
        name: "asset_group",
        kind: Kind::Text,
        required: false,
        aliases: ASSET_GROUP,
        doc: "asset group the cost is shared by (or give patent_no)",
    },
    ColumnSpec {
        name: "category",
        kind: Kind::Enum(EnumKind::CostCategory),
        required: true,
        aliases: &[
            "cost category",
            "费用类别",
            "成本类别",
            "费用类型",
            "类别",
            "费用项目",
        ],
        doc: "labour / materials / equipment / testing / agency / registration / maintenance / other",
    },
    ColumnSpec {
        name: "year",
        kind: Kind::Year,
        required: true,
        aliases: &["year incurred", "年度", "发生年度", "发生年份", "年份"],
        doc: "year the cost was incurred",
    },
    ColumnSpec {
        name: "amount",
        kind: Kind::Money { positive: false },
        required: true,
        aliases: &["cost", "金额", "发生额", "费用金额", "成本金额"],
        doc: "amount in yuan, at that year's prices",
    },
];

/// Comparables: one row per past transaction.
pub const COMPARABLES: &[ColumnSpec] = &[
    ColumnSpec {
        name: "deal_id",
        kind: Kind::Text,
        required: true,
        aliases: &["deal id", "id", "交易编号", "案例编号", "编号"],
        doc: "unique id of the transaction",
    },
    ColumnSpec {
        name: "deal_date",
        kind: Kind::Date,
        required: true,
        aliases: &["deal date", "date", "交易日期", "成交日期", "交易时间"],
        doc: "date of the transaction, not after the valuation date",
    },
    ColumnSpec {
        name: "ipc",
        kind: Kind::Ipc,
        required: true,
        aliases: IPC,
        doc: "main IPC symbol of the patent traded",
    },
    ColumnSpec {
        name: "patent_type",
        kind: Kind::Enum(EnumKind::PatentType),
        required: true,
        aliases: PATENT_TYPE,
        doc: "invention / utility model / design",
    },
    ColumnSpec {
        name: "deal_kind",
        kind: Kind::Enum(EnumKind::DealKind),
        required: true,
        aliases: &[
            "deal type",
            "transaction type",
            "交易类型",
            "交易方式",
            "许可方式",
        ],
        doc: "assignment / exclusive licence / sole licence / non-exclusive licence",
    },
    ColumnSpec {
        name: "price",
        kind: Kind::Money { positive: true },
        required: true,
        aliases: &["deal price", "成交价格", "交易价格", "成交金额", "交易金额"],
        doc: "price in yuan, above zero",
    },
    ColumnSpec {
        name: "remaining_life",
        kind: Kind::Years { max: 20.0 },
        required: true,
        aliases: REMAINING_LIFE,
        doc: "remaining economic life at the deal date, years",
    },
    ColumnSpec {
        name: "claims",
        kind: Kind::Integer {
            min: 1,
            max: 10_000,
        },
        required: true,
        aliases: CLAIMS,
        doc: "number of claims of the patent traded",
    },
    ColumnSpec {
        name: "region",
        kind: Kind::Text,
        required: false,
        aliases: &["地区", "区域", "所在地区", "省份"],
        doc: "where the deal took place",
    },
    ColumnSpec {
        name: "technical_score",
        kind: Kind::Number {
            min: 0.0,
            max: 100.0,
        },
        required: false,
        aliases: &[
            "technical score",
            "tech score",
            "技术评分",
            "技术分值",
            "技术先进性评分",
        ],
        doc: "technical score 0–100, if the source gives one",
    },
];

impl Kind {
    /// How the column's cells are written, for the docs.
    pub fn describe(self) -> String {
        match self {
            Kind::Text => "text".into(),
            Kind::Prose => "text, kept as written".into(),
            Kind::PatentNo => "patent number (text; upper-cased, spaces removed)".into(),
            Kind::Ipc => "IPC symbol (upper-cased, spaces removed)".into(),
            Kind::Integer { min, max } => format!("whole number {min} to {max}"),
            Kind::Money { positive: true } => {
                "amount above 0, yuan (cell or header unit 元/万元/亿元)".into()
            }
            Kind::Money { positive: false } => {
                "amount ≥ 0, yuan (cell or header unit 元/万元/亿元)".into()
            }
            Kind::Rate { min, max } => format!(
                "rate {}% to {}% (`12%`, `0.12`, or `12` under a `(%)` header)",
                min * 100.0,
                max * 100.0
            ),
            Kind::Years { max } => format!("years, above 0 and at most {max} (`8`, `8.5`, `8年`)"),
            Kind::Year => "year (`2026`, `2026年`, `2026E`)".into(),
            Kind::Period => "year (`2026`, `2026E`) or rest of the valuation year (`2026(10-12)`, `2026年10-12月`)".into(),
            Kind::ParamKey => "parameter key (code or Chinese name)".into(),
            Kind::Date => "date (`2023-04-20`, `2023/4/20`, `2023年4月20日`, `20230420`)".into(),
            Kind::Number { min, max } => format!("number {min} to {max}"),
            Kind::Enum(e) => format!("one of: {}", e.accepted()),
        }
    }
}

/// The Markdown table of a table's columns, as `docs/input-formats.md` shows it.
pub fn markdown_table(kind: TableKind) -> String {
    let mut out = String::from(
        "| column | required | cells | accepted headers | meaning |\n|---|---|---|---|---|\n",
    );
    for c in kind.columns() {
        let aliases: Vec<String> = c.aliases.iter().map(|a| format!("`{a}`")).collect();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            c.name,
            if c.required { "yes" } else { "no" },
            c.kind.describe(),
            aliases.join(", "),
            c.doc
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::label_key;

    #[test]
    fn whole_numbers_fit_the_32_bits_their_columns_hold() {
        // The reader keeps integer columns as Int32 (reader/frame.rs) after checking each cell
        // against its column's bounds, so the bounds must fit.
        for kind in TableKind::ALL.into_iter().chain([TableKind::External]) {
            for c in kind.columns() {
                if let Kind::Integer { min, max } = c.kind {
                    assert!(
                        i32::try_from(min).is_ok() && i32::try_from(max).is_ok(),
                        "{}",
                        c.name
                    );
                }
            }
        }
    }

    #[test]
    fn input_formats_doc_matches_the_code() {
        let doc = include_str!("../../docs/input-formats.md");
        for kind in TableKind::ALL.into_iter().chain([TableKind::External]) {
            let tag = format!("<!-- columns:{kind:?} -->\n");
            let start = doc
                .find(&tag)
                .map(|i| i + tag.len())
                .unwrap_or_else(|| panic!("docs/input-formats.md lacks {tag}"));
            let end = start
                + doc[start..]
                    .find("<!-- /columns -->")
                    .expect("closing marker");
            let expected = markdown_table(kind);
            assert_eq!(
                &doc[start..end],
                expected,
                "docs/input-formats.md: the {kind:?} table is out of date; it should be:\n{expected}"
            );
        }
    }

    #[test]
    fn no_header_maps_to_two_columns_of_a_table() {
        for t in TableKind::ALL.into_iter().chain([TableKind::External]) {
            let mut seen = std::collections::HashMap::new();
            for c in t.columns() {
                for a in std::iter::once(&c.name).chain(c.aliases) {
                    if let Some(prev) = seen.insert(label_key(a), c.name)
                        && prev != c.name
                    {
                        panic!(
                            "{}: header {a:?} maps to both {prev} and {}",
                            t.name(),
                            c.name
                        );
                    }
                }
            }
        }
    }
}
