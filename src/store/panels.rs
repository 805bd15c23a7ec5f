//! Review panels (评审专家组): the experts assigned to review a report version, by rule or by
//! hand, and the panel's recorded conclusion. The rule picks experts whose fields cover the
//! portfolio's IPC codes, without a declared or apparent conflict with the borrower or the
//! appraisal firm, and with a registered key; a hand-picked panel gets the rule's warnings. Only
//! members' reviews with a valid signature count towards the conclusion (docs/store.md).

use std::collections::BTreeMap;

use rusqlite::params;
use serde::Serialize;

use super::keys::Signer;
use super::loans::width;
pub use super::panel_rule::{
    Candidate, Conflict, Decision, Pending, RuleWarning, candidates, conclude, pick_by_rule,
    rule_warnings,
};
use super::signature::{SigStatus, views};
use super::{Store, StoreError, audit, fields_hash, new_id, now, text_row};

pub(crate) const PANEL_COLUMNS: &str =
    "id, version_id, rule, members, chair, how, warnings, author, created_at";
pub(crate) const CONCLUSION_COLUMNS: &str = "id, panel_id, verdict, tally, author, created_at";

/// A stored panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Panel {
    pub id: String,
    pub version_id: String,
    pub rule: Decision,
    pub members: Vec<String>,
    pub chair: String,
    /// `rule` or `manual`.
    pub how: String,
    pub warnings: Vec<String>,
    pub author: String,
    pub created_at: String,
}

impl Panel {
    fn row(&self) -> Vec<String> {
        let j = |v: &[String]| serde_json::to_string(v).unwrap_or_default();
        vec![
            self.id.clone(),
            self.version_id.clone(),
            self.rule.key().into(),
            j(&self.members),
            self.chair.clone(),
            self.how.clone(),
            j(&self.warnings),
            self.author.clone(),
            self.created_at.clone(),
        ]
    }

    fn from_row(f: &[String]) -> Result<Self, StoreError> {
        let l = |s: &str| serde_json::from_str::<Vec<String>>(s).unwrap_or_default();
        Ok(Self {
            id: f[0].clone(),
            version_id: f[1].clone(),
            rule: Decision::parse(&f[2])?,
            members: l(&f[3]),
            chair: f[4].clone(),
            how: f[5].clone(),
            warnings: l(&f[6]),
            author: f[7].clone(),
            created_at: f[8].clone(),
        })
    }
}

/// One member's state.
#[derive(Debug, Clone, Serialize)]
pub struct MemberProgress {
    pub expert_id: String,
    pub name: String,
    pub chair: bool,
    /// The member's latest validly signed verdict on the version.
    pub verdict: Option<String>,
    /// Signed annotations and replies by the member on the version.
    pub annotations: usize,
    /// Reviews of the member whose signature does not check (forged, revoked or unknown key).
    pub bad_signatures: usize,
}

/// A panel's progress and the conclusion its rule gives now.
#[derive(Debug, Clone, Serialize)]
pub struct PanelProgress {
    pub panel: Panel,
    pub members: Vec<MemberProgress>,
    pub outcome: Result<String, Pending>,
}

/// A recorded conclusion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conclusion {
    pub id: String,
    pub panel_id: String,
    pub verdict: String,
    /// The members' verdicts as counted (JSON).
    pub tally: String,
    pub author: String,
    pub created_at: String,
}

impl Store {
    /// The IPC codes of a version's portfolio, one per patent.
    pub fn portfolio_ipc(&self, version_id: &str) -> Result<Vec<String>, StoreError> {
        let data = self.load_version(version_id)?;
        let (ds, _, _) = self.dataset_of(&data)?;
        Ok(ds.portfolio_text("ipc"))
    }

    /// The pool against a version's case.
    pub fn panel_candidates(&self, version_id: &str) -> Result<Vec<Candidate>, StoreError> {
        let info = self.version(version_id)?;
        let app = self.appraisal(&info.appraisal_id)?;
        let ipc = self.portfolio_ipc(version_id)?;
        Ok(candidates(
            &self.registry()?,
            &ipc,
            &app.borrower,
            &app.firm,
        ))
    }

