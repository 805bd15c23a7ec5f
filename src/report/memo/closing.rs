//! 九、风险提示及贷后管理要求, 十、复核结论 and 十一、签批.

use super::Memo;
use super::title::Eligibility;
use crate::report::appraisal::risk;
use crate::report::doc::{Block, table};

/// 九: the model's risk items, then the revaluation rule and its triggers.
pub fn risks(m: &Memo, b: &mut Vec<Block>) {
    m.part(
        "九、风险提示及贷后管理要求",
        "9. Risks and post-loan requirements",
        b,
    );
    b.push(Block::Sub(m.l("（一）风险提示", "(1) Risks")));
    m.f.numbered(&risk::items(&m.f), b);
    b.push(Block::Sub(
        m.l("（二）贷后管理要求", "(2) Post-loan requirements"),
    ));
    let near =
        m.f.d
            .bank
            .policy
            .as_ref()
            .map_or(3.0, |p| p.monitoring.near_term_years);
    let items = if m.zh() {
        vec![
            "本行应根据押品价值波动特性合理确定重估频率，每年应至少重估一次。".to_string(),
            format!(
                "出现下列情形之一时应及时重估：专利权终止、被提出无效宣告请求或年费未按期缴纳；出质人经营状况或相关产品线收入显著恶化；专利涉及诉讼或权属纠纷；专利剩余保护期不足{near}年；外部评估报告有效期届满。"
            ),
            "贷后每季度核查专利法律状态、年费缴纳及许可、转让情况，并留存查询记录。".to_string(),
            "借款人违约时，按本意见书所列处置方式制定处置方案，及时申请启用风险补偿资金。"
                .to_string(),
        ]
    } else {
        vec![
            "The bank revalues the collateral as often as its volatility requires, and at least once a year.".to_string(),
            format!("Revalue at once when a patent lapses, faces an invalidation request or misses an annuity; when the pledgor's business or product line deteriorates markedly; when a patent is litigated or its title disputed; when a patent has under {near} years of term left; or when the outside report expires."),
            "Check the patents' legal status, annuities, licences and assignments every quarter and keep the records.".to_string(),
            "On default, dispose of the patents along the paths in this memo and claim the risk-compensation fund promptly.".to_string(),
        ]
    };
    m.f.numbered(&items, b);
}

/// The memo's recommendation, derived from the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opinion {
    Agree,
    AgreeOnConditions,
    Disagree,
    /// No loan was analysed: the recognised value only.
    ValueOnly,
}

/// The opinion and its conditions.
pub fn opinion(m: &Memo) -> (Opinion, Vec<String>) {
    let mut conditions = vec![
        m.l(
            "放款前完成专利权质押登记",
            "register the pledge before drawdown",
        ),
        m.l(
            "按期缴纳专利年费并向本行提供缴费凭证",
            "pay the annuities on time and give the bank the receipts",
        ),
        m.l("每年至少重估一次", "revalue at least yearly"),
    ];
    let Some(r) = m.pledge else {
        return (Opinion::ValueOnly, conditions);
    };
    if r.loan.exposure > r.credit_limit {
        return (Opinion::Disagree, conditions);
    }
    let e = &m.f.d.engine;
    let excluded = (0..e.len())
        .filter(|&i| matches!(m.eligible[i], Eligibility::No(_)))
        .count();
    let attention = (0..e.len()).any(|i| matches!(m.eligible[i], Eligibility::Attention(_)));
    let flagged = m.cc.map_or(0, |c| c.flagged);
    if excluded > 0 {
        conditions.push(m.l(
            "不可出质的专利不纳入质押合同的授信基础",
            "leave the patents that cannot be pledged out of the credit base",
        ));
    }
    if attention {
        conditions.push(m.l(
            "取得专利权人（共有人）同意质押的书面文件",
            "obtain the patentees' (co-owners') written consent",
        ));
    }
    if flagged > 0 {
        conditions.push(m.l(
            "外部评估机构就偏离超过阈值的专利书面说明评估依据",
            "the outside firm explains in writing the patents that deviate beyond the threshold",
        ));
    }
    let more = excluded > 0 || attention || flagged > 0;
    (
        if more {
            Opinion::AgreeOnConditions
        } else {
            Opinion::Agree
        },
        conditions,
    )
}

