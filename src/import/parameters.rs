//! The parameters table (`parameters.csv`): text → [`ParameterSet`], with every problem named by
//! row, column and key. The table is read by the same spec-driven reader as the other tables
//! (headers, encodings, row numbers); this module parses the value cell by its key and checks
//! scope and target.

use super::cell;
use super::{Problem, Table};
use crate::model::parameters::{
    Derivation, ON_OFF, ParamEntry, ParamKey, ParamScope, ParamValue, ParameterSet, ValueKind,
};

/// Parses a value cell for a key; the error says what is wrong and what is accepted.
pub fn parse_value(key: &ParamKey, text: &str) -> Result<ParamValue, String> {
    let t = cell::normalize(text);
    let t = t.trim();
    let range = |v: f64, min: f64, max: f64, show: &dyn Fn(f64) -> String| {
        if v.is_finite() && v >= min && v <= max {
            Ok(ParamValue::Number(v))
        } else {
            Err(format!(
                "\"{text}\" is outside the allowed range {} to {} for {}",
                show(min),
                show(max),
                key.code()
            ))
        }
    };
    let pct = |x: f64| format!("{}%", crate::model::parameters::trim_num(x * 100.0));
    let plain = |x: f64| crate::model::parameters::trim_num(x);
    match key.kind() {
        ValueKind::Rate { min, max } => range(cell::parse_rate(t, false)?, min, max, &pct),
        ValueKind::Years { min, max } => range(cell::parse_years(t)?, min, max, &plain),
        ValueKind::Number { min, max } => range(cell::parse_number(t)?, min, max, &plain),
        ValueKind::Money => {
            let v = cell::parse_money(t, 0)?;
            if v < 0.0 {
                Err(format!(
                    "\"{text}\" is negative; an amount must be 0 or more"
                ))
            } else {
                Ok(ParamValue::Number(v))
            }
        }
        ValueKind::Bool => match choice(t, ON_OFF) {
            Some(c) => Ok(ParamValue::Bool(c == "on")),
            None => Err(format!("\"{text}\" is not on/off (是/否)")),
        },
        ValueKind::Choice(options) => match choice(t, options) {
            Some(c) => Ok(ParamValue::Choice(c.to_string())),
            None => Err(format!(
                "\"{text}\" is not one of: {}",
                options
                    .iter()
                    .map(|(c, a)| format!("{c} ({})", a.first().copied().unwrap_or("")))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        },
        ValueKind::FactorOrOff => {
            if choice(t, &[("off", &["否", "不限", "关", "none", "不设上限"])]).is_some() {
                return Ok(ParamValue::Off);
            }
            range(cell::parse_number(t)?, 1.0, 10.0, &plain)
        }
        ValueKind::ShareRate => match parse_derivation(t)? {
            Some(d) => {
                let r = d.rate();
                if (0.0..=1.0).contains(&r) {
                    Ok(ParamValue::Derived(d))
                } else {
                    Err(format!(
                        "\"{text}\" gives a share rate of {}, outside 0%–100%",
                        pct(r)
                    ))
                }
            }
            None => range(cell::parse_rate(t, false)?, 0.0, 1.0, &pct),
        },
    }
}

fn choice<'a>(t: &str, options: &'a [(&'a str, &'a [&'a str])]) -> Option<&'a str> {
    let k = crate::model::label_key(t);
    options
        .iter()
        .find(|(code, aliases)| {
            crate::model::label_key(code) == k
                || aliases.iter().any(|a| crate::model::label_key(a) == k)
        })
        .map(|(c, _)| *c)
}

/// `约当投资(200万元, 50%, 4000万元, 12.5%)`, `利润分成换算(25%, 18%)`, `三分法(18%)`, `四分法`
/// and their English names; `Ok(None)` when the text is no derivation.
fn parse_derivation(t: &str) -> Result<Option<Derivation>, String> {
    let (name, args) = match t.find(['(', '（']) {
        Some(i) => {
            let inner = t[i..]
                .trim_start_matches(['(', '（'])
                .trim_end()
                .strip_suffix([')', '）'])
                .ok_or_else(|| format!("\"{t}\": the derivation's bracket is not closed"))?;
            (t[..i].trim(), inner)
        }
        None => (t, ""),
    };
    let name = crate::model::label_key(name);
    let parts: Vec<&str> = args
        .split([',', '，', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let rate = |s: &str| cell::parse_rate(s, false);
    let money = |s: &str| cell::parse_money(s, 0);
    let want = |n: usize, form: &str| -> Result<(), String> {
        if parts.len() == n {
            Ok(())
        } else {
            Err(format!(
                "\"{t}\": {form} takes {n} figures, {} given",
                parts.len()
            ))
        }
    };
    Ok(Some(match name.as_str() {
        "约当投资" | "约当投资分成法" | "equivalentinvestment" => {
            want(
                4,
                "约当投资(licensor cost, its cost-profit rate, licensee assets, their profit rate)",
            )?;
            Derivation::EquivalentInvestment {
                licensor_cost: money(parts[0])?,
                licensor_rate: rate(parts[1])?,
                licensee_assets: money(parts[2])?,
                licensee_rate: rate(parts[3])?,
            }
        }
        "利润分成换算" | "换算" | "profittorevenue" => {
            want(2, "利润分成换算(profit share, profit margin)")?;
            Derivation::ProfitToRevenue {
                profit_share: rate(parts[0])?,
                margin: rate(parts[1])?,
            }
        }
        "三分法" | "四分法" | "onethird" | "onequarter" => {
            let fraction = if name == "三分法" || name == "onethird" {
                1.0 / 3.0
            } else {
                0.25
            };
            if parts.len() > 1 {
                return Err(format!(
                    "\"{t}\": the rule of thumb takes at most a profit margin"
                ));
            }
            Derivation::RuleOfThumb {
                fraction,
                margin: parts.first().map(|m| rate(m)).transpose()?,
            }
        }
        _ if args.is_empty() => return Ok(None),
        _ => {
            return Err(format!(
                "\"{t}\" is no known derivation (约当投资, 利润分成换算, 三分法, 四分法)"
            ));
        }
    }))
}

/// Checks a key against its scope: amounts of one patent only for a patent, grid cells only
/// for a patent or an asset group.
pub fn scope_problem(scope: ParamScope, key: &ParamKey) -> Option<String> {
    match key {
        ParamKey::Known(code) => {
            let spec = crate::model::parameters::key_spec(code)?;
            (spec.patent_only && scope != ParamScope::Patent).then(|| {
                format!(
                    "{code} is an amount of one patent: set it with scope patent (专利), not {}",
                    scope.code()
                )
            })
        }
        ParamKey::Comparable { .. } => (scope == ParamScope::Portfolio).then(|| {
            format!(
                "{} is a cell of one patent's market grid: set it for a patent or an asset group",
                key.code()
            )
        }),
    }
}

fn strs(t: &Table, name: &str) -> Vec<Option<String>> {
    t.df.column(name)
        .ok()
        .and_then(|c| {
            c.str()
                .ok()
                .map(|s| s.iter().map(|v| v.map(str::to_string)).collect())
        })
        .unwrap_or_default()
}

fn rows(t: &Table) -> Vec<u32> {
    t.df.column(super::SOURCE_ROW)
        .ok()
        .and_then(|c| {
            c.u32()
                .ok()
                .map(|s| s.iter().map(|v| v.unwrap_or(0)).collect())
        })
        .unwrap_or_default()
}

impl ParameterSet {
    /// Builds the set from a loaded parameters table. The reader has already checked every
    /// key, value and scope (rules.rs), so a failure here names the row as an internal error.
    pub fn from_table(t: &Table) -> Result<Self, Box<Problem>> {
        let (scopes, targets, keys, values) = (
            t.codes("scope")
                .unwrap_or_default()
                .into_iter()
                .map(|c| c.map(str::to_string))
                .collect::<Vec<_>>(),
            strs(t, "target"),
            strs(t, "key"),
            strs(t, "value"),
        );
        let (bases, sources, rows) = (strs(t, "basis"), strs(t, "source"), rows(t));
        let mut out = ParameterSet::default();
        for i in 0..rows.len() {
            let row = rows[i];
            let bad = |m: String| Box::new(t.problem_at(row as usize, "key", m));
            let scope = scopes[i]
                .as_deref()
                .and_then(ParamScope::from_code)
                .ok_or_else(|| bad("scope is missing".into()))?;
            let key_text = keys[i].clone().unwrap_or_default();
            let key = ParamKey::parse(&key_text)
                .ok_or_else(|| bad(format!("unknown key \"{key_text}\"")))?;
            let text = values[i].clone().unwrap_or_default();
            let value = parse_value(&key, &text).map_err(bad)?;
            let target = targets[i].clone().unwrap_or_default();
            out.entries.push(ParamEntry {
                scope,
                target: match scope {
                    ParamScope::Patent => cell::normalize_patent_no(&target),
                    _ => target.trim().to_string(),
                },
                key,
                value,
                text,
                basis: bases[i].clone().unwrap_or_default(),
                source: sources[i].clone().unwrap_or_default(),
                row,
            });
        }
        Ok(out)
    }
}

/// Rows whose target is no asset group or patent of the portfolio.
pub fn unknown_targets(
    t: &Table,
    set: &ParameterSet,
    patents: &dyn super::cross::Known,
    groups: &dyn super::cross::Known,
) -> Vec<Problem> {
    let mut out = Vec::new();
    for e in &set.entries {
        let (known, what) = match e.scope {
            ParamScope::Portfolio => continue,
            ParamScope::Group => (groups.has(e.target.as_str()), "asset group"),
            ParamScope::Patent => (patents.has(e.target.as_str()), "patent"),
        };
        if !known {
            out.push(t.problem_at(
                e.row as usize,
                "target",
                format!(
                    "{} \"{}\" (key {}) is not in the portfolio",
                    what,
                    e.target,
                    e.key.code()
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> ParamKey {
        ParamKey::parse(s).unwrap()
    }

    #[test]
    fn values_parse_by_kind() {
        assert_eq!(
            parse_value(&key("折现率"), "12.5%").unwrap(),
            ParamValue::Number(0.125)
        );
        assert_eq!(
            parse_value(&key("remaining_life"), "8年").unwrap(),
            ParamValue::Number(8.0)
        );
        assert_eq!(
            parse_value(&key("cost_material"), "12.5万元").unwrap(),
            ParamValue::Number(125_000.0)
        );
        assert_eq!(
            parse_value(&key("收益法类型"), "超额收益法").unwrap(),
            ParamValue::Choice("excess_earnings".into())
        );
        assert_eq!(
            parse_value(&key("max_factor"), "off").unwrap(),
            ParamValue::Off
        );
        assert_eq!(
            parse_value(&key("成本法启用"), "否").unwrap(),
            ParamValue::Bool(false)
        );
        let e = parse_value(&key("tax_rate"), "75%").unwrap_err();
        assert!(e.contains("outside the allowed range 0% to 60%"), "{e}");
        let e = parse_value(&key("conclusion"), "maybe").unwrap_err();
        assert!(e.contains("not one of"), "{e}");
    }

    #[test]
    fn derivations_parse_with_their_inputs() {
        let v = parse_value(
            &key("share_rate"),
            "约当投资(200万元, 50%, 4000万元, 12.5%)",
        )
        .unwrap();
        assert!((v.number().unwrap() - 0.0625).abs() < 1e-15);
        let v = parse_value(&key("share_rate"), "利润分成换算(25%, 20%)").unwrap();
        assert!((v.number().unwrap() - 0.05).abs() < 1e-15);
        let v = parse_value(&key("share_rate"), "三分法").unwrap();
        assert!((v.number().unwrap() - 1.0 / 3.0).abs() < 1e-15);
        let v = parse_value(&key("share_rate"), "四分法(20%)").unwrap();
        assert!((v.number().unwrap() - 0.05).abs() < 1e-15);
        let e = parse_value(&key("share_rate"), "约当投资(200, 50%)").unwrap_err();
        assert!(e.contains("takes 4 figures, 2 given"), "{e}");
        let e = parse_value(&key("share_rate"), "黄金分割(3)").unwrap_err();
        assert!(e.contains("no known derivation"), "{e}");
    }

    #[test]
    fn scope_rules() {
        assert!(scope_problem(ParamScope::Group, &key("cost_material")).is_some());
        assert!(scope_problem(ParamScope::Patent, &key("cost_material")).is_none());
        assert!(scope_problem(ParamScope::Portfolio, &key("comparable.T1.exclude")).is_some());
    }
}
