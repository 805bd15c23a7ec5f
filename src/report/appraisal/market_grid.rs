//! The market approach's adjustment grid (因素修正表) for each patent the market approach
//! valued: every comparable with its price, the five factors and any the appraiser added, its
//! weight and adjusted price; the weighted mean and the value; then each factor set by hand with
//! what patval computed and the reason, and the comparables left out. Read from the trace.

use super::Facts;
use crate::model::parameters::GridFactor;
use crate::report::doc::{Block, Table, table};
use crate::report::fmt::fen;
use crate::valuation::trace::{ComparableTrace, MarketTrace, PatentTrace};

pub fn blocks(f: &Facts, traces: &[PatentTrace], b: &mut Vec<Block>) {
    if !f.d.engine.methods.market {
        return;
    }
    b.push(Block::Section {
        title: f.l("市场法因素修正表", "Market approach adjustment grid"),
        new_page: true,
    });
    b.push(Block::Formula(f.l(
        "修正后价格 = 成交价 × 交易情况 × 交易日期 × 技术 × 剩余寿命 × 交易方式 × 其他",
        "adjusted = price × circumstance × date × technology × life × deal kind × other",
    )));
    b.push(Block::Formula(f.l(
        "评估值 = Σ(权重 × 修正后价格) ÷ Σ权重 × 待授权系数",
        "value = Σ(weight × adjusted) ÷ Σweight × pending factor",
    )));
    b.push(Block::Para(f.l(
        "系数后标 * 者为评估人员调整的系数，其计算值与调整理由列于表后。",
        "A factor marked * was set by the appraiser; the computed value and the reason follow the table.",
    )));
    for (i, t) in traces.iter().enumerate() {
        let Some(m) = t
            .market
            .as_ref()
            .filter(|m| m.value.is_some() && !m.comparables.is_empty())
        else {
            continue;
        };
        b.push(Block::Sub(f.patent_heading(
            i,
            Some(f.lang.pick("市场法", "market approach")),
        )));
        b.push(Block::Table(grid(f, m)));
        notes(f, m, b);
    }
}

fn grid(f: &Facts, m: &MarketTrace) -> Table {
    let l = |zh: &'static str, en: &'static str| f.lang.pick(zh, en);
    let mut tb = table(
        &[
            l("可比交易", "Comparable"),
            l("成交价（元）", "Price (yuan)"),
            l("交易情况", "Circumstance"),
            l("交易日期", "Date"),
            l("技术", "Technology"),
            l("剩余寿命", "Life"),
            l("交易方式", "Deal kind"),
            l("其他", "Other"),
            l("权重", "Weight"),
            l("修正后价格（元）", "Adjusted (yuan)"),
        ],
        &[1.4, 1.5, 0.9, 0.9, 0.9, 0.9, 0.9, 0.6, 1.0, 1.6],
        &[false, true, true, true, true, true, true, true, true, true],
    );
    for c in &m.comparables {
        tb.rows.push(row(c));
    }
    let summary = |label: &str, factor: String, x: f64| {
        let mut r = vec![String::new(); 10];
        r[0] = label.to_string();
        r[8] = factor;
        r[9] = fen(x);
        r
    };
    let mean = m.weighted_mean.unwrap_or(0.0);
    tb.rows
        .push(summary(l("加权平均", "Weighted mean"), String::new(), mean));
    if (m.pending_factor - 1.0).abs() > 1e-12 {
        let pf = format!("{:.4}", m.pending_factor);
        tb.rows.push(summary(
            l("× 待授权系数", "× pending factor"),
            pf,
            mean * m.pending_factor,
        ));
    }
    tb.rows.push(summary(
        l("市场法评估值", "Market approach value"),
        String::new(),
        m.value.unwrap_or(0.0),
    ));
    tb
}

/// A comparable's row; a factor set by hand is marked with `*`.
fn row(c: &ComparableTrace) -> Vec<String> {
    let factor = |code: &str, x: f64| {
        let set = c
            .overrides
            .iter()
            .any(|o| GridFactor::parse(&o.factor) == GridFactor::parse(code));
        format!("{x:.4}{}", if set { "*" } else { "" })
    };
    let others: f64 = c.other_factors.iter().map(|(_, v, _)| v).product();
    vec![
        c.deal_id.clone(),
        fen(c.price),
        factor("circumstance", c.circumstance_factor),
        factor("date", c.date_factor),
        factor("technology", c.technology_factor),
        factor("life", c.life_factor),
        factor("deal_kind", c.deal_kind_factor),
        if c.other_factors.is_empty() {
            "—".into()
        } else {
            format!("{others:.4}*")
        },
        format!("{:.4}", c.weight),
        fen(c.adjusted_price),
    ]
}

/// Each factor set by hand (computed → set, reason), each added factor, each comparable left out.
fn notes(f: &Facts, m: &MarketTrace, b: &mut Vec<Block>) {
    let name = |code: &str| {
        let g = GridFactor::parse(code);
        match f.lang {
            crate::report::ReportLang::Zh => g.label_zh().to_string(),
            crate::report::ReportLang::En => g.code().replace('_', " "),
        }
    };
    for c in &m.comparables {
        for o in &c.overrides {
            b.push(Block::Para(format!(
                "* {}：{}{}{:.4}{}{:.4}；{}{}",
                c.deal_id,
                name(&o.factor),
                f.lang.pick("系数由计算值 ", " factor from the computed "),
                o.computed,
                f.lang.pick(" 调整为 ", " set to "),
                o.value,
                f.lang.pick("理由：", "reason: "),
                o.reason
            )));
        }
        for (factor, value, reason) in &c.other_factors {
            b.push(Block::Para(format!(
                "* {}：{} {value:.4}；{}{reason}",
                c.deal_id,
                factor,
                f.lang.pick("理由：", "reason: ")
            )));
        }
    }
    for (id, reason) in &m.excluded {
        b.push(Block::Para(format!(
            "{}{id}{}{reason}",
            f.lang.pick("剔除的可比交易：", "Comparable left out: "),
            f.lang.pick("，理由：", ", reason: ")
        )));
    }
}
