//! 三、外部评估机构及评估报告合规性审查: what can be checked from the data is checked (文号,
//! filing, signers, validity at the review date, value type, purpose, the bank as a named
//! user, scope, parameter bases); what cannot is marked for the reviewer to check by hand.

use super::Memo;
use crate::model::case::{CaseInfo, ValueType};
use crate::report::doc::{Block, table};

/// The result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Meets,
    Fails,
    ByHand,
}

impl Verdict {
    fn label(self, m: &Memo) -> String {
        match self {
            Verdict::Meets => m.l("符合", "meets"),
            Verdict::Fails => m.l("不符合", "does not meet"),
            Verdict::ByHand => m.l("需人工核对", "check by hand"),
        }
    }
}

pub fn review(m: &Memo, b: &mut Vec<Block>) {
    m.part(
        "三、外部评估机构及评估报告合规性审查",
        "3. Compliance of the outside firm and its report",
        b,
    );
    let Some(cc) = m.cc else {
        b.push(Block::Para(m.l(
            "本笔业务未提供外部评估报告，本意见书仅依据本行内部评估。",
            "No outside report was provided; this memo rests on the bank's own valuation only.",
        )));
        return;
    };
    let checks = checks(m, cc);
    let mut t = table(
        &[
            m.f.lang.pick("审查事项", "Check"),
            m.f.lang.pick("结论", "Result"),
            m.f.lang.pick("说明", "Detail"),
        ],
        &[2.0, 0.9, 3.6],
        &[false, false, false],
    );
    t.rows = checks
        .iter()
        .map(|(what, v, why)| vec![what.clone(), v.label(m), why.clone()])
        .collect();
    b.push(Block::Table(t));
    let fails = checks.iter().filter(|c| c.1 == Verdict::Fails).count();
    let by_hand = checks.iter().filter(|c| c.1 == Verdict::ByHand).count();
    b.push(Block::Para(if m.zh() {
        format!("经审查，以上{}项中{}项不符合、{}项需人工核对。", checks.len(), fails, by_hand)
    } else {
        format!("Of the {} checks, {fails} do not meet the requirement and {by_hand} are to be checked by hand.", checks.len())
    }));
}

type Check = (String, Verdict, String);

/// The checks, in the order of the report standard.
pub fn checks(m: &Memo, cc: &crate::pledge::CrossCheck) -> Vec<Check> {
    let mut out = vec![given(
        m.l("报告文号", "Report number"),
        &m.report_number,
        m.l("未载明报告文号", "no report number given"),
    )];
    out.push(given(
        m.l("备案（报告编码）", "Filing (report code)"),
        &m.filing_code,
        m.l(
            "未提供报告编码，需在业务报备管理系统中核对",
            "no filing code given; check it in the filing system",
        ),
    ));
    out.push(signers(m));
    out.push(validity(m));
    out.extend(case_checks(m));
    out.push(scope(m, cc));
    out.push(bases(m, cc));
    out
}

fn given(what: String, value: &str, missing: String) -> Check {
    if value.trim().is_empty() {
        (what, Verdict::ByHand, missing)
    } else {
        (what, Verdict::Meets, value.trim().to_string())
    }
}

fn signers(m: &Memo) -> Check {
    let what = m.l("签字资产评估师", "Signing appraisers");
    let Some(c) = m.firm_case else {
        return (
            what,
            Verdict::ByHand,
            m.l(
                "核对两名资产评估师签名及职业资格证书登记编号",
                "check two appraisers' signatures and certificate numbers",
            ),
        );
    };
    let ok: Vec<String> = c
        .appraisers
        .iter()
        .filter(|s| !s.name.trim().is_empty() && !s.certificate.trim().is_empty())
        .map(|s| format!("{}（{}）", s.name.trim(), s.certificate.trim()))
        .collect();
    if ok.len() >= 2 {
        (what, Verdict::Meets, ok.join(m.f.lang.pick("、", ", ")))
    } else {
        (
            what,
            Verdict::Fails,
            m.l(
                "签字资产评估师不足两名或缺少证书编号",
                "fewer than two appraisers with certificate numbers",
            ),
        )
    }
}

