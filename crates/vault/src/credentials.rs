//! What each provider needs to authenticate, and how it is read from the environment.
//!
//! - [`AlpacaCredentials`] (a key id and a secret key), [`PolygonCredentials`] (one API key):
//!   what a client is configured with.
//! - [`Credentials`]: one provider's keys, as the vault stores them and the environment gives
//!   them; [`Credentials::from_lookup`] is the one reading of the variables in [`crate::vars`].
//! - [`CredentialSet`]: every provider's keys a lookup holds, for building all clients at once.
//!
//! A variable that is unset, empty or blank counts as missing, and values are trimmed. Half of
//! Alpaca's pair is an error naming the missing variable, never a silent "no keys".

use std::fmt;

use domain::Provider;
use serde::Serialize;
use thiserror::Error;

use crate::error::VaultError;
use crate::secret::Secret;
use crate::vars::{APCA_API_KEY_ID, APCA_API_SECRET_KEY, POLYGON_API_KEY};

/// Alpaca's key pair, sent as `APCA-API-KEY-ID` and `APCA-API-SECRET-KEY` headers.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
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
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
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

/// Half of a provider's variables are set. Names variables, never values.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{present} is set but {missing} is not")]
pub struct IncompleteKeys {
    pub present: &'static str,
    pub missing: &'static str,
}

/// Why a lookup's keys cannot configure a client. Names variables, never values.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CredentialsError {
    #[error(transparent)]
    Incomplete(#[from] IncompleteKeys),
    #[error("Alpaca credentials missing: set {APCA_API_KEY_ID} and {APCA_API_SECRET_KEY}")]
    AlpacaMissing,
    #[error("Polygon credentials missing: set {POLYGON_API_KEY}")]
    PolygonMissing,
}

/// One provider's keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "provider", rename_all = "lowercase")]
pub enum Credentials {
    Alpaca(AlpacaCredentials),
    Polygon(PolygonCredentials),
}

impl Credentials {
    /// Row names in `api_keys.name`, per provider, in a fixed order.
    pub const ALPACA_NAMES: [&'static str; 2] = ["key_id", "secret_key"];
    pub const POLYGON_NAMES: [&'static str; 1] = ["api_key"];

    /// What a user is asked for, per provider, in the order [`Credentials::from_answers`] takes.
    pub fn prompts(p: Provider) -> &'static [&'static str] {
        match p {
            Provider::Alpaca => &["Alpaca key id", "Alpaca secret key"],
            Provider::Polygon => &["Polygon API key"],
        }
    }

    /// `p`'s keys from `answers`, one per [`Credentials::prompts`] entry in that order, checked;
    /// a missing answer names the field.
    pub fn from_answers(p: Provider, answers: Vec<Secret>) -> Result<Self, VaultError> {
        let mut a = answers.into_iter();
        let mut next = |field: &'static str| {
            a.next().ok_or(VaultError::InvalidSecret {
                provider: p,
                field,
                reason: "not given",
            })
        };
        match p {
            Provider::Alpaca => Self::alpaca(next("key_id")?, next("secret_key")?),
            Provider::Polygon => Self::polygon(next("api_key")?),
        }
    }

    /// Alpaca's pair, checked with [`Credentials::validate`].
    pub fn alpaca(key_id: Secret, secret_key: Secret) -> Result<Self, VaultError> {
        let c = Self::Alpaca(AlpacaCredentials { key_id, secret_key });
        c.validate()?;
        Ok(c)
    }

    /// Polygon's key, checked with [`Credentials::validate`].
    pub fn polygon(api_key: Secret) -> Result<Self, VaultError> {
        let c = Self::Polygon(PolygonCredentials { api_key });
        c.validate()?;
        Ok(c)
    }

    /// `provider`'s keys from `lookup` (variable name → value), `None` when its variables are
    /// missing. Not validated: a client sends what it is given.
    pub fn from_lookup(
        provider: Provider,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, IncompleteKeys> {
        let get = |k: &str| {
            lookup(k)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Ok(match provider {
            Provider::Alpaca => match (get(APCA_API_KEY_ID), get(APCA_API_SECRET_KEY)) {
                (Some(id), Some(sk)) => Some(Self::Alpaca(AlpacaCredentials::new(id, sk))),
                (None, None) => None,
                (Some(_), None) => {
                    return Err(IncompleteKeys {
                        present: APCA_API_KEY_ID,
                        missing: APCA_API_SECRET_KEY,
                    });
                }
                (None, Some(_)) => {
                    return Err(IncompleteKeys {
                        present: APCA_API_SECRET_KEY,
                        missing: APCA_API_KEY_ID,
                    });
                }
            },
            Provider::Polygon => {
                get(POLYGON_API_KEY).map(|k| Self::Polygon(PolygonCredentials::new(k)))
            }
        })
    }

    pub fn provider(&self) -> Provider {
        match self {
            Self::Alpaca(_) => Provider::Alpaca,
            Self::Polygon(_) => Provider::Polygon,
        }
    }

    pub fn names(provider: Provider) -> &'static [&'static str] {
        match provider {
            Provider::Alpaca => &Self::ALPACA_NAMES,
            Provider::Polygon => &Self::POLYGON_NAMES,
        }
    }

    /// The variables that carry `provider`'s keys, in [`Credentials::names`] order.
    pub fn variables(provider: Provider) -> &'static [&'static str] {
        match provider {
            Provider::Alpaca => &[APCA_API_KEY_ID, APCA_API_SECRET_KEY],
            Provider::Polygon => &[POLYGON_API_KEY],
        }
    }

