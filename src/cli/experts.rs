//! The expert pool and signing keys: `patval experts …`, `patval keys …`, and the `--sign-as`
//! options that review and annotate commands share.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;

use super::CliError;
use super::args::DbArg;
use super::out::{fail, print};
use crate::store::experts::{NewExpert, parse_list};
use crate::store::keys::{self, Signer, key_fingerprint};
use crate::store::{Store, StoreError};

/// Where keys live and how a sealed one is opened.
#[derive(Debug, Clone, clap::Args)]
pub struct KeyDirArg {
    /// Folder of private key files (default: keys/ in the user's config folder).
    #[arg(long)]
    pub keys: Option<PathBuf>,
    /// A file holding the key's passphrase (else the PATVAL_KEY_PASSPHRASE environment variable;
    /// none: the key is not sealed).
    #[arg(long)]
    pub passphrase_file: Option<PathBuf>,
}

impl KeyDirArg {
    pub fn dir(&self) -> Result<PathBuf, StoreError> {
        match &self.keys {
            Some(d) => Ok(d.clone()),
            None => keys::default_key_dir().ok_or_else(|| {
                StoreError::Invalid("no user config folder on this machine: give --keys DIR".into())
            }),
        }
    }

    pub fn passphrase(&self) -> Result<Option<String>, StoreError> {
        match &self.passphrase_file {
            Some(p) => std::fs::read_to_string(p)
                .map(|s| Some(s.trim_end_matches(['\r', '\n']).to_string()))
                .map_err(|e| StoreError::Invalid(format!("{}: {e}", p.display()))),
            None => Ok(std::env::var("PATVAL_KEY_PASSPHRASE").ok()),
        }
    }
}

/// Signing a review, an annotation or a conclusion.
#[derive(Debug, Clone, clap::Args)]
pub struct SignArgs {
    /// Sign as this expert of the pool (name, or id or its prefix) with their key.
    #[arg(long)]
    pub sign_as: Option<String>,
    #[command(flatten)]
    pub key: KeyDirArg,
}

