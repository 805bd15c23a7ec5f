//! GUI frame time with a 1,000,000-patent portfolio loaded (issue #5), measured headless with
//! egui_kittest: each `step` runs one full egui pass of the real app (layout and tessellation,
//! no GPU). Scrolls the browse table and the results table and prints frame-time statistics.
//!
//! Run: `cargo run --release --example bench_gui [-- PATENTS]`. It is not a timed test.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use eframe::egui;
use egui_kittest::Harness;
use patval::gui::{Lang, Panel, PatvalApp, Settings};

fn main() {
    let patents: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = common::ensure(patents);
    let store = tempfile::tempdir().expect("tempdir");
    let settings = Settings {
        lang: Lang::Zh,
        store: Some(store.path().join("s.db")),
        ..Settings::default()
    };
    let mut h = Harness::builder()
        .with_size(egui::Vec2::new(1360.0, 860.0))
        .build_eframe(move |cc| PatvalApp::with_settings(&cc.egui_ctx, settings));
    let wait = |h: &mut Harness<'static, PatvalApp>, what: &str, f: &dyn Fn(&PatvalApp) -> bool| {
        let t = Instant::now();
        loop {
            h.step();
            if f(h.state()) && h.state().jobs.running.is_empty() {
                break;
            }
            assert!(t.elapsed() < Duration::from_secs(600), "timed out: {what}");
            std::thread::sleep(Duration::from_millis(5));
        }
        t.elapsed()
    };
    wait(&mut h, "sample", &|a| a.valued.is_some());
    let files: Vec<PathBuf> = [
        "assumptions.toml",
        "portfolio.csv",
        "forecasts.csv",
        "cost_items.csv",
        "comparables.csv",
    ]
    .iter()
    .map(|f| dir.join(f))
    .collect();
    let ctx = h.ctx.clone();
    patval::gui::data_panel::open_files(h.state_mut(), &ctx, files);
    let took = wait(&mut h, "load and value", &|a| {
        a.valued.as_ref().is_some_and(|v| v.engine.len() == patents)
    });
    println!(
        "{patents} patents: loaded and valued in the background in {:.1} s (the UI kept stepping meanwhile)",
        took.as_secs_f64()
    );
    for panel in [Panel::Browse, Panel::Results] {
        h.state_mut().settings.panel = panel;
        wait(&mut h, "view", &|a| {
            panel != Panel::Browse || a.browse.view.is_some()
        });
        // Put the pointer over the table so the wheel scrolls it.
        h.event(egui::Event::PointerMoved(egui::pos2(400.0, 420.0)));
        h.step();
        let mut times = Vec::new();
        for k in 0..300 {
            // Scroll down a page every frame, and jump to the middle once.
            h.event(egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Page,
                delta: egui::vec2(0.0, -1.0),
                modifiers: egui::Modifiers::NONE,
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
            });
            if k == 150 {
                h.state_mut().browse.selected = Some(patents / 2);
            }
            let t = Instant::now();
            h.step();
            times.push(t.elapsed());
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let mean = times.iter().map(|d| ms(*d)).sum::<f64>() / times.len() as f64;
        println!(
            "{panel:?} panel, 300 frames while scrolling: mean {:.2} ms, median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
            mean,
            ms(times[times.len() / 2]),
            ms(times[times.len() * 95 / 100]),
            ms(times[times.len() - 1])
        );
    }
}
