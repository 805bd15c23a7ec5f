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
    // Steps the app until `f` holds and no job runs; returns the time taken and every frame's.
    let wait_for = |h: &mut Harness<'static, PatvalApp>,
                    what: &str,
                    idle: bool,
                    f: &dyn Fn(&PatvalApp) -> bool| {
        let t = Instant::now();
        let mut frames = Vec::new();
        loop {
            let s = Instant::now();
            h.step();
            frames.push(s.elapsed());
            if f(h.state()) && (!idle || h.state().jobs.running.is_empty()) {
                break;
            }
            assert!(t.elapsed() < Duration::from_secs(600), "timed out: {what}");
            std::thread::sleep(Duration::from_millis(5));
        }
        (t.elapsed(), frames)
    };
    let wait = |h: &mut Harness<'static, PatvalApp>, what: &str, f: &dyn Fn(&PatvalApp) -> bool| {
        wait_for(h, what, true, f)
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
    let (took, mut frames) = wait_for(&mut h, "load and value", false, &|a| {
        a.valued.as_ref().is_some_and(|v| v.engine.len() == patents)
    });
    let (rest, more) = wait(&mut h, "sensitivity", &|a| {
        a.valued.as_ref().is_some_and(|v| v.tornado.get().is_some())
    });
    frames.extend(more);
    frames.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{patents} patents: opened, read and valued (values shown) in {:.1} s, the sensitivity {:.1} s later; the UI drew {} frames meanwhile: median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        took.as_secs_f64(),
        rest.as_secs_f64(),
        frames.len(),
        ms(frames[frames.len() / 2]),
        ms(frames[frames.len() * 95 / 100]),
        ms(frames[frames.len() - 1]),
    );
    for panel in [Panel::Browse, Panel::Results] {
        h.state_mut().settings.panel = panel;
        let _ = wait(&mut h, "view", &|a| {
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
