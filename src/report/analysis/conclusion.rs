//! The conclusion: the reconciled value, its range and each method's total.

use crate::report::doc::{Block, table};
use crate::report::fmt::{m, s};
use crate::report::{ReportData, ReportLang};

pub fn blocks(d: &ReportData, lang: ReportLang, b: &mut Vec<Block>) {
    let sm = &d.valuation.summary;
    let l = |zh: &'static str, en: &'static str| s(lang.pick(zh, en));
    b.push(Block::Section {
        title: l("评估结论", "Conclusion"),
        new_page: false,
    });
    b.push(Block::Lead {
        label: l("评估结论（加权）：", "Reconciled value:"),
        value: m(sm.reconciled),
    });
    b.push(Block::Para(format!(
        "{} {} – {}",
        lang.pick(
            "各专利方法区间合计：",
            "Range (sum of each patent's lowest and highest method value):"
        ),
        m(sm.low),
        m(sm.high)
    )));
    let mut t = table(
        &[
            lang.pick("评估方法", "Method"),
            lang.pick("评估值合计", "Total"),
            lang.pick("已评估专利", "Patents valued"),
        ],
        &[2.0, 1.5, 1.5],
        &[false, true, true],
    );
    for mt in &sm.methods {
        if d.engine.methods.on(mt.method) {
            t.rows.push(vec![
                s(lang.pick(mt.method.label_zh(), mt.method.label_en())),
                m(mt.total),
                format!("{} / {}", mt.valued, sm.patents),
            ]);
        }
    }
    b.push(Block::Table(t));
    b.push(Block::Para(format!(
        "{} {}；{} {}；{} {}。",
        lang.pick("专利数", "Patents:"),
        sm.patents,
        lang.pick("已失效/无效", "lapsed or invalidated:"),
        sm.lapsed_or_invalidated,
        lang.pick("审中", "pending:"),
        sm.pending
    )));
}
