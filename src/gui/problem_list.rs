//! The Data panel's problem list: problems grouped by what they say, with counts, and drawn row
//! by row only where the list is visible, so the panel stays cheap however many there are.

use eframe::egui;

use super::{PatvalApp, tr};
use crate::import::{Problem, Severity};

/// Problems that say the same thing (their quoted values aside) about the same column.
pub struct Group {
    pub label: String,
    pub severity: Severity,
    /// Indices into the loaded problems, in order.
    pub members: Vec<u32>,
}

/// The list's state: the groups (computed once per data set) and the group shown.
#[derive(Default)]
pub struct ListState {
    groups: Option<Vec<Group>>,
    /// The group whose problems are listed; all problems when `None`.
    pub filter: Option<usize>,
}

/// At most this many groups are offered as filters; the rest are under "All".
const SHOWN_GROUPS: usize = 40;

/// What a problem says with its quoted values left out: `"…" is not a known patent type`.
pub fn gist(p: &Problem) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for ch in p.message.chars() {
        if ch == '"' {
            quoted = !quoted;
            if quoted {
                out.push_str("\"…");
            } else {
                out.push('"');
            }
        } else if !quoted {
            out.push(ch);
        }
    }
    match &p.column {
        Some(c) => format!("{c}: {out}"),
        None => out,
    }
}

/// Groups problems by severity and gist, errors first, each group in order of first appearance.
pub fn group(problems: &[Problem]) -> Vec<Group> {
    let mut index = std::collections::HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    for (i, p) in problems.iter().enumerate() {
        let label = gist(p);
        let g = *index.entry((p.severity, label.clone())).or_insert_with(|| {
            groups.push(Group {
                label,
                severity: p.severity,
                members: Vec::new(),
            });
            groups.len() - 1
        });
        groups[g].members.push(i as u32);
    }
    groups.sort_by_key(|g| (g.severity, g.members[0]));
    groups
}

pub fn ui(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    let total = app.loaded.problems.len();
    ui.heading(format!("{} ({total})", tr(lang, "Problems")));
    if total == 0 {
        ui.label(tr(lang, "No problems."));
        return;
    }
    let list = &mut app.data.list;
    let groups = list
        .groups
        .get_or_insert_with(|| group(&app.loaded.problems));
    if groups.len() > 1 {
        ui.horizontal_wrapped(|ui| {
            if ui
                .selectable_label(
                    list.filter.is_none(),
                    format!("{} ({total})", tr(lang, "All")),
                )
                .clicked()
            {
                list.filter = None;
            }
            for (i, g) in groups.iter().enumerate().take(SHOWN_GROUPS) {
                let text = egui::RichText::new(format!("{} × {}", g.members.len(), g.label))
                    .color(severity_color(ui, g.severity));
                if ui.selectable_label(list.filter == Some(i), text).clicked() {
                    list.filter = Some(i);
                }
            }
        });
        ui.separator();
    }
    let shown: Option<&[u32]> = list
        .filter
        .and_then(|i| groups.get(i))
        .map(|g| g.members.as_slice());
    let count = shown.map_or(total, <[u32]>::len);
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
    let mut clicked = None;
    egui::ScrollArea::vertical()
        .max_height(ui.available_height() * 0.6)
        .auto_shrink([false, true])
        .show_rows(ui, row_height, count, |ui, rows| {
            for r in rows {
                let i = shown.map_or(r, |m| m[r] as usize);
                let Some(p) = app.loaded.problems.get(i) else {
                    continue;
                };
                let text = egui::RichText::new(p.to_string()).color(severity_color(ui, p.severity));
                let resp = ui.add(
                    egui::Label::new(text)
                        .truncate()
                        .sense(egui::Sense::click()),
                );
                if resp.clicked() {
                    clicked = Some(i);
                }
            }
        });
    if clicked.is_some() {
        app.data.shown = clicked;
    }
}

fn severity_color(ui: &egui::Ui, s: Severity) -> egui::Color32 {
    match s {
        Severity::Error => ui.visuals().error_fg_color,
        Severity::Warning => ui.visuals().warn_fg_color,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_group_by_what_they_say() {
        let p = |m: &str| {
            Problem::file_error("f.csv", m)
                .at_row(2)
                .at_column(0, "专利号")
        };
        let ps = vec![
            p("patent \"CN1\" is not in p.csv").warning(),
            p("patent \"CN1\" is not in p.csv"),
            p("patent \"CN2\" is not in p.csv"),
            p("\"x\" is not a valid date"),
        ];
        let g = group(&ps);
        let summary: Vec<(String, usize)> = g
            .iter()
            .map(|g| (g.label.clone(), g.members.len()))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("专利号: patent \"…\" is not in p.csv".to_string(), 2),
                ("专利号: \"…\" is not a valid date".to_string(), 1),
                ("专利号: patent \"…\" is not in p.csv".to_string(), 1),
            ]
        );
        assert_eq!(g[0].members, vec![1, 2]);
        assert_eq!(g[2].severity, Severity::Warning);
    }
}
