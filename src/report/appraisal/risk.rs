//! The risk disclosure (质押风险提示), generated from the model: patents lapsed, invalidated or
//! pending, patents near the end of their term, concentration of value in one product line or
//! a few patents, few comparables, and the widest sensitivity.

use super::{Facts, body::by_status};
use crate::model::LegalStatus;
use crate::report::ReportLang;
use crate::report::doc::Block;

/// Remaining legal term below which a patent is "near the end of its term", years.
const NEAR_END_YEARS: f64 = 3.0;
/// Share of the concluded value above which one product line or the top three patents are
/// a concentration.
const CONCENTRATION: f64 = 0.5;

pub fn disclosure(f: &Facts, b: &mut Vec<Block>) {
    b.push(Block::Para(f.l("质押风险提示", "Pledge risk disclosure")));
    let items = items(f);
    f.numbered(&items, b);
}

/// The items that apply to this portfolio.
pub fn items(f: &Facts) -> Vec<String> {
    let zh = f.lang == ReportLang::Zh;
    let join = |v: &[String]| v.join(if zh { "、" } else { ", " });
    let mut out = Vec::new();
    let status = [
        (LegalStatus::Lapsed, "已失效", "lapsed"),
        (LegalStatus::Invalidated, "已被宣告无效", "invalidated"),
    ];
    for (s, z, e) in status {
        let nos = by_status(f, s);
        if !nos.is_empty() {
            out.push(if zh {
                format!(
                    "法律风险：{}等{}项专利{}，评估值为零，不能作为质押物。",
                    join(&nos),
                    nos.len(),
                    z
                )
            } else {
                format!(
                    "Legal risk: {} ({} patents) {e}; valued at nil and cannot be pledged.",
                    join(&nos),
                    nos.len()
                )
            });
        }
    }
    let pending = by_status(f, LegalStatus::Pending);
    if !pending.is_empty() {
        out.push(if zh {
            format!("授权风险：{}等{}项为审中的专利申请，尚未授权，其价值已按授权概率计算；未获授权时其价值灭失，且审中申请不能办理专利权质押登记。", join(&pending), pending.len())
        } else {
            format!("Grant risk: {} ({} applications) are pending; their value is weighted by the grant probability, is lost if refused, and a pending application cannot be registered as a pledge.", join(&pending), pending.len())
        });
    }
    let e = &f.d.engine;
    let near: Vec<String> = (0..e.len())
        .filter(|&i| {
            let l = e.base[i].life.remaining_legal;
            l > 0.0 && l < NEAR_END_YEARS && e.inputs.patents[i].status == LegalStatus::Granted
        })
        .map(|i| e.inputs.patent_nos[i].clone())
        .collect();
    if !near.is_empty() {
        out.push(if zh {
            format!("期限风险：{}等{}项专利剩余保护期不足{}年，质押期限不得超过其剩余保护期。", join(&near), near.len(), NEAR_END_YEARS)
        } else {
            format!("Term risk: {} ({} patents) have under {} years of term left; a pledge may not outlast it.", join(&near), near.len(), NEAR_END_YEARS)
        });
    }
    out.extend(concentration(f));
    out.extend(valuation_risk(f));
    out.push(f.l(
        "处置风险：专利权交易市场不活跃，潜在受让方有限，处置周期长、处置费用高；专利脱离产权持有人的配套资产和技术人员后单独处置，其变现价值可能显著低于评估结论。",
        "Disposal risk: the market for patents is thin and slow and disposal is costly; sold apart from the holder's other assets and staff, the patents may fetch much less than the conclusion.",
    ));
    out.push(f.l(
        "重估提示：评估结论仅反映评估基准日的价值；质押期间应跟踪专利法律状态及实施情况，并至少每年重估一次。",
        "Revaluation: the conclusion reflects the valuation date only; follow the patents' status and use during the pledge and revalue at least yearly.",
    ));
    out
}

fn concentration(f: &Facts) -> Vec<String> {
    let e = &f.d.engine;
    let values = &f.d.valuation.reconciled_values();
    let total: f64 = values.iter().sum();
    if total <= 0.0 {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut by_group = vec![0.0; e.inputs.group_names.len()];
    for (i, p) in e.inputs.patents.iter().enumerate() {
        by_group[p.group_name as usize] += values[i];
    }
    if let Some((g, v)) = by_group
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .filter(|(_, v)| **v / total > CONCENTRATION)
    {
        let share = v / total * 100.0;
        out.push(match f.lang {
            ReportLang::Zh => format!("集中度风险：评估值的{share:.1}%集中于资产组“{}”，该产品线经营变化将显著影响质押物价值。", e.inputs.group_names[g]),
            ReportLang::En => format!("Concentration: {share:.1}% of the value lies in the product line \"{}\".", e.inputs.group_names[g]),
        });
    }
    let mut sorted = values.clone();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let top3: f64 = sorted.iter().take(3).sum();
    if e.len() > 3 && top3 / total > CONCENTRATION {
        let share = top3 / total * 100.0;
        out.push(match f.lang {
            ReportLang::Zh => format!("集中度风险：价值最高的3项专利占评估值的{share:.1}%。"),
            ReportLang::En => format!(
                "Concentration: the three most valuable patents hold {share:.1}% of the value."
            ),
        });
    }
    out
}

fn valuation_risk(f: &Facts) -> Vec<String> {
    let mut out = Vec::new();
    let e = &f.d.engine;
    if e.methods.market {
        let few = (0..e.len())
            .filter(|&i| f.d.valuation.patents[i].market.is_ok())
            .filter(|&i| e.market.of(i).len() < 3)
            .count();
        if few > 0 {
            out.push(match f.lang {
                ReportLang::Zh => format!("可比案例不足：{few}项专利的市场法可比交易案例少于3个，其市场法结果的可靠性较低。"),
                ReportLang::En => format!("Few comparables: {few} patents have fewer than 3 comparable deals; their market results are less reliable."),
            });
        }
    }
    if let Some(bar) =
        f.d.tornado
            .iter()
            .max_by(|a, b| a.swing().total_cmp(&b.swing()))
    {
        let (lo, hi) = (bar.down.min(bar.up), bar.down.max(bar.up));
        out.push(match f.lang {
            ReportLang::Zh => format!("估值风险：评估结论对“{}”最为敏感，该参数在敏感性分析的变动范围内时评估值在{}至{}之间（详见评估说明中的敏感性分析）。", bar.parameter.label_zh(), f.yuan(lo), f.yuan(hi)),
            ReportLang::En => format!("Valuation risk: the conclusion is most sensitive to the {}; across the sensitivity range the value moves between {} and {}.", bar.parameter.label_en(), f.yuan(lo), f.yuan(hi)),
        });
    }
    out
}
