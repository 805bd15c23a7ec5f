//! The assumptions and parameters: the portfolio-wide figures with what each means, then
//! the table of parameter bases.

use crate::report::doc::{Block, table};
use crate::report::fmt::{pct, s};
use crate::report::{ReportData, ReportLang};

pub fn blocks(d: &ReportData, lang: ReportLang, b: &mut Vec<Block>) {
    let l = |zh: &'static str, en: &'static str| s(lang.pick(zh, en));
    b.push(Block::Section {
        title: l("评估假设与参数", "Assumptions"),
        new_page: true,
    });
    let asm = &d.assumptions;
    let build_up = lang.pick("累加法", "build-up");
    let rows: Vec<(&str, String, &str)> = vec![
        (
            lang.pick("评估基准日", "Valuation date"),
            asm.valuation_date.to_string(),
            lang.pick("评估结论对应的时点", "the date the value refers to"),
        ),
        (
            lang.pick("所得税率", "Income-tax rate"),
            pct(asm.tax_rate),
            lang.pick(
                "收益法现金流税后口径",
                "income-approach cash flows are after tax",
            ),
        ),
        (
            lang.pick("无风险报酬率", "Risk-free rate"),
            pct(asm.discount.risk_free_rate),
            lang.pick("10年期国债收益率", "10-year government bond yield"),
        ),
        (
            lang.pick("技术风险报酬率", "Technology risk premium"),
            pct(asm.discount.technology_risk),
            build_up,
        ),
        (
            lang.pick("市场风险报酬率", "Market risk premium"),
            pct(asm.discount.market_risk),
            build_up,
        ),
        (
            lang.pick("资金风险报酬率", "Funding risk premium"),
            pct(asm.discount.funding_risk),
            build_up,
        ),
        (
            lang.pick("管理风险报酬率", "Management risk premium"),
            pct(asm.discount.management_risk),
            build_up,
        ),
        (
            lang.pick("折现率", "Discount rate"),
            pct(asm.discount.rate()),
            lang.pick("以上各项之和", "sum of the above"),
        ),
        (
            lang.pick("分成率区间", "Share-rate range"),
            format!("{} – {}", pct(asm.share_rate.low), pct(asm.share_rate.high)),
            lang.pick(
                "中评协《专利资产评估指导意见》",
                "CAS patent appraisal guidance",
            ),
        ),
        (
            lang.pick("分成率年衰减", "Share-rate decay"),
            pct(asm.share_rate.annual_decay),
            lang.pick("技术老化", "technology ageing"),
        ),
        (
            lang.pick("成本利润率", "Developer's profit"),
            pct(asm.cost.developer_profit_rate),
            lang.pick("成本法", "cost approach"),
        ),
        (
            lang.pick("方法权重 成本/收益/市场", "Weights cost/income/market"),
            format!(
                "{} / {} / {}",
                asm.method_weights.cost, asm.method_weights.income, asm.method_weights.market
            ),
            lang.pick(
                "按有评估值的方法重新归一",
                "renormalised over methods with a value",
            ),
        ),
        (
            lang.pick("授权概率（审中）", "Grant probability (pending)"),
            pct(asm.economic_life.grant_probability),
            lang.pick(
                "审中申请各方法结果乘以此概率",
                "pending applications' values are multiplied by it",
            ),
        ),
    ];
    let mut t = table(
        &[
            lang.pick("参数", "Parameter"),
            lang.pick("取值", "Value"),
            lang.pick("说明与依据", "Meaning and source"),
        ],
        &[2.2, 1.4, 3.0],
        &[false, true, false],
    );
    t.rows = rows
        .into_iter()
        .map(|(k, val, why)| vec![s(k), val, s(why)])
        .collect();
    b.push(Block::Table(t));
    b.extend(super::parameters::blocks(d, lang));
}
