//! Bank side: the value bridge sums to the gap to the cent, the Shenzhen profile's rates and cap
//! on the worked example of docs/bank.md, a lapsed patent drops coverage, and the CLI commands.

use crate::common;

use std::process::{Command, Output};

use patval::import::{ReadOptions, TableKind};
use patval::pledge::credit::{allocate, expected_recovery};
use patval::pledge::crosscheck::{ExternalSide, FirmInputs, Step, crosscheck};
use patval::pledge::monitor::{FlagKind, monitor};
use patval::pledge::{Collateral, ExternalAppraisal, Loan, Policy, fen, pledge};
use patval::valuation::{Engine, Methods, Tweak};

fn patval(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_patval"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run patval")
}

fn sample_engine(change: impl FnOnce(&mut patval::model::Assumptions)) -> Engine {
    let ds = patval::sample::load().unwrap();
    let mut a = ds.assumptions.clone().unwrap();
    change(&mut a);
    Engine::new(&ds, &a, Methods::default(), None).unwrap()
}

fn external_csv() -> ExternalAppraisal {
    let bank = sample_engine(|_| {});
    let opts = ReadOptions::new(bank.assumptions.valuation_date);
    ExternalAppraisal::read(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample_data/external_appraisal.csv"),
        &opts,
    )
    .unwrap()
}

fn sum_fen(c: &patval::pledge::CrossCheck) -> i64 {
    c.bridge.iter().map(|s| s.delta_fen).sum()
}

#[test]
fn the_bridge_sums_to_the_gap_to_the_cent() {
    // The bank differs from the outside firm in every key assumption.
    let bank = sample_engine(|a| {
        a.discount.technology_risk += 0.02;
        a.share_rate.high -= 0.01;
        a.method_weights.cost = 0.4;
        a.economic_life.max_years = a.economic_life.max_years.min(8.0);
    });
    let firm = sample_engine(|_| {});
    let ext = ExternalSide::from_engine("firm", firm.clone());
    let c = crosscheck(&bank, &ext, 0.2);
    assert_eq!(sum_fen(&c), c.gap_fen, "version: steps sum to the gap");
    assert_eq!(
        c.gap_fen,
        fen(bank.total(&Tweak::IDENTITY)) - fen(firm.total(&Tweak::IDENTITY))
    );
    let step = |s: Step| c.bridge.iter().find(|b| b.step == s).unwrap().delta_fen;
    assert_eq!(
        step(Step::Recompute),
        0,
        "a patval version re-computes exactly"
    );
    assert!(
        step(Step::DiscountRate) < 0,
        "a higher discount rate lowers value"
    );
    assert!(step(Step::ShareRate) < 0);
    assert_ne!(step(Step::Weights), 0);
    // Each step's to/from chain from the reported total to the bank's total.
    assert_eq!(c.bridge.first().unwrap().from, c.external_total);
    assert_eq!(c.bridge.last().unwrap().to, c.bank_total);
    for w in c.bridge.windows(2) {
        assert_eq!(w[0].to, w[1].from);
    }

    // From the external CSV: stated rates and lives only, so nothing is left for other inputs.
    let bank = sample_engine(|_| {});
    let ext = ExternalSide::from_csv(&bank, &external_csv(), FirmInputs::default()).unwrap();
    let c = crosscheck(&bank, &ext, 0.2);
    assert_eq!(sum_fen(&c), c.gap_fen, "csv: steps sum to the gap");
    assert_eq!(
        c.gap_fen,
        fen(bank.total(&Tweak::IDENTITY)) - fen(external_csv().total())
    );
    let step = |s: Step| c.bridge.iter().find(|b| b.step == s).unwrap().delta_fen;
    assert_eq!(step(Step::Other), 0);
    assert_eq!(step(Step::Revenue), 0);
    assert_eq!(step(Step::Weights), 0);
    assert!(
        step(Step::DiscountRate) < 0,
        "the firm's 11% is below the bank's rate"
    );
    assert!(step(Step::Life) < 0, "the firm's lives are longer");
}

#[test]
fn only_the_changed_assumption_moves_the_bridge() {
    let bank = sample_engine(|a| a.discount.market_risk += 0.03);
    let ext = ExternalSide::from_engine("firm", sample_engine(|_| {}));
    let c = crosscheck(&bank, &ext, 0.2);
    for s in &c.bridge {
        if s.step == Step::DiscountRate {
            assert_eq!(s.delta_fen, c.gap_fen);
        } else {
            assert_eq!(s.delta_fen, 0, "{:?}", s.step);
        }
    }
}

