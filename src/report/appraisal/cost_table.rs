//! The cost approach build-up for each patent the cost approach valued: every cost item with its
//! price-index restatement (or the multiplier method's inputs), the developer's profit and the
//! official fees, the replacement cost, then each depreciation step down to the value. Read
//! from the patent's trace, so the figures are the ones the conclusion uses.

use super::Facts;
use crate::report::doc::{Block, Table, table};
use crate::report::fmt::fen;
use crate::valuation::parameters::Multiplier;
use crate::valuation::trace::{CostTrace, PatentTrace};

pub fn blocks(f: &Facts, traces: &[PatentTrace], b: &mut Vec<Block>) {
    if !f.d.engine.methods.cost {
        return;
    }
    b.push(Block::Section {
        title: f.l("成本法计算表", "Cost approach build-up"),
        new_page: true,
    });
    b.push(Block::Formula(f.l(
        "重置成本 = 研发成本 × (1 + 开发者利润率) + 官费",
        "replacement cost = R&D cost × (1 + developer's profit rate) + official fees",
    )));
    b.push(Block::Formula(f.l(
        "评估值 = 重置成本 × (1 − 实体性贬值率) × (1 − 功能性贬值率) × (1 − 经济性贬值率) × 待授权系数",
        "value = replacement cost × (1 − depreciation) × (1 − functional) × (1 − economic) × pending",
    )));
    for (i, t) in traces.iter().enumerate() {
        let Some(c) = t.cost.as_ref().filter(|c| c.value.is_some()) else {
            continue;
        };
        b.push(Block::Sub(f.patent_heading(
            i,
            Some(f.lang.pick("成本法", "cost approach")),
        )));
        b.push(Block::Table(build_up(f, c)));
    }
}

/// Item | year | amount | factor | restated or running result.
fn build_up(f: &Facts, c: &CostTrace) -> Table {
    let l = |zh: &'static str, en: &'static str| f.lang.pick(zh, en);
    let mut tb = table(
        &[
            l("项目", "Item"),
            l("发生年度", "Year"),
            l("金额（元）", "Amount (yuan)"),
            l("系数", "Factor"),
            l("重置金额/结果（元）", "Restated / result (yuan)"),
        ],
        &[2.6, 0.9, 1.6, 1.0, 1.8],
        &[false, false, true, true, true],
    );
    let row = |item: String, factor: String, result: f64| {
        vec![item, String::new(), String::new(), factor, fen(result)]
    };
    match &c.multiplier {
        Some(m) => multiplier_rows(f, m, c.replacement_cost, &mut tb),
        None => {
            for it in &c.items {
                tb.rows.push(vec![
                    item_label(f, c, it),
                    it.year.to_string(),
                    fen(it.amount),
                    format!("{:.4}", it.index_ratio),
                    fen(it.restated),
                ]);
            }
            tb.rows.push(row(
                l("研发成本小计", "R&D cost").into(),
                String::new(),
                c.rd_restated,
            ));
            tb.rows.push(row(
                l("开发者利润", "Developer's profit").into(),
                format!("{:.2}%", c.developer_profit_rate * 100.0),
                c.developer_profit,
            ));
            tb.rows.push(row(
                l("官费小计", "Official fees").into(),
                String::new(),
                c.fees_restated,
            ));
            tb.rows.push(row(
                l("重置成本", "Replacement cost").into(),
                String::new(),
                c.replacement_cost,
            ));
        }
    }
    depreciation_rows(f, c, &mut tb);
    tb
}

/// The item's category, marked when it was booked to the asset group and shared.
fn item_label(f: &Facts, c: &CostTrace, it: &crate::valuation::trace::CostItemTrace) -> String {
    if c.from_rd_override && it.source_row == 0 {
        return f.l("研发成本（资产清单）", "R&D cost (portfolio)");
    }
    let name = f.lang.pick(it.category.label_zh(), it.category.label_en());
    if it.from_group {
        format!("{name}{}", f.lang.pick("（资产组分摊）", " (group share)"))
    } else {
        name.to_string()
    }
}

/// `(C + β·V) / (1 − r) × (1 + L)`, one step per row.
fn multiplier_rows(f: &Facts, m: &Multiplier, replacement: f64, tb: &mut Table) {
    let l = |zh: &'static str, en: &'static str| f.lang.pick(zh, en);
    let blank = String::new;
    let base = m.material + m.beta * m.labour;
    let with_risk = base / (1.0 - m.risk_rate);
    tb.rows.extend([
        vec![
            l("物化劳动消耗 C", "Materials C").into(),
            blank(),
            fen(m.material),
            blank(),
            fen(m.material),
        ],
        vec![
            l("活劳动消耗 V × 智力倍加系数 β", "Labour V × multiplier β").into(),
            blank(),
            fen(m.labour),
            format!("{:.4}", m.beta),
            fen(m.beta * m.labour),
        ],
        vec![
            l("÷ (1 − 研发风险系数 r)", "÷ (1 − risk r)").into(),
            blank(),
            blank(),
            format!("{:.2}%", m.risk_rate * 100.0),
            fen(with_risk),
        ],
        vec![
            l("× (1 + 成本利润率 L)", "× (1 + return L)").into(),
            blank(),
            blank(),
            format!("{:.2}%", m.return_rate * 100.0),
            fen(replacement),
        ],
    ]);
}

/// Replacement cost down to the value, one factor per row with the running result.
fn depreciation_rows(f: &Facts, c: &CostTrace, tb: &mut Table) {
    let l = |zh: &'static str, en: &'static str| f.lang.pick(zh, en);
    let mut x = c.replacement_cost * (1.0 - c.depreciation_rate);
    let mut rows = vec![(
        format!(
            "{}{:.2}{}{:.2}{}",
            l("实体性贬值率（已使用", "Depreciation (used "),
            c.used_life,
            l("年，剩余", " y, remaining "),
            c.remaining_life,
            l("年）", " y)")
        ),
        format!("{:.4}", c.depreciation_rate),
        x,
    )];
    x *= 1.0 - c.functional_obsolescence;
    rows.push((
        l("功能性贬值率", "Functional obsolescence").into(),
        format!("{:.2}%", c.functional_obsolescence * 100.0),
        x,
    ));
    x *= 1.0 - c.economic_obsolescence;
    rows.push((
        l("经济性贬值率", "Economic obsolescence").into(),
        format!("{:.2}%", c.economic_obsolescence * 100.0),
        x,
    ));
    if (c.pending_factor - 1.0).abs() > 1e-12 {
        x *= c.pending_factor;
        rows.push((
            l("待授权系数", "Pending factor").into(),
            format!("{:.4}", c.pending_factor),
            x,
        ));
    }
    for (item, factor, result) in rows {
        tb.rows.push(vec![
            item,
            String::new(),
            String::new(),
            factor,
            fen(result),
        ]);
    }
    let mut last = vec![String::new(); 5];
    last[0] = l("成本法评估值", "Cost approach value").into();
    last[4] = fen(c.value.unwrap_or(0.0));
    tb.rows.push(last);
}
