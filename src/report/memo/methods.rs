//! 五、评估方法及参数复核: the methods, the key assumptions of both sides (mean over patents),
//! and each parameter the firm stated beside the bank's, with both bases.

use super::Memo;
use crate::report::appraisal::body::methods_used;
use crate::report::doc::{Block, table};
use crate::report::fmt::pct;

/// Relative difference of a key assumption above which the memo lists it for adjustment.
const MATERIAL: f64 = 0.10;

pub fn review(m: &Memo, b: &mut Vec<Block>) {
    m.part("五、评估方法及参数复核", "5. Methods and parameters", b);
    b.push(Block::Para(if m.zh() {
        format!("本行内部评估采用{}，各方法结果按权重确定评估值；收益期不超过专利剩余保护期，分成率、折现率按参数表及其依据取值。", methods_used(&m.f))
    } else {
        format!("The bank's valuation uses the {} approaches, weighted into one value; the income period never exceeds the remaining term, and the share and discount rates follow the parameter table and its bases.", methods_used(&m.f))
    }));
    let Some(cc) = m.cc else {
        return;
    };
    let mut t = table(
        &[
            m.f.lang.pick(
                "关键参数（各专利平均）",
                "Key assumption (mean over patents)",
            ),
            m.f.lang.pick("外部评估", "Outside report"),
            m.f.lang.pick("本行", "Bank"),
        ],
        &[3.0, 1.2, 1.2],
        &[false, true, true],
    );
    let mut material = Vec::new();
    for p in &cc.assumptions {
        let (name, f): (String, fn(f64) -> String) = match p.key {
            "discount_rate" => (m.l("折现率", "Discount rate"), pct),
            "share_rate" => (m.l("分成率", "Share rate"), pct),
            _ => (
                m.l("剩余经济寿命（年）", "Remaining economic life (years)"),
                |x| format!("{x:.2}"),
            ),
        };
        if p.bank != 0.0 && ((p.external - p.bank) / p.bank).abs() > MATERIAL {
            material.push(name.clone());
        }
        t.rows.push(vec![name, f(p.external), f(p.bank)]);
    }
    b.push(Block::Table(t));
    stated(m, cc, b);
    b.push(Block::Para(if material.is_empty() {
        m.l(
            "经复核，外部评估报告所采用的评估方法基本恰当，主要参数与本行取值的差异在10%以内。",
            "The outside report's methods are broadly appropriate and its key assumptions are within 10% of the bank's.",
        )
    } else if m.zh() {
        format!("经复核，外部评估报告的以下参数与本行取值相差超过10%，需评估机构说明依据或按本行取值调整：{}。", material.join("、"))
    } else {
        format!("These assumptions of the outside report differ from the bank's by more than 10% and need the firm's basis or adjustment: {}.", material.join(", "))
    }));
}

/// Each parameter the firm stated, beside the figure the bank used and its basis. Rows that
/// agree in everything but the patent are shown once with the number of patents.
fn stated(m: &Memo, cc: &crate::pledge::CrossCheck, b: &mut Vec<Block>) {
    use crate::model::parameters::{ParamValue, ValueKind, key_spec, value_zh};
    if cc.parameters.is_empty() {
        return;
    }
    let mut t = table(
        &[
            m.f.lang.pick("对象", "Target"),
            m.f.lang.pick("参数", "Parameter"),
            m.f.lang.pick("外部取值", "Firm"),
            m.f.lang.pick("外部依据", "Firm's basis"),
            m.f.lang.pick("本行取值", "Bank"),
            m.f.lang.pick("本行依据", "Bank's basis"),
        ],
        &[1.8, 1.3, 0.9, 1.8, 1.0, 1.8],
        &[false, false, true, false, true, false],
    );
    let local = |key: &str, v: &str| {
        if m.zh() {
            value_zh(key, v)
        } else {
            v.to_string()
        }
    };
    // (key, firm value, firm basis, bank value, bank basis) → targets, in first-seen order.
    let mut groups: Vec<([String; 5], Vec<&str>)> = Vec::new();
    let mut index: std::collections::HashMap<[String; 5], usize> = Default::default();
    for p in &cc.parameters {
        let spec = key_spec(&p.key);
        let bank = match (p.bank_effective, spec) {
            // The figure used, rounded as the memo prints it (rates to 0.01%, years to 0.01).
            (Some(x), Some(k)) => {
                let digits = if matches!(k.kind, ValueKind::Years { .. }) {
                    100.0
                } else {
                    10_000.0
                };
                ParamValue::Number((x * digits).round() / digits).display(k.kind)
            }
            _ => p.bank_value.clone(),
        };
        let row = [
            spec.map_or(p.key.clone(), |k| m.f.lang.pick(k.zh, k.code).to_string()),
            local(&p.key, &p.firm_value),
            p.firm_basis.clone(),
            local(&p.key, &bank),
            if p.bank_basis.trim().is_empty() {
                "—".into()
            } else {
                p.bank_basis.clone()
            },
        ];
        match index.get(&row) {
            Some(&g) => groups[g].1.push(&p.target),
            None => {
                index.insert(row.clone(), groups.len());
                groups.push((row, vec![&p.target]));
            }
        }
    }
    for (row, targets) in groups {
        let target = match targets.len() {
            1 => targets[0].to_string(),
            n if m.zh() => format!("{n}项"),
            n => format!("{n} places"),
        };
        let [key, firm, firm_basis, bank, bank_basis] = row;
        t.rows
            .push(vec![target, key, firm, firm_basis, bank, bank_basis]);
    }
    b.push(Block::Table(t));
}