/// 十、复核结论.
pub fn conclusion(m: &Memo, b: &mut Vec<Block>) {
    m.part("十、复核结论", "10. Conclusion", b);
    let (op, conditions) = opinion(m);
    let value = m.f.yuan(m.recognised());
    let words = crate::model::money::yuan_in_words(m.recognised());
    let text = match (op, m.pledge) {
        (Opinion::Disagree, Some(r)) => {
            if m.zh() {
                format!(
                    "不同意按申请金额{}以上述专利权作为本笔授信的质押担保。按本行知识产权质押率，上述专利权可支持的授信额度为{}；押品认定价值为人民币{value}（大写：{words}）。",
                    m.f.yuan(r.loan.exposure),
                    m.f.yuan(r.credit_limit)
                )
            } else {
                format!(
                    "We do not agree to secure the facility of {} with these patents: at the bank's IP pledge rates they support {}. The recognised collateral value is {value}.",
                    m.f.yuan(r.loan.exposure),
                    m.f.yuan(r.credit_limit)
                )
            }
        }
        (Opinion::Agree | Opinion::AgreeOnConditions, Some(r)) => {
            let ratio = crate::pledge::credit::pledge_ratio(r.loan.exposure, m.recognised())
                .unwrap_or(0.0)
                * 100.0;
            let verb = if op == Opinion::Agree {
                m.l("同意", "We agree")
            } else {
                m.l("有条件同意", "We agree, on conditions,")
            };
            if m.zh() {
                format!(
                    "{verb}以上述专利权作为本笔授信的质押担保，认定押品价值为人民币{value}（大写：{words}），抵质押率为{ratio:.2}%，授信额度不超过{}。",
                    m.f.yuan(r.credit_limit)
                )
            } else {
                format!(
                    "{verb} to secure the facility with these patents: recognised value {value}, pledge ratio {ratio:.2}%, credit limit at most {}.",
                    m.f.yuan(r.credit_limit)
                )
            }
        }
        _ => {
            if m.zh() {
                format!(
                    "经复核，本行认定押品价值为人民币{value}（大写：{words}）；授信方案待确定风险敞口后另行审批。"
                )
            } else {
                format!(
                    "The recognised collateral value is {value}; the facility is to be approved once its exposure is set."
                )
            }
        }
    };
    b.push(Block::Para(text));
    b.push(Block::Para(m.l("附加条件：", "Conditions:")));
    m.f.numbered(&conditions, b);
}

/// 十一、签批: the four steps with the names the case file gives and blanks for the rest.
pub fn sign_off(m: &Memo, b: &mut Vec<Block>) {
    m.part("十一、签批", "11. Sign-off", b);
    let mut t = table(
        &[
            m.f.lang.pick("环节", "Step"),
            m.f.lang.pick("意见", "Opinion"),
            m.f.lang.pick("签名", "Signature"),
            m.f.lang.pick("日期", "Date"),
        ],
        &[1.2, 3.2, 1.2, 1.2],
        &[false, false, false, false],
    );
    let blank = "＿＿＿＿＿＿";
    for (zh, en, name) in [
        ("评估调查", "Investigation", &m.bank.survey),
        ("评估复核", "Re-check", &m.bank.review),
        ("评估审查", "Examination", &m.bank.examine),
        ("评估审定", "Approval", &m.bank.approve),
    ] {
        let opinion = if en == "Approval" {
            format!(
                "{}{}",
                m.l("认定价值：", "Recognised value: "),
                m.f.yuan(m.recognised())
            )
        } else {
            blank.to_string()
        };
        t.rows.push(vec![
            m.l(zh, en),
            opinion,
            m.f.or_blank(name),
            blank.to_string(),
        ]);
    }
    b.push(Block::Table(t));
}
