//! The appraiser's workpapers (#11): parameters per scope with their basis, resolved in one
//! place; the stated first period and the tax amortisation benefit of docs/methods.md §10 to the
//! cent; the market grid by hand; bad parameter rows named by row and key.

use crate::common;

use std::path::Path;
use std::process::Command;

use patval::import::{Dataset, ReadOptions, TableKind, read_table_bytes};
use patval::model::parameters::ParameterSet;
use patval::valuation::{Engine, Methods};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The sample case with extra rows appended to its parameters table.
fn sample_with(rows: &str) -> Dataset {
    let mut ds = patval::sample::load().unwrap();
    let mut csv = String::from_utf8(patval::sample::PARAMETERS.to_vec()).unwrap();
    csv.push_str(rows);
    let opts = ReadOptions::new(ds.assumptions.as_ref().unwrap().valuation_date);
    ds.set_table(
        read_table_bytes(
            TableKind::Parameters,
            csv.as_bytes(),
            "parameters.csv",
            &opts,
            None,
        )
        .unwrap(),
    );
    assert!(ds.cross_check().iter().all(|p| !p.is_error()));
    ds
}

fn engine(ds: &Dataset) -> Engine {
    Engine::new(
        ds,
        ds.assumptions.as_ref().unwrap(),
        Methods::default(),
        None,
    )
    .unwrap()
}

fn groups(e: &Engine) -> Vec<String> {
    (0..e.len()).map(|i| e.group_name(i).to_string()).collect()
}

#[test]
fn stated_first_period_and_tax_amortisation_match_the_doc_to_the_cent() {
    let checks = common::doc_checks("docs/methods.md");
    let c = |k: &str| *checks.get(k).unwrap_or_else(|| panic!("no check:{k}"));
    let ds = patval::import::load_directory(&root().join("tests/data/stub")).unwrap();
    let e = engine(&ds);
    let t = e.trace(0);
    let inc = t.income.as_ref().unwrap();
    assert!(inc.first_period.as_ref().unwrap().starts_with("stated"));
    let y = &inc.years;
    assert_eq!((y[0].pro_rata, y[0].length), (1.0, 0.25));
    for (k, name) in ["stub_2026", "stub_2027", "stub_2028"].iter().enumerate() {
        common::assert_close(name, y[k].present_value, c(name), 2);
    }
    common::assert_close("stub_total", inc.value.unwrap(), c("stub_total"), 2);
    // The same data set with the benefit on.
    let mut set = ds.parameter_set().unwrap();
    let key = patval::model::parameters::ParamKey::parse("tax_amortisation").unwrap();
    set.set(patval::model::parameters::ParamEntry {
        scope: patval::model::parameters::ParamScope::Portfolio,
        target: String::new(),
        value: patval::import::parameters::parse_value(&key, "on").unwrap(),
        key,
        text: "on".into(),
        basis: "按IVS 210考虑税收摊销收益".into(),
        source: String::new(),
        row: 0,
    });
    let a = ds.assumptions.clone().unwrap();
    let e = Engine::with_parameters(&ds, &a, Methods::default(), set, None).unwrap();
    let inc = e.trace(0).income.unwrap();
    common::assert_close("tab_factor", inc.tab_factor.unwrap(), c("tab_factor"), 6);
    common::assert_close("tab_total", inc.value.unwrap(), c("tab_total"), 2);
}

