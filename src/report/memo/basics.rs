//! The memo's cover, 一、基本信息 and 二、复核依据.

use super::Memo;
use crate::report::doc::{Block, table};

pub fn cover(m: &Memo, b: &mut Vec<Block>) {
    let mut facts = vec![
        (m.l("编号", "Number"), m.f.or_blank(&m.bank.memo_number)),
        (m.l("经办机构", "Bank"), m.f.or_blank(&m.bank.bank)),
        (m.l("借款人（出质人）", "Borrower (pledgor)"), m.borrower()),
        (m.l("复核日期", "Date"), m.f.date(m.review_date)),
    ];
    if !m.f.d.appraisal.name.trim().is_empty() {
        facts.insert(0, (m.l("项目", "Case"), m.f.d.appraisal.name.clone()));
    }
    b.push(Block::Cover {
        title: m.l("押品价值复核意见书", "Collateral value review memo"),
        case: m.l(
            "（知识产权—专利权质押）",
            "(intellectual property — patent pledge)",
        ),
        facts,
    });
}

/// 一、基本信息: the borrower, the facility, the patents and the report under review.
pub fn information(m: &Memo, b: &mut Vec<Block>) {
    m.part("一、基本信息", "1. Basic information", b);
    let e = &m.f.d.engine;
    let term = if m.bank.term_months > 0 {
        format!("{}{}", m.bank.term_months, m.l("个月", " months"))
    } else {
        m.f.or_blank("")
    };
    let count = |t: crate::model::PatentType| {
        e.inputs
            .patents
            .iter()
            .filter(|p| p.patent_type == t)
            .count()
    };
    use crate::model::PatentType::{Design, Invention, UtilityModel};
    let patents = if m.zh() {
        format!(
            "共{}项（发明{}项、实用新型{}项、外观设计{}项），明细见“四、权属及出质条件核查”",
            e.len(),
            count(Invention),
            count(UtilityModel),
            count(Design)
        )
    } else {
        format!(
            "{} ({} inventions, {} utility models, {} designs), listed in part 4",
            e.len(),
            count(Invention),
            count(UtilityModel),
            count(Design)
        )
    };
    let rows = vec![
        (m.l("借款人", "Borrower"), m.borrower()),
        (
            m.l("出质人（专利权人）", "Pledgor (patentee)"),
            m.f.owner.clone(),
        ),
        (m.l("贷款银行", "Lending bank"), m.f.or_blank(&m.bank.bank)),
        (
            m.l("申请授信金额", "Facility applied for"),
            m.amount_or_blank(m.loan_amount()),
        ),
        (m.l("授信期限", "Term"), term),
        (m.l("质押专利", "Patents pledged"), patents),
    ];
    b.push(Block::Table(pairs(m, rows)));
    b.push(Block::Para(m.l(
        "被复核的外部评估报告：",
        "The outside report under review:",
    )));
    let ext_value =
        m.cc.map_or_else(|| m.f.or_blank(""), |c| m.f.yuan(c.external_total));
    let ext_date =
        m.f.d
            .bank
            .external_date
            .map_or_else(|| m.f.or_blank(""), |d| m.f.date(d));
    let rows = vec![
        (m.l("评估机构", "Appraisal firm"), m.f.or_blank(&m.firm)),
        (
            m.l("报告文号", "Report number"),
            m.f.or_blank(&m.report_number),
        ),
        (
            m.l("备案报告编码", "Filing code"),
            m.f.or_blank(&m.filing_code),
        ),
        (m.l("评估基准日", "Valuation date"), ext_date),
        (
            m.l("报告日", "Report date"),
            m.report_date
                .map_or_else(|| m.f.or_blank(""), |d| m.f.date(d)),
        ),
        (m.l("评估结论", "Concluded value"), ext_value),
    ];
    b.push(Block::Table(pairs(m, rows)));
}

/// 二、复核依据.
pub fn bases(m: &Memo, b: &mut Vec<Block>) {
    m.part("二、复核依据", "2. Bases of the review", b);
    let mut items: Vec<String> = if m.zh() {
        [
            "《中华人民共和国民法典》（物权编“质权”）",
            "《中华人民共和国专利法》及其实施细则",
            "《专利权质押登记办法》",
            "《商业银行押品管理指引》（银监发〔2017〕16号）",
            "资产评估执业准则——资产评估报告、知识产权、专利资产评估指导意见",
            "本行押品管理办法及知识产权质押贷款管理规定",
        ]
        .map(String::from)
        .to_vec()
    } else {
        [
            "Civil Code of the PRC (pledges of rights)",
            "Patent Law of the PRC and its implementing rules",
            "Measures for the Registration of Patent Pledges",
            "Guidelines on Collateral Management of Commercial Banks (2017)",
            "Appraisal standards: reports, intellectual property, patent appraisal guidance",
            "The bank's collateral and IP-pledge lending rules",
        ]
        .map(String::from)
        .to_vec()
    };
    if let Some(policy) = &m.f.d.bank.policy {
        items.push(format!(
            "{}{}",
            m.l(
                "质押率及处置参数：",
                "Pledge rates and disposal parameters: "
            ),
            m.f.lang.pick(&policy.name, &policy.name_en)
        ));
    }
    items.push(m.l(
        "借款人提供的专利权属证明、年费缴纳凭证及经营资料；外部评估机构出具的评估报告及评估说明",
        "The borrower's ownership documents, annuity receipts and business records; the outside firm's report and explanation",
    ));
    m.f.numbered(&items, b);
}

/// A two-column table of labels and values.
pub fn pairs(m: &Memo, rows: Vec<(String, String)>) -> crate::report::doc::Table {
    let mut t = table(
        &[
            m.f.lang.pick("项目", "Item"),
            m.f.lang.pick("内容", "Detail"),
        ],
        &[1.6, 4.0],
        &[false, false],
    );
    t.rows = rows.into_iter().map(|(k, v)| vec![k, v]).collect();
    t
}
