//! Configuration: base URLs from config, environment or default (in that order), keys from the
//! environment, and a base path prefix kept through pagination.

mod common;

use common::*;
use domain::Symbol;
use providers::{AlpacaConfig, PolygonAuth, PolygonClient, PolygonConfig, Provider, TicksRequest};
use vault::CredentialSet;

#[test]
fn environment_overrides_and_missing_keys() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    };
    let c = AlpacaConfig::from_lookup(env(&[
        ("APCA_API_KEY_ID", "id"),
        ("APCA_API_SECRET_KEY", "sec"),
        ("ZTRADE_ALPACA_DATA_URL", "http://127.0.0.1:9/alpaca/"),
    ]))
    .unwrap();
    assert_eq!(c.base_url.as_str(), "http://127.0.0.1:9/alpaca/");
    // Explicit configuration wins over the environment.
    let c = c.with_base_url("http://10.0.0.1:8080").unwrap();
    assert_eq!(c.base_url.as_str(), "http://10.0.0.1:8080/");
    let d = AlpacaConfig::from_lookup(env(&[
        ("APCA_API_KEY_ID", "id"),
        ("APCA_API_SECRET_KEY", "sec"),
    ]))
    .unwrap();
    assert_eq!(d.base_url.as_str(), "https://data.alpaca.markets/");
    let p = PolygonConfig::from_lookup(env(&[
        ("POLYGON_API_KEY", "k"),
        ("ZTRADE_POLYGON_URL", "http://localhost:1234"),
    ]))
    .unwrap();
    assert_eq!(p.base_url.as_str(), "http://localhost:1234/");
    assert!(
        PolygonConfig::from_lookup(env(&[]))
            .unwrap_err()
            .to_string()
            .contains("POLYGON_API_KEY")
    );
    let bad = PolygonConfig::from_lookup(env(&[
        ("POLYGON_API_KEY", "k"),
        ("ZTRADE_POLYGON_URL", "ftp://x"),
    ]));
    assert!(bad.unwrap_err().to_string().contains("ZTRADE_POLYGON_URL"));
    assert_eq!(
        CredentialSet::from_lookup(env(&[])).unwrap().to_string(),
        "alpaca: missing, polygon: missing"
    );
}

#[tokio::test]
async fn a_base_path_prefix_is_kept() {
    let mock = Mock::start(vec![
        Reply::fixture("polygon/v3_quotes_AAPL.json"),
        Reply::fixture("polygon/v3_quotes_AAPL__page2.json"),
    ])
    .await;
    let config = polygon_config(&mock, PolygonAuth::QueryParam)
        .with_base_url(&format!("{}/proxy/polygon/", mock.base))
        .unwrap();
    let client = PolygonClient::new(config).unwrap();
    let ticks = TicksRequest::new(vec![Symbol::lit("AAPL")], t("2022-05-10"), t("2022-05-11"));
    let p = client.fetch_quotes(&ticks, None).await.unwrap();
    client.fetch_quotes(&ticks, p.next.as_ref()).await.unwrap();
    let seen = mock.seen();
    assert_eq!(seen[0].path, "/proxy/polygon/v3/quotes/AAPL");
    assert_eq!(seen[1].path, "/proxy/polygon/v3/quotes/AAPL");
    assert!(seen[1].param("cursor").is_some());
}
