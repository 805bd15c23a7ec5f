//! 四、权属及出质条件核查: each patent's legal status, remaining term against the loan term and
//! patentee against the pledgor, and whether it can be registered as a pledge.

use super::Memo;
use crate::model::LegalStatus;
use crate::report::doc::{Block, table};

/// Whether a patent can be pledged for this loan, and why not.
#[derive(Debug, Clone, PartialEq)]
pub enum Eligibility {
    Yes,
    /// Can be pledged, with a point to settle first.
    Attention(String),
    No(String),
}

/// Patent `i`'s eligibility.
pub fn eligibility(m: &Memo, i: usize) -> Eligibility {
    let e = &m.f.d.engine;
    let p = &e.inputs.patents[i];
    match p.status {
        LegalStatus::Lapsed => {
            return Eligibility::No(m.l("专利权已终止", "the patent has lapsed"));
        }
        LegalStatus::Invalidated => {
            return Eligibility::No(m.l("专利权已被宣告无效", "the patent was invalidated"));
        }
        LegalStatus::Pending => {
            return Eligibility::No(m.l(
                "审中申请，授权后方可办理质押登记",
                "a pending application; it can be registered once granted",
            ));
        }
        LegalStatus::Granted => {}
    }
    let remaining = e.base[i].life.remaining_legal;
    if m.bank.term_months > 0 && remaining * 12.0 < f64::from(m.bank.term_months) {
        return Eligibility::No(m.l(
            "剩余保护期短于授信期限",
            "its remaining term is shorter than the loan",
        ));
    }
    let holder = m.f.d.owners.get(i).map_or("", |s| s.trim());
    if !holder.is_empty() && holder != m.f.owner {
        return Eligibility::Attention(m.l(
            "专利权人与出质人不一致，需取得专利权人（共有人）书面同意",
            "the patentee is not the pledgor; the patentee's (co-owners') written consent is needed",
        ));
    }
    Eligibility::Yes
}

pub fn conditions(m: &Memo, b: &mut Vec<Block>) {
    m.part(
        "四、权属及出质条件核查",
        "4. Title and pledge conditions",
        b,
    );
    let e = &m.f.d.engine;
    let mut t = table(
        &[
            m.f.lang.pick("专利号", "Patent no."),
            m.f.lang.pick("名称", "Title"),
            m.f.lang.pick("类型", "Type"),
            m.f.lang.pick("法律状态", "Status"),
            m.f.lang.pick("剩余保护期（年）", "Term left (years)"),
            m.f.lang.pick("专利权人", "Patentee"),
            m.f.lang.pick("可否出质", "Pledgeable"),
        ],
        &[2.1, 1.9, 0.8, 0.7, 0.8, 1.5, 2.2],
        &[false, false, false, false, true, false, false],
    );
    let (mut yes, mut no) = (0, 0);
    for i in 0..e.len() {
        let p = &e.inputs.patents[i];
        let verdict = match &m.eligible[i] {
            Eligibility::Yes => {
                yes += 1;
                m.l("是", "yes")
            }
            Eligibility::Attention(why) => {
                yes += 1;
                format!("{}{why}", m.l("是，", "yes; "))
            }
            Eligibility::No(why) => {
                no += 1;
                format!("{}{why}", m.l("否，", "no: "))
            }
        };
        let holder = m.f.d.owners.get(i).map_or("", |s| s.trim());
        t.rows.push(vec![
            e.inputs.patent_nos[i].clone(),
            m.f.d.titles.get(i).cloned().unwrap_or_default(),
            m.f.lang
                .pick(p.patent_type.label_zh(), p.patent_type.label_en())
                .into(),
            m.f.lang
                .pick(p.status.label_zh(), p.status.label_en())
                .into(),
            format!("{:.2}", e.base[i].life.remaining_legal),
            if holder.is_empty() {
                m.f.owner.clone()
            } else {
                holder.into()
            },
            verdict,
        ]);
    }
    b.push(Block::Table(t));
    b.push(Block::Para(if m.zh() {
        format!("经核查，上述{}项专利中{yes}项可办理专利权质押登记，{no}项不可出质，不可出质的专利不计入押品认定价值。质押登记应在国家知识产权局办理，放款前应取得质押登记通知书，并核实专利年费已按期缴纳、无权属纠纷及在先质押。", e.len())
    } else {
        format!("Of the {} patents, {yes} can be registered as a pledge and {no} cannot; those are left out of the recognised value. The pledge is registered with CNIPA before drawdown, and the annuities, title disputes and earlier pledges are checked.", e.len())
    }));
}
