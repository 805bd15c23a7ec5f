//! Review panels: `patval panel assign|list|show|conclude|packages`.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;

use super::CliError;
use super::args::DbArg;
use super::experts::SignArgs;
use super::out::print;
use crate::store::panels::{Decision, PanelProgress};

#[derive(Debug, clap::Subcommand)]
pub enum PanelCmd {
    /// Assign a panel to a report version: by the rule (fields, conflicts, keys), or with
    /// --member by hand (the rule's warnings are recorded).
    Assign {
        version: String,
        #[command(flatten)]
        db: DbArg,
        /// majority, unanimity or chair.
        #[arg(long, default_value = "majority")]
        rule: String,
        /// How many experts the rule picks.
        #[arg(long, default_value_t = 3)]
        size: usize,
        /// An expert (name or id prefix); repeat for each member.
        #[arg(long)]
        member: Vec<String>,
        /// The chair (default: the first member).
        #[arg(long)]
        chair: Option<String>,
        #[arg(long)]
        author: String,
        #[arg(long)]
        json: bool,
    },
    /// The panels of a report version.
    List {
        version: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        json: bool,
    },
    /// A panel's progress: who has returned what, and the conclusion its rule gives now.
    Show {
        panel: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        json: bool,
    },
    /// Record the panel's conclusion (refused while the rule gives none).
    Conclude {
        panel: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        author: String,
        #[command(flatten)]
        sign: SignArgs,
        #[arg(long)]
        json: bool,
    },
    /// Write one review package per member into a folder.
    Packages {
        panel: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        out: PathBuf,
    },
}

fn progress_text(p: &PanelProgress) -> String {
    let mut t = format!(
        "panel {} on version {} ({}, {} members, assigned by {})\n",
        p.panel.id,
        p.panel.version_id,
        p.panel.rule.key(),
        p.panel.members.len(),
        p.panel.how
    );
    for m in &p.members {
        t.push_str(&format!(
            "  {}{}: {}; {} signed annotations{}\n",
            m.name,
            if m.chair { " (chair)" } else { "" },
            m.verdict.as_deref().unwrap_or("no signed verdict yet"),
            m.annotations,
            if m.bad_signatures > 0 {
                format!(
                    "; {} reviews with a bad signature (not counted)",
                    m.bad_signatures
                )
            } else {
                String::new()
            }
        ));
    }
    for w in &p.panel.warnings {
        t.push_str(&format!("  WARNING: {w}\n"));
    }
    match &p.outcome {
        Ok(v) => t.push_str(&format!("conclusion under the rule: {v}")),
        Err(why) => t.push_str(&format!("no conclusion yet: {why}")),
    }
    t
}

pub fn run(cmd: &PanelCmd) -> Result<ExitCode, CliError> {
    match cmd {
        PanelCmd::Assign {
            version,
            db,
            rule,
            size,
            member,
            chair,
            author,
            json: js,
        } => {
            let mut store = try_store!(db.open());
            let vid = try_store!(store.resolve_version(version));
            let rule = try_store!(Decision::parse(rule));
            let mut ids = Vec::new();
            for m in member {
                ids.push(try_store!(store.resolve_expert(m)).id);
            }
            let chair = match chair {
                Some(c) => Some(try_store!(store.resolve_expert(c)).id),
                None => None,
            };
            let p =
                try_store!(store.assign_panel(&vid, rule, *size, &ids, chair.as_deref(), author));
            let pr = try_store!(store.panel_progress(&p.id));
            print(*js, json!(pr), || progress_text(&pr))?;
        }
        PanelCmd::List {
            version,
            db,
            json: js,
        } => {
            let store = try_store!(db.open());
            let vid = try_store!(store.resolve_version(version));
            let panels = try_store!(store.panels(&vid));
            print(*js, json!(panels), || {
                panels
                    .iter()
                    .map(|p| {
                        format!(
                            "{}  {}  {} members  {}",
                            p.id,
                            p.rule.key(),
                            p.members.len(),
                            p.created_at
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
        PanelCmd::Show {
            panel,
            db,
            json: js,
        } => {
            let store = try_store!(db.open());
            let pr = try_store!(store.panel_progress(panel));
            let concl = try_store!(store.conclusions(&pr.panel.id));
            print(*js, json!({"progress": pr, "conclusions": concl}), || {
                let mut t = progress_text(&pr);
                for c in &concl {
                    t.push_str(&format!(
                        "\nrecorded conclusion {}: {} by {} at {}",
                        c.id, c.verdict, c.author, c.created_at
                    ));
                }
                t
            })?;
        }
        PanelCmd::Conclude {
            panel,
            db,
            author,
            sign,
            json: js,
        } => {
            let mut store = try_store!(db.open());
            let signer = try_store!(sign.signer(&store));
            let c = try_store!(store.record_conclusion(panel, author, signer.as_ref()));
            print(*js, json!(c), || {
                format!(
                    "conclusion {} recorded: {}{}",
                    c.id,
                    c.verdict,
                    if signer.is_some() { " (signed)" } else { "" }
                )
            })?;
        }
        PanelCmd::Packages { panel, db, out } => {
            let store = try_store!(db.open());
            let p = try_store!(store.panel(panel));
            let reg = try_store!(store.registry());
            if let Err(e) = std::fs::create_dir_all(out) {
                return super::out::fail(crate::store::StoreError::Invalid(format!(
                    "{}: {e}",
                    out.display()
                )));
            }
            for m in &p.members {
                let name = reg.expert(m).map_or(m.as_str(), |e| e.name.as_str());
                let file = out.join(format!("{}-{}.json", &p.id[..8], safe(name)));
                try_store!(store.export_review(&p.version_id, &file));
                println!("{}", file.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A name usable in a file name.
fn safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
