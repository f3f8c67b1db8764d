//! [`Secret`]: a key's text, which prints as `***` and is wiped when dropped.

use std::fmt;

use serde::{Serialize, Serializer};
use zeroize::Zeroizing;

/// A secret string. Debug, Display and Serialize all write `***`, so a secret cannot reach a log,
/// an error message or JSON by accident; [`Secret::expose`] is the one way to read it (to build
/// a request, to seal it, or to redact it from text a server echoes back). The buffer is zeroed
/// on drop.
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
    pub(crate) fn problem(&self) -> Option<&'static str> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_nothing_of_the_value() {
        let s = Secret::new("s3cr3t-value");
        for text in [format!("{s}"), format!("{s:?}"), format!("{s:#?}")] {
            assert_eq!(text, "***");
        }
        assert_eq!(s.expose(), "s3cr3t-value");
        assert_eq!(
            Secret::new("a b").problem(),
            Some("contains whitespace or control characters")
        );
        assert_eq!(Secret::new("").problem(), Some("is empty"));
        assert_eq!(
            Secret::new("k".repeat(1025)).problem(),
            Some("is longer than 1024 bytes")
        );
        assert_eq!(Secret::new("ok").problem(), None);
    }
}
