//! Report charts drawn by plotters as SVG: method comparison, portfolio cash flows, tornado,
//! Monte Carlo distribution and comparables (price against remaining life). Text is measured
//! with the bundled Noto Sans SC subset, so Chinese labels lay out correctly.

use std::sync::Once;

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::{ReportData, ReportError, ReportLang};
use crate::valuation::Method;

const W: u32 = 760;
const H: u32 = 340;
const FONT: &str = "sans-serif";

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bundled font always parses; a failure would only cost the labels' measurement.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, crate::assets::CJK_FONT);
    });
}

fn err<E: std::fmt::Debug>(e: E) -> ReportError {
    ReportError::Chart(format!("{e:?}"))
}

/// Draws into an SVG string.
fn svg(
    draw: impl FnOnce(DrawingArea<SVGBackend<'_>, plotters::coord::Shift>) -> Result<(), ReportError>,
) -> Result<String, ReportError> {
    register_font();
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw(root.clone())?;
        root.present().map_err(err)?;
    }
    Ok(s)
}

fn wan(x: f64) -> f64 {
    x / 1e4
}

/// Totals per method and the reconciled value, 万元.
pub fn methods(d: &ReportData, lang: ReportLang) -> Result<String, ReportError> {
    let s = &d.valuation.summary;
    let mut bars: Vec<(String, f64)> = s
        .methods
        .iter()
        .filter(|m| d.engine.methods.on(m.method))
        .map(|m| {
            (
                lang.pick(m.method.label_zh(), m.method.label_en())
                    .to_string(),
                wan(m.total),
            )
        })
        .collect();
    bars.push((
        lang.pick("评估结论", "reconciled").to_string(),
        wan(s.reconciled),
    ));
    let max = bars.iter().map(|b| b.1).fold(0.0, f64::max).max(1.0) * 1.15;
    let n = bars.len();
    svg(|root| {
        let mut c = ChartBuilder::on(&root)
            .caption(
                lang.pick("各方法评估值（万元）", "Value by method (10k yuan)"),
                (FONT, 18),
            )
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(70)
            .build_cartesian_2d(-0.5..n as f64 - 0.5, 0.0..max)
            .map_err(err)?;
        let names = bars.iter().map(|b| b.0.clone()).collect::<Vec<_>>();
        c.configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| {
                at_index(*x)
                    .and_then(|i| names.get(i))
                    .cloned()
                    .unwrap_or_default()
            })
            .label_style((FONT, 13))
            .draw()
            .map_err(err)?;
        c.draw_series(bars.iter().enumerate().map(|(i, b)| {
            let color = if i + 1 == n {
                RGBColor(200, 80, 40)
            } else {
                RGBColor(40, 100, 170)
            };
            let x = i as f64;
            Rectangle::new([(x - 0.3, 0.0), (x + 0.3, b.1)], color.mix(0.8).filled())
        }))
        .map_err(err)?;
        Ok(())
    })
}

/// The index a tick at `x` labels, if it falls on a whole number.
fn at_index(x: f64) -> Option<usize> {
    let i = x.round();
    ((x - i).abs() < 1e-6 && i >= 0.0).then_some(i as usize)
}

/// The portfolio's income-approach cash flows and present values by year, 万元.
pub fn cash_flows(d: &ReportData, lang: ReportLang) -> Result<String, ReportError> {
    let mut years: std::collections::BTreeMap<i32, (f64, f64)> = std::collections::BTreeMap::new();
    for i in 0..d.engine.len() {
        let t = d.engine.trace(i);
        if let Some(inc) = t.income {
            for y in inc.years {
                let e = years.entry(y.year).or_default();
                e.0 += y.cash_flow;
                e.1 += y.present_value;
            }
        }
    }
    if years.is_empty() {
        return Ok(String::new());
    }
    let first = *years.keys().next().unwrap_or(&0);
    let last = *years.keys().last().unwrap_or(&0);
    let max = years
        .values()
        .map(|v| wan(v.0))
        .fold(0.0, f64::max)
        .max(1.0)
        * 1.15;
    svg(|root| {
        let mut c = ChartBuilder::on(&root)
            .caption(
                lang.pick(
                    "收益法现金流与现值（万元）",
                    "Income-approach cash flows and present values (10k yuan)",
                ),
                (FONT, 18),
            )
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(70)
            .build_cartesian_2d(f64::from(first) - 0.6..f64::from(last) + 0.6, 0.0..max)
            .map_err(err)?;
        c.configure_mesh()
            .disable_x_mesh()
            .x_labels((last - first + 1) as usize)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .label_style((FONT, 13))
            .draw()
            .map_err(err)?;
        let cf = RGBColor(200, 80, 40);
        let pv = RGBColor(40, 100, 170);
        c.draw_series(years.iter().map(|(y, v)| {
            Rectangle::new(
                [(f64::from(*y) - 0.38, 0.0), (f64::from(*y), wan(v.0))],
                cf.mix(0.8).filled(),
            )
        }))
        .map_err(err)?
        .label(lang.pick("现金流", "cash flow"))
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], cf.filled()));
        c.draw_series(years.iter().map(|(y, v)| {
            Rectangle::new(
                [(f64::from(*y), 0.0), (f64::from(*y) + 0.38, wan(v.1))],
                pv.mix(0.8).filled(),
            )
        }))
        .map_err(err)?
        .label(lang.pick("现值", "present value"))
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], pv.filled()));
        c.configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font((FONT, 13))
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(err)?;
        Ok(())
    })
}

