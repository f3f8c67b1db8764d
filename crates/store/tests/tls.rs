//! PostgreSQL over TLS, against the local server set up by `.ci/pg-tls` (a CI root and a
//! certificate for DNS:localhost; `ZTRADE_TEST_PG_CA` names the root). Every sslmode is checked
//! for what it promises: encrypted or not, certificate and host name checked or not.

use store::StoreError;
use store::postgres::PgStore;

/// The CI root certificate; the tests fail (never skip) without it.
fn ca() -> String {
    let path = std::env::var("ZTRADE_TEST_PG_CA")
        .unwrap_or_else(|_| "/var/lib/postgresql/ztrade-tls/ca.crt".into());
    assert!(
        std::path::Path::new(&path).exists(),
        "{path} is missing: run .ci/pg-tls (as .ci/run does) to give the local PostgreSQL a \
         certificate, or point ZTRADE_TEST_PG_CA at the root that signed the server's"
    );
    path
}

/// The test database's URL on `host` with extra parameters (user and database from
/// ZTRADE_TEST_PG_URL).
fn url(host: &str, params: &str) -> String {
    let base = testkit::pg_base_url();
    let after_scheme = base.split_once("://").map_or(base.as_str(), |(_, r)| r);
    let (auth_host, rest) = after_scheme
        .split_once('/')
        .unwrap_or((after_scheme, "test"));
    let user = auth_host.split_once('@').map_or("postgres", |(u, _)| u);
    let db = rest.split('?').next().unwrap_or("test");
    format!("postgres://{user}@{host}:5432/{db}?{params}")
}

fn encrypted(url: &str) -> Result<bool, StoreError> {
    let s = PgStore::open(url, None, "test")?;
    let row = s.client().query_one(
        "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        &[],
    )?;
    Ok(row.get(0))
}

#[test]
fn require_encrypts() {
    assert!(encrypted(&url("127.0.0.1", "sslmode=require")).unwrap());
}

#[test]
fn disable_does_not() {
    assert!(!encrypted(&url("127.0.0.1", "sslmode=disable")).unwrap());
}

#[test]
fn verify_full_with_the_root_and_the_right_name() {
    let u = url(
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={}", ca()),
    );
    assert!(encrypted(&u).unwrap());
}

#[test]
fn verify_full_refuses_a_name_the_certificate_does_not_hold() {
    // The certificate is for DNS:localhost, not the address.
    let u = url(
        "127.0.0.1",
        &format!("sslmode=verify-full&sslrootcert={}", ca()),
    );
    let e = encrypted(&u).unwrap_err().to_string();
    assert!(e.contains("certificate"), "{e}");
}

#[test]
fn verify_ca_accepts_any_name_under_the_root() {
    let u = url(
        "127.0.0.1",
        &format!("sslmode=verify-ca&sslrootcert={}", ca()),
    );
    assert!(encrypted(&u).unwrap());
}

#[test]
fn verify_full_refuses_an_untrusted_root() {
    // The system roots did not sign the CI certificate.
    let e = encrypted(&url("localhost", "sslmode=verify-full"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("certificate") || e.contains("root"), "{e}");
}

#[test]
fn the_store_url_carries_sslmode_through_open() {
    let u = url(
        "localhost",
        &format!(
            "sslmode=verify-full&sslrootcert={}&schema=zt_tls_open",
            ca()
        ),
    );
    let s = store::open(&u).unwrap();
    assert!(s.schema_status().is_ok());
}
