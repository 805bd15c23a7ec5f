//! Reviewers' signing keys: an Ed25519 key pair made on the reviewer's machine. The private key
//! stays in a key file in the user's config folder (`keys/`), never in the store or a package;
//! with a passphrase it is sealed with ChaCha20-Poly1305 under a key derived by
//! PBKDF2-HMAC-SHA-256 (600,000 rounds), so the file alone does not sign. The public key goes
//! into the expert registry (`experts.rs`).

use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::{StoreError, hex, now, sha256_hex};

/// PBKDF2 rounds for a passphrase (OWASP's 2023 figure for HMAC-SHA-256).
pub const PBKDF2_ROUNDS: u32 = 600_000;
const FORMAT: &str = "patval-signing-key";

/// The default folder for key files: `keys/` in the user's config folder.
pub fn default_key_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "patval", "patval").map(|d| d.config_dir().join("keys"))
}

/// Bytes from hex of exactly `N` bytes.
pub fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let s = s.trim();
    if s.len() != 2 * N || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// A public key from its hex form, or what is wrong with it.
pub fn public_key(hex_key: &str) -> Result<VerifyingKey, StoreError> {
    let bytes = unhex::<32>(hex_key).ok_or_else(|| {
        StoreError::Invalid(format!("\"{hex_key}\" is not a public key (64 hex digits)"))
    })?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| StoreError::Invalid(format!("\"{hex_key}\" is not a valid Ed25519 key")))
}

/// A key's short fingerprint as people compare it: the first 16 hex digits of the SHA-256 of
/// the public key, in groups of four (e.g. `3f2a 91c0 77de 0b15`).
pub fn key_fingerprint(public_hex: &str) -> String {
    let h = sha256_hex(public_hex.trim().to_ascii_lowercase().as_bytes());
    h.as_bytes()[..16]
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// How the private key is kept in the file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Secret {
    /// The 32-byte seed in hex (no passphrase).
    Plain { seed: String },
    /// The seed sealed under a passphrase.
    Sealed {
        rounds: u32,
        salt: String,
        nonce: String,
        ciphertext: String,
    },
}

/// A key file's content.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyFile {
    pub format: String,
    pub expert_id: String,
    pub public_key: String,
    pub created_at: String,
    pub secret: Secret,
}

/// Someone able to sign: the expert and the unlocked key.
#[derive(Clone)]
pub struct Signer {
    pub expert_id: String,
    pub key: SigningKey,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signer({}, {})", self.expert_id, self.public_hex())
    }
}

impl Signer {
    pub fn public_hex(&self) -> String {
        hex(self.key.verifying_key().as_bytes())
    }

    /// The signature of `message`, hex.
    pub fn sign(&self, message: &[u8]) -> String {
        hex(&self.key.sign(message).to_bytes())
    }
}

fn seal_key(passphrase: &str, salt: &[u8], rounds: u32) -> Key {
    let mut k = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(passphrase.as_bytes(), salt, rounds, &mut k);
    Key::from(k)
}

fn bad_file(path: &Path, message: impl Into<String>) -> StoreError {
    StoreError::Invalid(format!("key file {}: {}", path.display(), message.into()))
}

/// Makes a new key pair for `expert_id` and writes its key file into `dir` (sealed when a
/// passphrase is given). Returns the file's path and the signer.
pub fn create_key(
    dir: &Path,
    expert_id: &str,
    passphrase: Option<&str>,
) -> Result<(PathBuf, Signer), StoreError> {
    let seed: [u8; 32] = rand::random();
    let key = SigningKey::from_bytes(&seed);
    let public_key = hex(key.verifying_key().as_bytes());
    let secret = match passphrase.filter(|p| !p.is_empty()) {
        None => Secret::Plain { seed: hex(&seed) },
        Some(p) => {
            let salt: [u8; 16] = rand::random();
            let nonce: [u8; 12] = rand::random();
            let cipher = ChaCha20Poly1305::new(&seal_key(p, &salt, PBKDF2_ROUNDS));
            let ciphertext = cipher
                .encrypt(Nonce::from_slice(&nonce), seed.as_slice())
                .map_err(|_| StoreError::Invalid("cannot seal the key".into()))?;
            Secret::Sealed {
                rounds: PBKDF2_ROUNDS,
                salt: hex(&salt),
                nonce: hex(&nonce),
                ciphertext: hex(&ciphertext),
            }
        }
    };
    let file = KeyFile {
        format: FORMAT.into(),
        expert_id: expert_id.into(),
        public_key: public_key.clone(),
        created_at: now(),
        secret,
    };
    std::fs::create_dir_all(dir).map_err(|e| bad_file(dir, e.to_string()))?;
    let path = dir.join(format!("{expert_id}-{}.json", &public_key[..16]));
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, serde_json::to_string_pretty(&file)?)
        .and_then(|_| restrict(&tmp))
        .and_then(|_| std::fs::rename(&tmp, &path))
        .map_err(|e| bad_file(&path, e.to_string()))?;
    Ok((
        path,
        Signer {
            expert_id: expert_id.into(),
            key,
        },
    ))
}

