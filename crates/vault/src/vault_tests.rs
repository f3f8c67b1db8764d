//! The vault end to end over [`MemorySecretStore`]: operations, audit trail, wrong master key,
//! tampering, and the proof that no secret leaks into Debug, errors, JSON or stored bytes.

use domain::{Provider, UnixNanos};

use crate::*;

const ALPACA_ID: &str = "PKTESTKEYID0123456789";
const ALPACA_SECRET: &str = "alpacaSecretValue9f8e7d6c5b4a";
const POLYGON_KEY: &str = "polygonApiKeyValue_ZZ81";
const NEW_POLYGON_KEY: &str = "rotatedPolygonKey_QQ42";

fn master(text: &str) -> MasterKey {
    MasterKey::from_bytes(text.as_bytes().to_vec(), "test").unwrap()
}

fn t(s: i64) -> UnixNanos {
    UnixNanos::from_secs(1_700_000_000 + s)
}

fn alpaca() -> Credentials {
    Credentials::alpaca(Secret::new(ALPACA_ID), Secret::new(ALPACA_SECRET)).unwrap()
}

fn polygon(key: &str) -> Credentials {
    Credentials::polygon(Secret::new(key)).unwrap()
}

fn filled_vault() -> KeyVault<MemorySecretStore> {
    let mut v = KeyVault::open(
        MemorySecretStore::new(),
        &master("the right master key"),
        KdfParams::insecure_for_tests(),
        t(0),
    )
    .unwrap();
    v.set(&alpaca(), t(1)).unwrap();
    v.set(&polygon(POLYGON_KEY), t(2)).unwrap();
    v
}

#[test]
fn set_list_rotate_delete_with_audit() {
    let mut v = filled_vault();
    assert!(matches!(
        v.set(&polygon("again"), t(3)),
        Err(VaultError::AlreadyStored {
            provider: Provider::Polygon
        })
    ));
    let listed = v.list(t(4)).unwrap();
    let names: Vec<_> = listed
        .iter()
        .map(|k| format!("{}/{}", k.provider, k.name))
        .collect();
    assert_eq!(
        names,
        ["alpaca/key_id", "alpaca/secret_key", "polygon/api_key"]
    );
    assert!(listed.iter().all(|k| k.rotated_at.is_none()));

    v.rotate(&polygon(NEW_POLYGON_KEY), t(5)).unwrap();
    let got = v.get(Provider::Polygon, t(6)).unwrap().unwrap();
    assert_eq!(got, polygon(NEW_POLYGON_KEY));
    let info = v
        .list(t(7))
        .unwrap()
        .into_iter()
        .find(|k| k.provider == Provider::Polygon)
        .unwrap();
    assert_eq!((info.created_at, info.rotated_at), (t(2), Some(t(5))));

    assert_eq!(v.get(Provider::Alpaca, t(8)).unwrap().unwrap(), alpaca());
    v.delete(Provider::Alpaca, t(9)).unwrap();
    assert_eq!(v.get(Provider::Alpaca, t(10)).unwrap(), None);
    assert!(matches!(
        v.delete(Provider::Alpaca, t(11)),
        Err(VaultError::NotStored {
            provider: Provider::Alpaca
        })
    ));
    assert!(matches!(
        v.rotate(&alpaca(), t(12)),
        Err(VaultError::NotStored {
            provider: Provider::Alpaca
        })
    ));

    let log: Vec<_> = v
        .audit_log()
        .unwrap()
        .iter()
        .map(|e| (e.at, e.provider.map(|p| p.as_str()), e.action.as_str()))
        .collect();
    assert_eq!(
        log,
        [
            (t(1), Some("alpaca"), "set"),
            (t(2), Some("polygon"), "set"),
            (t(4), None, "list"),
            (t(5), Some("polygon"), "rotate"),
            (t(6), Some("polygon"), "read"),
            (t(7), None, "list"),
            (t(8), Some("alpaca"), "read"),
            (t(9), Some("alpaca"), "delete"),
        ]
    );
}

#[test]
fn wrong_master_key_is_refused_not_garbage() {
    let store = filled_vault().into_store();
    let err = KeyVault::open(
        store.clone(),
        &master("a wrong master key"),
        KdfParams::default(),
        t(20),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "master key does not match the one these keys were stored with"
    );
    // The stored params win over the ones offered for a new vault.
    let mut v = KeyVault::open(
        store,
        &master("the right master key"),
        KdfParams::default(),
        t(21),
    )
    .unwrap();
    assert_eq!(
        v.get(Provider::Polygon, t(22)).unwrap().unwrap(),
        polygon(POLYGON_KEY)
    );
}

