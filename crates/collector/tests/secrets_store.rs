//! The key vault over the store's key tables ([`StoreSecrets`]) on SQLite and PostgreSQL: set,
//! get, rotate, delete, list and audit; a wrong master key refused and audited; only
//! ciphertext stored; and [`vault_lookup`] putting the environment before the vault.

use collector::Provider;
use collector::secrets::StoreSecrets;
use domain::UnixNanos;
use testkit::TestDb;
use vault::{
    AuditAction, Credentials, KdfParams, KeyVault, MasterKey, Secret, VaultError, vault_lookup,
};

testkit::both_backends!(async vault_over_the_store);

fn master(text: &str) -> MasterKey {
    MasterKey::from_bytes(text.as_bytes().to_vec(), "test").unwrap()
}

async fn vault_over_the_store(backend: &'static str) {
    let db = TestDb::of(backend, "vault");
    let at = UnixNanos::new;
    db.with(|st| {
        let m = master("the right master key");
        let p = KdfParams::insecure_for_tests();
        let mut v = KeyVault::open(StoreSecrets(&mut *st), &m, p, at(1)).unwrap();
        let alpaca = Credentials::alpaca(Secret::new("AKID1"), Secret::new("sek-1")).unwrap();
        v.set(&alpaca, at(2)).unwrap();
        v.set(&Credentials::polygon(Secret::new("poly-1")).unwrap(), at(3))
            .unwrap();
        assert!(matches!(
            v.set(&alpaca, at(4)),
            Err(VaultError::AlreadyStored { .. })
        ));
        let rotated = Credentials::alpaca(Secret::new("AKID2"), Secret::new("sek-2")).unwrap();
        v.rotate(&rotated, at(5)).unwrap();
        assert_eq!(v.get(Provider::Alpaca, at(6)).unwrap(), Some(rotated));
        let list = v.list(at(7)).unwrap();
        assert_eq!(list.len(), 3);
        assert_eq!(
            (list[0].created_at, list[0].rotated_at),
            (at(2), Some(at(5)))
        );

        // The environment wins; what it lacks comes from the vault (and the read is audited).
        let env = |k: &str| (k == "POLYGON_API_KEY").then(|| "poly-env".to_string());
        let all = [Provider::Alpaca, Provider::Polygon];
        let lookup = vault_lookup(env, &mut v, &all, at(8)).unwrap();
        assert_eq!(lookup("POLYGON_API_KEY").as_deref(), Some("poly-env"));
        assert_eq!(lookup("APCA_API_SECRET_KEY").as_deref(), Some("sek-2"));
        assert_eq!(lookup("ZTRADE_ALPACA_DATA_URL"), None);
        let only_polygon = vault_lookup(|_| None, &mut v, &[Provider::Polygon], at(9)).unwrap();
        assert_eq!(only_polygon("APCA_API_KEY_ID"), None);
        assert_eq!(only_polygon("POLYGON_API_KEY").as_deref(), Some("poly-1"));

        v.delete(Provider::Polygon, at(10)).unwrap();
        assert_eq!(v.get(Provider::Polygon, at(11)).unwrap(), None);
        drop(v);

        let wrong = KeyVault::open(StoreSecrets(&mut *st), &master("another key!"), p, at(12));
        assert!(matches!(wrong, Err(VaultError::MasterKeyMismatch)));
        let v = KeyVault::open(StoreSecrets(&mut *st), &m, p, at(13)).unwrap();
        let log: Vec<(i64, Option<Provider>, AuditAction)> = v
            .audit_log()
            .unwrap()
            .iter()
            .map(|a| (a.at.as_i64(), a.provider, a.action))
            .collect();
        use AuditAction::*;
        use Provider::*;
        assert_eq!(
            log,
            [
                (2, Some(Alpaca), Set),
                (3, Some(Polygon), Set),
                (5, Some(Alpaca), Rotate),
                (6, Some(Alpaca), Read),
                (7, None, List),
                (8, Some(Alpaca), Read),
                (9, Some(Polygon), Read),
                (10, Some(Polygon), Delete),
                (12, None, Denied),
            ]
        );
        // Only ciphertext in the rows.
        for row in st.api_keys(None).unwrap() {
            let text = String::from_utf8_lossy(&row.ciphertext).into_owned();
            for s in ["AKID1", "AKID2", "sek-1", "sek-2", "poly-1"] {
                assert!(!text.contains(s));
            }
            assert_eq!(row.nonce.len(), 12);
        }
    });
}
