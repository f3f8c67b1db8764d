//! A fresh store per test: a temp SQLite file, or a schema of its own in the PostgreSQL
//! database of `ZTRADE_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/test`),
//! dropped again when the test ends. PostgreSQL being unreachable fails the test; it never
//! skips.
//!
//! - [`TestDb`]: made by [`TestDb::sqlite`], [`TestDb::postgres`] or [`TestDb::of`] a backend
//!   name; its `url` for `store::open*` or `--db`; a temp folder beside it ([`TestDb::path`]);
//!   [`TestDb::with`] a migrated store.
//! - Raw SQL outside the store, to set up what the store would refuse to write (an older or
//!   newer schema) and to look at what it stored: [`TestDb::exec`], [`TestDb::column`],
//!   [`TestDb::count`].
//! - [`conformance!`](crate::conformance), [`both_backends!`](crate::both_backends): one body
//!   run on both backends.
//! - [`blocking`]: the synchronous PostgreSQL client from an async test.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

pub use crate::fixtures::pg_base_url;

/// The SQLite file's name inside [`TestDb::dir`].
pub const SQLITE_FILE: &str = "t.db";

pub struct TestDb {
    /// The store's URL: `sqlite://DIR/t.db`, or the base URL with `schema=NAME`.
    pub url: String,
    dir: tempfile::TempDir,
    /// PostgreSQL: the base URL and the schema this test owns.
    pg: Option<(String, String)>,
}

/// Runs blocking database work, also from an async test: the synchronous PostgreSQL client
/// runs its own runtime, which must not start on a runtime thread as is. Outside a runtime it
/// just calls `f`; inside one it needs the multi-threaded flavor.
pub fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

/// A client of `base`, or the test's failure saying that PostgreSQL is needed.
pub fn pg_connect(base: &str) -> postgres::Client {
    postgres::Client::connect(base, postgres::NoTls).unwrap_or_else(|e| {
        panic!(
            "PostgreSQL at {} is unreachable: {}. The PostgreSQL tests need it; start it or \
             point ZTRADE_TEST_PG_URL at one.",
            store::url::redact(base),
            store::error::pg_message(&e)
        )
    })
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        Self {
            url: format!("sqlite://{}", dir.path().join(SQLITE_FILE).display()),
            dir,
            pg: None,
        }
    }

    /// A schema of its own in [`pg_base_url`]'s database, named after `test`.
    pub fn postgres(test: &str) -> Self {
        Self::postgres_at(&pg_base_url(), test)
    }

    /// A schema of its own in the database `base` names.
    pub fn postgres_at(base: &str, test: &str) -> Self {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        // Unique across the threads of one test binary (SEQ) and across binaries, including a
        // reused process id (the clock).
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let mut schema = format!(
            "zt_{}_{}_{}_{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed),
            nanos,
            test
        );
        schema.truncate(63); // PostgreSQL's identifier limit
        blocking(|| {
            pg_connect(base)
                .batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                .expect("drop old schema")
        });
        let sep = if base.contains('?') { '&' } else { '?' };
        Self {
            url: format!("{base}{sep}schema={schema}"),
            dir: tempfile::tempdir().expect("temp dir"),
            pg: Some((base.to_string(), schema)),
        }
    }

    /// `backend` is `"sqlite"` or `"postgres"`; `test` names the PostgreSQL schema.
    pub fn of(backend: &str, test: &str) -> Self {
        match backend {
            "sqlite" => Self::sqlite(),
            "postgres" => Self::postgres(test),
            other => panic!("no backend {other:?}: sqlite or postgres"),
        }
    }

    pub fn backend(&self) -> &'static str {
        if self.is_postgres() {
            "postgres"
        } else {
            "sqlite"
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }

    /// PostgreSQL: the schema this test owns.
    pub fn schema(&self) -> Option<&str> {
        self.pg.as_ref().map(|(_, schema)| schema.as_str())
    }

    /// A temp folder of the test's own (holding the SQLite file), removed at the end.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `name` inside [`TestDb::dir`].
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `f` on a fresh connection to the store, migrated.
    pub fn with<T>(&self, f: impl FnOnce(&mut dyn store::Store) -> T) -> T {
        blocking(|| {
            let mut st = store::open_migrated(&self.url).unwrap();
            f(st.as_mut())
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, schema)) = &self.pg {
            blocking(|| {
                if let Ok(mut c) = postgres::Client::connect(base, postgres::NoTls) {
                    let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
                }
            });
        }
    }
}

