//! 七、押品认定价值 and 八、抵质押率及授信建议: the recognised value (the confirmed value less
//! the prior claims), the pledge ratio, the credit limit by the policy's pledge rates, the
//! liquidation value, the disposal paths and the loss waterfall.

use super::Memo;
use crate::pledge::credit::{Accept, pledge_ratio};
use crate::report::doc::{Block, table};
use crate::report::fmt::{m as wan, pct, s};

/// 七、押品认定价值.
pub fn recognised(m: &Memo, b: &mut Vec<Block>) {
    m.part("七、押品认定价值", "7. Recognised collateral value", b);
    let rule = match m.f.d.bank.accept {
        Some(Accept::Lower) => m.l(
            "按本行评估值与外部评估值孰低确认",
            "the lower of the bank's and the outside value per patent",
        ),
        Some(Accept::External) => m.l("按外部评估值确认", "the outside value"),
        Some(Accept::Bank) | None => m.l("按本行内部评估值确认", "the bank's own value"),
    };
    b.push(Block::Para(format!(
        "{}{rule}{}",
        m.l("本行确认的评估价值", "The value the bank confirms is "),
        m.l(
            "，已失效、被宣告无效的专利不计入。",
            "; lapsed and invalidated patents count as nil."
        )
    )));
    b.push(Block::Para(if m.zh() {
        format!(
            "押品认定价值 = 本行确认的评估价值 {} − 不可出质专利的价值 {} − 法定优先受偿款 {} = {}。",
            m.f.yuan(m.confirmed()),
            m.f.yuan(m.excluded),
            m.f.yuan(m.bank.prior_claims),
            m.f.yuan(m.recognised())
        )
    } else {
        format!(
            "Recognised value = confirmed value {} − patents that cannot be pledged {} − prior claims {} = {}.",
            m.f.yuan(m.confirmed()),
            m.f.yuan(m.excluded),
            m.f.yuan(m.bank.prior_claims),
            m.f.yuan(m.recognised())
        )
    }));
}

