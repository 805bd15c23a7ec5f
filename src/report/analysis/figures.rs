//! The charts: method totals, cash flows, tornado, Monte Carlo, comparables.

use crate::report::charts;
use crate::report::doc::Block;
use crate::report::fmt::{m, s};
use crate::report::{ReportData, ReportError, ReportLang};

pub fn blocks(d: &ReportData, lang: ReportLang, b: &mut Vec<Block>) -> Result<(), ReportError> {
    let l = |zh: &'static str, en: &'static str| s(lang.pick(zh, en));
    b.push(Block::Section {
        title: l("图表", "Charts"),
        new_page: true,
    });
    for svg in [
        charts::methods(d, lang)?,
        charts::cash_flows(d, lang)?,
        charts::tornado(d, lang)?,
        charts::monte_carlo(d, lang)?,
        charts::comparables(d, lang)?,
    ] {
        if !svg.is_empty() {
            b.push(Block::Chart(svg));
        }
    }
    let sim = &d.simulation;
    b.push(Block::Para(format!(
        "P5 {} · P50 {} · P95 {} ({} {}, {} {})",
        m(sim.p5),
        m(sim.p50),
        m(sim.p95),
        sim.draws,
        lang.pick("次模拟", "draws"),
        lang.pick("随机种子", "seed"),
        sim.seed
    )));

    Ok(())
}
