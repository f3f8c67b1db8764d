//! Secret values and the credential sets each provider needs.

use std::fmt;

use serde::{Serialize, Serializer};
use zeroize::Zeroizing;

use crate::provider::Provider;
use crate::secrets::error::VaultError;

/// A secret string. Debug, Display and Serialize all write `***`, so a secret cannot reach a log,
/// an error message or JSON by accident; [`Secret::expose`] is the one way to read it. The
/// buffer is zeroed on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Why `self` cannot be an API key, if it cannot. The reason never quotes the value.
    fn problem(&self) -> Option<&'static str> {
        let v = self.expose();
        if v.is_empty() {
            Some("is empty")
        } else if v.len() > 1024 {
            Some("is longer than 1024 bytes")
        } else if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
            Some("contains whitespace or control characters")
        } else {
            None
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("***")
    }
}

/// What a provider's client needs to authenticate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "provider", rename_all = "lowercase")]
pub enum Credentials {
    Alpaca { key_id: Secret, secret_key: Secret },
    Polygon { api_key: Secret },
}

impl Credentials {
    /// Row names in `api_keys.name`, per provider, in a fixed order.
    pub const ALPACA_NAMES: [&'static str; 2] = ["key_id", "secret_key"];
    pub const POLYGON_NAMES: [&'static str; 1] = ["api_key"];

    pub fn alpaca(key_id: Secret, secret_key: Secret) -> Result<Self, VaultError> {
        let c = Self::Alpaca { key_id, secret_key };
        c.validate()?;
        Ok(c)
    }

    pub fn polygon(api_key: Secret) -> Result<Self, VaultError> {
        let c = Self::Polygon { api_key };
        c.validate()?;
        Ok(c)
    }

    pub fn provider(&self) -> Provider {
        match self {
            Self::Alpaca { .. } => Provider::Alpaca,
            Self::Polygon { .. } => Provider::Polygon,
        }
    }

    pub fn names(provider: Provider) -> &'static [&'static str] {
        match provider {
            Provider::Alpaca => &Self::ALPACA_NAMES,
            Provider::Polygon => &Self::POLYGON_NAMES,
        }
    }

    /// `(name, secret)` pairs in [`Credentials::names`] order.
    pub fn parts(&self) -> Vec<(&'static str, &Secret)> {
        match self {
            Self::Alpaca { key_id, secret_key } => {
                vec![("key_id", key_id), ("secret_key", secret_key)]
            }
            Self::Polygon { api_key } => vec![("api_key", api_key)],
        }
    }

    /// Rebuilds credentials from named parts; `None` if a required part is missing.
    pub(crate) fn from_parts(provider: Provider, mut parts: Vec<(String, Secret)>) -> Option<Self> {
        let mut take = |name: &str| {
            let i = parts.iter().position(|(n, _)| n == name)?;
            Some(parts.swap_remove(i).1)
        };
        Some(match provider {
            Provider::Alpaca => Self::Alpaca {
                key_id: take("key_id")?,
                secret_key: take("secret_key")?,
            },
            Provider::Polygon => Self::Polygon {
                api_key: take("api_key")?,
            },
        })
    }

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

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
