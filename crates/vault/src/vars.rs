//! The environment variables ztrade reads to reach the providers, named once here and used by
//! every crate that reads, checks or mentions them.
//!
//! The key variables are the providers' own names (their SDKs read the same), so keys set for
//! other tools work here too; the base URLs and the master key are ztrade's.

/// Alpaca's API key id (`APCA-API-KEY-ID` header).
pub const APCA_API_KEY_ID: &str = "APCA_API_KEY_ID";
/// Alpaca's API secret key (`APCA-API-SECRET-KEY` header).
pub const APCA_API_SECRET_KEY: &str = "APCA_API_SECRET_KEY";
/// Polygon's API key.
pub const POLYGON_API_KEY: &str = "POLYGON_API_KEY";
/// Alpaca's market-data base URL, instead of `https://data.alpaca.markets` (tests, proxies).
pub const ZTRADE_ALPACA_DATA_URL: &str = "ZTRADE_ALPACA_DATA_URL";
/// Polygon's base URL, instead of `https://api.polygon.io`.
pub const ZTRADE_POLYGON_URL: &str = "ZTRADE_POLYGON_URL";
/// The master key the vault derives its AES key from, when no key file is given.
pub const ZTRADE_MASTER_KEY: &str = "ZTRADE_MASTER_KEY";
/// Alpaca's Trading API base URL, instead of `https://paper-api.alpaca.markets` (tests, or the
/// live API when that is meant).
pub const ZTRADE_ALPACA_TRADING_URL: &str = "ZTRADE_ALPACA_TRADING_URL";
