//! The panel rule (docs/store.md): who may sit on a review panel of a case, what the rule warns
//! about a hand-picked member, and the conclusion a panel's signed verdicts give under its
//! decision rule. Pure functions over the registry; `panels` stores what they decide.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::StoreError;
use super::experts::{Expert, Registry, normalise_ipc};

/// How a panel concludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The verdict given by more than half of the members.
    Majority,
    /// Every member's verdict, when they all agree.
    Unanimity,
    /// The chair's verdict.
    Chair,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Decision::Majority, Decision::Unanimity, Decision::Chair];

    pub fn key(self) -> &'static str {
        match self {
            Decision::Majority => "majority",
            Decision::Unanimity => "unanimity",
            Decision::Chair => "chair",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Decision::Majority => "多数决",
            Decision::Unanimity => "一致同意",
            Decision::Chair => "组长决定",
        }
    }

    pub fn parse(s: &str) -> Result<Self, StoreError> {
        Self::ALL
            .into_iter()
            .find(|d| d.key() == s.trim() || d.label_zh() == s.trim())
            .ok_or_else(|| {
                StoreError::Invalid(format!(
                    "panel rule \"{s}\" is not one of majority, unanimity, chair"
                ))
            })
    }
}

/// How severe a verdict is, for the tie rule.
fn severity(v: &str) -> u8 {
    match v {
        "reject" => 2,
        "revise" => 1,
        _ => 0,
    }
}

/// The panel's conclusion from its members' verdicts (expert id → verdict), or why there is
/// none yet. Once every member has returned without the rule being met, the most severe verdict
/// given stands (reject over revise over approve).
pub fn conclude(
    decision: Decision,
    members: &[String],
    chair: &str,
    verdicts: &BTreeMap<String, String>,
) -> Result<String, Pending> {
    let n = members.len();
    let given: Vec<&String> = members.iter().filter_map(|m| verdicts.get(m)).collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for v in &given {
        *counts.entry(v.as_str()).or_default() += 1;
    }
    let all_in = given.len() == n && n > 0;
    let severest = || {
        given
            .iter()
            .max_by_key(|v| severity(v))
            .map(|v| v.to_string())
            .ok_or(Pending::NoVerdicts)
    };
    match decision {
        Decision::Chair => verdicts.get(chair).cloned().ok_or(Pending::Chair),
        Decision::Majority => {
            if let Some((v, _)) = counts.iter().find(|(_, c)| 2 * **c > n) {
                return Ok(v.to_string());
            }
            if all_in {
                return severest();
            }
            Err(Pending::NoMajority {
                members: n,
                returned: given.len(),
            })
        }
        Decision::Unanimity => {
            if all_in {
                return severest();
            }
            Err(Pending::Waiting {
                members: n,
                returned: given.len(),
            })
        }
    }
}

/// An expert considered for a panel.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub expert: Expert,
    /// Patents of the portfolio whose IPC code falls in the expert's fields.
    pub matched: usize,
    /// Why the expert conflicts with this case (empty: none).
    pub conflicts: Vec<Conflict>,
    pub has_key: bool,
}

fn same(a: &str, b: &str) -> bool {
    !a.trim().is_empty() && a.trim().eq_ignore_ascii_case(b.trim())
}

/// Every expert of the pool against a case: the portfolio's IPC codes, the borrower and the
/// appraisal firm.
pub fn candidates(reg: &Registry, ipc: &[String], borrower: &str, firm: &str) -> Vec<Candidate> {
    let codes: Vec<String> = ipc.iter().map(|c| normalise_ipc(c)).collect();
    reg.experts
        .iter()
        .map(|e| {
            let matched = codes
                .iter()
                .filter(|c| {
                    e.fields
                        .iter()
                        .any(|f| !f.is_empty() && c.starts_with(f.as_str()))
                })
                .count();
            let mut conflicts = Vec::new();
            if same(&e.institution, firm) || e.conflict_institutions.iter().any(|i| same(i, firm)) {
                conflicts.push(Conflict::Firm(firm.trim().into()));
            }
            if same(&e.institution, borrower)
                || e.conflict_borrowers.iter().any(|b| same(b, borrower))
            {
                conflicts.push(Conflict::Borrower(borrower.trim().into()));
            }
            Candidate {
                has_key: !reg.active_keys(&e.id).is_empty(),
                expert: e.clone(),
                matched,
                conflicts,
            }
        })
        .collect()
}