impl SignArgs {
    /// The signer, when `--sign-as` is given.
    pub fn signer(&self, store: &Store) -> Result<Option<Signer>, StoreError> {
        let Some(who) = &self.sign_as else {
            return Ok(None);
        };
        let e = store.resolve_expert(who)?;
        let reg = store.registry()?;
        let pass = self.key.passphrase()?;
        keys::find_signer(&reg, &e.id, &self.key.dir()?, pass.as_deref()).map(Some)
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum ExpertsCmd {
    /// Add an expert to the pool.
    Add(Box<AddExpertArgs>),
    /// List the pool with each expert's keys.
    List {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        json: bool,
    },
    /// Write the registry (experts and key events) as a file to distribute.
    Export {
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        db: DbArg,
    },
    /// Merge a registry file into the store.
    Import {
        file: PathBuf,
        #[command(flatten)]
        db: DbArg,
        #[arg(long, default_value = "import")]
        actor: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct AddExpertArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[arg(long)]
    pub name: String,
    #[arg(long, default_value = "")]
    pub institution: String,
    #[arg(long, default_value = "")]
    pub title: String,
    /// IPC sections, classes or subclasses, comma-separated (e.g. G06F,H04L,H01M).
    #[arg(long, default_value = "")]
    pub fields: String,
    #[arg(long, default_value = "")]
    pub industries: String,
    #[arg(long, default_value = "")]
    pub contact: String,
    /// Institutions the expert declares a conflict with (comma-separated).
    #[arg(long, default_value = "")]
    pub conflict_institutions: String,
    /// Borrowers the expert declares a conflict with (comma-separated).
    #[arg(long, default_value = "")]
    pub conflict_borrowers: String,
    /// Who adds the entry (recorded in the audit log).
    #[arg(long)]
    pub author: String,
    #[arg(long)]
    pub json: bool,
}

/// A new key for an expert (`keys new`, `keys rotate`).
#[derive(Debug, clap::Args)]
pub struct NewKeyArgs {
    pub expert: String,
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub key: KeyDirArg,
    #[arg(long)]
    pub author: String,
}

#[derive(Debug, clap::Subcommand)]
pub enum KeysCmd {
    /// Create a key pair for an expert: the private key into the key folder, the public key into
    /// the registry.
    New(NewKeyArgs),
    /// Replace an expert's keys: a new key, the old ones revoked.
    Rotate(NewKeyArgs),
    /// Revoke a key (its public key or fingerprint): its later signatures are refused.
    Revoke {
        key: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long, default_value = "")]
        reason: String,
        #[arg(long)]
        author: String,
    },
}

pub fn experts(cmd: &ExpertsCmd) -> Result<ExitCode, CliError> {
    match cmd {
        ExpertsCmd::Add(a) => {
            let mut store = try_store!(a.db.open());
            let e = NewExpert {
                name: a.name.clone(),
                institution: a.institution.clone(),
                title: a.title.clone(),
                fields: parse_list(&a.fields),
                industries: parse_list(&a.industries),
                contact: a.contact.clone(),
                conflict_institutions: parse_list(&a.conflict_institutions),
                conflict_borrowers: parse_list(&a.conflict_borrowers),
            };
            let x = try_store!(store.add_expert(&e, &a.author));
            print(a.json, json!(x), || {
                format!("expert {} added: {}", x.id, x.name)
            })?;
        }
        ExpertsCmd::List { db, json: js } => {
            let store = try_store!(db.open());
            let reg = try_store!(store.registry());
            let states = reg.key_states();
            print(
                *js,
                json!({"experts": reg.experts, "keys": states.values().collect::<Vec<_>>()}),
                || {
                    let mut t = String::new();
                    for e in &reg.experts {
                        t.push_str(&format!(
                            "{}  {}  {} {}  fields {}  conflicts {}\n",
                            &e.id[..8],
                            e.name,
                            e.institution,
                            e.title,
                            e.fields.join(","),
                            [
                                e.conflict_institutions.clone(),
                                e.conflict_borrowers.clone()
                            ]
                            .concat()
                            .join(","),
                        ));
                        for k in states.values().filter(|k| k.expert_id == e.id) {
                            let state = k
                                .revoked_at
                                .as_ref()
                                .map_or("active".to_string(), |t| format!("revoked {t}"));
                            t.push_str(&format!("    key {}  {state}\n", k.fingerprint));
                        }
                    }
                    t.trim_end().to_string()
                },
            )?;
        }
        ExpertsCmd::Export { out, db } => {
            let store = try_store!(db.open());
            let f = try_store!(store.export_registry(out));
            println!(
                "wrote {}: {} experts, {} key events",
                out.display(),
                f.registry.experts.len(),
                f.registry.keys.len()
            );
        }
        ExpertsCmd::Import {
            file,
            db,
            actor,
            json: js,
        } => {
            let mut store = try_store!(db.open());
            let m = try_store!(store.import_registry(file, actor));
            print(*js, json!(m), || {
                let mut t = format!(
                    "merged {}: {} experts, {} key events added; {} already here",
                    file.display(),
                    m.experts_added,
                    m.key_events_added,
                    m.duplicates
                );
                for r in &m.refused {
                    t.push_str(&format!("\nREFUSED: {r}"));
                }
                t
            })?;
            if !m.refused.is_empty() {
                return Ok(ExitCode::from(3));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn keys_cmd(cmd: &KeysCmd) -> Result<ExitCode, CliError> {
    match cmd {
        KeysCmd::New(a) | KeysCmd::Rotate(a) => {
            let NewKeyArgs {
                expert,
                db,
                key,
                author,
            } = a;
            let mut store = try_store!(db.open());
            let e = try_store!(store.resolve_expert(expert));
            let old = try_store!(store.registry()).active_keys(&e.id);
            let dir = try_store!(key.dir());
            let pass = try_store!(key.passphrase());
            let (path, signer) = try_store!(keys::create_key(&dir, &e.id, pass.as_deref()));
            try_store!(store.register_key(&e.id, &signer.public_hex(), author));
            if matches!(cmd, KeysCmd::Rotate(_)) {
                for k in &old {
                    try_store!(store.revoke_key(&k.public_key, "rotated", author));
                }
            }
            println!(
                "key {} of {} registered; private key in {}{}",
                key_fingerprint(&signer.public_hex()),
                e.name,
                path.display(),
                if pass.is_some() {
                    " (sealed with the passphrase)"
                } else {
                    ""
                }
            );
        }
        KeysCmd::Revoke {
            key,
            db,
            reason,
            author,
        } => {
            let mut store = try_store!(db.open());
            let reg = try_store!(store.registry());
            let want: String = key
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            let hit: Vec<String> = reg
                .key_states()
                .into_keys()
                .filter(|k| *k == want || key_fingerprint(k).replace(' ', "").starts_with(&want))
                .collect();
            let [public] = hit.as_slice() else {
                return fail(StoreError::Invalid(format!(
                    "\"{key}\" matches {} registered keys; give the public key or more of its fingerprint",
                    hit.len()
                )));
            };
            try_store!(store.revoke_key(public, reason, author));
            println!("key {} revoked", key_fingerprint(public));
        }
    }
    Ok(ExitCode::SUCCESS)
}