#[test]
fn denied_open_is_audited() {
    let mut store = filled_vault().into_store();
    let err = KeyVault::open(
        &mut store,
        &master("not it at all"),
        KdfParams::default(),
        t(30),
    )
    .unwrap_err();
    assert!(matches!(err, VaultError::MasterKeyMismatch));
    let last = *store.audit_log().unwrap().last().unwrap();
    assert_eq!(
        last,
        AuditEntry {
            at: t(30),
            provider: None,
            action: AuditAction::Denied
        }
    );
}

#[test]
fn tampered_or_swapped_ciphertext_is_detected() {
    let mut store = filled_vault().into_store();
    // Swap the two Alpaca ciphertexts: each is valid, but bound to its own row.
    let mut rows: Vec<_> = store
        .rows_mut()
        .filter(|r| r.provider == Provider::Alpaca)
        .collect();
    let (a, b) = rows.split_at_mut(1);
    std::mem::swap(&mut a[0].ciphertext, &mut b[0].ciphertext);
    std::mem::swap(&mut a[0].nonce, &mut b[0].nonce);
    let mut v = KeyVault::open(
        store,
        &master("the right master key"),
        KdfParams::default(),
        t(40),
    )
    .unwrap();
    let err = v.get(Provider::Alpaca, t(41)).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("stored key alpaca/key_id is damaged"),
        "{err}"
    );
    // Polygon's row is untouched and still opens.
    assert!(v.get(Provider::Polygon, t(42)).unwrap().is_some());
}

#[test]
fn nonces_are_unique_per_secret() {
    let v = filled_vault();
    let mut nonces: Vec<[u8; 12]> = Provider::ALL
        .iter()
        .flat_map(|p| v.store().get(*p).unwrap())
        .map(|r| r.nonce)
        .chain(v.store().header().unwrap().map(|h| h.check_nonce))
        .collect();
    let n = nonces.len();
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), n);
}

/// No secret in Debug output, error messages, serialized JSON, or the stored bytes.
#[test]
fn no_secret_leaks() {
    let secrets = [ALPACA_ID, ALPACA_SECRET, POLYGON_KEY, NEW_POLYGON_KEY];
    let check = |what: &str, text: &str| {
        for s in secrets {
            assert!(!text.contains(s), "{what} leaks a secret: {text}");
        }
    };
    let mut v = filled_vault();
    v.rotate(&polygon(NEW_POLYGON_KEY), t(3)).unwrap();
    let a = v.get(Provider::Alpaca, t(4)).unwrap().unwrap();
    let p = v.get(Provider::Polygon, t(5)).unwrap().unwrap();
    let listed = v.list(t(6)).unwrap();

    check("Debug of credentials", &format!("{a:?} {p:?} {a:#?}"));
    check(
        "Display of a secret",
        &a.parts()
            .iter()
            .map(|(_, s)| s.to_string())
            .collect::<String>(),
    );
    check("Debug of the vault", &format!("{v:?}"));
    check("JSON of credentials", &serde_json::to_string(&a).unwrap());
    check("JSON of credentials", &serde_json::to_string(&p).unwrap());
    check(
        "JSON of the key list",
        &serde_json::to_string(&listed).unwrap(),
    );
    check(
        "JSON of the audit log",
        &serde_json::to_string(&v.audit_log().unwrap()).unwrap(),
    );
    let resolved = Resolved {
        credentials: a.clone(),
        source: KeySource::Vault,
    };
    check(
        "JSON of a resolved key",
        &serde_json::to_string(&resolved).unwrap(),
    );
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        r#"{"provider":"alpaca","key_id":"***","secret_key":"***"}"#
    );

    let errors = [
        v.set(&a, t(7)).unwrap_err(),
        Credentials::alpaca(
            Secret::new(ALPACA_ID),
            Secret::new(format!("{ALPACA_SECRET} x")),
        )
        .unwrap_err(),
        KeyVault::open(
            v.store().clone(),
            &master(ALPACA_SECRET),
            KdfParams::default(),
            t(8),
        )
        .unwrap_err(),
        MasterKey::from_bytes(b"short".to_vec(), "test").unwrap_err(),
    ];
    for e in &errors {
        check("an error message", &format!("{e} {e:?}"));
    }

    let bytes = v.store().dump();
    for s in secrets {
        assert!(
            !bytes.windows(s.len()).any(|w| w == s.as_bytes()),
            "stored bytes hold {s:?} in the clear"
        );
    }
}
