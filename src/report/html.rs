//! The HTML report: cover, summary, assumptions, methods with formulas, charts, per-patent table
//! with the scorecard, reviews and annotations. Self-contained (inline CSS and SVG), printable
//! (page breaks between sections, table headers repeat), and it carries the version's
//! fingerprint in `<meta>` tags and on every printed page.

use std::fmt::Write as _;

use super::doc::{self, Block, Doc};

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const CSS: &str = "
body{font-family:'Noto Sans SC','Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif;margin:2em auto;max-width:1100px;color:#222;line-height:1.5}
h1{font-size:1.8em;margin-bottom:.2em}h2{border-bottom:2px solid #2864aa;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.92em}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left}
th{background:#eef3f9}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}thead{display:table-header-group}tr{page-break-inside:avoid}
.cover{border:1px solid #2864aa;padding:1.5em 2em;margin-bottom:2em}.fp{font-family:monospace;font-size:.85em;color:#555;word-break:break-all}
.big{font-size:1.6em;font-weight:bold;color:#c85028}.formula{font-family:serif;background:#f7f7f7;padding:.4em .8em;border-left:3px solid #2864aa}
section{page-break-before:always}section.first{page-break-before:auto}.chart svg{max-width:100%;height:auto}
td{white-space:pre-line}footer{font-size:.8em;color:#777;margin-top:3em;border-top:1px solid #ccc;padding-top:.5em}
@media print{footer{position:fixed;bottom:0;left:0;right:0;background:#fff}}
";

/// Formula marks to `<sub>`/`<sup>`.
fn formula(f: &str) -> String {
    let mut out = String::new();
    let mut open: Vec<i8> = Vec::new();
    for (text, marks) in doc::formula_runs(f) {
        let common = open.iter().zip(&marks).take_while(|(a, b)| a == b).count();
        while open.len() > common {
            out.push_str(if open.pop() == Some(1) {
                "</sup>"
            } else {
                "</sub>"
            });
        }
        for &mk in &marks[common..] {
            out.push_str(if mk == 1 { "<sup>" } else { "<sub>" });
            open.push(mk);
        }
        out.push_str(&esc(&text));
    }
    while let Some(mk) = open.pop() {
        out.push_str(if mk == 1 { "</sup>" } else { "</sub>" });
    }
    out
}

fn table(h: &mut String, t: &doc::Table) {
    let class = |i: usize| {
        if t.numeric.get(i).copied().unwrap_or(false) {
            " class=\"n\""
        } else {
            ""
        }
    };
    h.push_str("<table><thead><tr>");
    for (i, c) in t.headers.iter().enumerate() {
        let _ = write!(h, "<th{}>{}</th>", class(i), esc(c));
    }
    h.push_str("</tr></thead><tbody>\n");
    for row in &t.rows {
        h.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let _ = write!(h, "<td{}>{}</td>", class(i), esc(c));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table>\n");
}

/// Renders the blocks as one self-contained HTML page.
pub fn render_doc(d: &Doc) -> String {
    let rows: usize = d
        .blocks
        .iter()
        .map(|b| match b {
            Block::Table(t) => t.rows.len(),
            _ => 1,
        })
        .sum();
    let mut h = String::with_capacity(64 * 1024 + rows * 400);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\n<meta name=\"patval-version\" content=\"{}\">\n<meta name=\"patval-fingerprint\" content=\"{}\">\n<title>{} — {}</title><style>{CSS}</style></head><body>\n<section class=\"first\">",
        d.lang.pick("zh-CN", "en"),
        esc(&d.version_id),
        esc(&d.fingerprint),
        esc(&d.case),
        esc(&d.title)
    );
    let sections = d.sections();
    let mut section = 0;
    for b in &d.blocks {
        match b {
            Block::Cover { title, case, facts } => {
                let _ = write!(
                    h,
                    "<div class=\"cover\"><h1>{}</h1><p style=\"font-size:1.3em\">{}</p><table>",
                    esc(title),
                    esc(case)
                );
                let last = facts.len().saturating_sub(1);
                for (i, (k, v)) in facts.iter().enumerate() {
                    // The last fact is the fingerprint: monospace and breakable.
                    let class = if i == last { " class=\"fp\"" } else { "" };
                    let _ = write!(h, "<tr><th>{}</th><td{class}>{}</td></tr>", esc(k), esc(v));
                }
                h.push_str("</table></div>\n");
            }
            Block::Section { title, new_page } => {
                if *new_page {
                    h.push_str("</section>\n<section>");
                }
                section += 1;
                let _ = writeln!(h, "<h2 id=\"s{section}\">{}</h2>", esc(title));
            }
            Block::Sub(t) => {
                let _ = writeln!(h, "<h3>{}</h3>", esc(t));
            }
            Block::Para(t) => {
                let _ = writeln!(h, "<p>{}</p>", esc(t));
            }
            Block::Lead { label, value } => {
                let _ = writeln!(
                    h,
                    "<p>{} <span class=\"big\">{}</span></p>",
                    esc(label),
                    esc(value)
                );
            }
            Block::Formula(f) => {
                let _ = writeln!(h, "<p class=\"formula\">{}</p>", formula(f));
            }
            Block::Table(t) => table(&mut h, t),
            Block::Chart(svg) => {
                let _ = writeln!(h, "<div class=\"chart\">{svg}</div>");
            }
            Block::Toc => {
                let _ = write!(h, "<nav><h2>{}</h2><ol>", d.lang.pick("目录", "Contents"));
                for (i, t) in sections.iter().enumerate() {
                    let _ = write!(h, "<li><a href=\"#s{}\">{}</a></li>", i + 1, esc(t));
                }
                h.push_str("</ol></nav>\n");
            }
        }
    }
    let _ = write!(
        h,
        "</section>\n<footer>{}</footer></body></html>\n",
        esc(&d.footer())
    );
    h
}

#[cfg(test)]
mod tests {
    #[test]
    fn formulas_become_sub_and_sup() {
        assert_eq!(
            super::formula("(1 + r)^{−t_{y}} · c_{y}"),
            "(1 + r)<sup>−t<sub>y</sub></sup> · c<sub>y</sub>"
        );
    }
}
