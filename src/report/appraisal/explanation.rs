//! The 评估说明: the parameters with their bases, each patent's income table per year (read
//! from its trace, so the figures are the ones the conclusion adds up), then the analysis the
//! report has always carried (methods and formulas, cost, market, scorecards, sensitivity and
//! Monte Carlo charts, per-patent results, expert review).

use super::Facts;
use crate::report::ReportError;
use crate::report::doc::{Block, table};

pub fn build(f: &Facts, b: &mut Vec<Block>) -> Result<(), ReportError> {
    b.push(Block::Section {
        title: f.l("资产评估说明", "Valuation explanation"),
        new_page: true,
    });
    b.push(Block::Para(f.l(
        "本评估说明仅供委托人、报告使用人及法律、行政法规规定的相关部门了解评估工作及评估结论形成过程使用，评估说明的全部或者部分内容不得提供给其他任何单位和个人，不得见诸公开媒体，法律、行政法规另有规定的除外。",
        "This explanation is for the client, the report's users and the authorities the law provides for, to understand the work and how the conclusion was reached; it may not be given to anyone else or published, except as the law provides.",
    )));
    income_tables(f, b);
    // The analysis behind the figures (the report's own cover and conclusion are above).
    use crate::report::analysis::{assumptions, figures, methods, patents, review};
    assumptions::blocks(f.d, f.lang, b);
    methods::blocks(f.lang, b);
    figures::blocks(f.d, f.lang, b)?;
    patents::blocks(f.d, f.lang, b);
    review::blocks(f.d, f.lang, b);
    Ok(())
}

/// Money to the fen with separators, no unit (the column header gives 元).
fn fen(x: f64) -> String {
    crate::model::money::group_thousands(x, 2)
}

/// One table per patent the income approach valued: year, base, share rate, counted share
/// (part of the year × life cover × allocation), pre-tax share, tax, cash flow, discount
/// period and factor, present value; then the sum.
fn income_tables(f: &Facts, b: &mut Vec<Block>) {
    let e = &f.d.engine;
    if !e.methods.income {
        return;
    }
    b.push(Block::Section {
        title: f.l("收益法计算表", "Income approach by year"),
        new_page: true,
    });
    let l = |zh: &'static str, en: &'static str| f.lang.pick(zh, en);
    for i in 0..e.len() {
        let t = e.trace(i);
        let Some(inc) = t.income.filter(|x| x.value.is_some()) else {
            continue;
        };
        b.push(Block::Sub(format!(
            "{} {}",
            e.inputs.patent_nos[i],
            f.d.titles.get(i).map_or("", String::as_str)
        )));
        let mut tb = table(
            &[
                l("年度", "Year"),
                l("收益基数（元）", "Base (yuan)"),
                l("分成率", "Share"),
                l("计入比例", "Counted"),
                l("税前分成额（元）", "Pre-tax (yuan)"),
                l("所得税（元）", "Tax (yuan)"),
                l("现金流（元）", "Cash flow (yuan)"),
                l("折现期（年）", "Period (y)"),
                l("折现系数", "Factor"),
                l("现值（元）", "PV (yuan)"),
            ],
            &[0.8, 1.6, 0.8, 0.9, 1.5, 1.3, 1.5, 0.9, 0.9, 1.5],
            &[false, true, true, true, true, true, true, true, true, true],
        );
        for y in &inc.years {
            let pre_tax = if inc.tax_rate < 1.0 {
                y.cash_flow / (1.0 - inc.tax_rate)
            } else {
                0.0
            };
            tb.rows.push(vec![
                y.year.to_string(),
                fen(y.base),
                format!("{:.2}%", y.share_rate * 100.0),
                format!("{:.4}", y.pro_rata * y.life_cover * inc.allocation),
                fen(pre_tax),
                fen(pre_tax - y.cash_flow),
                fen(y.cash_flow),
                format!("{:.2}", y.time),
                format!("{:.4}", y.discount_factor),
                fen(y.present_value),
            ]);
        }
        let pv: f64 = inc.years.iter().map(|y| y.present_value).sum();
        tb.rows.push(vec![
            l("合计", "Total").into(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            fen(pv),
        ]);
        b.push(Block::Table(tb));
        b.push(Block::Para(format!(
            "{}{:.2}%；{}{:.2}%；{}{}",
            l("折现率 ", "Discount rate "),
            inc.discount_rate * 100.0,
            l("所得税率 ", "tax rate "),
            inc.tax_rate * 100.0,
            l("收益法评估值（元）：", "income value (yuan): "),
            fen(inc.value.unwrap_or(0.0))
        )));
    }
}