#[test]
fn deviations_flag_the_lapsed_patent_and_large_gaps() {
    let bank = sample_engine(|_| {});
    let ext = ExternalSide::from_csv(&bank, &external_csv(), FirmInputs::default()).unwrap();
    let c = crosscheck(&bank, &ext, 0.2);
    let lapsed = c
        .deviations
        .iter()
        .find(|d| d.patent_no == "CN201920501099.1")
        .unwrap();
    assert!(lapsed.flagged && lapsed.reason == "the bank values it at 0");
    for d in &c.deviations {
        if let Some(r) = d.relative {
            assert_eq!(d.flagged, r.abs() > 0.2, "{}", d.patent_no);
        }
    }
    // A higher threshold flags fewer.
    assert!(crosscheck(&bank, &ext, 0.5).flagged < c.flagged);
}

#[test]
fn worked_example_matches_docs_bank_to_the_cent() {
    let checks = common::doc_checks("docs/bank.md");
    let want = |k: &str| *checks.get(k).unwrap_or_else(|| panic!("no check:{k}"));
    let p = Policy::shenzhen();
    let (paths, r) = expected_recovery(6_000_000.0, &p);
    common::assert_close("pv_licence", paths[0].present_value, want("pv_licence"), 2);
    common::assert_close("pv_auction", paths[1].present_value, want("pv_auction"), 2);
    common::assert_close(
        "pv_transfer",
        paths[2].present_value,
        want("pv_transfer"),
        2,
    );
    common::assert_close("pv_equity", paths[3].present_value, want("pv_equity"), 2);
    // The four paths of the Shenzhen 2023 guideline (第十一条).
    let names: Vec<&str> = paths.iter().map(|p| p.name_zh.as_str()).collect();
    assert_eq!(
        names,
        [
            "许可回租（许可实施）",
            "拍卖/转让",
            "转移转化",
            "质权转股（债转股）"
        ]
    );
    assert_eq!(r, want("recovery"));
    let a = allocate(5_000_000.0, r, 0.0, &p, Collateral::IpOnly);
    assert_eq!(a.shortfall, want("shortfall"));
    assert_eq!(a.fund, want("fund_ip"));
    assert_eq!(fen(0.03 * a.bank_loss), fen(want("el_ip")));
    let a = allocate(5_000_000.0, r, 0.0, &p, Collateral::Mixed);
    assert_eq!(a.fund, want("fund_mixed"));
    assert_eq!(fen(0.03 * a.bank_loss), fen(want("el_mixed")));
    let a = allocate(10_000_000.0, 4_000_000.0, 0.0, &p, Collateral::IpOnly);
    assert_eq!(a.fund, want("fund_capped"));
    let v = patval::pledge::credit::recognised_value(12_000_000.0, 1_250_000.0, 500_000.0);
    assert_eq!(v, want("recognised"));
    let ratio = patval::pledge::credit::pledge_ratio(5_000_000.0, v).unwrap();
    common::assert_close(
        "pledge_ratio_pct",
        ratio * 100.0,
        want("pledge_ratio_pct"),
        2,
    );
    // Claims above the value leave nothing, never a negative value; no ratio on nothing.
    assert_eq!(
        patval::pledge::credit::recognised_value(1_000.0, 600.0, 600.0),
        0.0
    );
    assert_eq!(patval::pledge::credit::pledge_ratio(5_000_000.0, 0.0), None);
}

#[test]
fn pledge_limits_follow_type_and_band_and_the_loss_reconciles() {
    let bank = sample_engine(|_| {});
    let values: Vec<f64> = bank
        .evaluate_all(&Tweak::IDENTITY)
        .iter()
        .map(|v| v.reconciled.unwrap_or(0.0))
        .collect();
    let p = Policy::shenzhen();
    let loan = Loan {
        exposure: 12_000_000.0,
        pd: 0.03,
        collateral: Collateral::IpOnly,
        guarantee_share: 0.0,
        insurance_share: 0.0,
    };
    let r = pledge(&bank, &values, &p, &loan).unwrap();
    for pp in &r.patents {
        let pending = pp.status == patval::model::LegalStatus::Pending;
        let dead = matches!(
            pp.status,
            patval::model::LegalStatus::Lapsed | patval::model::LegalStatus::Invalidated
        );
        let rate = if dead {
            0.0
        } else {
            p.pledge_rate(pp.patent_type, p.band(pp.score), pending)
        };
        assert_eq!(pp.pledge_rate, rate, "{}", pp.patent_no);
        assert!((pp.credit_limit - pp.accepted * rate).abs() < 1e-9);
    }
    let al = &r.allocation;
    assert_eq!(
        fen(al.to_bank) + fen(al.guarantor) + fen(al.fund) + fen(al.bank_loss),
        fen(loan.exposure)
    );
    assert_eq!(
        r.expected_loss,
        patval::pledge::yuan(fen(loan.pd * al.bank_loss))
    );
    assert!((r.coverage - r.accepted_total / loan.exposure).abs() < 1e-12);
}