/// What the rule says about one candidate (empty: eligible).
pub fn rule_warnings(c: &Candidate) -> Vec<RuleWarning> {
    let who = || c.expert.name.clone();
    let mut w: Vec<RuleWarning> = c
        .conflicts
        .iter()
        .map(|x| RuleWarning::Conflict(who(), x.clone()))
        .collect();
    if c.matched == 0 {
        w.push(RuleWarning::NoField(who()));
    }
    if !c.has_key {
        w.push(RuleWarning::NoKey(who()));
    }
    w
}

/// The rule's pick: the `size` eligible experts covering most patents (then by name); the
/// first is the chair.
pub fn pick_by_rule(cands: &[Candidate], size: usize) -> Result<Vec<String>, StoreError> {
    let mut ok: Vec<&Candidate> = cands
        .iter()
        .filter(|c| rule_warnings(c).is_empty())
        .collect();
    ok.sort_by(|a, b| {
        b.matched
            .cmp(&a.matched)
            .then_with(|| a.expert.name.cmp(&b.expert.name))
            .then_with(|| a.expert.id.cmp(&b.expert.id))
    });
    if size == 0 || ok.len() < size {
        return Err(StoreError::Invalid(format!(
            "the rule needs {size} experts; {} of {} in the pool qualify (fields, conflicts, keys)",
            ok.len(),
            cands.len()
        )));
    }
    Ok(ok.iter().take(size).map(|c| c.expert.id.clone()).collect())
}

/// Why a panel has no conclusion under its rule yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    NoVerdicts,
    /// The chair decides and has not returned a signed verdict.
    Chair,
    NoMajority {
        members: usize,
        returned: usize,
    },
    /// Unanimity waits for every member.
    Waiting {
        members: usize,
        returned: usize,
    },
}

impl Serialize for Pending {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Pending {
    pub fn zh(&self) -> String {
        match self {
            Pending::NoVerdicts => "尚无评审意见".into(),
            Pending::Chair => "组长尚未返回签名意见".into(),
            Pending::NoMajority { members, returned } => {
                format!("{members}名成员中尚无过半数的意见（已返回{returned}份）")
            }
            Pending::Waiting { members, returned } => {
                format!("{members}名成员中已有{returned}名返回签名意见")
            }
        }
    }
}

impl fmt::Display for Pending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pending::NoVerdicts => write!(f, "no verdicts"),
            Pending::Chair => write!(f, "the chair has not returned a signed verdict"),
            Pending::NoMajority { members, returned } => write!(
                f,
                "no verdict has a majority of the {members} members yet ({returned} returned)"
            ),
            Pending::Waiting { members, returned } => write!(
                f,
                "{returned} of {members} members have returned a signed verdict"
            ),
        }
    }
}

/// A conflict of an expert with a case: the party's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Conflict {
    Firm(String),
    Borrower(String),
}

/// What the rule says against one member of a hand-picked panel. The panel row keeps the
/// English text (`Display`); `parse` reads it back so that a window can show it in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleWarning {
    Conflict(String, Conflict),
    NoField(String),
    NoKey(String),
}

const CONFLICT: &str = ": declared or apparent conflict with the ";
const NO_FIELD: &str = ": no field covers the portfolio's IPC classes";
const NO_KEY: &str = ": no registered key, cannot sign";

impl fmt::Display for RuleWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleWarning::Conflict(who, Conflict::Firm(x)) => {
                write!(f, "{who}{CONFLICT}appraisal firm {x}")
            }
            RuleWarning::Conflict(who, Conflict::Borrower(x)) => {
                write!(f, "{who}{CONFLICT}borrower {x}")
            }
            RuleWarning::NoField(who) => write!(f, "{who}{NO_FIELD}"),
            RuleWarning::NoKey(who) => write!(f, "{who}{NO_KEY}"),
        }
    }
}