fn validity(m: &Memo) -> Check {
    let what = m.l("评估结论使用有效期", "Validity of the conclusion");
    let Some(date) = m.f.d.bank.external_date else {
        return (what, Verdict::ByHand, m.f.or_blank(""));
    };
    let until = m
        .firm_case
        .unwrap_or(&CaseInfo::default())
        .valid_until(date);
    let detail = format!("{}{}", m.l("有效期至", "valid until "), m.f.date(until));
    if until >= m.review_date {
        (what, Verdict::Meets, detail)
    } else {
        (
            what,
            Verdict::Fails,
            format!(
                "{detail}{}",
                m.l("，复核日已超过有效期", "; expired at the review date")
            ),
        )
    }
}

/// Value type, purpose and the bank as a named user: from the firm's case file.
fn case_checks(m: &Memo) -> Vec<Check> {
    let whats = [
        m.l("价值类型", "Value type"),
        m.l("评估目的与本笔业务一致", "Purpose matches this loan"),
        m.l("本行为报告使用人", "The bank is a named user"),
    ];
    let Some(c) = m.firm_case else {
        return whats
            .into_iter()
            .map(|w| (w, Verdict::ByHand, String::new()))
            .collect();
    };
    let [value_type, purpose, user] = whats;
    let vt =
        m.f.lang
            .pick(c.value_type.label_zh(), c.value_type.label_en())
            .to_string();
    let pledge = c.purpose.trim().is_empty()
        || c.purpose.contains("质押")
        || c.purpose.to_lowercase().contains("pledge");
    vec![
        (
            value_type,
            if c.value_type == ValueType::Market {
                Verdict::Meets
            } else {
                Verdict::ByHand
            },
            vt,
        ),
        (
            purpose,
            if pledge {
                Verdict::Meets
            } else {
                Verdict::Fails
            },
            m.l("专利权质押融资", "patent pledge financing"),
        ),
        names_bank(m, c, user),
    ]
}

fn names_bank(m: &Memo, c: &CaseInfo, what: String) -> Check {
    let bank = m.bank.bank.trim();
    let named = c
        .other_users
        .iter()
        .chain(std::iter::once(&c.bank.bank))
        .any(|u| !bank.is_empty() && u.contains(bank));
    if named {
        (what, Verdict::Meets, bank.to_string())
    } else {
        (
            what,
            Verdict::ByHand,
            m.l(
                "报告未列明本行为使用人",
                "the report does not name the bank",
            ),
        )
    }
}

fn scope(m: &Memo, cc: &crate::pledge::CrossCheck) -> Check {
    let what = m.l("评估范围完整", "Scope covers the pledged patents");
    let missing: Vec<&str> = cc
        .deviations
        .iter()
        .filter(|d| d.external.is_none() || d.bank.is_none())
        .map(|d| d.patent_no.as_str())
        .collect();
    if missing.is_empty() {
        let n = cc.deviations.len();
        (
            what,
            Verdict::Meets,
            if m.zh() {
                format!("外部报告包含本笔质押的全部{n}项专利")
            } else {
                format!("all {n} patents are in the outside report")
            },
        )
    } else {
        let list = missing.join(m.f.lang.pick("、", ", "));
        (
            what,
            Verdict::Fails,
            if m.zh() {
                format!("两方范围不一致：{list}")
            } else {
                format!("the two sides differ: {list}")
            },
        )
    }
}

fn bases(m: &Memo, cc: &crate::pledge::CrossCheck) -> Check {
    let what = m.l("参数取值依据", "Bases of the parameters");
    if cc.parameters.is_empty() {
        return (
            what,
            Verdict::ByHand,
            m.l(
                "外部报告未提供参数及其依据",
                "the outside report states no parameters with bases",
            ),
        );
    }
    let bare = cc
        .parameters
        .iter()
        .filter(|p| p.firm_basis.trim().is_empty())
        .count();
    if bare == 0 {
        (
            what,
            Verdict::Meets,
            if m.zh() {
                format!("{}项参数均载明依据", cc.parameters.len())
            } else {
                format!("all {} parameters state a basis", cc.parameters.len())
            },
        )
    } else {
        (
            what,
            Verdict::Fails,
            if m.zh() {
                format!("{bare}项参数未载明依据")
            } else {
                format!("{bare} parameters state no basis")
            },
        )
    }
}
