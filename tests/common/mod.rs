//! Helpers shared by the integration tests that check docs' worked examples.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;

/// The number after each `<!--check:NAME-->` marker in a doc under the crate root.
pub fn doc_checks(doc: &str) -> HashMap<String, f64> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(doc))
        .unwrap_or_else(|e| panic!("{doc}: {e}"));
    let mut out = HashMap::new();
    for part in text.split("<!--check:").skip(1) {
        let (name, rest) = part.split_once("-->").expect("marker closes");
        let number: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
            .collect();
        let v: f64 = number
            .trim_end_matches(['.', ','])
            .replace(',', "")
            .parse()
            .unwrap_or_else(|_| panic!("{doc}: check:{name} is not followed by a number"));
        out.insert(name.to_string(), v);
    }
    out
}

/// `got` equals `want` (as printed in the doc, `decimals` places) after rounding.
pub fn assert_close(name: &str, got: f64, want: f64, decimals: i32) {
    let scale = 10f64.powi(decimals);
    assert_eq!(
        (got * scale).round() / scale,
        want,
        "{name}: computed {got}, the doc says {want}"
    );
}
