//! Per-patent results with the value-degree scorecard.

use crate::report::doc::{Block, table};
use crate::report::fmt::{opt, s};
use crate::report::{ReportData, ReportLang};

pub fn blocks(d: &ReportData, lang: ReportLang, b: &mut Vec<Block>) {
    let l = |zh: &'static str, en: &'static str| s(lang.pick(zh, en));
    b.push(Block::Section {
        title: l(
            "单件专利评估结果与价值度",
            "Per-patent results and value degree",
        ),
        new_page: true,
    });
    let mut t = table(
        &[
            lang.pick("专利号", "Patent no."),
            lang.pick("名称", "Title"),
            lang.pick("价值度 L/T/E", "Value degree L/T/E"),
            lang.pick("剩余寿命", "Life"),
            lang.pick("成本法", "Cost"),
            lang.pick("收益法", "Income"),
            lang.pick("市场法", "Market"),
            lang.pick("结论", "Reconciled"),
            lang.pick("说明", "Note"),
        ],
        &[1.75, 2.1, 1.3, 0.75, 1.05, 1.05, 1.05, 1.05, 1.6],
        &[false, false, true, true, true, true, true, true, false],
    );
    t.rows.reserve(d.valuation.patents.len());
    for (i, pv) in d.valuation.patents.iter().enumerate() {
        let base = &d.engine.base[i];
        t.rows.push(vec![
            d.engine.inputs.patent_nos[i].clone(),
            d.titles.get(i).cloned().unwrap_or_default(),
            format!(
                "{:.1} ({:.0}/{:.0}/{:.0})",
                base.score.overall, base.score.legal, base.score.technical, base.score.economic
            ),
            format!("{:.2}", base.life.remaining_economic),
            opt(pv.cost.ok()),
            opt(pv.income.ok()),
            opt(pv.market.ok()),
            opt(pv.reconciled),
            crate::valuation::results::note_in(&d.engine, i, pv, lang == ReportLang::Zh),
        ]);
    }
    b.push(Block::Table(t));
}