    /// Assigns a panel: `members` by hand (the rule's warnings recorded), or by the rule when
    /// `members` is empty. The first member chairs unless `chair` names another member.
    pub fn assign_panel(
        &mut self,
        version_id: &str,
        rule: Decision,
        size: usize,
        members: &[String],
        chair: Option<&str>,
        author: &str,
    ) -> Result<Panel, StoreError> {
        if author.trim().is_empty() {
            return Err(StoreError::Invalid(
                "who assigns the panel is required".into(),
            ));
        }
        let cands = self.panel_candidates(version_id)?;
        let (members, how, warnings) = if members.is_empty() {
            (pick_by_rule(&cands, size)?, "rule", Vec::new())
        } else {
            let mut w = Vec::new();
            let mut seen = std::collections::BTreeSet::new();
            for m in members {
                if !seen.insert(m.clone()) {
                    return Err(StoreError::Invalid(format!("expert {m} is listed twice")));
                }
                let c = cands
                    .iter()
                    .find(|c| &c.expert.id == m)
                    .ok_or_else(|| StoreError::Invalid(format!("no expert {m} in the pool")))?;
                w.extend(rule_warnings(c).iter().map(ToString::to_string));
            }
            (members.to_vec(), "manual", w)
        };
        let chair = chair.map_or_else(|| members[0].clone(), String::from);
        if !members.contains(&chair) {
            return Err(StoreError::Invalid(format!(
                "the chair {chair} is not a member"
            )));
        }
        let p = Panel {
            id: new_id(),
            version_id: version_id.into(),
            rule,
            members,
            chair,
            how: how.into(),
            warnings,
            author: author.trim().into(),
            created_at: now(),
        };
        let v = p.row();
        self.write(|tx| {
            tx.execute(
                &format!("INSERT INTO panels ({PANEL_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
                params![v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]],
            )?;
            audit::append(tx, &p.author, "assign", "panel", &p.id, &fields_hash(&v))
        })?;
        Ok(p)
    }

