//! The encrypted key tables in PostgreSQL. Only ciphertext passes through here.

use domain::UnixNanos;
use postgres::{Client, GenericClient};

use super::PgStore;
use crate::{ApiKeyRow, KeyAuditRow, KeyStore, StoreError, VaultHeaderRow};

fn u32_of(v: i32, field: &str) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt {
        table: "key_vault",
        reason: format!("{field} {v}"),
    })
}

fn i32_of(v: u32, field: &str) -> Result<i32, StoreError> {
    i32::try_from(v).map_err(|_| StoreError::Invalid(format!("key vault {field} {v} is too large")))
}

pub(super) fn header(client: &mut Client) -> Result<Option<VaultHeaderRow>, StoreError> {
    let row = client.query_opt(
        "SELECT kdf, salt, m_cost_kib, t_cost, p_cost, check_nonce, check_value, created_at
         FROM key_vault WHERE id = 1",
        &[],
    )?;
    row.map(|r| {
        Ok(VaultHeaderRow {
            kdf: r.try_get(0)?,
            salt: r.try_get(1)?,
            m_cost_kib: u32_of(r.try_get(2)?, "m_cost_kib")?,
            t_cost: u32_of(r.try_get(3)?, "t_cost")?,
            p_cost: u32_of(r.try_get(4)?, "p_cost")?,
            check_nonce: r.try_get(5)?,
            check_value: r.try_get(6)?,
            created_at: UnixNanos::new(r.try_get(7)?),
        })
    })
    .transpose()
}

pub(super) fn init_header(client: &mut Client, h: &VaultHeaderRow) -> Result<(), StoreError> {
    let n = client.execute(
        "INSERT INTO key_vault (id, kdf, salt, m_cost_kib, t_cost, p_cost, check_nonce,
             check_value, created_at)
         VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
        &[
            &h.kdf,
            &h.salt,
            &i32_of(h.m_cost_kib, "m_cost_kib")?,
            &i32_of(h.t_cost, "t_cost")?,
            &i32_of(h.p_cost, "p_cost")?,
            &h.check_nonce,
            &h.check_value,
            &h.created_at.as_i64(),
        ],
    )?;
    if n == 0 {
        return Err(StoreError::Invalid(
            "the key vault already has a header".into(),
        ));
    }
    Ok(())
}

fn audit_in(c: &mut impl GenericClient, a: &KeyAuditRow) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO key_audit (at, provider, action) VALUES ($1, $2, $3)",
        &[&a.at.as_i64(), &a.provider, &a.action],
    )?;
    Ok(())
}

pub(super) fn put(
    client: &mut Client,
    provider: &str,
    rows: &[ApiKeyRow],
    audit: &KeyAuditRow,
) -> Result<(), StoreError> {
    crate::keys::check_provider(provider, rows)?;
    let mut tx = client.transaction()?;
    tx.execute("DELETE FROM api_keys WHERE provider = $1", &[&provider])?;
    for r in rows {
        tx.execute(
            "INSERT INTO api_keys (provider, name, nonce, ciphertext, created_at, rotated_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &r.provider,
                &r.name,
                &r.nonce,
                &r.ciphertext,
                &r.created_at.as_i64(),
                &r.rotated_at.map(UnixNanos::as_i64),
            ],
        )?;
    }
    audit_in(&mut tx, audit)?;
    tx.commit()?;
    Ok(())
}

pub(super) fn keys(
    client: &mut Client,
    provider: Option<&str>,
) -> Result<Vec<ApiKeyRow>, StoreError> {
    client
        .query(
            "SELECT provider, name, nonce, ciphertext, created_at, rotated_at FROM api_keys
             WHERE $1::text IS NULL OR provider = $1 ORDER BY provider, name",
            &[&provider],
        )?
        .iter()
        .map(|r| {
            Ok(ApiKeyRow {
                provider: r.try_get(0)?,
                name: r.try_get(1)?,
                nonce: r.try_get(2)?,
                ciphertext: r.try_get(3)?,
                created_at: UnixNanos::new(r.try_get(4)?),
                rotated_at: r.try_get::<_, Option<i64>>(5)?.map(UnixNanos::new),
            })
        })
        .collect()
}

pub(super) fn delete(
    client: &mut Client,
    provider: &str,
    audit: &KeyAuditRow,
) -> Result<usize, StoreError> {
    let mut tx = client.transaction()?;
    let n = tx.execute("DELETE FROM api_keys WHERE provider = $1", &[&provider])?;
    audit_in(&mut tx, audit)?;
    tx.commit()?;
    Ok(n as usize)
}

pub(super) fn add_audit(client: &mut Client, audit: &KeyAuditRow) -> Result<(), StoreError> {
    audit_in(client, audit)
}

pub(super) fn audit_log(client: &mut Client) -> Result<Vec<KeyAuditRow>, StoreError> {
    client
        .query(
            "SELECT at, provider, action FROM key_audit ORDER BY id",
            &[],
        )?
        .iter()
        .map(|r| {
            Ok(KeyAuditRow {
                at: UnixNanos::new(r.try_get(0)?),
                provider: r.try_get(1)?,
                action: r.try_get(2)?,
            })
        })
        .collect()
}

impl KeyStore for PgStore {
    fn vault_header(&self) -> Result<Option<VaultHeaderRow>, StoreError> {
        header(&mut self.client.borrow_mut())
    }

    fn init_vault_header(&mut self, header: &VaultHeaderRow) -> Result<(), StoreError> {
        init_header(self.client.get_mut(), header)
    }

    fn put_api_keys(
        &mut self,
        provider: &str,
        rows: &[ApiKeyRow],
        audit: &KeyAuditRow,
    ) -> Result<(), StoreError> {
        put(self.client.get_mut(), provider, rows, audit)
    }

    fn api_keys(&self, provider: Option<&str>) -> Result<Vec<ApiKeyRow>, StoreError> {
        keys(&mut self.client.borrow_mut(), provider)
    }

    fn delete_api_keys(
        &mut self,
        provider: &str,
        audit: &KeyAuditRow,
    ) -> Result<usize, StoreError> {
        delete(self.client.get_mut(), provider, audit)
    }

    fn add_key_audit(&mut self, audit: &KeyAuditRow) -> Result<(), StoreError> {
        add_audit(self.client.get_mut(), audit)
    }

    fn key_audit(&self) -> Result<Vec<KeyAuditRow>, StoreError> {
        audit_log(&mut self.client.borrow_mut())
    }
}
