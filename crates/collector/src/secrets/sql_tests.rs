//! The key tables (store migration 0006) on real databases: the whole vault over a
//! SQLite [`SecretStore`] written against them (a reference for the store crate's), and the
//! PostgreSQL dialect applied and round-tripped inside a rolled-back transaction.

use domain::{Provider, UnixNanos};
use rusqlite::{Connection, OptionalExtension, params};
use vault::{
    AuditAction, AuditEntry, Credentials, KdfParams, KeyInfo, KeyVault, MasterKey,
    PolygonCredentials, SealedSecret, Secret, SecretStore, StorageError, VaultError, VaultHeader,
};

const SQLITE_SQL: &str = include_str!("../../../store/migrations/sqlite/0006_api_keys.sql");
const POSTGRES_SQL: &str = include_str!("../../../store/migrations/postgres/0006_api_keys.sql");

struct SqliteKeys(Connection);

fn err(e: rusqlite::Error) -> StorageError {
    StorageError(Box::new(e))
}

fn row_provider(text: String) -> Result<Provider, StorageError> {
    Provider::parse(&text).map_err(|e| StorageError(Box::new(e)))
}

fn nonce(bytes: Vec<u8>) -> Result<[u8; 12], StorageError> {
    bytes
        .try_into()
        .map_err(|_| StorageError::msg("nonce is not 12 bytes"))
}

fn audit_row(tx: &Connection, a: &AuditEntry) -> Result<(), StorageError> {
    tx.execute(
        "INSERT INTO key_audit (at, provider, action) VALUES (?1, ?2, ?3)",
        params![
            a.at.as_i64(),
            a.provider.map(|p| p.as_str()),
            a.action.as_str()
        ],
    )
    .map_err(err)?;
    Ok(())
}

impl SecretStore for SqliteKeys {
    fn header(&self) -> Result<Option<VaultHeader>, StorageError> {
        let row = self
            .0
            .query_row(
                "SELECT kdf, salt, m_cost_kib, t_cost, p_cost, check_nonce, check_value, created_at
                 FROM key_vault WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Vec<u8>>(1)?,
                        KdfParams {
                            m_cost_kib: r.get(2)?,
                            t_cost: r.get(3)?,
                            p_cost: r.get(4)?,
                        },
                        r.get::<_, Vec<u8>>(5)?,
                        r.get::<_, Vec<u8>>(6)?,
                        r.get::<_, i64>(7)?,
                    ))
                },
            )
            .optional()
            .map_err(err)?;
        row.map(|(kdf, salt, params, n, check, at)| {
            Ok(VaultHeader {
                kdf,
                salt,
                params,
                check_nonce: nonce(n)?,
                check,
                created_at: UnixNanos::new(at),
            })
        })
        .transpose()
    }

    fn init_header(&mut self, h: &VaultHeader) -> Result<(), StorageError> {
        self.0
            .execute(
                "INSERT INTO key_vault VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    h.kdf,
                    h.salt,
                    h.params.m_cost_kib,
                    h.params.t_cost,
                    h.params.p_cost,
                    &h.check_nonce[..],
                    h.check,
                    h.created_at.as_i64()
                ],
            )
            .map_err(err)?;
        Ok(())
    }

    fn put(
        &mut self,
        p: Provider,
        rows: &[SealedSecret],
        a: &AuditEntry,
    ) -> Result<(), StorageError> {
        let tx = self.0.transaction().map_err(err)?;
        tx.execute("DELETE FROM api_keys WHERE provider = ?1", [p.as_str()])
            .map_err(err)?;
        for r in rows {
            tx.execute(
                "INSERT INTO api_keys VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    r.provider.as_str(),
                    r.name,
                    &r.nonce[..],
                    r.ciphertext,
                    r.created_at.as_i64(),
                    r.rotated_at.map(UnixNanos::as_i64)
                ],
            )
            .map_err(err)?;
        }
        audit_row(&tx, a)?;
        tx.commit().map_err(err)
    }

    fn get(&self, p: Provider) -> Result<Vec<SealedSecret>, StorageError> {
        let mut st = self
            .0
            .prepare("SELECT name, nonce, ciphertext, created_at, rotated_at FROM api_keys WHERE provider = ?1 ORDER BY name")
            .map_err(err)?;
        let rows = st
            .query_map([p.as_str()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get::<_, Option<i64>>(4)?,
                ))
            })
            .map_err(err)?;
        rows.map(|row| {
            let (name, n, ciphertext, created, rotated) = row.map_err(err)?;
            Ok(SealedSecret {
                provider: p,
                name,
                nonce: nonce(n)?,
                ciphertext,
                created_at: UnixNanos::new(created),
                rotated_at: rotated.map(UnixNanos::new),
            })
        })
        .collect()
    }

    fn list(&self) -> Result<Vec<KeyInfo>, StorageError> {
        let mut st = self
            .0
            .prepare("SELECT provider, name, created_at, rotated_at FROM api_keys ORDER BY provider, name")
            .map_err(err)?;
        let rows = st
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, Option<i64>>(3)?))
            })
            .map_err(err)?;
        rows.map(|row| {
            let (p, name, created, rotated) = row.map_err(err)?;
            Ok(KeyInfo {
                provider: row_provider(p)?,
                name,
                created_at: UnixNanos::new(created),
                rotated_at: rotated.map(UnixNanos::new),
            })
        })
        .collect()
    }

    fn delete(&mut self, p: Provider, a: &AuditEntry) -> Result<usize, StorageError> {
        let tx = self.0.transaction().map_err(err)?;
        let n = tx
            .execute("DELETE FROM api_keys WHERE provider = ?1", [p.as_str()])
            .map_err(err)?;
        audit_row(&tx, a)?;
        tx.commit().map_err(err)?;
        Ok(n)
    }

    fn audit(&mut self, a: &AuditEntry) -> Result<(), StorageError> {
        audit_row(&self.0, a)
    }

    fn audit_log(&self) -> Result<Vec<AuditEntry>, StorageError> {
        let mut st = self
            .0
            .prepare("SELECT at, provider, action FROM key_audit ORDER BY id")
            .map_err(err)?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(err)?;
        rows.map(|row| {
            let (at, p, action) = row.map_err(err)?;
            let action = [
                AuditAction::Set,
                AuditAction::Rotate,
                AuditAction::Delete,
                AuditAction::List,
                AuditAction::Read,
                AuditAction::Denied,
            ]
            .into_iter()
            .find(|a| a.as_str() == action)
            .ok_or_else(|| StorageError::msg(format!("unknown audit action {action:?}")))?;
            Ok(AuditEntry {
                at: UnixNanos::new(at),
                provider: p.map(row_provider).transpose()?,
                action,
            })
        })
        .collect()
    }
}

