//! Database URLs: which backend, where, and how to print them without the password.
//!
//! - `sqlite://PATH`, `sqlite:PATH` (relative or absolute; `sqlite:///tmp/x.db` is absolute),
//!   `sqlite::memory:` for a private in-memory store.
//! - `postgres://…` / `postgresql://…`, as libpq reads them, plus one extra query parameter,
//!   `schema=NAME`, which we strip and turn into `search_path` (tests use one schema each).

use std::path::PathBuf;

use crate::StoreError;

/// A parsed store URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreUrl {
    Sqlite(SqliteTarget),
    Postgres {
        /// The URL to hand to the driver (without our `schema=` parameter).
        conninfo: String,
        /// Schema to create (on migrate) and put first on `search_path`.
        schema: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqliteTarget {
    File(PathBuf),
    Memory,
}

impl StoreUrl {
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let bad = |reason: &str| StoreError::BadUrl {
            url: redact(url),
            reason: reason.to_string(),
        };
        let url = url.trim();
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() {
                return Err(bad("no file path (try sqlite://ztrade.db)"));
            }
            if path == ":memory:" {
                return Ok(Self::Sqlite(SqliteTarget::Memory));
            }
            return Ok(Self::Sqlite(SqliteTarget::File(PathBuf::from(path))));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let (base, query) = match url.split_once('?') {
                Some((b, q)) => (b, q),
                None => (url, ""),
            };
            let mut schema = None;
            let mut kept = Vec::new();
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                match pair.split_once('=') {
                    Some(("schema", v)) => {
                        if !is_identifier(v) {
                            return Err(bad(
                                "schema must be letters, digits and underscores, not starting with a digit",
                            ));
                        }
                        schema = Some(v.to_string());
                    }
                    _ => kept.push(pair),
                }
            }
            let conninfo = if kept.is_empty() {
                base.to_string()
            } else {
                format!("{base}?{}", kept.join("&"))
            };
            return Ok(Self::Postgres { conninfo, schema });
        }
        Err(bad(
            "unknown scheme; use sqlite://PATH or postgres://USER@HOST/DB",
        ))
    }
}

/// A plain SQL identifier, so it can be spliced into `SET search_path` without quoting games.
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s.len() <= 63
}

/// The URL with any password replaced by `***`, for messages and logs.
pub fn redact(url: &str) -> String {
    let mut out = url.to_string();
    // user:password@ in the authority.
    if let Some(scheme_end) = out.find("://") {
        let auth_start = scheme_end + 3;
        let auth_end = out[auth_start..]
            .find(['/', '?'])
            .map_or(out.len(), |i| auth_start + i);
        if let Some(at) = out[auth_start..auth_end].rfind('@') {
            let userinfo = &out[auth_start..auth_start + at];
            if let Some(colon) = userinfo.find(':') {
                out.replace_range(auth_start + colon + 1..auth_start + at, "***");
            }
        }
    }
    // password=… in the query string.
    if let Some(q) = out.find('?') {
        let (base, query) = out.split_at(q + 1);
        let query: Vec<String> = query
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => p.to_string(),
            })
            .collect();
        out = format!("{base}{}", query.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_spellings() {
        let f = |s: &str| StoreUrl::Sqlite(SqliteTarget::File(PathBuf::from(s)));
        assert_eq!(
            StoreUrl::parse("sqlite://ztrade.db").unwrap(),
            f("ztrade.db")
        );
        assert_eq!(StoreUrl::parse("sqlite:ztrade.db").unwrap(), f("ztrade.db"));
        assert_eq!(
            StoreUrl::parse("sqlite:///tmp/x.db").unwrap(),
            f("/tmp/x.db")
        );
        assert_eq!(StoreUrl::parse("sqlite:/tmp/x.db").unwrap(), f("/tmp/x.db"));
        assert_eq!(
            StoreUrl::parse("sqlite::memory:").unwrap(),
            StoreUrl::Sqlite(SqliteTarget::Memory)
        );
        assert!(StoreUrl::parse("sqlite://").is_err());
        assert!(StoreUrl::parse("mysql://x").is_err());
    }

    #[test]
    fn postgres_schema_is_stripped() {
        let u = StoreUrl::parse("postgres://u@h/test?schema=t_1&sslmode=disable").unwrap();
        assert_eq!(
            u,
            StoreUrl::Postgres {
                conninfo: "postgres://u@h/test?sslmode=disable".into(),
                schema: Some("t_1".into())
            }
        );
        let u = StoreUrl::parse("postgresql://h/db").unwrap();
        assert!(matches!(u, StoreUrl::Postgres { schema: None, .. }));
        assert!(StoreUrl::parse("postgres://h/db?schema=a;drop").is_err());
    }

    #[test]
    fn passwords_never_print() {
        assert_eq!(
            redact("postgres://bob:s3cret@db:5432/x?schema=a"),
            "postgres://bob:***@db:5432/x?schema=a"
        );
        assert_eq!(
            redact("postgres://db/x?user=bob&password=s3cret"),
            "postgres://db/x?user=bob&password=***"
        );
        assert_eq!(redact("postgres://bob@db/x"), "postgres://bob@db/x");
        let e = StoreUrl::parse("mysql://bob:s3cret@db/x").unwrap_err();
        assert!(!e.to_string().contains("s3cret"), "{e}");
    }
}