#[test]
fn a_lapsed_patent_drops_coverage() {
    let before = sample_engine(|_| {});
    // The most valuable granted patent lapses after the loan is granted.
    let values = before.evaluate_all(&Tweak::IDENTITY);
    let (i, _) = values
        .iter()
        .enumerate()
        .filter(|(i, _)| before.inputs.patents[*i].status == patval::model::LegalStatus::Granted)
        .max_by(|a, b| a.1.reconciled.partial_cmp(&b.1.reconciled).unwrap())
        .unwrap();
    let no = before.inputs.patent_nos[i].clone();
    let text = String::from_utf8(patval::sample::PORTFOLIO.to_vec()).unwrap();
    let changed: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with(&no) {
                l.replace(",有效,", ",失效,")
            } else {
                l.to_string()
            }
        })
        .collect();
    assert_ne!(changed.join("\n"), text.trim_end(), "the row changed");
    let mut ds = patval::sample::load().unwrap();
    let a = ds.assumptions.clone().unwrap();
    let t = patval::import::read_table_bytes(
        TableKind::Portfolio,
        (changed.join("\n") + "\n").as_bytes(),
        "portfolio.csv",
        &ReadOptions::new(a.valuation_date),
        None,
    )
    .unwrap();
    ds.set_table(t);
    let after = Engine::new(&ds, &a, Methods::default(), None).unwrap();
    let loan = Loan {
        exposure: 8_000_000.0,
        pd: 0.02,
        collateral: Collateral::IpOnly,
        guarantee_share: 0.0,
        insurance_share: 0.0,
    };
    let m = monitor(&before, &after, &Policy::shenzhen(), &loan).unwrap();
    let f = m.flags.iter().find(|f| f.patent_no == no).expect("flagged");
    assert_eq!(f.kind, FlagKind::Lapsed);
    assert!(f.before > 0.0 && f.after == 0.0);
    assert!(m.after.coverage < m.before.coverage, "coverage drops");
    assert!(m.coverage_change < 0.0 && m.credit_limit_change < 0.0);
    assert!(m.after.expected_loss >= m.before.expected_loss);
}