#[test]
fn vault_over_sqlite_tables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.sqlite");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(SQLITE_SQL).unwrap();
    let master = MasterKey::from_bytes(b"sqlite master key".to_vec(), "test").unwrap();
    let t = UnixNanos::from_secs;
    let mut v = KeyVault::open(
        SqliteKeys(conn),
        &master,
        KdfParams::insecure_for_tests(),
        t(1),
    )
    .unwrap();
    let poly = Credentials::polygon(Secret::new("sqlitePolygonSecret77")).unwrap();
    v.set(&poly, t(2)).unwrap();
    v.rotate(
        &Credentials::polygon(Secret::new("sqlitePolygonSecret88")).unwrap(),
        t(3),
    )
    .unwrap();
    drop(v);

    // Reopen from the file: right key reads, wrong key is refused.
    let reopen = || SqliteKeys(Connection::open(&path).unwrap());
    let wrong = MasterKey::from_bytes(b"not the master key".to_vec(), "test").unwrap();
    assert!(matches!(
        KeyVault::open(reopen(), &wrong, KdfParams::default(), t(4)),
        Err(VaultError::MasterKeyMismatch)
    ));
    let mut v = KeyVault::open(reopen(), &master, KdfParams::default(), t(5)).unwrap();
    let got = v.get(Provider::Polygon, t(6)).unwrap().unwrap();
    let Credentials::Polygon(PolygonCredentials { api_key }) = got else {
        panic!("wrong provider")
    };
    assert_eq!(api_key.expose(), "sqlitePolygonSecret88");
    let listed = v.list(t(7)).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].created_at, listed[0].rotated_at),
        (t(2), Some(t(3)))
    );
    let actions: Vec<_> = v
        .audit_log()
        .unwrap()
        .iter()
        .map(|a| a.action.as_str())
        .collect();
    assert_eq!(actions, ["set", "rotate", "denied", "read", "list"]);
    drop(v);

    let file = std::fs::read(&path).unwrap();
    for s in [
        "sqlitePolygonSecret77",
        "sqlitePolygonSecret88",
        "sqlite master key",
    ] {
        assert!(
            !file.windows(s.len()).any(|w| w == s.as_bytes()),
            "{s} is in the database file"
        );
    }
}

/// Needs PostgreSQL at 127.0.0.1:5432 (trust auth, db `test`); fails when it is unreachable.
#[test]
fn postgres_dialect_applies_and_round_trips() {
    let mut client = postgres::Client::connect(
        "host=127.0.0.1 port=5432 user=postgres dbname=test",
        postgres::NoTls,
    )
    .expect(
        "PostgreSQL at 127.0.0.1:5432 (db test, user postgres) must be reachable for this test",
    );
    let mut tx = client.transaction().unwrap();
    tx.batch_execute(
        "CREATE SCHEMA collector_sql_check; SET LOCAL search_path TO collector_sql_check;",
    )
    .unwrap();
    tx.batch_execute(POSTGRES_SQL).unwrap();
    tx.execute(
        "INSERT INTO key_vault VALUES (1, 'argon2id-v19', $1, 19456, 2, 1, $2, $3, 1)",
        &[&vec![1u8; 16], &vec![2u8; 12], &vec![3u8; 35]],
    )
    .unwrap();
    tx.execute(
        "INSERT INTO api_keys VALUES ('polygon', 'api_key', $1, $2, 10, NULL)",
        &[&vec![4u8; 12], &vec![5u8; 40]],
    )
    .unwrap();
    tx.execute("INSERT INTO key_audit (at, provider, action) VALUES (10, 'polygon', 'set'), (11, NULL, 'list')", &[])
        .unwrap();
    let n: i64 = tx
        .query_one("SELECT count(*) FROM key_audit", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 2);
    let bad = tx.execute(
        "INSERT INTO api_keys VALUES ('polygon', 'x', $1, $2, 1, NULL)",
        &[&vec![0u8; 11], &vec![0u8; 1]],
    );
    assert!(bad.is_err(), "an 11-byte nonce must be refused");
    tx.rollback().unwrap();
}