#[test]
fn a_group_override_changes_that_group_only_and_a_patent_override_beats_it() {
    let base = engine(&patval::sample::load().unwrap());
    let changed = engine(&sample_with(
        "资产组,智能门锁,分成率,4.5%,新签许可合同提成率,合同 XH-2026-07\n",
    ));
    let g = groups(&base);
    let (b, c) = (base.reconciled_values(), changed.reconciled_values());
    let mut moved = 0;
    for i in 0..base.len() {
        if g[i] == "智能门锁" && b[i] > 0.0 {
            assert!(c[i] > b[i], "patent {i} of the group should rise");
            assert_eq!(changed.base[i].share_rate, 0.045);
            moved += 1;
        } else {
            assert_eq!(c[i], b[i], "patent {i} outside the group must not move");
        }
    }
    assert!(moved >= 5);
    // A patent override beats its group's, and keeps its own basis.
    let first = (0..base.len()).find(|&i| g[i] == "智能门锁").unwrap();
    let no = base.inputs.patent_nos[first].clone();
    let both = engine(&sample_with(&format!(
        "资产组,智能门锁,分成率,4.5%,新签许可合同提成率,\n专利,{no},分成率,2%,该专利仅覆盖辅助功能,技术交底书\n"
    )));
    assert_eq!(both.base[first].share_rate, 0.02);
    let second = (first + 1..base.len())
        .find(|&i| g[i] == "智能门锁")
        .unwrap();
    assert_eq!(both.base[second].share_rate, 0.045);
    let why = both.trace(first).parameters;
    let share = why.iter().find(|p| p.key == "share_rate").unwrap();
    assert_eq!(
        (share.scope.as_str(), share.basis.as_str()),
        ("patent", "该专利仅覆盖辅助功能")
    );
    // The assumptions file's bases come along for keys the table leaves to it.
    let tax = why.iter().find(|p| p.key == "tax_rate").unwrap();
    assert_eq!(tax.scope, "assumptions");
    assert!(tax.source.contains("GR202444200123"));
}

#[test]
fn a_basis_reaches_the_trace_json_and_the_stored_version() {
    let out = Command::new(env!("CARGO_BIN_EXE_patval"))
        .current_dir(root())
        .args([
            "value",
            "--portfolio",
            "sample_data/portfolio.csv",
            "--forecasts",
            "sample_data/forecasts.csv",
            "--cost-items",
            "sample_data/cost_items.csv",
            "--comparables",
            "sample_data/comparables.csv",
            "--assumptions",
            "sample_data/assumptions.toml",
            "--parameters",
            "sample_data/parameters.csv",
            "--trace",
            "CN202410502193.4",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let params = j["traces"][0]["parameters"].as_array().unwrap();
    let gp = params
        .iter()
        .find(|p| p["key"] == "grant_probability")
        .unwrap();
    assert_eq!(gp["scope"], "patent");
    assert!(gp["basis"].as_str().unwrap().contains("审查意见"));
    assert_eq!(gp["row"], 4);

    // Stored: the version keeps the table; a changed basis changes the fingerprint.
    let dir = tempfile::tempdir().unwrap();
    let mut store = patval::store::Store::open(&dir.path().join("s.sqlite3")).unwrap();
    let ds = patval::sample::load().unwrap();
    let v1 = common::save_dataset(&mut store, &ds, "v1");
    let ds2 = sample_with("资产组,智能门锁,分成率,3%,同行业许可合同提成率中位数,\n");
    let v2 = common::save_dataset(&mut store, &ds2, "v2");
    let reopened = store.reopen(&v2.id).unwrap();
    let set = reopened.dataset.parameter_set().unwrap();
    assert!(
        set.entries
            .iter()
            .any(|e| e.basis == "同行业许可合同提成率中位数")
    );
    let ds3 = sample_with("资产组,智能门锁,分成率,3%,另一依据,\n");
    let v3 = common::save_dataset(&mut store, &ds3, "v3");
    assert_ne!(v2.fingerprint, v3.fingerprint);
    // Versions compare by parameter: which changed, where and why.
    let before = store
        .reopen(&v1.id)
        .unwrap()
        .dataset
        .parameter_set()
        .unwrap();
    let changes = patval::model::parameters::diff(&before, &set);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].target, "智能门锁");
    assert_eq!(changes[0].basis, "同行业许可合同提成率中位数");
    let report = store.verify().unwrap();
    assert!(report.ok(), "{:?}", report.problems);
}

