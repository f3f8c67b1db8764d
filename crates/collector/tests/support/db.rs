//! A fresh store per test: a temp SQLite file, or a schema of its own in PostgreSQL database
//! `test` (`ZTRADE_TEST_PG_URL`, default `postgres://postgres@127.0.0.1:5432/test`), dropped
//! at the end. PostgreSQL being unreachable fails the test; it never skips.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

pub struct TestDb {
    pub url: String,
    pub backend: &'static str,
    _dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

pub fn pg_base() -> String {
    std::env::var("ZTRADE_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// Runs blocking database work from an async test (the sync PostgreSQL client must not run on
/// a runtime thread as is).
pub fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

impl TestDb {
    pub fn new(backend: &'static str, name: &str) -> Self {
        blocking(|| Self::create(backend, name))
    }

    fn create(backend: &'static str, name: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        if backend == "sqlite" {
            return Self {
                url: format!("sqlite://{}", dir.path().join("t.db").display()),
                backend,
                _dir: dir,
                pg: None,
            };
        }
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let schema = format!(
            "zt_bf_{}_{}_{name}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        );
        let base = pg_base();
        let mut c = postgres::Client::connect(&base, postgres::NoTls).unwrap_or_else(|e| {
            panic!("PostgreSQL at {base} is unreachable ({e}); these tests need it")
        });
        c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
            .unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        Self {
            url: format!("{base}{sep}schema={schema}"),
            backend,
            _dir: dir,
            pg: Some((base, schema)),
        }
    }

    /// Runs `f` on a fresh connection to the store.
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
                    let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
                }
            });
        }
    }
}

/// `mod sqlite { #[tokio::test] fn name() }` and `mod postgres { … }` from one async body
/// taking the backend name.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
              async fn $name() { super::$name("sqlite").await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
              async fn $name() { super::$name("postgres").await })*
        }
    };
}