#[test]
fn cli_crosscheck_pledge_and_monitor() {
    let s = "sample_data/";
    let inputs = [
        "--portfolio",
        &format!("{s}portfolio.csv"),
        "--forecasts",
        &format!("{s}forecasts.csv"),
        "--comparables",
        &format!("{s}comparables.csv"),
        "--cost-items",
        &format!("{s}cost_items.csv"),
        "--assumptions",
        &format!("{s}assumptions.toml"),
    ]
    .map(String::from);
    let run = |cmd: &str, extra: &[&str]| {
        let mut args: Vec<&str> = vec![cmd];
        args.extend(inputs.iter().map(String::as_str));
        args.extend(extra);
        patval(&args)
    };
    let o = run(
        "crosscheck",
        &["--external", "sample_data/external_appraisal.csv", "--json"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let steps: i64 = j["bridge"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["delta_fen"].as_i64().unwrap())
        .sum();
    assert_eq!(steps, j["gap_fen"].as_i64().unwrap());
    let o = run(
        "crosscheck",
        &["--external", "sample_data/external_appraisal.csv"],
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("value bridge") && text.contains("discount rate"),
        "{text}"
    );
    assert!(text.contains("value bridge by patent"), "{text}");

    // The firm's own parameters table, with its bases; one naming an unknown asset group is
    // refused with its file, row and column.
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("firm_parameters.csv");
    std::fs::write(
        &good,
        "范围,对象,参数,取值,依据,来源\n资产组,电池管理系统,分成率,4%,行业许可费率统计,外部评估说明\n",
    )
    .unwrap();
    let firm = [
        "--external",
        "sample_data/external_appraisal.csv",
        "--external-parameters",
    ];
    let o = run(
        "crosscheck",
        &[&firm[..], &[good.to_str().unwrap()]].concat(),
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        text.contains("parameters the firm stated") && text.contains("行业许可费率统计"),
        "{text}"
    );
    let bad = dir.path().join("bad_parameters.csv");
    std::fs::write(
        &bad,
        "范围,对象,参数,取值,依据,来源\n资产组,不存在的产品线,分成率,4%,行业许可费率统计,\n",
    )
    .unwrap();
    let o = run(
        "crosscheck",
        &[&firm[..], &[bad.to_str().unwrap()]].concat(),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains("bad_parameters.csv")
            && err.contains("row 2")
            && err.contains("不存在的产品线"),
        "{err}"
    );

    let o = run(
        "pledge",
        &[
            "--exposure",
            "800万元",
            "--pd",
            "3%",
            "--collateral",
            "mixed",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["loan"]["exposure"].as_f64(), Some(8_000_000.0));
    assert_eq!(j["allocation"]["fund_share"].as_f64(), Some(0.2));
    assert!(j["credit_limit"].as_f64().unwrap() > 0.0);

    // Bad input: the external CSV's problem names the file, row and column.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("ext.csv");
    std::fs::write(
        &bad,
        "专利号,评估值(万元),折现率\nCN201710500001.6,abc,11%\n",
    )
    .unwrap();
    let o = run("crosscheck", &["--external", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("ext.csv") && err.contains("row 2") && err.contains("评估值"),
        "{err}"
    );
    // A bad policy file says which key.
    let pol = dir.path().join("p.toml");
    std::fs::write(
        &pol,
        Policy::shenzhen()
            .to_toml()
            .replace("mixed_share = 0.2", "mixed_share = 2.0"),
    )
    .unwrap();
    let o = run(
        "pledge",
        &[
            "--exposure",
            "1000000",
            "--pd",
            "0.03",
            "--policy",
            pol.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("compensation.mixed_share = 2 is outside 0–1")
    );

    // Monitor a stored version a year on, with the same inputs.
    let db = dir.path().join("s.db");
    let mut args: Vec<&str> = vec!["save"];
    args.extend(inputs.iter().map(String::as_str));
    args.extend([
        "--db",
        db.to_str().unwrap(),
        "--case",
        "c",
        "--borrower",
        "b",
        "--appraiser",
        "a",
        "--json",
    ]);
    let o = patval(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let saved: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let id = saved["version"]["id"]
        .as_str()
        .expect("version id")
        .to_string();
    let o = patval(&[
        "monitor",
        &id,
        "--db",
        db.to_str().unwrap(),
        "--valuation-date",
        "2027-09-30",
        "--exposure",
        "600万元",
        "--pd",
        "0.03",
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(j["before"]["coverage"].as_f64().unwrap() > 0.0);
    assert!(j["flags"].is_array());
}

#[test]
fn patents_on_one_side_only_are_flagged_and_counted_in_the_gap() {
    let bank = sample_engine(|_| {});
    let opts = ReadOptions::new(bank.assumptions.valuation_date);
    // The firm lists one patent the bank does not have and leaves out all but two of the rest.
    let csv = "patent_no,value\nCN201710500001.6,1500000\nCN201810500139.0,1200000\nCN209999999999.9,800000\n";
    let ext = ExternalAppraisal::from_bytes(csv.as_bytes(), "ext.csv", &opts).unwrap();
    let side = ExternalSide::from_csv(&bank, &ext, FirmInputs::default()).unwrap();
    let c = crosscheck(&bank, &side, 0.2);
    let extra = c
        .deviations
        .iter()
        .find(|d| d.patent_no == "CN209999999999.9")
        .unwrap();
    assert!(extra.flagged && extra.bank.is_none() && extra.reason == "not in the bank's portfolio");
    let missing = c.deviations.iter().filter(|d| d.external.is_none()).count();
    assert_eq!(missing, bank.len() - 2);
    assert!(
        c.deviations
            .iter()
            .filter(|d| d.external.is_none())
            .all(|d| d.flagged)
    );
    assert_eq!(c.external_total, 3_500_000.0);
    assert_eq!(sum_fen(&c), c.gap_fen);
    // With no stated figures, the re-computation step carries the whole gap.
    assert_eq!(c.bridge[0].delta_fen, c.gap_fen);
}

#[test]
fn the_bridge_goes_patent_by_patent_where_the_firm_stated_figures() {
    let bank = sample_engine(|_| {});
    let csv = external_csv();
    let ext = ExternalSide::from_csv(&bank, &csv, FirmInputs::default()).unwrap();
    // The firm's per-patent figures are patent rows of the parameters model, with their row.
    let first = &csv.rows[0];
    let no = patval::import::cell::normalize_patent_no(&first.patent_no);
    let key = patval::model::parameters::ParamKey::Known("discount_rate".into());
    let row = ext
        .stated
        .get(patval::model::parameters::ParamScope::Patent, &no, &key)
        .expect("the stated discount rate is a patent row");
    assert_eq!(row.source, format!("{}，第 2 行", csv.file));
    let c = crosscheck(&bank, &ext, 0.2);
    assert!(!c.patents.is_empty());
    let bank_values = bank.reconciled_values();
    for p in &c.patents {
        let own: i64 = p.deltas_fen.iter().map(|(_, d)| d).sum();
        assert_eq!(own, fen(p.bank) - fen(p.reported), "{}", p.patent_no);
        let i = bank.find(&p.patent_no).unwrap();
        assert_eq!(fen(p.bank), fen(bank_values[i]));
    }
    let p = c.patents.iter().find(|p| p.patent_no == no).unwrap();
    assert!(
        p.stated.iter().any(|k| k == "discount_rate"),
        "{:?}",
        p.stated
    );
    // Added over patents, each step is the portfolio step up to each patent's rounding.
    for s in &c.bridge {
        let sum: i64 = c
            .patents
            .iter()
            .flat_map(|p| p.deltas_fen.iter())
            .filter(|(st, _)| *st == s.step)
            .map(|(_, d)| d)
            .sum();
        assert!(
            (sum - s.delta_fen).abs() <= c.patents.len() as i64,
            "{:?}: {sum} vs {}",
            s.step,
            s.delta_fen
        );
    }
    // The stated figure sits beside the one the bank used, with both bases.
    let gap = c
        .parameters
        .iter()
        .find(|g| g.target == no && g.key == "discount_rate")
        .unwrap();
    assert_eq!(gap.firm_basis, "外部评估报告所载");
    let i = bank.find(&no).unwrap();
    assert_eq!(gap.bank_effective, Some(bank.base[i].discount.rate));
}

#[test]
fn a_firm_group_parameter_moves_only_that_groups_patents() {
    use patval::model::parameters::{ParamEntry, ParamKey, ParamScope, ParamValue, ParameterSet};
    let bank = sample_engine(|_| {});
    // The firm reported the bank's own values and stated no per-patent figures …
    let values = bank.reconciled_values();
    let csv = ExternalAppraisal {
        file: "firm.csv".into(),
        rows: (0..bank.len())
            .map(|i| patval::pledge::external::ExternalRow {
                patent_no: bank.inputs.patent_nos[i].clone(),
                value: values[i],
                discount_rate: None,
                share_rate: None,
                remaining_life: None,
                source_row: i as u32 + 2,
            })
            .collect(),
    };
    // … but a 20 % discount rate for one asset group, with its basis.
    let group = bank.group_name(0).to_string();
    let mut firm = ParameterSet::default();
    firm.set(ParamEntry {
        scope: ParamScope::Group,
        target: group.clone(),
        key: ParamKey::Known("discount_rate".into()),
        value: ParamValue::Number(0.20),
        text: "20%".into(),
        basis: "行业平均回报率加风险溢价".into(),
        source: "外部评估说明第 12 页".into(),
        row: 2,
    });
    let inputs = FirmInputs {
        parameters: Some(&firm),
        ..FirmInputs::default()
    };
    let ext = ExternalSide::from_csv(&bank, &csv, inputs).unwrap();
    for i in 0..bank.len() {
        let rate = ext.engine.base[i].discount.rate;
        if bank.group_name(i) == group {
            assert!((rate - 0.20).abs() < 1e-12, "{}", bank.inputs.patent_nos[i]);
        } else {
            assert_eq!(rate, bank.base[i].discount.rate);
        }
    }
    let c = crosscheck(&bank, &ext, 0.2);
    let moved: Vec<&str> = c
        .patents
        .iter()
        .filter(|p| {
            p.deltas_fen
                .iter()
                .any(|(s, d)| *s == Step::DiscountRate && *d != 0)
        })
        .map(|p| p.patent_no.as_str())
        .collect();
    assert!(!moved.is_empty());
    for no in moved {
        let i = bank.find(no).unwrap();
        assert_eq!(bank.group_name(i), group, "{no} is outside the group");
    }
    let gap = &c.parameters[0];
    assert_eq!(
        (gap.firm_value.as_str(), gap.firm_basis.as_str()),
        ("20%", "行业平均回报率加风险溢价")
    );
}