/// Only the owner may read a key file.
#[cfg(unix)]
fn restrict(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn restrict(_: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Reads a key file.
pub fn read_key_file(path: &Path) -> Result<KeyFile, StoreError> {
    let text = std::fs::read_to_string(path).map_err(|e| bad_file(path, e.to_string()))?;
    let f: KeyFile = serde_json::from_str(&text)
        .map_err(|e| bad_file(path, format!("not a patval key file: {e}")))?;
    if f.format != FORMAT {
        return Err(bad_file(
            path,
            format!("not a patval key file (format \"{}\")", f.format),
        ));
    }
    Ok(f)
}

/// Every key file in `dir` (an absent folder has none); unreadable files are skipped.
pub fn key_files(dir: &Path) -> Vec<(PathBuf, KeyFile)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(PathBuf, KeyFile)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter_map(|p| read_key_file(&p).ok().map(|f| (p, f)))
        .collect();
    out.sort_by(|a, b| b.1.created_at.cmp(&a.1.created_at));
    out
}

/// Whether the key file needs a passphrase.
pub fn is_sealed(f: &KeyFile) -> bool {
    matches!(f.secret, Secret::Sealed { .. })
}

/// Unlocks a key file: the passphrase is needed for a sealed one, and a wrong one is named.
pub fn unlock(path: &Path, f: &KeyFile, passphrase: Option<&str>) -> Result<Signer, StoreError> {
    let seed: [u8; 32] = match &f.secret {
        Secret::Plain { seed } => unhex(seed).ok_or_else(|| bad_file(path, "damaged seed"))?,
        Secret::Sealed {
            rounds,
            salt,
            nonce,
            ciphertext,
        } => {
            let p = passphrase
                .filter(|p| !p.is_empty())
                .ok_or_else(|| bad_file(path, "the key is protected: give its passphrase"))?;
            let salt: [u8; 16] = unhex(salt).ok_or_else(|| bad_file(path, "damaged salt"))?;
            let nonce: [u8; 12] = unhex(nonce).ok_or_else(|| bad_file(path, "damaged nonce"))?;
            let ct: [u8; 48] =
                unhex(ciphertext).ok_or_else(|| bad_file(path, "damaged ciphertext"))?;
            let cipher = ChaCha20Poly1305::new(&seal_key(p, &salt, *rounds));
            let plain = cipher
                .decrypt(Nonce::from_slice(&nonce), ct.as_slice())
                .map_err(|_| bad_file(path, "wrong passphrase"))?;
            plain
                .try_into()
                .map_err(|_| bad_file(path, "damaged seed"))?
        }
    };
    let key = SigningKey::from_bytes(&seed);
    if hex(key.verifying_key().as_bytes()) != f.public_key {
        return Err(bad_file(
            path,
            "the private key does not match its public key",
        ));
    }
    Ok(Signer {
        expert_id: f.expert_id.clone(),
        key,
    })
}

/// The expert's signer: the newest key file in `dir` whose key the registry lists for the expert
/// and has not revoked, unlocked with the passphrase if sealed.
pub fn find_signer(
    registry: &super::experts::Registry,
    expert_id: &str,
    dir: &Path,
    passphrase: Option<&str>,
) -> Result<Signer, StoreError> {
    let active: Vec<String> = registry
        .active_keys(expert_id)
        .into_iter()
        .map(|k| k.public_key)
        .collect();
    let name = registry
        .expert(expert_id)
        .map_or(expert_id, |e| e.name.as_str());
    let (path, file) = key_files(dir)
        .into_iter()
        .find(|(_, f)| f.expert_id == expert_id && active.contains(&f.public_key))
        .ok_or_else(|| {
            StoreError::Invalid(format!(
                "no key of {name} in {} that the registry lists and has not revoked: create one (patval keys new)",
                dir.display()
            ))
        })?;
    unlock(&path, &file, passphrase)
}

/// Checks a hex signature of `message` by the hex public key.
pub fn verify_signature(public_hex: &str, message: &[u8], signature_hex: &str) -> bool {
    let Ok(key) = public_key(public_hex) else {
        return false;
    };
    let Some(sig) = unhex::<64>(signature_hex) else {
        return false;
    };
    key.verify_strict(message, &ed25519_dalek::Signature::from_bytes(&sig))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_key_opens_only_with_its_passphrase_and_signs_verifiably() {
        let dir = tempfile::tempdir().unwrap();
        let (path, signer) = create_key(dir.path(), "e1", Some("correct horse")).unwrap();
        let f = read_key_file(&path).unwrap();
        assert!(is_sealed(&f));
        assert!(
            !std::fs::read_to_string(&path)
                .unwrap()
                .contains(&hex(&signer.key.to_bytes()))
        );
        let wrong = unlock(&path, &f, Some("wrong")).unwrap_err().to_string();
        assert!(wrong.contains("wrong passphrase"), "{wrong}");
        assert!(
            unlock(&path, &f, None)
                .unwrap_err()
                .to_string()
                .contains("protected")
        );
        let s = unlock(&path, &f, Some("correct horse")).unwrap();
        let sig = s.sign(b"verdict");
        assert!(verify_signature(&f.public_key, b"verdict", &sig));
        assert!(!verify_signature(&f.public_key, b"verdict!", &sig));
        assert_eq!(key_fingerprint(&f.public_key).len(), 19);
    }

    #[test]
    fn a_plain_key_opens_without_a_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let (path, _) = create_key(dir.path(), "e2", None).unwrap();
        let f = read_key_file(&path).unwrap();
        assert!(!is_sealed(&f));
        assert!(unlock(&path, &f, None).is_ok());
        assert_eq!(key_files(dir.path()).len(), 1);
    }

    /// RFC 8032 §7.1 TEST 1: the published key pair and signature of the empty message.
    #[test]
    fn rfc8032_test_vector_1() {
        let seed: [u8; 32] =
            unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60").unwrap();
        let s = Signer {
            expert_id: "x".into(),
            key: SigningKey::from_bytes(&seed),
        };
        assert_eq!(
            s.public_hex(),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
        assert_eq!(
            s.sign(b""),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
    }
}
