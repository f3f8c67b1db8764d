//! The encrypted key tables in SQLite. Only ciphertext passes through here.

use domain::UnixNanos;
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::SqliteStore;
use crate::{ApiKeyRow, KeyAuditRow, KeyStore, StoreError, VaultHeaderRow};

pub(super) fn header(conn: &Connection) -> Result<Option<VaultHeaderRow>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT kdf, salt, m_cost_kib, t_cost, p_cost, check_nonce, check_value, created_at
             FROM key_vault WHERE id = 1",
        )?
        .query_row([], |r| {
            Ok(VaultHeaderRow {
                kdf: r.get(0)?,
                salt: r.get(1)?,
                m_cost_kib: r.get(2)?,
                t_cost: r.get(3)?,
                p_cost: r.get(4)?,
                check_nonce: r.get(5)?,
                check_value: r.get(6)?,
                created_at: UnixNanos::new(r.get(7)?),
            })
        })
        .optional()?)
}

pub(super) fn init_header(conn: &mut Connection, h: &VaultHeaderRow) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let exists = tx
        .prepare_cached("SELECT 1 FROM key_vault WHERE id = 1")?
        .exists([])?;
    if exists {
        return Err(StoreError::Invalid(
            "the key vault already has a header".into(),
        ));
    }
    tx.execute(
        "INSERT INTO key_vault (id, kdf, salt, m_cost_kib, t_cost, p_cost, check_nonce,
             check_value, created_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            h.kdf,
            h.salt,
            h.m_cost_kib,
            h.t_cost,
            h.p_cost,
            h.check_nonce,
            h.check_value,
            h.created_at.as_i64()
        ],
    )?;
    tx.commit()?;
    Ok(())
}

fn audit_in(tx: &Connection, a: &KeyAuditRow) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT INTO key_audit (at, provider, action) VALUES (?1, ?2, ?3)")?
        .execute(params![a.at.as_i64(), a.provider, a.action])?;
    Ok(())
}

pub(super) fn put(
    conn: &mut Connection,
    provider: &str,
    rows: &[ApiKeyRow],
    audit: &KeyAuditRow,
) -> Result<(), StoreError> {
    crate::keys::check_provider(provider, rows)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute("DELETE FROM api_keys WHERE provider = ?1", [provider])?;
    for r in rows {
        tx.prepare_cached(
            "INSERT INTO api_keys (provider, name, nonce, ciphertext, created_at, rotated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            r.provider,
            r.name,
            r.nonce,
            r.ciphertext,
            r.created_at.as_i64(),
            r.rotated_at.map(UnixNanos::as_i64)
        ])?;
    }
    audit_in(&tx, audit)?;
    tx.commit()?;
    Ok(())
}

fn key_row(r: &Row<'_>) -> rusqlite::Result<ApiKeyRow> {
    Ok(ApiKeyRow {
        provider: r.get(0)?,
        name: r.get(1)?,
        nonce: r.get(2)?,
        ciphertext: r.get(3)?,
        created_at: UnixNanos::new(r.get(4)?),
        rotated_at: r.get::<_, Option<i64>>(5)?.map(UnixNanos::new),
    })
}

pub(super) fn keys(
    conn: &Connection,
    provider: Option<&str>,
) -> Result<Vec<ApiKeyRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT provider, name, nonce, ciphertext, created_at, rotated_at FROM api_keys
         WHERE ?1 IS NULL OR provider = ?1 ORDER BY provider, name",
    )?;
    let rows = stmt.query_map([provider], key_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn delete(
    conn: &mut Connection,
    provider: &str,
    audit: &KeyAuditRow,
) -> Result<usize, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let n = tx.execute("DELETE FROM api_keys WHERE provider = ?1", [provider])?;
    audit_in(&tx, audit)?;
    tx.commit()?;
    Ok(n)
}

pub(super) fn add_audit(conn: &mut Connection, audit: &KeyAuditRow) -> Result<(), StoreError> {
    audit_in(conn, audit)
}

pub(super) fn audit_log(conn: &Connection) -> Result<Vec<KeyAuditRow>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT at, provider, action FROM key_audit ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok(KeyAuditRow {
            at: UnixNanos::new(r.get(0)?),
            provider: r.get(1)?,
            action: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl KeyStore for SqliteStore {
    fn vault_header(&self) -> Result<Option<VaultHeaderRow>, StoreError> {
        header(&self.conn)
    }

    fn init_vault_header(&mut self, header: &VaultHeaderRow) -> Result<(), StoreError> {
        init_header(&mut self.conn, header)
    }

    fn put_api_keys(
        &mut self,
        provider: &str,
        rows: &[ApiKeyRow],
        audit: &KeyAuditRow,
    ) -> Result<(), StoreError> {
        put(&mut self.conn, provider, rows, audit)
    }

    fn api_keys(&self, provider: Option<&str>) -> Result<Vec<ApiKeyRow>, StoreError> {
        keys(&self.conn, provider)
    }

    fn delete_api_keys(
        &mut self,
        provider: &str,
        audit: &KeyAuditRow,
    ) -> Result<usize, StoreError> {
        delete(&mut self.conn, provider, audit)
    }

    fn add_key_audit(&mut self, audit: &KeyAuditRow) -> Result<(), StoreError> {
        add_audit(&mut self.conn, audit)
    }

    fn key_audit(&self) -> Result<Vec<KeyAuditRow>, StoreError> {
        audit_log(&self.conn)
    }
}