    /// The panels of a version, oldest first.
    pub fn panels(&self, version_id: &str) -> Result<Vec<Panel>, StoreError> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {PANEL_COLUMNS} FROM panels WHERE version_id = ?1 ORDER BY rowid"
        ))?;
        let rows: Vec<Vec<String>> = stmt
            .query_map([version_id], |r| text_row(r, width(PANEL_COLUMNS)))?
            .collect::<Result<_, _>>()?;
        rows.iter().map(|f| Panel::from_row(f)).collect()
    }

    /// A panel by id or unique prefix.
    pub fn panel(&self, key: &str) -> Result<Panel, StoreError> {
        let id = super::resolve(self.conn(), "panels", key, "panel").map_err(|e| match e {
            StoreError::Invalid(_) => StoreError::Invalid(format!("no panel {key}")),
            other => other,
        })?;
        let f = self.conn().query_row(
            &format!("SELECT {PANEL_COLUMNS} FROM panels WHERE id = ?1"),
            [&id],
            |r| text_row(r, width(PANEL_COLUMNS)),
        )?;
        Panel::from_row(&f)
    }

    /// Who has returned what, and the conclusion the rule gives now.
    pub fn panel_progress(&self, panel_id: &str) -> Result<PanelProgress, StoreError> {
        let panel = self.panel(panel_id)?;
        let reg = self.registry()?;
        let conn = self.conn();
        let mut members: Vec<MemberProgress> = panel
            .members
            .iter()
            .map(|m| MemberProgress {
                expert_id: m.clone(),
                name: reg.expert(m).map_or_else(|| m.clone(), |e| e.name.clone()),
                chair: *m == panel.chair,
                verdict: None,
                annotations: 0,
                bad_signatures: 0,
            })
            .collect();
        for r in self.reviews(&panel.version_id)? {
            for s in views(conn, &reg, "review", &r.id)? {
                let Some(m) = members.iter_mut().find(|m| m.expert_id == s.expert_id) else {
                    continue;
                };
                match s.status {
                    SigStatus::Valid => m.verdict = Some(r.verdict.clone()),
                    _ => m.bad_signatures += 1,
                }
            }
        }
        for t in self.threads(&panel.version_id)? {
            let ids = std::iter::once(("annotation", t.annotation.id.clone()))
                .chain(t.events.iter().map(|e| ("annotation_event", e.id.clone())));
            for (entity, id) in ids {
                for s in views(conn, &reg, entity, &id)? {
                    if let Some(m) = members.iter_mut().find(|m| m.expert_id == s.expert_id)
                        && s.status == SigStatus::Valid
                    {
                        m.annotations += 1;
                    }
                }
            }
        }
        let verdicts: BTreeMap<String, String> = members
            .iter()
            .filter_map(|m| m.verdict.clone().map(|v| (m.expert_id.clone(), v)))
            .collect();
        let outcome = conclude(panel.rule, &panel.members, &panel.chair, &verdicts);
        Ok(PanelProgress {
            panel,
            members,
            outcome,
        })
    }

    /// Records the panel's conclusion as its rule gives it now (refused while it gives none),
    /// signed when a signer is given.
    pub fn record_conclusion(
        &mut self,
        panel_id: &str,
        author: &str,
        signer: Option<&Signer>,
    ) -> Result<Conclusion, StoreError> {
        let pr = self.panel_progress(panel_id)?;
        let verdict = pr.outcome.clone().map_err(|why| {
            StoreError::Invalid(format!(
                "the panel has no conclusion under its rule ({}): {why}",
                pr.panel.rule.key()
            ))
        })?;
        if author.trim().is_empty() {
            return Err(StoreError::Invalid(
                "who records the conclusion is required".into(),
            ));
        }
        let tally: BTreeMap<&str, Option<&str>> = pr
            .members
            .iter()
            .map(|m| (m.name.as_str(), m.verdict.as_deref()))
            .collect();
        let c = Conclusion {
            id: new_id(),
            panel_id: pr.panel.id.clone(),
            verdict,
            tally: serde_json::to_string(&tally)?,
            author: author.trim().into(),
            created_at: now(),
        };
        let v = vec![
            c.id.clone(),
            c.panel_id.clone(),
            c.verdict.clone(),
            c.tally.clone(),
            c.author.clone(),
            c.created_at.clone(),
        ];
        let reg = self.registry()?;
        self.write(|tx| {
            tx.execute(
                &format!("INSERT INTO panel_conclusions ({CONCLUSION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
                params![v[0], v[1], v[2], v[3], v[4], v[5]],
            )?;
            audit::append(tx, &c.author, "conclude", "panel_conclusion", &c.id, &fields_hash(&v))?;
            if let Some(s) = signer {
                super::signature::sign_in(tx, "panel_conclusion", &c.id, s, &reg)?;
            }
            Ok(())
        })?;
        Ok(c)
    }

    /// A panel's recorded conclusions, oldest first.
    pub fn conclusions(&self, panel_id: &str) -> Result<Vec<Conclusion>, StoreError> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {CONCLUSION_COLUMNS} FROM panel_conclusions WHERE panel_id = ?1 ORDER BY rowid"
        ))?;
        let rows: Vec<Vec<String>> = stmt
            .query_map([panel_id], |r| text_row(r, width(CONCLUSION_COLUMNS)))?
            .collect::<Result<_, _>>()?;
        Ok(rows
            .into_iter()
            .map(|f| Conclusion {
                id: f[0].clone(),
                panel_id: f[1].clone(),
                verdict: f[2].clone(),
                tally: f[3].clone(),
                author: f[4].clone(),
                created_at: f[5].clone(),
            })
            .collect())
    }
}
