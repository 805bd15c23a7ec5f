//! Expert reviews and annotation threads.

use crate::report::doc::{Block, table};
use crate::report::fmt::s;
use crate::report::fmt::{code, when};
use crate::report::{ReportData, ReportLang};

/// "王专家 · 3f2a 91c0 77de 0b15 · 签名有效", one line per signature; "未签名" without one.
fn signature_cell(d: &ReportData, review: &str, lang: ReportLang) -> String {
    let sigs = d.signatures.get(review).map_or(&[][..], Vec::as_slice);
    if sigs.is_empty() {
        return lang.pick("未签名", "unsigned").into();
    }
    sigs.iter()
        .map(|s| {
            let status = lang.pick(s.status.label_zh(), s.status.label_en());
            format!("{} · {} · {status}", s.signer, s.key_fingerprint)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn blocks(d: &ReportData, lang: ReportLang, b: &mut Vec<Block>) {
    let l = |zh: &'static str, en: &'static str| s(lang.pick(zh, en));
    b.push(Block::Section {
        title: l("专家评审意见与批注", "Expert review and annotations"),
        new_page: true,
    });
    if d.reviews.is_empty() && d.threads.is_empty() {
        b.push(Block::Para(l("尚无评审意见。", "No reviews yet.")));
    }
    if !d.reviews.is_empty() {
        let mut t = table(
            &[
                lang.pick("评审人", "Reviewer"),
                lang.pick("角色", "Role"),
                lang.pick("结论", "Verdict"),
                lang.pick("意见", "Comment"),
                lang.pick("时间", "Time"),
                lang.pick(
                    "签名（签名人 · 密钥指纹）",
                    "Signature (signer · key fingerprint)",
                ),
            ],
            &[1.1, 0.8, 0.8, 2.6, 1.4, 2.0],
            &[false; 6],
        );
        t.rows = d
            .reviews
            .iter()
            .map(|r| {
                vec![
                    r.reviewer.clone(),
                    code(&r.role, lang),
                    code(&r.verdict, lang),
                    r.comment.clone(),
                    when(&r.created_at),
                    signature_cell(d, &r.id, lang),
                ]
            })
            .collect();
        b.push(Block::Table(t));
    }
    if !d.threads.is_empty() {
        let mut t = table(
            &[
                lang.pick("对象", "Anchor"),
                lang.pick("严重程度", "Severity"),
                lang.pick("批注", "Annotation"),
                lang.pick("状态", "Status"),
                lang.pick("回复", "Thread"),
            ],
            &[1.8, 0.9, 2.2, 0.9, 2.2],
            &[false; 5],
        );
        t.rows = d
            .threads
            .iter()
            .map(|th| {
                let a = &th.annotation;
                let thread: Vec<String> = th
                    .events
                    .iter()
                    .map(|e| format!("{} ({}): {}", e.author, code(&e.kind, lang), e.text))
                    .collect();
                vec![
                    format!("{} {}", code(&a.anchor_kind, lang), a.anchor),
                    code(&a.severity, lang),
                    format!("{} — {}", a.author, a.comment),
                    code(&th.status, lang),
                    thread.join("\n"),
                ]
            })
            .collect();
        b.push(Block::Table(t));
    }
}
