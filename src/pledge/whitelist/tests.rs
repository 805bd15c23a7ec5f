use super::*;

fn fact(t: PatentType, s: LegalStatus, score: f64, value: f64) -> PatentFacts {
    PatentFacts {
        patent_type: t,
        status: s,
        score,
        value,
    }
}

const INV: PatentType = PatentType::Invention;
const UM: PatentType = PatentType::UtilityModel;
const GR: LegalStatus = LegalStatus::Granted;
const LA: LegalStatus = LegalStatus::Lapsed;

#[test]
fn firms_gather_their_patents_in_order() {
    let (offsets, members) = members_of(&[1, 0, 1, 2, 0], 3);
    assert_eq!(offsets, vec![0, 2, 4, 5]);
    assert_eq!(members, vec![1, 4, 0, 2, 3]);
}

#[test]
fn a_firm_sums_values_and_limits_and_weights_the_degree_by_value() {
    // Shenzhen: invention band A (≥ 80) 50 %, utility model band B (≥ 65) 30 %.
    let facts = [
        fact(INV, GR, 82.0, 1_200_000.0),
        fact(UM, GR, 70.0, 300_000.0),
        fact(INV, LA, 20.0, 55_000.0),
    ];
    let a = aggregate("F1", &[0, 1, 2], &facts, &Policy::shenzhen());
    assert_eq!(a.value, 1_500_000.0, "a lapsed patent counts 0");
    assert_eq!(a.credit_limit, 690_000.0);
    assert_eq!(a.value_degree, 79.6);
    assert_eq!((a.granted_inventions, a.by_status.lapsed), (1, 1));
    assert!((a.lapsed_share - 1.0 / 3.0).abs() < 1e-15);
    // Nothing of value: the plain mean of the scores.
    let a = aggregate("F2", &[2], &facts, &Policy::shenzhen());
    assert_eq!((a.value, a.value_degree), (0.0, 20.0));
}

#[test]
fn thresholds_say_what_failed_in_both_languages() {
    let facts = [fact(UM, GR, 60.0, 100_000.0), fact(UM, LA, 10.0, 0.0)];
    let a = aggregate("F9", &[0, 1], &facts, &Policy::shenzhen());
    let rule = WhitelistRule {
        min_granted_inventions: 1,
        max_lapsed_share: 0.4,
        ..WhitelistRule::default()
    }
    .resolved(&Policy::shenzhen());
    let failed = failures(&a, &rule);
    let checks: Vec<Check> = failed.iter().map(|f| f.check).collect();
    assert_eq!(
        checks,
        vec![
            Check::GrantedInventions,
            Check::CreditLimit,
            Check::LapsedShare
        ]
    );
    assert_eq!(
        failed[0].detail,
        "0 granted invention patents, fewer than 1"
    );
    assert_eq!(failed[0].detail_zh, "有效发明专利 0 件，少于 1 件");
    assert_eq!(
        failed[1].detail_zh,
        "指示性授信额度 2.00万元，低于 100.00万元"
    );
    assert_eq!(
        failed[2].detail,
        "50.0% of patents lapsed or invalidated, above 40.0%"
    );
    // The value degree (value-weighted: 60) is above the Shenzhen band C floor of 50.
    assert_eq!(rule.min_value_degree, Some(50.0));
}

#[test]
fn ranks_follow_the_credit_limit_then_the_firm_id() {
    let facts = [
        fact(INV, GR, 85.0, 3_000_000.0), // B: 1,500,000
        fact(INV, GR, 85.0, 2_000_000.0), // A: 1,000,000
        fact(INV, GR, 85.0, 2_000_000.0), // C: 1,000,000
        fact(UM, LA, 85.0, 9_000_000.0),  // D: lapsed, 0
    ];
    let firms = Firms {
        ids: ["B", "A", "C", "D"].map(String::from).to_vec(),
        of: vec![0, 1, 2, 3],
    };
    let w = assess(
        &facts,
        &firms,
        &Policy::shenzhen(),
        &WhitelistRule::default(),
    )
    .unwrap();
    let order: Vec<(&str, u32, bool)> = w
        .firms
        .iter()
        .map(|a| (a.firm_id.as_str(), a.rank, a.whitelisted))
        .collect();
    assert_eq!(
        order,
        vec![
            ("B", 1, true),
            ("A", 2, true),
            ("C", 3, true),
            ("D", 4, false)
        ]
    );
    let s = &w.summary;
    assert_eq!((s.firms, s.patents, s.whitelisted), (4, 4, 3));
    assert_eq!(s.whitelisted_credit_limit, 3_500_000.0);
    assert_eq!(s.value, 7_000_000.0);
    let failed: Vec<(Check, usize)> = s.failed.iter().map(|c| (c.check, c.firms)).collect();
    assert!(failed.contains(&(Check::Granted, 1)));
    assert!(failed.contains(&(Check::LapsedShare, 1)));
}

#[test]
fn bad_rules_and_mismatched_firms_are_refused() {
    let rule = WhitelistRule {
        min_value_degree: Some(120.0),
        max_lapsed_share: 2.0,
        ..WhitelistRule::default()
    };
    let e = rule.check().unwrap_err().to_string();
    assert_eq!(
        e,
        "minimum value degree 120 is outside 0–100; maximum lapsed share 2 is outside 0–1"
    );
    let firms = Firms {
        ids: vec!["A".into()],
        of: vec![0, 1],
    };
    let facts = [fact(INV, GR, 80.0, 1.0), fact(INV, GR, 80.0, 1.0)];
    assert!(
        assess(
            &facts,
            &firms,
            &Policy::shenzhen(),
            &WhitelistRule::default()
        )
        .is_err()
    );
}

#[test]
fn the_chinese_summary_has_no_english_words_of_its_own() {
    let facts = [fact(INV, GR, 85.0, 3_000_000.0), fact(UM, LA, 30.0, 0.0)];
    let firms = Firms {
        ids: vec!["企业甲".into(), "企业乙".into()],
        of: vec![0, 1],
    };
    let w = assess(
        &facts,
        &firms,
        &Policy::shenzhen(),
        &WhitelistRule::default(),
    )
    .unwrap();
    let md = summary_zh(&w, 5);
    assert!(md.contains("入选白名单 1 家（占 50.0%）"), "{md}");
    assert!(md.contains("| 1 | 企业甲 | 1 | 1 | 300.00万元 | 85.00 | 150.00万元 |"));
    assert!(!md.chars().any(|c| c.is_ascii_alphabetic()), "{md}");
}
