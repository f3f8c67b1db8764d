//! Database URLs: which backend, where, and how to print them without the password.
//!
//! - `sqlite://PATH`, `sqlite:PATH` (relative or absolute; `sqlite:///tmp/x.db` is absolute),
//!   `sqlite::memory:` for a private in-memory store; `?busy_timeout=SECONDS` sets how long a
//!   connection waits for another process's write lock (default 10 s).
//! - `postgres://…` / `postgresql://…`, as libpq reads them, plus one extra query parameter,
//!   `schema=NAME`, which we strip and turn into `search_path` (tests use one schema each).

use std::path::PathBuf;
use std::time::Duration;

use crate::StoreError;

/// A parsed store URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreUrl {
    Sqlite {
        target: SqliteTarget,
        /// How long a statement waits for another connection's lock before failing busy.
        busy_timeout: Duration,
    },
    Postgres {
        /// The URL to hand to the driver (without our `schema=` parameter).
        conninfo: String,
        /// Schema to create (on migrate) and put first on `search_path`.
        schema: Option<String>,
    },
}

/// The wait for a SQLite lock when the URL does not say: long enough for another command's
/// ordinary transaction, short enough that a stuck writer is reported.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest `busy_timeout` accepted (a day): beyond it a typo, not a wish.
const MAX_BUSY_TIMEOUT_SECS: f64 = 86_400.0;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqliteTarget {
    File(PathBuf),
    Memory,
}

impl StoreUrl {
    pub fn backend(&self) -> crate::types::Backend {
        match self {
            Self::Sqlite { .. } => crate::types::Backend::Sqlite,
            Self::Postgres { .. } => crate::types::Backend::Postgres,
        }
    }

    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let bad = |reason: &str| StoreError::BadUrl {
            url: redact(url),
            reason: reason.to_string(),
        };
        let url = url.trim();
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let rest = rest.strip_prefix("//").unwrap_or(rest);
            let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
            let mut busy_timeout = DEFAULT_BUSY_TIMEOUT;
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                match pair.split_once('=') {
                    Some(("busy_timeout", v)) => {
                        busy_timeout = parse_seconds(v).ok_or_else(|| {
                            bad("busy_timeout must be a number of seconds from 0 to 86400")
                        })?;
                    }
                    _ => return Err(bad("the only SQLite URL parameter is busy_timeout=SECONDS")),
                }
            }
            if path.is_empty() {
                return Err(bad("no file path (try sqlite://ztrade.db)"));
            }
            let target = if path == ":memory:" {
                SqliteTarget::Memory
            } else {
                SqliteTarget::File(PathBuf::from(path))
            };
            return Ok(Self::Sqlite {
                target,
                busy_timeout,
            });
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

/// `"2.5"` → 2.5 s; negative, non-finite or absurd values are refused.
pub fn parse_seconds(text: &str) -> Option<Duration> {
    let secs: f64 = text.trim().parse().ok()?;
    (secs.is_finite() && (0.0..=MAX_BUSY_TIMEOUT_SECS).contains(&secs))
        .then(|| Duration::from_secs_f64(secs))
}

/// The store a command uses: `flag` (`--db`, or `ZTRADE_DB` through it), then `DATABASE_URL`,
/// then the embedded default `sqlite://ztrade.db`; a busy timeout, when given, carried on a
/// SQLite URL ([`with_busy_timeout`]).
pub fn resolve(flag: Option<&str>, busy_timeout: Option<f64>) -> String {
    let url = (flag.map(str::to_owned))
        .or_else(|| std::env::var("DATABASE_URL").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "sqlite://ztrade.db".to_string());
    match busy_timeout {
        Some(secs) => with_busy_timeout(&url, secs),
        None => url,
    }
}

/// A SQLite `url` with its `busy_timeout` parameter set to `secs` (replacing one already there),
/// as `--busy-timeout` carries it; any other URL as it is.
pub fn with_busy_timeout(url: &str, secs: f64) -> String {
    if !url.trim_start().starts_with("sqlite:") {
        return url.to_string();
    }
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut params: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("busy_timeout="))
        .map(str::to_string)
        .collect();
    params.push(format!("busy_timeout={secs}"));
    format!("{base}?{}", params.join("&"))
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
    fn busy_timeout_is_set_on_a_sqlite_url_only_and_replaces_one_there() {
        assert_eq!(
            with_busy_timeout("sqlite://a.db", 2.5),
            "sqlite://a.db?busy_timeout=2.5"
        );
        assert_eq!(
            with_busy_timeout("sqlite://a.db?mode=rwc&busy_timeout=9", 1.0),
            "sqlite://a.db?mode=rwc&busy_timeout=1"
        );
        let pg = "postgres://u@h/db?sslmode=disable";
        assert_eq!(with_busy_timeout(pg, 3.0), pg);
    }

    #[test]
    fn sqlite_spellings() {
        let f = |s: &str| StoreUrl::Sqlite {
            target: SqliteTarget::File(PathBuf::from(s)),
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
        };
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
            StoreUrl::Sqlite {
                target: SqliteTarget::Memory,
                busy_timeout: DEFAULT_BUSY_TIMEOUT
            }
        );
        assert!(StoreUrl::parse("sqlite://").is_err());
        assert!(StoreUrl::parse("mysql://x").is_err());
    }

    #[test]
    fn sqlite_busy_timeout() {
        let u = StoreUrl::parse("sqlite://x.db?busy_timeout=2.5").unwrap();
        assert_eq!(
            u,
            StoreUrl::Sqlite {
                target: SqliteTarget::File(PathBuf::from("x.db")),
                busy_timeout: Duration::from_millis(2500)
            }
        );
        for bad in ["-1", "nan", "1e9", "x", ""] {
            let e = StoreUrl::parse(&format!("sqlite://x.db?busy_timeout={bad}")).unwrap_err();
            assert!(e.to_string().contains("busy_timeout"), "{e}");
        }
        let e = StoreUrl::parse("sqlite://x.db?journal=off").unwrap_err();
        assert!(e.to_string().contains("busy_timeout=SECONDS"), "{e}");
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
