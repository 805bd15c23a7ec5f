//! The income approach by year for each patent the income approach valued, read from its trace
//! so the figures are the ones the conclusion adds up.

use super::Facts;
use crate::report::doc::{Block, Table, table};
use crate::report::fmt::fen;
use crate::valuation::trace::{IncomeTrace, PatentTrace};

/// One table per patent: year, base, share rate, counted share (part of the year × life cover ×
/// allocation), pre-tax share, tax, cash flow, discount period and factor, present value; then
/// the sum, and a line with the rates and the value.
pub fn blocks(f: &Facts, traces: &[PatentTrace], b: &mut Vec<Block>) {
    if !f.d.engine.methods.income {
        return;
    }
    b.push(Block::Section {
        title: f.l("收益法计算表", "Income approach by year"),
        new_page: true,
    });
    let l = |zh: &'static str, en: &'static str| f.lang.pick(zh, en);
    for (i, t) in traces.iter().enumerate() {
        let Some(inc) = t.income.as_ref().filter(|x| x.value.is_some()) else {
            continue;
        };
        b.push(Block::Sub(f.patent_heading(i, None)));
        b.push(Block::Table(years(f, inc)));
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

fn years(f: &Facts, inc: &IncomeTrace) -> Table {
    let l = |zh: &'static str, en: &'static str| f.lang.pick(zh, en);
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
    let mut total = vec![String::new(); 10];
    total[0] = l("合计", "Total").into();
    total[9] = fen(pv);
    tb.rows.push(total);
    tb
}
