//! Signing reviews, annotations and their events as they are written: the registry is read
//! before the transaction, the signature is made inside it, so a signed row and its signature
//! are stored together or not at all.

use rusqlite::Transaction;

use super::experts::Registry;
use super::keys::Signer;
use super::{Store, StoreError};

impl Store {
    /// The registry when signing (empty otherwise); the signer signs under their registered
    /// name, so the row's reviewer or author must be that name.
    pub(crate) fn signing_registry(
        &self,
        signer: Option<&Signer>,
        name: &str,
    ) -> Result<Registry, StoreError> {
        let Some(s) = signer else {
            return Ok(Registry::default());
        };
        let reg = self.registry()?;
        let e = reg.expert(&s.expert_id).ok_or_else(|| {
            StoreError::Invalid(format!("no expert {} in the pool to sign as", s.expert_id))
        })?;
        if e.name != name.trim() {
            return Err(StoreError::Invalid(format!(
                "signing as {} but the name given is \"{}\"",
                e.name,
                name.trim()
            )));
        }
        Ok(reg)
    }
}

/// Signs the row just written when there is a signer.
pub(crate) fn sign_if(
    tx: &Transaction<'_>,
    entity: &str,
    id: &str,
    signer: Option<&Signer>,
    registry: &Registry,
) -> Result<(), StoreError> {
    if let Some(s) = signer {
        super::signature::sign_in(tx, entity, id, s, registry)?;
    }
    Ok(())
}