/// The mesh of a horizontal bar chart whose rows, from the top, are `names` (row k sits at
/// y = n − 1 − k).
fn rows_mesh(
    c: &mut ChartContext<'_, SVGBackend<'_>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    names: &[String],
) -> Result<(), ReportError> {
    let n = names.len();
    c.configure_mesh()
        .disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&|y| {
            at_index(*y)
                .and_then(|i| (n - 1).checked_sub(i))
                .and_then(|k| names.get(k))
                .cloned()
                .unwrap_or_default()
        })
        .label_style((FONT, 13))
        .draw()
        .map_err(err)
}

/// One-at-a-time sensitivity: change of the reconciled total, 万元; the widest bar on top.
pub fn tornado(d: &ReportData, lang: ReportLang) -> Result<String, ReportError> {
    let bars = &d.tornado;
    if bars.is_empty() {
        return Ok(String::new());
    }
    let span = bars
        .iter()
        .map(|b| wan((b.up - b.base).abs().max((b.down - b.base).abs())))
        .fold(0.0, f64::max)
        .max(1.0)
        * 1.15;
    let n = bars.len();
    svg(|root| {
        let mut c = ChartBuilder::on(&root)
            .caption(
                lang.pick(
                    "敏感性分析：评估结论变动（万元）",
                    "Sensitivity: change of the reconciled total (10k yuan)",
                ),
                (FONT, 18),
            )
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(130)
            .build_cartesian_2d(-span..span, -0.5..n as f64 - 0.5)
            .map_err(err)?;
        let names: Vec<String> = bars
            .iter()
            .map(|b| {
                lang.pick(b.parameter.label_zh(), b.parameter.label_en())
                    .to_string()
            })
            .collect();
        rows_mesh(&mut c, &names)?;
        c.draw_series(bars.iter().enumerate().flat_map(|(k, b)| {
            let y = (n - 1 - k) as f64;
            [
                Rectangle::new(
                    [(0.0, y - 0.3), (wan(b.down - b.base), y + 0.3)],
                    RGBColor(200, 80, 40).mix(0.8).filled(),
                ),
                Rectangle::new(
                    [(0.0, y - 0.3), (wan(b.up - b.base), y + 0.3)],
                    RGBColor(40, 100, 170).mix(0.8).filled(),
                ),
            ]
        }))
        .map_err(err)?;
        Ok(())
    })
}

/// Histogram of the simulated totals with P5/P50/P95, 万元.
pub fn monte_carlo(d: &ReportData, lang: ReportLang) -> Result<String, ReportError> {
    let s = &d.simulation;
    let (lo, hi) = (wan(s.p5) * 0.85, wan(s.p95) * 1.15);
    if hi <= lo {
        return Ok(String::new());
    }
    let bins = 40;
    let w = (hi - lo) / f64::from(bins);
    let mut counts = vec![0u32; bins as usize];
    for t in &s.totals {
        let x = wan(*t);
        if x >= lo && x < hi {
            counts[(((x - lo) / w) as usize).min(bins as usize - 1)] += 1;
        }
    }
    let top = f64::from(counts.iter().copied().max().unwrap_or(1)) * 1.15;
    svg(|root| {
        let mut c = ChartBuilder::on(&root)
            .caption(
                format!(
                    "{} ({} {})",
                    lang.pick(
                        "蒙特卡洛模拟：评估结论分布（万元）",
                        "Monte Carlo: distribution of the reconciled total (10k yuan)"
                    ),
                    s.draws,
                    lang.pick("次", "draws")
                ),
                (FONT, 18),
            )
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(60)
            .build_cartesian_2d(lo..hi, 0.0..top)
            .map_err(err)?;
        c.configure_mesh()
            .disable_x_mesh()
            .label_style((FONT, 13))
            .draw()
            .map_err(err)?;
        c.draw_series(counts.iter().enumerate().map(|(k, n)| {
            let x0 = lo + w * k as f64;
            Rectangle::new(
                [(x0, 0.0), (x0 + w * 0.95, f64::from(*n))],
                RGBColor(40, 100, 170).mix(0.7).filled(),
            )
        }))
        .map_err(err)?;
        for (name, p) in [("P5", s.p5), ("P50", s.p50), ("P95", s.p95)] {
            let x = wan(p);
            c.draw_series(LineSeries::new(
                [(x, 0.0), (x, top)],
                RGBColor(200, 80, 40).stroke_width(2),
            ))
            .map_err(err)?;
            c.draw_series(std::iter::once(Text::new(
                name.to_string(),
                (x, top * 0.97),
                (FONT, 13),
            )))
            .map_err(err)?;
        }
        Ok(())
    })
}