impl RuleWarning {
    pub fn zh(&self) -> String {
        match self {
            RuleWarning::Conflict(who, Conflict::Firm(x)) => {
                format!("{who}：与评估机构{x}存在申报或明显的利益冲突")
            }
            RuleWarning::Conflict(who, Conflict::Borrower(x)) => {
                format!("{who}：与借款人{x}存在申报或明显的利益冲突")
            }
            RuleWarning::NoField(who) => format!("{who}：专业领域未覆盖本组合的IPC分类"),
            RuleWarning::NoKey(who) => format!("{who}：未登记密钥，无法签名"),
        }
    }

    /// Reads a stored warning back (None: not a text `Display` writes).
    pub fn parse(s: &str) -> Option<Self> {
        if let Some(who) = s.strip_suffix(NO_FIELD) {
            return Some(RuleWarning::NoField(who.into()));
        }
        if let Some(who) = s.strip_suffix(NO_KEY) {
            return Some(RuleWarning::NoKey(who.into()));
        }
        let (who, what) = s.split_once(CONFLICT)?;
        let c = if let Some(x) = what.strip_prefix("appraisal firm ") {
            Conflict::Firm(x.into())
        } else {
            Conflict::Borrower(what.strip_prefix("borrower ")?.into())
        };
        Some(RuleWarning::Conflict(who.into(), c))
    }

    /// A stored warning in the user's language (as stored when it cannot be read back).
    pub fn localise(stored: &str, zh: bool) -> String {
        match Self::parse(stored) {
            Some(w) if zh => w.zh(),
            _ => stored.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn each_rule_concludes_as_documented() {
        let m: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let two = v(&[("a", "approve"), ("b", "approve")]);
        assert_eq!(
            conclude(Decision::Majority, &m, "a", &two).unwrap(),
            "approve"
        );
        assert!(conclude(Decision::Unanimity, &m, "a", &two).is_err());
        assert_eq!(conclude(Decision::Chair, &m, "a", &two).unwrap(), "approve");
        assert!(conclude(Decision::Chair, &m, "c", &two).is_err());
        let split = v(&[("a", "approve"), ("b", "revise"), ("c", "reject")]);
        assert_eq!(
            conclude(Decision::Majority, &m, "a", &split).unwrap(),
            "reject"
        );
        assert_eq!(
            conclude(Decision::Unanimity, &m, "a", &split).unwrap(),
            "reject"
        );
        assert_eq!(
            conclude(Decision::Chair, &m, "b", &split).unwrap(),
            "revise"
        );
        let one = v(&[("a", "approve"), ("b", "revise")]);
        assert!(conclude(Decision::Majority, &m, "a", &one).is_err());
        let all = v(&[("a", "approve"), ("b", "approve"), ("c", "approve")]);
        assert_eq!(
            conclude(Decision::Unanimity, &m, "a", &all).unwrap(),
            "approve"
        );
        // A non-member's verdict does not count.
        let outsider = v(&[("a", "reject"), ("x", "reject"), ("y", "reject")]);
        assert_eq!(
            conclude(Decision::Majority, &m, "a", &outsider),
            Err(Pending::NoMajority {
                members: 3,
                returned: 1
            })
        );
    }

    #[test]
    fn a_stored_warning_reads_back_for_the_chinese_window() {
        let all = [
            RuleWarning::Conflict("王工".into(), Conflict::Firm("某评估公司".into())),
            RuleWarning::Conflict("Li: Jr".into(), Conflict::Borrower("Acme borrower".into())),
            RuleWarning::NoField("张三".into()),
            RuleWarning::NoKey("李四".into()),
        ];
        for w in all {
            let stored = w.to_string();
            assert_eq!(RuleWarning::parse(&stored), Some(w.clone()), "{stored}");
            assert_eq!(RuleWarning::localise(&stored, true), w.zh());
            assert_eq!(RuleWarning::localise(&stored, false), stored);
        }
        assert_eq!(
            RuleWarning::localise("something else", true),
            "something else"
        );
        assert!(
            RuleWarning::NoKey("李四".into())
                .zh()
                .contains("未登记密钥")
        );
    }
}
