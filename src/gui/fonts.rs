//! Fonts: egui's defaults plus a bundled subset of Noto Sans SC (SIL Open Font License) as the
//! fallback for Chinese, so CJK text renders on a machine with no CJK fonts installed.

use eframe::egui;

use crate::assets::CJK_FONT;

/// Adds the CJK fallback to both font families.
pub fn install(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "noto_sans_sc".into(),
        std::sync::Arc::new(egui::FontData::from_static(CJK_FONT)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("noto_sans_sc".into());
    }
    ctx.set_fonts(fonts);
}