/// Comparables: price (万元) against remaining life.
pub fn comparables(d: &ReportData, lang: ReportLang) -> Result<String, ReportError> {
    let comps = &d.engine.inputs.comparables;
    if comps.is_empty() || !d.engine.methods.on(Method::Market) {
        return Ok(String::new());
    }
    let xmax = comps.iter().map(|c| c.remaining_life).fold(0.0, f64::max) * 1.1 + 0.5;
    let ymax = comps.iter().map(|c| wan(c.price)).fold(0.0, f64::max) * 1.15 + 1.0;
    svg(|root| {
        let mut c = ChartBuilder::on(&root)
            .caption(
                lang.pick(
                    "交易案例：成交价格与剩余寿命",
                    "Comparables: price against remaining life",
                ),
                (FONT, 18),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..xmax, 0.0..ymax)
            .map_err(err)?;
        c.configure_mesh()
            .x_desc(lang.pick("剩余寿命（年）", "remaining life (years)"))
            .y_desc(lang.pick("成交价格（万元）", "price (10k yuan)"))
            .label_style((FONT, 13))
            .draw()
            .map_err(err)?;
        c.draw_series(comps.iter().map(|cp| {
            Circle::new(
                (cp.remaining_life, wan(cp.price)),
                4,
                RGBColor(40, 100, 170).mix(0.7).filled(),
            )
        }))
        .map_err(err)?;
        Ok(())
    })
}

/// The value bridge as a waterfall (万元): the firm's total, each step, the bank's total.
pub fn bridge(
    c: &crate::pledge::crosscheck::CrossCheck,
    lang: ReportLang,
) -> Result<String, ReportError> {
    // (label, low, high, colour) from the top.
    let mut rows: Vec<(String, f64, f64, RGBColor)> = vec![(
        lang.pick("外部报告合计", "external total").to_string(),
        0.0,
        wan(c.external_total),
        RGBColor(200, 80, 40),
    )];
    for s in &c.bridge {
        let (lo, hi) = (wan(s.from.min(s.to)), wan(s.from.max(s.to)));
        let colour = if s.delta_fen >= 0 {
            RGBColor(60, 150, 90)
        } else {
            RGBColor(200, 60, 60)
        };
        let label = lang.pick(s.step.label_zh(), s.step.label_en());
        // Keep the axis labels short: the table beside the chart has the full names.
        let short: String = label
            .split(" (")
            .next()
            .unwrap_or(label)
            .chars()
            .take(18)
            .collect();
        rows.push((short, lo, hi, colour));
    }
    rows.push((
        lang.pick("银行评估合计", "bank total").to_string(),
        0.0,
        wan(c.bank_total),
        RGBColor(40, 100, 170),
    ));
    let top = rows.iter().map(|r| r.2).fold(0.0, f64::max).max(1.0) * 1.08;
    let n = rows.len();
    svg(|root| {
        let mut ch = ChartBuilder::on(&root)
            .caption(
                lang.pick(
                    "价值差异桥：外部 → 银行（万元）",
                    "Value bridge: external → bank (10k yuan)",
                ),
                (FONT, 18),
            )
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(150)
            .build_cartesian_2d(0.0..top, -0.5..n as f64 - 0.5)
            .map_err(err)?;
        let names: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
        rows_mesh(&mut ch, &names)?;
        ch.draw_series(rows.iter().enumerate().map(|(k, r)| {
            let y = (n - 1 - k) as f64;
            // A zero step still shows as a hairline.
            let hi = if r.2 - r.1 < top * 0.002 {
                r.1 + top * 0.002
            } else {
                r.2
            };
            Rectangle::new([(r.1, y - 0.3), (hi, y + 0.3)], r.3.mix(0.85).filled())
        }))
        .map_err(err)?;
        Ok(())
    })
}

/// The bundled CJK font as an SVG font database, with `sans-serif` (what the charts ask for)
/// mapped to its family name; shared by the PDF and DOCX writers.
pub fn font_database() -> Result<(std::sync::Arc<usvg::fontdb::Database>, String), String> {
    let mut fontdb = usvg::fontdb::Database::new();
    // The bundled font is static: share it instead of copying its 9 MB for every export.
    fontdb.load_font_source(usvg::fontdb::Source::Binary(std::sync::Arc::new(
        crate::assets::CJK_FONT,
    )));
    let family = fontdb
        .faces()
        .next()
        .and_then(|f| f.families.first())
        .map(|(name, _)| name.clone())
        .ok_or_else(|| "the bundled font has no family name".to_string())?;
    fontdb.set_sans_serif_family(family.clone());
    Ok((std::sync::Arc::new(fontdb), family))
}
