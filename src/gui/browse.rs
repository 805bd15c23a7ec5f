//! Browse panel: the portfolio in a virtualised table (only visible rows are laid out, so a
//! million rows scroll smoothly), sortable by any column and filterable by text, with a detail
//! pane for the selected patent. Sorting and filtering run off the UI thread.

use std::sync::Arc;

use eframe::egui;
use egui_extras::{Column, TableBuilder};
use polars::prelude::*;

use super::{PatvalApp, tr};
use crate::import::cell::days_to_date;
use crate::import::{Dataset, SOURCE_ROW, TableKind, codes};
use crate::model::{LegalStatus, PatentType};

/// Columns shown, with the portfolio column each reads.
pub const COLUMNS: [(&str, &str); 8] = [
    ("Patent no.", "patent_no"),
    ("Title", "title"),
    ("Type", "patent_type"),
    ("Status", "legal_status"),
    ("Filing date", "filing_date"),
    ("Asset group", "asset_group"),
    ("Claims", "claims"),
    ("Citations", "forward_citations"),
];

/// Browse state.
#[derive(Default)]
pub struct BrowseState {
    pub filter: String,
    pub sort: Option<(usize, bool)>,
    /// Row indices in display order, for the current filter and sort.
    pub view: Option<Arc<Vec<u32>>>,
    /// The filter and sort `view` was made for.
    view_key: Option<(String, Option<(usize, bool)>)>,
    pub selected: Option<usize>,
}

impl BrowseState {
    pub fn invalidate(&mut self) {
        self.view = None;
        self.view_key = None;
        self.selected = None;
    }
}

/// The text of a cell of the portfolio (an enum's cell as its code).
pub fn cell(df: &DataFrame, col: &str, i: usize) -> String {
    let Ok(c) = df.column(col) else {
        return String::new();
    };
    if let Some(e) = TableKind::Portfolio.enum_of(col) {
        return codes::code_at(c, e, i).unwrap_or("").to_string();
    }
    match c.dtype() {
        DataType::Date => c
            .date()
            .ok()
            .and_then(|d| d.physical().get(i))
            .and_then(days_to_date)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        DataType::String => c
            .str()
            .ok()
            .and_then(|s| s.get(i))
            .unwrap_or("")
            .to_string(),
        _ => c
            .get(i)
            .map(|v| {
                if v.is_null() {
                    String::new()
                } else {
                    v.str_value().to_string()
                }
            })
            .unwrap_or_default(),
    }
}

fn label(code: &str, lang: super::Lang) -> String {
    let zh = lang == super::Lang::Zh;
    if let Some(t) = PatentType::from_code(code) {
        return if zh { t.label_zh() } else { t.label_en() }.to_string();
    }
    if let Some(s) = LegalStatus::from_code(code) {
        return if zh { s.label_zh() } else { s.label_en() }.to_string();
    }
    code.to_string()
}

/// Row order for a filter and sort.
fn compute_view(ds: &Dataset, filter: &str, sort: Option<(usize, bool)>) -> Vec<u32> {
    let Some(p) = &ds.portfolio else {
        return Vec::new();
    };
    let df = &p.df;
    let n = df.height();
    let needle = filter.trim().to_lowercase();
    let text_cols: Vec<&StringChunked> = ["patent_no", "title", "asset_group", "ipc"]
        .iter()
        .filter_map(|c| df.column(c).ok().and_then(|c| c.str().ok()))
        .collect();
    let mut idx: Vec<u32> = if needle.is_empty() {
        (0..n as u32).collect()
    } else {
        (0..n)
            .filter(|&i| {
                text_cols
                    .iter()
                    .any(|c| c.get(i).is_some_and(|v| v.to_lowercase().contains(&needle)))
            })
            .map(|i| i as u32)
            .collect()
    };
    if let Some((col, asc)) = sort
        && let Ok(c) = df.column(COLUMNS[col].1)
    {
        match c.dtype() {
            DataType::String => {
                if let Ok(s) = c.str() {
                    idx.sort_by(|&a, &b| s.get(a as usize).cmp(&s.get(b as usize)));
                }
            }
            DataType::Date => {
                if let Ok(d) = c.date() {
                    let phys = d.physical();
                    idx.sort_by_key(|&a| phys.get(a as usize));
                }
            }
            _ => {
                if let Ok(s) = c.cast(&DataType::Float64)
                    && let Ok(f) = s.f64()
                {
                    idx.sort_by(|&a, &b| {
                        f.get(a as usize)
                            .unwrap_or(f64::NEG_INFINITY)
                            .total_cmp(&f.get(b as usize).unwrap_or(f64::NEG_INFINITY))
                    });
                }
            }
        }
        if !asc {
            idx.reverse();
        }
    }
    idx
}

/// Starts recomputing the view when the filter or sort changed.
fn refresh_view(app: &mut PatvalApp, ctx: &egui::Context) {
    let key = (app.browse.filter.clone(), app.browse.sort);
    if app.browse.view_key.as_ref() == Some(&key) {
        return;
    }
    let Some(ds) = app.loaded.dataset.clone() else {
        return;
    };
    app.browse.view_key = Some(key.clone());
    app.jobs.cancel("view");
    app.jobs.spawn(ctx, "view".into(), move |_| {
        let view = compute_view(&ds, &key.0, key.1);
        Box::new(move |app: &mut PatvalApp, _: &egui::Context| {
            if app.browse.view_key.as_ref() == Some(&key) {
                app.browse.view = Some(Arc::new(view));
            }
        })
    });
}

