//! Each method in a sentence and its formula.

use crate::report::ReportLang;
use crate::report::doc::Block;
use crate::report::fmt::s;

pub fn blocks(lang: ReportLang, b: &mut Vec<Block>) {
    let l = |zh: &'static str, en: &'static str| s(lang.pick(zh, en));
    b.push(Block::Section {
        title: l("评估方法", "Methods"),
        new_page: true,
    });
    for (title, text, formula) in [
        (
            lang.pick("成本法", "Cost approach"),
            lang.pick(
                "以历史研发成本按价格指数重置，加合理利润及规费，扣除贬值。",
                "Historical R&D cost restated by the price index, plus the developer's profit and official fees, less depreciation.",
            ),
            "V = [R·(1+p) + F] · (1 − U/(U+L)) · (1 − o_{f}) · (1 − o_{e})",
        ),
        (
            lang.pick("收益法", "Income approach"),
            lang.pick(
                "以产品线收入（或利润）乘以分成率，在剩余经济寿命内折现。",
                "The patent's share of its product line's revenue (or profit), discounted over its remaining economic life.",
            ),
            "V = Σ_{y} base_{y} · len_{y} · s_{y} · (1 − tax) · α · c_{y} · (1 + r)^{−t_{y}}",
        ),
        (
            lang.pick("市场法", "Market approach"),
            lang.pick(
                "选取相似交易案例，对交易情况、日期、技术、剩余寿命、交易方式修正后按相似度加权。",
                "Similar past deals, each price adjusted for circumstances, date, technology, remaining life and deal kind, weighted by similarity.",
            ),
            "V = Σ sim_{c} · P_{c} · Π k_{c} / Σ sim_{c}",
        ),
        (
            lang.pick("评估结论", "Reconciliation"),
            lang.pick(
                "各方法加权平均，权重按有评估值的方法重新归一。",
                "Weighted mean of the methods, weights renormalised over the methods that produced a value.",
            ),
            "V = Σ w_{m} V_{m} / Σ w_{m}",
        ),
    ] {
        b.push(Block::Sub(s(title)));
        b.push(Block::Para(s(text)));
        b.push(Block::Formula(s(formula)));
    }
    b.push(Block::Para(l(
        "以上公式均为资产评估实务的通用公式，各参数的取值及其依据见“参数取值依据”表。",
        "Each formula is the standard one of appraisal practice; each parameter's value and basis are in the table of parameter bases.",
    )));
}