#[test]
fn a_hand_set_market_factor_and_an_excluded_comparable_change_the_value_as_the_grid_says() {
    let base = engine(&patval::sample::load().unwrap());
    let i = (0..base.len())
        .find(|&i| {
            base.trace(i)
                .market
                .is_some_and(|m| m.comparables.len() >= 4)
        })
        .unwrap();
    let no = base.inputs.patent_nos[i].clone();
    let m0 = base.trace(i).market.unwrap();
    let first = m0.comparables[0].deal_id.clone();
    let second = m0.comparables[1].deal_id.clone();
    let ds = sample_with(&format!(
        "专利,{no},comparable.{first}.technology,1.5,参照专利为上一代技术，评估对象性能提升约50%,检测报告\n专利,{no},comparable.{second}.exclude,是,关联方交易，价格不公允,交易公告\n"
    ));
    let e = engine(&ds);
    let m = e.trace(i).market.unwrap();
    assert!(m.comparables.iter().all(|c| c.deal_id != second));
    assert_eq!(
        m.excluded,
        vec![(second.clone(), "关联方交易，价格不公允".to_string())]
    );
    let c0 = m.comparables.iter().find(|c| c.deal_id == first).unwrap();
    assert_eq!(c0.technology_factor, 1.5);
    assert_eq!(
        c0.overrides[0].computed,
        m0.comparables[0].technology_factor
    );
    let old = &m0.comparables[0];
    let want = old.adjusted_price / old.technology_factor * 1.5;
    assert!((c0.adjusted_price - want).abs() < 1e-6);
    // The value is the grid's weighted mean of what is left.
    let (w, s) = m.comparables.iter().fold((0.0, 0.0), |(w, s), c| {
        (w + c.weight, s + c.weight * c.adjusted_price)
    });
    let v = e.evaluate(i, &patval::valuation::Tweak::IDENTITY, None);
    assert!((v.market.unwrap() - s / w * m.pending_factor).abs() < 1e-6);
    assert_ne!(
        v.market,
        base.evaluate(i, &patval::valuation::Tweak::IDENTITY, None)
            .market
    );
}

#[test]
fn bad_parameter_rows_are_named_by_row_and_key() {
    let cases = [
        (
            "unknown_key.csv",
            "row 3",
            "\"discount_ratio\" is not a known parameter key",
        ),
        (
            "unknown_group.csv",
            "row 2",
            "asset group \"智能家居\" (key share_rate) is not in the portfolio",
        ),
        (
            "unknown_patent.csv",
            "row 2",
            "patent \"CN209910500001.1\" (key share_rate) is not in the portfolio",
        ),
        (
            "out_of_range.csv",
            "row 2",
            "tax_rate: \"75%\" is outside the allowed range 0% to 60%",
        ),
        ("conflicting_rows.csv", "row 3", "row 2"),
        (
            "misplaced_target.csv",
            "row 2",
            "a portfolio parameter has no target",
        ),
        (
            "misplaced_target.csv",
            "row 3",
            "group share_rate: name the asset group",
        ),
        (
            "patent_only_key.csv",
            "row 2",
            "cost_material is an amount of one patent",
        ),
        ("bad_derivation.csv", "row 2", "takes 4 figures, 2 given"),
        ("missing_basis.csv", "row 2", "required value is missing"),
    ];
    for (file, row, text) in cases {
        let out = Command::new(env!("CARGO_BIN_EXE_patval"))
            .current_dir(root())
            .args([
                "validate",
                "sample_data/portfolio.csv",
                "sample_data/assumptions.toml",
            ])
            .arg(format!("tests/data/bad_parameters/{file}"))
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(1), "{file}: {all}");
        let line = all
            .lines()
            .find(|l| l.contains(text) && l.contains(file))
            .unwrap_or_else(|| panic!("{file}: no line with {text:?}:\n{all}"));
        assert!(line.contains(row), "{file}: {line}");
    }
}

#[test]
fn the_parameter_set_round_trips_through_its_csv() {
    let ds = patval::sample::load().unwrap();
    let set = ds.parameter_set().unwrap();
    assert_eq!(set.entries.len(), 3);
    let opts = ReadOptions::new(ds.assumptions.as_ref().unwrap().valuation_date);
    let t = read_table_bytes(TableKind::Parameters, &set.to_csv(), "p.csv", &opts, None).unwrap();
    let back = ParameterSet::from_table(&t).unwrap();
    assert_eq!(
        back.entries
            .iter()
            .map(|e| (&e.key, &e.value, &e.basis))
            .collect::<Vec<_>>(),
        set.entries
            .iter()
            .map(|e| (&e.key, &e.value, &e.basis))
            .collect::<Vec<_>>()
    );
}