pub fn ui(app: &mut PatvalApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    let ctx = ui.ctx().clone();
    refresh_view(app, &ctx);
    let Some(ds) = app.loaded.dataset.clone() else {
        ui.label(tr(lang, "not loaded"));
        return;
    };
    let Some(portfolio) = &ds.portfolio else {
        ui.label(tr(lang, "not loaded"));
        return;
    };
    let df = &portfolio.df;
    let view = app.browse.view.clone();
    ui.horizontal(|ui| {
        ui.label(tr(lang, "Filter"));
        ui.add(
            egui::TextEdit::singleline(&mut app.browse.filter)
                .desired_width(260.0)
                .hint_text("CN2021 / 门锁 / H04L"),
        );
        ui.label(format!(
            "{} / {} {}",
            view.as_ref().map_or(0, |v| v.len()),
            df.height(),
            tr(lang, "patents")
        ));
    });
    // At least its default width from the first frame: the table's columns are laid out in
    // what the pane leaves, and a pane that widened on selecting a patent ran over them.
    egui::Panel::right("detail")
        .resizable(true)
        .default_size(360.0)
        .min_size(320.0)
        .show(ui, |ui| detail(app, ui, df));
    let Some(view) = view else {
        ui.spinner();
        return;
    };
    let mut clicked_header = None;
    let mut clicked_row = None;
    TableBuilder::new(ui)
        .id_salt("portfolio")
        .striped(true)
        .resizable(true)
        .sense(egui::Sense::click())
        .column(Column::initial(150.0))
        // The title takes what the other columns and the detail pane leave, so the table
        // never runs under the pane.
        .column(Column::remainder().at_least(120.0).clip(true))
        .columns(Column::initial(80.0), 3)
        .column(Column::initial(110.0))
        .columns(Column::initial(70.0), 2)
        .header(22.0, |mut h| {
            for (k, (title, _)) in COLUMNS.iter().enumerate() {
                h.col(|ui| {
                    let arrow = match app.browse.sort {
                        Some((c, true)) if c == k => " ▲",
                        Some((c, false)) if c == k => " ▼",
                        _ => "",
                    };
                    if ui.button(format!("{}{arrow}", tr(lang, title))).clicked() {
                        clicked_header = Some(k);
                    }
                });
            }
        })
        .body(|body| {
            body.rows(20.0, view.len(), |mut row| {
                let i = view[row.index()] as usize;
                row.set_selected(app.browse.selected == Some(i));
                for (_, col) in COLUMNS {
                    row.col(|ui| {
                        let text = cell(df, col, i);
                        let text = if col == "patent_type" || col == "legal_status" {
                            label(&text, lang)
                        } else {
                            text
                        };
                        // Not selectable: a click on the text selects the row.
                        ui.add(egui::Label::new(text).truncate().selectable(false));
                    });
                }
                if row.response().clicked() {
                    clicked_row = Some(i);
                }
            });
        });
    if let Some(k) = clicked_header {
        app.browse.sort = match app.browse.sort {
            Some((c, true)) if c == k => Some((k, false)),
            _ => Some((k, true)),
        };
    }
    if let Some(i) = clicked_row {
        app.browse.selected = Some(i);
        app.results.selected = Some(i);
        app.results.trace = None;
    }
}

/// The UI name of a portfolio column.
fn field_label(col: &str, lang: super::Lang) -> &str {
    let en = match col {
        "patent_no" => "Patent no.",
        "title" => "Title",
        "patent_type" => "Type",
        "legal_status" => "Status",
        "filing_date" => "Filing date",
        "grant_date" => "Grant date",
        "asset_group" => "Asset group",
        "claims" => "Claims",
        "independent_claims" => "Independent claims",
        "family_size" => "Family size",
        "forward_citations" => "Citations",
        "owner" => "Owner",
        "ipc" => "IPC",
        "remaining_life" => "Remaining economic life",
        "rd_cost" => "R&D cost",
        other => return other,
    };
    tr(lang, en)
}

fn detail(app: &PatvalApp, ui: &mut egui::Ui, df: &DataFrame) {
    let lang = app.lang();
    ui.heading(tr(lang, "Selected patent"));
    let Some(i) = app.browse.selected else {
        ui.label(tr(lang, "Select a patent in the table."));
        return;
    };
    egui::ScrollArea::vertical().show(ui, |ui| {
        egui::Grid::new("detail-grid")
            .num_columns(2)
            .striped(true)
            .show(ui, |ui| {
                for c in df.get_column_names() {
                    if c.as_str() == SOURCE_ROW {
                        continue;
                    }
                    ui.weak(field_label(c.as_str(), lang));
                    let text = cell(df, c.as_str(), i);
                    ui.label(
                        if c.as_str() == "patent_type" || c.as_str() == "legal_status" {
                            label(&text, lang)
                        } else {
                            text
                        },
                    );
                    ui.end_row();
                }
            });
        if let Some(v) = &app.valued
            && let Some(pv) = v.valuation.patents.get(i)
        {
            ui.separator();
            let f = |x: Option<f64>| x.map_or_else(|| "—".to_string(), |x| app.money(x));
            egui::Grid::new("detail-values")
                .num_columns(2)
                .show(ui, |ui| {
                    ui.label(tr(lang, "Cost approach"));
                    ui.label(f(pv.cost.ok()));
                    ui.end_row();
                    ui.label(tr(lang, "Income approach"));
                    ui.label(f(pv.income.ok()));
                    ui.end_row();
                    ui.label(tr(lang, "Market approach"));
                    ui.label(f(pv.market.ok()));
                    ui.end_row();
                    ui.strong(tr(lang, "Reconciled value"));
                    ui.strong(f(pv.reconciled));
                    ui.end_row();
                });
        }
    });
}