    /// `(name, secret)` pairs in [`Credentials::names`] order.
    pub fn parts(&self) -> Vec<(&'static str, &Secret)> {
        match self {
            Self::Alpaca(c) => vec![("key_id", &c.key_id), ("secret_key", &c.secret_key)],
            Self::Polygon(c) => vec![("api_key", &c.api_key)],
        }
    }

    /// Rebuilds credentials from named parts; `None` if a required part is missing.
    pub(crate) fn from_parts(provider: Provider, mut parts: Vec<(String, Secret)>) -> Option<Self> {
        let mut take = |name: &str| {
            let i = parts.iter().position(|(n, _)| n == name)?;
            Some(parts.swap_remove(i).1)
        };
        Some(match provider {
            Provider::Alpaca => Self::Alpaca(AlpacaCredentials {
                key_id: take("key_id")?,
                secret_key: take("secret_key")?,
            }),
            Provider::Polygon => Self::Polygon(PolygonCredentials {
                api_key: take("api_key")?,
            }),
        })
    }

    /// Refuses a value that cannot be an API key (empty, over 1 KiB, whitespace or control
    /// characters), naming the provider and field.
    pub fn validate(&self) -> Result<(), VaultError> {
        for (field, secret) in self.parts() {
            if let Some(reason) = secret.problem() {
                return Err(VaultError::InvalidSecret {
                    provider: self.provider(),
                    field,
                    reason,
                });
            }
        }
        Ok(())
    }
}

/// Whatever keys a lookup holds. A provider without keys is `None`.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct CredentialSet {
    pub alpaca: Option<AlpacaCredentials>,
    pub polygon: Option<PolygonCredentials>,
}

impl CredentialSet {
    /// Reads `APCA_API_KEY_ID`, `APCA_API_SECRET_KEY` and `POLYGON_API_KEY`.
    pub fn from_env() -> Result<Self, IncompleteKeys> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// As [`CredentialSet::from_env`], with `lookup` standing in for the environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, IncompleteKeys> {
        let alpaca = match Credentials::from_lookup(Provider::Alpaca, &lookup)? {
            Some(Credentials::Alpaca(c)) => Some(c),
            _ => None,
        };
        let polygon = match Credentials::from_lookup(Provider::Polygon, &lookup)? {
            Some(Credentials::Polygon(c)) => Some(c),
            _ => None,
        };
        Ok(Self { alpaca, polygon })
    }

    /// The Alpaca pair, or an error naming the variables to set.
    pub fn require_alpaca(&self) -> Result<AlpacaCredentials, CredentialsError> {
        self.alpaca.clone().ok_or(CredentialsError::AlpacaMissing)
    }

    pub fn require_polygon(&self) -> Result<PolygonCredentials, CredentialsError> {
        self.polygon.clone().ok_or(CredentialsError::PolygonMissing)
    }
}

/// Says which providers are configured, never with what.
impl fmt::Display for CredentialSet {
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
        let c = CredentialSet::from_lookup(env(&[
            (APCA_API_KEY_ID, "PKTESTKEYID123"),
            (APCA_API_SECRET_KEY, "s3cr3t-alpaca-value"),
            (POLYGON_API_KEY, "poly-k3y-value"),
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
        let none = CredentialSet::from_lookup(env(&[(POLYGON_API_KEY, "  ")])).unwrap();
        assert_eq!(none, CredentialSet::default());
        let e = none.require_alpaca().unwrap_err().to_string();
        assert!(e.contains(APCA_API_KEY_ID) && e.contains(APCA_API_SECRET_KEY));
        let half = CredentialSet::from_lookup(env(&[(APCA_API_KEY_ID, "id")])).unwrap_err();
        assert_eq!(
            half.to_string(),
            "APCA_API_KEY_ID is set but APCA_API_SECRET_KEY is not"
        );
        // One provider's half pair does not stop the other's keys from being read.
        let poly = Credentials::from_lookup(
            Provider::Polygon,
            env(&[(APCA_API_KEY_ID, "id"), (POLYGON_API_KEY, " k ")]),
        )
        .unwrap();
        assert_eq!(
            poly,
            Some(Credentials::Polygon(PolygonCredentials::new("k")))
        );
    }

    #[test]
    fn validation_names_the_field_not_the_value() {
        let err = Credentials::alpaca(Secret::new("AKID"), Secret::new("has space")).unwrap_err();
        let text = err.to_string();
        assert_eq!(
            text,
            "alpaca secret_key: contains whitespace or control characters"
        );
        assert!(Credentials::polygon(Secret::new("")).is_err());
        assert!(Credentials::polygon(Secret::new("abc123")).is_ok());
    }

    #[test]
    fn parts_round_trip() {
        let c = Credentials::alpaca(Secret::new("id"), Secret::new("sk")).unwrap();
        let parts = c
            .parts()
            .into_iter()
            .map(|(n, s)| (n.to_string(), s.clone()))
            .collect();
        assert_eq!(Credentials::from_parts(Provider::Alpaca, parts), Some(c));
        assert_eq!(Credentials::from_parts(Provider::Polygon, vec![]), None);
        assert_eq!(
            Credentials::variables(Provider::Alpaca).len(),
            Credentials::names(Provider::Alpaca).len()
        );
    }
}
