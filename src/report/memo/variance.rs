//! 六、内部评估及差异分析: the bank's own value beside the firm's, the value bridge from one to
//! the other (table and chart), the patents whose values deviate beyond the threshold, and the
//! patents with the largest gaps step by step.

use super::Memo;
use crate::pledge::CrossCheck;
use crate::report::doc::{Block, table};
use crate::report::fmt::{m as wan, opt};
use crate::report::{ReportError, charts};

/// Patents shown in the per-patent bridge.
const SHOWN: usize = 10;

pub fn analysis(m: &Memo, b: &mut Vec<Block>) -> Result<(), ReportError> {
    m.part(
        "六、内部评估及差异分析",
        "6. The bank's valuation and the variance",
        b,
    );
    let Some(c) = m.cc else {
        b.push(Block::Para(if m.zh() {
            format!("本行内部评估值为{}。", m.f.yuan(m.f.value))
        } else {
            format!("The bank's own valuation is {}.", m.f.yuan(m.f.value))
        }));
        return Ok(());
    };
    let rel = if c.external_total != 0.0 {
        c.gap / c.external_total * 100.0
    } else {
        0.0
    };
    b.push(Block::Para(if m.zh() {
        format!("外部评估结论为{}，本行内部评估值为{}，差额（本行 − 外部）{}，偏离{:+.1}%。", m.f.yuan(c.external_total), m.f.yuan(c.bank_total), m.f.yuan(c.gap), rel)
    } else {
        format!("The outside report concludes {}; the bank values the patents at {}; the gap (bank − outside) is {} ({:+.1}%).", m.f.yuan(c.external_total), m.f.yuan(c.bank_total), m.f.yuan(c.gap), rel)
    }));
    bridge(m, c, b)?;
    flagged(m, c, b);
    per_patent(m, c, b);
    Ok(())
}

fn bridge(m: &Memo, c: &CrossCheck, b: &mut Vec<Block>) -> Result<(), ReportError> {
    b.push(Block::Sub(m.l(
        "价值差异桥（外部 → 本行）",
        "Value bridge (outside → bank)",
    )));
    let mut t = table(
        &[
            m.f.lang.pick("差异来源", "Step"),
            m.f.lang.pick("影响", "Effect"),
        ],
        &[3.0, 1.4],
        &[false, true],
    );
    t.rows.push(vec![
        m.l("外部评估结论", "Outside report"),
        wan(c.external_total),
    ]);
    for st in &c.bridge {
        let mut label =
            m.f.lang
                .pick(st.step.label_zh(), st.step.label_en())
                .to_string();
        if let Some(n) = &st.note {
            let note = m.f.lang.pick("双方产品线不一致，其收入差异计入其他输入", n);
            label = format!("{label}{}{note}{}", m.l("（", " ("), m.l("）", ")"));
        }
        t.rows.push(vec![label, wan(st.delta)]);
    }
    t.rows
        .push(vec![m.l("本行评估值", "Bank's value"), wan(c.bank_total)]);
    b.push(Block::Table(t));
    b.push(Block::Chart(charts::bridge(c, m.f.lang)?));
    Ok(())
}

fn flagged(m: &Memo, c: &CrossCheck, b: &mut Vec<Block>) {
    b.push(Block::Sub(if m.zh() {
        format!(
            "偏离超过{:.0}%的专利（{}/{}项）",
            c.threshold * 100.0,
            c.flagged,
            c.deviations.len()
        )
    } else {
        format!(
            "Patents deviating by more than {:.0}% ({} of {})",
            c.threshold * 100.0,
            c.flagged,
            c.deviations.len()
        )
    }));
    if c.flagged == 0 {
        b.push(Block::Para(m.l("无。", "None.")));
        return;
    }
    let mut t = table(
        &[
            m.f.lang.pick("专利号", "Patent no."),
            m.f.lang.pick("外部", "Outside"),
            m.f.lang.pick("本行", "Bank"),
            m.f.lang.pick("外部偏离", "Outside vs bank"),
            m.f.lang.pick("原因", "Reason"),
        ],
        &[1.8, 1.2, 1.2, 0.9, 2.0],
        &[false, true, true, true, false],
    );
    for dv in c.deviations.iter().filter(|x| x.flagged) {
        t.rows.push(vec![
            dv.patent_no.clone(),
            opt(dv.external),
            opt(dv.bank),
            dv.relative
                .map_or_else(|| "—".into(), |r| format!("{:+.1}%", r * 100.0)),
            m.f.lang.pick(&dv.reason_zh, &dv.reason).to_string(),
        ]);
    }
    b.push(Block::Table(t));
}

/// The patents with the largest gaps, and the step that moves each most.
fn per_patent(m: &Memo, c: &CrossCheck, b: &mut Vec<Block>) {
    if c.patents.is_empty() {
        return;
    }
    let mut rows: Vec<_> = c.patents.iter().collect();
    rows.sort_by(|x, y| {
        (y.bank - y.reported)
            .abs()
            .total_cmp(&(x.bank - x.reported).abs())
    });
    b.push(Block::Sub(
        m.l("差异最大的专利", "Patents with the largest gaps"),
    ));
    let mut t = table(
        &[
            m.f.lang.pick("专利号", "Patent no."),
            m.f.lang.pick("外部", "Outside"),
            m.f.lang.pick("本行", "Bank"),
            m.f.lang.pick("差额", "Gap"),
            m.f.lang.pick("主要来源", "Main step"),
        ],
        &[1.8, 1.2, 1.2, 1.2, 2.2],
        &[false, true, true, true, false],
    );
    for p in rows.into_iter().take(SHOWN) {
        let main = p
            .deltas_fen
            .iter()
            .max_by_key(|(_, d)| d.abs())
            .filter(|(_, d)| *d != 0)
            .map_or_else(String::new, |(s, d)| {
                format!(
                    "{} {}",
                    m.f.lang.pick(s.label_zh(), s.label_en()),
                    wan(crate::pledge::yuan(*d))
                )
            });
        t.rows.push(vec![
            p.patent_no.clone(),
            wan(p.reported),
            wan(p.bank),
            wan(p.bank - p.reported),
            main,
        ]);
    }
    b.push(Block::Table(t));
}
