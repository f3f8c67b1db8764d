//! API keys, read from the environment or given directly, that never print.
//!
//! - [`Secret`]: a string whose `Debug` and `Display` are `[redacted]`; only [`Secret::expose`]
//!   yields the text, and only the HTTP layer calls it.
//! - [`AlpacaCredentials`], [`PolygonCredentials`], [`Credentials`]: what each provider needs.
//! - The environment variable names are the providers' own: `APCA_API_KEY_ID`,
//!   `APCA_API_SECRET_KEY`, `POLYGON_API_KEY`.

use std::fmt;

use crate::error::ProviderError;

pub const ENV_ALPACA_KEY_ID: &str = "APCA_API_KEY_ID";
pub const ENV_ALPACA_SECRET_KEY: &str = "APCA_API_SECRET_KEY";
pub const ENV_POLYGON_API_KEY: &str = "POLYGON_API_KEY";

const REDACTED: &str = "[redacted]";

/// A credential string. Formatting it in any way shows `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Box<str>);

impl Secret {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into().into_boxed_str())
    }
    /// The secret text, for building the request and for redacting it from anything echoed back.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Alpaca's key pair, sent as `APCA-API-KEY-ID` and `APCA-API-SECRET-KEY` headers.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AlpacaCredentials {
    pub key_id: Secret,
    pub secret_key: Secret,
}

impl AlpacaCredentials {
    pub fn new(key_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self {
            key_id: Secret::new(key_id),
            secret_key: Secret::new(secret_key),
        }
    }
}

/// Polygon's single key, sent as `apiKey=` or `Authorization: Bearer`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PolygonCredentials {
    pub api_key: Secret,
}

impl PolygonCredentials {
    pub fn new(api_key: impl Into<String>) -> Self {
        Self {
            api_key: Secret::new(api_key),
        }
    }
}

/// Whatever keys the environment holds. A provider without keys is `None`.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Credentials {
    pub alpaca: Option<AlpacaCredentials>,
    pub polygon: Option<PolygonCredentials>,
}

impl Credentials {
    /// Reads `APCA_API_KEY_ID`, `APCA_API_SECRET_KEY` and `POLYGON_API_KEY`.
    pub fn from_env() -> Result<Self, ProviderError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// As [`Credentials::from_env`], with `lookup` standing in for the environment. Empty values
    /// count as missing; half an Alpaca pair is an error naming the missing variable.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ProviderError> {
        let get = |k: &str| {
            lookup(k)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let alpaca = match (get(ENV_ALPACA_KEY_ID), get(ENV_ALPACA_SECRET_KEY)) {
            (Some(id), Some(secret)) => Some(AlpacaCredentials::new(id, secret)),
            (None, None) => None,
            (Some(_), None) => {
                return Err(ProviderError::Config(format!(
                    "{ENV_ALPACA_KEY_ID} is set but {ENV_ALPACA_SECRET_KEY} is not"
                )));
            }
            (None, Some(_)) => {
                return Err(ProviderError::Config(format!(
                    "{ENV_ALPACA_SECRET_KEY} is set but {ENV_ALPACA_KEY_ID} is not"
                )));
            }
        };
        let polygon = get(ENV_POLYGON_API_KEY).map(PolygonCredentials::new);
        Ok(Self { alpaca, polygon })
    }

    /// The Alpaca pair, or a configuration error naming the variables to set.
    pub fn require_alpaca(&self) -> Result<AlpacaCredentials, ProviderError> {
        self.alpaca.clone().ok_or_else(|| {
            ProviderError::Config(format!(
                "Alpaca credentials missing: set {ENV_ALPACA_KEY_ID} and {ENV_ALPACA_SECRET_KEY}"
            ))
        })
    }

    pub fn require_polygon(&self) -> Result<PolygonCredentials, ProviderError> {
        self.polygon.clone().ok_or_else(|| {
            ProviderError::Config(format!(
                "Polygon credentials missing: set {ENV_POLYGON_API_KEY}"
            ))
        })
    }
}

/// Says which providers are configured, never with what.
impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = |b: bool| if b { "configured" } else { "missing" };
        write!(
            f,
            "alpaca: {}, polygon: {}",
            state(self.alpaca.is_some()),
            state(self.polygon.is_some())
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn formatting_never_shows_a_secret() {
        let c = Credentials::from_lookup(env(&[
            (ENV_ALPACA_KEY_ID, "PKTESTKEYID123"),
            (ENV_ALPACA_SECRET_KEY, "s3cr3t-alpaca-value"),
            (ENV_POLYGON_API_KEY, "poly-k3y-value"),
        ]))
        .unwrap();
        for text in [
            format!("{c:?}"),
            format!("{c:#?}"),
            format!("{c}"),
            format!("{:?}", c.alpaca),
            format!("{}", c.polygon.as_ref().unwrap().api_key),
        ] {
            for secret in ["PKTESTKEYID123", "s3cr3t-alpaca-value", "poly-k3y-value"] {
                assert!(!text.contains(secret), "{text} leaks {secret}");
            }
        }
        assert_eq!(c.to_string(), "alpaca: configured, polygon: configured");
        assert_eq!(
            c.alpaca.as_ref().unwrap().secret_key.expose(),
            "s3cr3t-alpaca-value"
        );
    }

    #[test]
    fn missing_and_partial_keys() {
        let none = Credentials::from_lookup(env(&[(ENV_POLYGON_API_KEY, "  ")])).unwrap();
        assert_eq!(none, Credentials::default());
        let e = none.require_alpaca().unwrap_err().to_string();
        assert!(e.contains(ENV_ALPACA_KEY_ID) && e.contains(ENV_ALPACA_SECRET_KEY));
        let half = Credentials::from_lookup(env(&[(ENV_ALPACA_KEY_ID, "id")])).unwrap_err();
        assert_eq!(
            half.to_string(),
            "configuration: APCA_API_KEY_ID is set but APCA_API_SECRET_KEY is not"
        );
    }
}