/// 八、抵质押率及授信建议.
pub fn proposal(m: &Memo, b: &mut Vec<Block>) {
    m.part(
        "八、抵质押率及授信建议",
        "8. Pledge ratio and credit proposal",
        b,
    );
    let loan = m.loan_amount();
    if let Some(ratio) = pledge_ratio(loan, m.recognised()).filter(|_| loan > 0.0) {
        b.push(Block::Para(if m.zh() {
            format!(
                "抵质押率 = 押品担保本金 {} ÷ 押品认定价值 {} × 100% = {:.2}%。",
                m.f.yuan(loan),
                m.f.yuan(m.recognised()),
                ratio * 100.0
            )
        } else {
            format!(
                "Pledge ratio = secured principal {} ÷ recognised value {} × 100% = {:.2}%.",
                m.f.yuan(loan),
                m.f.yuan(m.recognised()),
                ratio * 100.0
            )
        }));
    }
    let Some(r) = m.pledge else {
        b.push(Block::Para(m.l(
            "未提供贷款的风险敞口及违约概率，授信额度、变现价值及损失分配未测算。",
            "No exposure and default probability were given; the credit limit, liquidation value and loss allocation are not computed.",
        )));
        return;
    };
    if let Some(policy) = &m.f.d.bank.policy {
        b.push(Block::Para(format!(
            "{}{}",
            m.l(
                "质押率及处置参数：",
                "Pledge rates and disposal parameters: "
            ),
            m.f.lang.pick(&policy.name, &policy.name_en)
        )));
    }
    let l = |zh: &'static str, en: &'static str| s(m.f.lang.pick(zh, en));
    let collateral = match r.loan.collateral {
        crate::pledge::Collateral::IpOnly => l("纯知识产权质押", "IP only"),
        crate::pledge::Collateral::Mixed => l("知识产权加其他担保", "IP and other collateral"),
    };
    let mut t = table(
        &[
            m.f.lang.pick("项目", "Item"),
            m.f.lang.pick("数值", "Figure"),
        ],
        &[3.0, 1.6],
        &[false, true],
    );
    t.rows = vec![
        vec![l("风险敞口", "Exposure"), wan(r.loan.exposure)],
        vec![l("担保方式", "Collateral"), collateral],
        vec![l("认可价值合计", "Accepted value"), wan(r.accepted_total)],
        vec![l("授信额度", "Credit limit"), wan(r.credit_limit)],
        vec![l("变现价值", "Liquidation value"), wan(r.liquidation_value)],
        vec![l("覆盖率", "Coverage"), pct(r.coverage)],
        vec![
            l("变现覆盖率", "Liquidation coverage"),
            pct(r.liquidation_coverage),
        ],
        vec![l("额度余量", "Headroom"), wan(r.headroom)],
        vec![
            l("违约概率 PD", "Probability of default (PD)"),
            pct(r.loan.pd),
        ],
        vec![l("违约损失率 LGD", "Loss given default (LGD)"), pct(r.lgd)],
        vec![
            l(
                "预期损失 EL = PD × LGD × 敞口",
                "Expected loss EL = PD × LGD × exposure",
            ),
            wan(r.expected_loss),
        ],
    ];
    b.push(Block::Table(t));
    let mut t = table(
        &[
            m.f.lang.pick("处置方式", "Disposal path"),
            m.f.lang.pick("权重", "Weight"),
            m.f.lang.pick("月数", "Months"),
            m.f.lang.pick("回收现值", "Recovery (PV)"),
        ],
        &[2.4, 1.0, 1.0, 1.6],
        &[false, true, true, true],
    );
    t.rows = r
        .recoveries
        .iter()
        .map(|x| {
            vec![
                s(m.f.lang.pick(&x.name_zh, &x.name_en)),
                pct(x.weight),
                format!("{:.0}", x.months),
                wan(x.present_value),
            ]
        })
        .collect();
    b.push(Block::Sub(l(
        "违约后的处置与损失分配",
        "Disposal and loss allocation after a default",
    )));
    b.push(Block::Table(t));
    let a = &r.allocation;
    let mut t = table(
        &[
            m.f.lang.pick("清偿顺序", "Waterfall"),
            m.f.lang.pick("金额", "Amount"),
        ],
        &[3.0, 1.6],
        &[false, true],
    );
    t.rows = vec![
        vec![
            l("预期处置回收", "Expected disposal proceeds"),
            wan(a.proceeds),
        ],
        vec![l("1. 归还银行", "1. To the bank"), wan(a.to_bank)],
        vec![
            l("2. 其他方（剩余）", "2. To other parties (surplus)"),
            wan(a.to_others),
        ],
        vec![l("3. 担保方", "3. Guarantor"), wan(a.guarantor)],
    ];
    if a.insurer > 0.0 {
        t.rows
            .push(vec![l("3a. 保险方", "3a. Insurer"), wan(a.insurer)]);
    }
    t.rows.extend([
        vec![
            format!(
                "{} ({}{})",
                m.f.lang
                    .pick("4. 风险补偿资金", "4. Risk-compensation fund"),
                pct(a.fund_share),
                if a.fund_capped {
                    m.f.lang.pick("，已达上限", ", capped")
                } else {
                    ""
                }
            ),
            wan(a.fund),
        ],
        vec![l("5. 银行损失", "5. Bank's loss"), wan(a.bank_loss)],
    ]);
    b.push(Block::Table(t));
    let mut t = table(
        &[
            m.f.lang.pick("专利号", "Patent no."),
            m.f.lang.pick("等级", "Band"),
            m.f.lang.pick("认可价值", "Accepted value"),
            m.f.lang.pick("质押率", "Pledge rate"),
            m.f.lang.pick("授信额度", "Credit limit"),
            m.f.lang.pick("变现价值", "Liquidation value"),
        ],
        &[1.8, 0.8, 1.3, 0.9, 1.3, 1.3],
        &[false, false, true, true, true, true],
    );
    t.rows = r
        .patents
        .iter()
        .map(|p| {
            vec![
                p.patent_no.clone(),
                format!("{} ({:.1})", p.band.letter(), p.score),
                wan(p.accepted),
                pct(p.pledge_rate),
                wan(p.credit_limit),
                wan(p.liquidation),
            ]
        })
        .collect();
    b.push(Block::Sub(l("单件专利授信额度", "Credit limit per patent")));
    b.push(Block::Table(t));
}