impl TestDb {
    /// Runs raw SQL (several statements allowed) outside the store.
    pub fn exec(&self, sql: &str) {
        match &self.pg {
            None => {
                let c = rusqlite::Connection::open(self.path(SQLITE_FILE)).unwrap();
                c.execute_batch(sql)
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
            Some((base, schema)) => blocking(|| {
                let mut c = pg_connect(base);
                c.batch_execute(&format!(
                    "CREATE SCHEMA IF NOT EXISTS \"{schema}\"; SET search_path TO \"{schema}\";"
                ))
                .unwrap();
                c.batch_execute(sql)
                    .unwrap_or_else(|e| panic!("{sql}: {}", store::error::pg_message(&e)));
            }),
        }
    }

    /// First column of every row, as text (NULL as None).
    pub fn column(&self, sql: &str) -> Vec<Option<String>> {
        match &self.pg {
            None => {
                let c = rusqlite::Connection::open(self.path(SQLITE_FILE)).unwrap();
                let mut stmt = c.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
                let mut rows = stmt.query([]).unwrap();
                let mut out = Vec::new();
                while let Some(r) = rows.next().unwrap() {
                    use rusqlite::types::ValueRef;
                    out.push(match r.get_ref(0).unwrap() {
                        ValueRef::Null => None,
                        ValueRef::Integer(i) => Some(i.to_string()),
                        ValueRef::Real(f) => Some(f.to_string()),
                        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
                        ValueRef::Blob(_) => Some("<blob>".into()),
                    });
                }
                out
            }
            Some((base, schema)) => blocking(|| {
                let mut c = pg_connect(base);
                c.batch_execute(&format!("SET search_path TO \"{schema}\""))
                    .unwrap();
                c.simple_query(sql)
                    .unwrap_or_else(|e| panic!("{sql}: {}", store::error::pg_message(&e)))
                    .into_iter()
                    .filter_map(|m| match m {
                        postgres::SimpleQueryMessage::Row(r) => Some(r.get(0).map(str::to_string)),
                        _ => None,
                    })
                    .collect()
            }),
        }
    }

    /// The single number `sql` selects, e.g. `SELECT count(*) FROM bars`.
    pub fn count(&self, sql: &str) -> i64 {
        self.column(sql)[0].as_deref().unwrap().parse().unwrap()
    }
}

/// `mod sqlite { #[test] fn name() }` and `mod postgres { … }` for each listed
/// `fn name(db: &TestDb)`, each with a fresh store of that backend (the PostgreSQL schema
/// named after the test): the store's conformance suite.
#[macro_export]
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name(&$crate::TestDb::sqlite());
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    super::$name(&$crate::TestDb::postgres(stringify!($name)));
                }
            )*
        }
    };
}

/// `mod sqlite { #[test] fn name() }` and `mod postgres { … }` for each listed
/// `fn name(backend: &str)`, which makes its own stores ([`TestDb::of`]). With `async` first,
/// the bodies are async and run under `#[tokio::test]` on two worker threads (the caller
/// depends on tokio).
#[macro_export]
macro_rules! both_backends {
    (async $($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
              async fn $name() { super::$name("sqlite").await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
              async fn $name() { super::$name("postgres").await })*
        }
    };
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $name() { super::$name("sqlite") })*
        }
        mod postgres {
            $(#[test] fn $name() { super::$name("postgres") })*
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema_exists(name: &str) -> bool {
        let mut c = pg_connect(&pg_base_url());
        let row = c
            .query_one(
                "SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1",
                &[&name],
            )
            .unwrap();
        row.get::<_, i64>(0) == 1
    }

    #[test]
    fn a_postgres_schema_is_dropped_with_its_test_db() {
        let db = TestDb::postgres("testkit_drop");
        let schema = db.schema().unwrap().to_string();
        db.with(|_| ());
        assert!(schema_exists(&schema), "{schema} was not created");
        assert!(db.count("SELECT count(*) FROM schema_migrations") > 0);
        drop(db);
        assert!(!schema_exists(&schema), "{schema} outlived its test");
    }

    #[test]
    #[should_panic(expected = "is unreachable")]
    fn an_unreachable_postgres_fails_the_test() {
        TestDb::postgres_at("postgres://postgres@127.0.0.1:1/test", "nowhere");
    }

    #[test]
    fn sqlite_lives_in_the_temp_folder() {
        let db = TestDb::of("sqlite", "unused");
        db.with(|_| ());
        assert!(db.path(SQLITE_FILE).exists());
        assert_eq!((db.backend(), db.schema()), ("sqlite", None));
        let dir = db.dir().to_path_buf();
        drop(db);
        assert!(!dir.exists());
    }
}
