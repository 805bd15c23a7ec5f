//! The 评估说明: each patent's income table per year, cost build-up and market adjustment grid
//! (read from its trace, so the figures are the ones the conclusion adds up), then the analysis the
//! report has always carried (methods and formulas, cost, market, scorecards, sensitivity and
//! Monte Carlo charts, per-patent results, expert review).

use super::Facts;
use crate::report::ReportError;
use crate::report::doc::Block;
use crate::valuation::trace::PatentTrace;
use rayon::prelude::*;

pub fn build(f: &Facts, b: &mut Vec<Block>) -> Result<(), ReportError> {
    b.push(Block::Section {
        title: f.l("资产评估说明", "Valuation explanation"),
        new_page: true,
    });
    b.push(Block::Para(f.l(
        "本评估说明仅供委托人、报告使用人及法律、行政法规规定的相关部门了解评估工作及评估结论形成过程使用，评估说明的全部或者部分内容不得提供给其他任何单位和个人，不得见诸公开媒体，法律、行政法规另有规定的除外。",
        "This explanation is for the client, the report's users and the authorities the law provides for, to understand the work and how the conclusion was reached; it may not be given to anyone else or published, except as the law provides.",
    )));
    let e = &f.d.engine;
    // One trace per patent, shared by the three tables.
    let traces: Vec<PatentTrace> = (0..e.len()).into_par_iter().map(|i| e.trace(i)).collect();
    super::income_table::blocks(f, &traces, b);
    super::cost_table::blocks(f, &traces, b);
    super::market_grid::blocks(f, &traces, b);
    // The analysis behind the figures (the report's own cover and conclusion are above).
    use crate::report::analysis::{assumptions, figures, methods, patents, review};
    assumptions::blocks(f.d, f.lang, b);
    methods::blocks(f.lang, b);
    figures::blocks(f.d, f.lang, b)?;
    patents::blocks(f.d, f.lang, b);
    review::blocks(f.d, f.lang, b);
    Ok(())
}
