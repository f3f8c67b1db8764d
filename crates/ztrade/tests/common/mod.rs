//! Running the real `ztrade` binary against a fresh store: a temp SQLite file, or a schema of its
//! own in PostgreSQL (`ZTRADE_TEST_PG_URL`, default `postgres://postgres@127.0.0.1:5432/test`).
//! An unreachable PostgreSQL fails the test; it never skips.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

pub fn shared_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

pub fn pg_base() -> String {
    std::env::var("ZTRADE_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

pub struct Db {
    pub url: String,
    pub dir: tempfile::TempDir,
    schema: Option<String>,
}

impl Db {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        Self {
            url: format!("sqlite://{}", dir.path().join("t.db").display()),
            dir,
            schema: None,
        }
    }

    pub fn postgres(name: &str) -> Self {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let schema = format!(
            "zt_cli_{}_{}_{name}",
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
            dir: tempfile::tempdir().unwrap(),
            schema: Some(schema),
        }
    }

    pub fn of(backend: &str, name: &str) -> Self {
        if backend == "postgres" {
            Self::postgres(name)
        } else {
            Self::sqlite()
        }
    }

    /// Runs `ztrade --db URL ARGS…` in the temp dir.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_ztrade"))
            .arg("--db")
            .arg(&self.url)
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("RUST_LOG")
            .output()
            .expect("run ztrade")
    }

    /// Runs and requires success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "ztrade {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut a = args.to_vec();
        a.push("--json");
        let text = self.ok(&a);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Some(schema) = &self.schema
            && let Ok(mut c) = postgres::Client::connect(&pg_base(), postgres::NoTls)
        {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
        }
    }
}

/// Defines `mod sqlite { #[test] fn name() }` and `mod postgres { … }` from one body taking `&str` backend.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $name() { super::$name("sqlite") })*
        }
        mod postgres {
            $(#[test] fn $name() { super::$name("postgres") })*
        }
    };
}
