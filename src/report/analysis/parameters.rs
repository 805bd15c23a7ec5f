//! The report's table of parameter bases (参数取值依据): every value set in the parameters table
//! and every portfolio value whose basis the assumptions file records, with scope, value, basis
//! and source.

use crate::model::parameters::{KEYS, ParamScope, value_zh};
use crate::report::doc::{Block, table};
use crate::report::{ReportData, ReportLang};
use crate::valuation::parameters::assumptions_value;

/// The sub-heading and table, or a sentence when nothing was set.
pub fn blocks(d: &ReportData, lang: ReportLang) -> Vec<Block> {
    let mut out = vec![Block::Sub(
        lang.pick("参数取值依据", "Parameter bases").to_string(),
    )];
    let mut t = table(
        &[
            lang.pick("层级", "Scope"),
            lang.pick("对象", "Target"),
            lang.pick("参数", "Parameter"),
            lang.pick("取值", "Value"),
            lang.pick("依据", "Basis"),
            lang.pick("来源", "Source"),
        ],
        &[0.8, 1.6, 1.4, 1.0, 3.0, 2.2],
        &[false, false, false, true, false, false],
    );
    let scope = |s: ParamScope| match lang {
        ReportLang::Zh => s.label_zh(),
        ReportLang::En => s.label_en(),
    };
    for k in KEYS {
        if let Some(note) = d.assumptions.basis.get(k.code) {
            t.rows.push(vec![
                scope(ParamScope::Portfolio).into(),
                String::new(),
                lang.pick(k.zh, k.code).into(),
                match lang {
                    ReportLang::Zh => value_zh(k.code, &assumptions_value(&d.assumptions, k.code)),
                    ReportLang::En => assumptions_value(&d.assumptions, k.code),
                },
                note.basis().into(),
                note.source().into(),
            ]);
        }
    }
    for e in &d.engine.resolver.set.entries {
        let derivation = match &e.value {
            crate::model::parameters::ParamValue::Derived(x) => format!("；{}", x.describe_zh()),
            _ => String::new(),
        };
        t.rows.push(vec![
            scope(e.scope).into(),
            e.target.clone(),
            match lang {
                ReportLang::Zh => e.key.label_zh(),
                ReportLang::En => e.key.code(),
            },
            e.text.clone(),
            format!("{}{derivation}", e.basis),
            e.source.clone(),
        ]);
    }
    if t.rows.is_empty() {
        out.push(Block::Para(
            lang.pick(
                "各参数均按评估假设取值，未分资产组或单项专利设定。",
                "Every parameter takes the assumptions' value; none is set per asset group or patent.",
            )
            .to_string(),
        ));
    } else {
        out.push(Block::Table(t));
    }
    out
}
