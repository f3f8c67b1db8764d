//! Retention policies: how long each kind of data is kept, read from the `retention` section of
//! the collection config (`collect --config FILE`, TOML or YAML).
//!
//! ```yaml
//! retention:
//!   ticks: 30d          # trades and quotes; or `trades:` and `quotes:` apart
//!   1m: 2y              # bars, by timeframe
//!   1h: 10y
//!   1d: forever
//!   quote_bars:         # quote bars, by timeframe
//!     1m: { keep: 90d, require_rollup: false }
//! ```
//!
//! An age is `N` days (`30d`), weeks (`4w`), months (`6mo`) or years (`2y`), counted back in
//! calendar terms from the New York date of "now", or `forever`. Rows dated before that date may
//! go. By default only what a coarser series already holds may go ([`super::plan`]);
//! `require_rollup: false` lets a policy delete without that (the data is then gone for good).
//!
//! Stage one is serde's ([`RawRetention`], syntax only); [`resolve`] validates it without IO and
//! names the field of every error, as `collector::schedule::plan` does for the jobs.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Months, NaiveDate};
use domain::Timeframe;
use serde::{Deserialize, Serialize};

/// The `retention` section as written: key → value, where a value is an age, a policy table,
/// or (for `quote_bars`) a map of timeframes.
pub type RawRetention = BTreeMap<String, RawEntry>;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum RawEntry {
    Age(String),
    Policy(RawPolicy),
    Map(BTreeMap<String, RawValue>),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum RawValue {
    Age(String),
    Policy(RawPolicy),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    pub keep: String,
    #[serde(default)]
    pub require_rollup: Option<bool>,
}

/// A field of the `retention` section and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    /// Dotted, from the section: `retention.1m`, `retention.quote_bars.5m`.
    pub field: String,
    pub reason: String,
}

/// A calendar length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeUnit {
    Days,
    Weeks,
    Months,
    Years,
}

/// How long rows are kept; written as in the config (`30d`, `forever`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    Forever,
    For { n: u32, unit: AgeUnit },
}

impl Keep {
    /// `30d`, `4w`, `6mo`, `2y`, `forever`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim().to_ascii_lowercase();
        if t == "forever" {
            return Ok(Self::Forever);
        }
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let unit = match unit {
            "d" => AgeUnit::Days,
            "w" => AgeUnit::Weeks,
            "mo" => AgeUnit::Months,
            "y" => AgeUnit::Years,
            _ => {
                return Err(format!(
                    "{text:?} is not an age like 30d, 4w, 6mo, 2y or forever"
                ));
            }
        };
        let n: u32 = num
            .parse()
            .map_err(|_| format!("{text:?} is not an age like 30d, 4w, 6mo, 2y or forever"))?;
        if n == 0 {
            return Err(format!("{text:?}: an age of 0 would delete everything"));
        }
        Ok(Self::For { n, unit })
    }

    /// The first date kept when today (New York) is `today`: rows dated before it may go.
    /// `None` for `forever`, or an age reaching before the calendar's first date.
    pub fn first_kept(&self, today: NaiveDate) -> Option<NaiveDate> {
        let Self::For { n, unit } = *self else {
            return None;
        };
        match unit {
            AgeUnit::Days => today.checked_sub_days(chrono::Days::new(n.into())),
            AgeUnit::Weeks => today.checked_sub_days(chrono::Days::new(u64::from(n) * 7)),
            AgeUnit::Months => today.checked_sub_months(Months::new(n)),
            AgeUnit::Years => today.checked_sub_months(Months::new(n.checked_mul(12)?)),
        }
    }
}

impl fmt::Display for Keep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Forever => f.write_str("forever"),
            Self::For { n, unit } => {
                let u = match unit {
                    AgeUnit::Days => "d",
                    AgeUnit::Weeks => "w",
                    AgeUnit::Months => "mo",
                    AgeUnit::Years => "y",
                };
                write!(f, "{n}{u}")
            }
        }
    }
}

impl Serialize for Keep {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Keep {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// One policy: how long, and whether only rolled-up rows may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub keep: Keep,
    /// Only rows a coarser series holds may go (the default); `false` deletes old rows anyway.
    pub require_rollup: bool,
}

/// Every policy of a config. A kind without one is kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policies {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trades: Option<Policy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quotes: Option<Policy>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub bars: BTreeMap<Timeframe, Policy>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub quote_bars: BTreeMap<Timeframe, Policy>,
}

impl Policies {
    pub fn is_empty(&self) -> bool {
        self.trades.is_none()
            && self.quotes.is_none()
            && self.bars.is_empty()
            && self.quote_bars.is_empty()
    }
}

fn policy(field: &str, v: &RawValue) -> Result<Policy, PolicyError> {
    let bad = |reason: String| PolicyError {
        field: field.to_string(),
        reason,
    };
    let (keep, require_rollup) = match v {
        RawValue::Age(a) => (a.as_str(), None),
        RawValue::Policy(p) => (p.keep.as_str(), p.require_rollup),
    };
    Ok(Policy {
        keep: Keep::parse(keep).map_err(bad)?,
        require_rollup: require_rollup.unwrap_or(true),
    })
}

fn timeframe(field: &str, key: &str) -> Result<Timeframe, PolicyError> {
    Timeframe::parse(key).map_err(|_| PolicyError {
        field: field.to_string(),
        reason: format!(
            "{key:?} is neither ticks, trades, quotes, quote_bars nor a bar timeframe (1m, 1h, 1d…)"
        ),
    })
}

fn single(field: &str, e: &RawEntry) -> Result<Policy, PolicyError> {
    match e {
        RawEntry::Age(a) => policy(field, &RawValue::Age(a.clone())),
        RawEntry::Policy(p) => policy(field, &RawValue::Policy(p.clone())),
        RawEntry::Map(_) => Err(PolicyError {
            field: field.to_string(),
            reason: "expected an age (30d, 2y, forever) or { keep: AGE, require_rollup: BOOL }"
                .into(),
        }),
    }
}

/// Validates the raw section (`retention.` is put in front of every field named).
pub fn resolve(raw: &RawRetention) -> Result<Policies, PolicyError> {
    let mut out = Policies::default();
    for (key, entry) in raw {
        let field = format!("retention.{key}");
        match key.trim().to_ascii_lowercase().as_str() {
            "ticks" | "trades" | "quotes" => {
                let p = single(&field, entry)?;
                let targets = match key.trim().to_ascii_lowercase().as_str() {
                    "ticks" => vec![&mut out.trades, &mut out.quotes],
                    "trades" => vec![&mut out.trades],
                    _ => vec![&mut out.quotes],
                };
                for t in targets {
                    if t.is_some() {
                        return Err(PolicyError {
                            field,
                            reason: "ticks covers trades and quotes: give either ticks, or \
                                     trades and quotes"
                                .into(),
                        });
                    }
                    *t = Some(p);
                }
            }
            "quote_bars" => {
                let RawEntry::Map(map) = entry else {
                    return Err(PolicyError {
                        field,
                        reason: "expected a map of timeframes, e.g. quote_bars: { 1m: 90d }".into(),
                    });
                };
                for (k, v) in map {
                    let f = format!("{field}.{k}");
                    let tf = timeframe(&f, k)?;
                    if out.quote_bars.insert(tf, policy(&f, v)?).is_some() {
                        return Err(PolicyError {
                            field: f,
                            reason: format!("{tf} is given twice"),
                        });
                    }
                }
            }
            _ => {
                let tf = timeframe(&field, key)?;
                let p = single(&field, entry)?;
                if out.bars.insert(tf, p).is_some() {
                    return Err(PolicyError {
                        field,
                        reason: format!("{tf} is given twice (spelled two ways)"),
                    });
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A section written as JSON (the collector reads the YAML and TOML files).
    fn section(text: &str) -> Result<Policies, PolicyError> {
        resolve(&serde_json::from_str::<RawRetention>(text).unwrap())
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn ages_parse_and_count_back_in_calendar_terms() {
        assert_eq!(Keep::parse("forever").unwrap(), Keep::Forever);
        let today = d("2024-03-31");
        for (text, first) in [
            ("30d", "2024-03-01"),
            ("4w", "2024-03-03"),
            ("1mo", "2024-02-29"), // the end of a shorter month
            ("2y", "2022-03-31"),
        ] {
            let k = Keep::parse(text).unwrap();
            assert_eq!(k.to_string(), text);
            assert_eq!(k.first_kept(today), Some(d(first)), "{text}");
        }
        assert_eq!(Keep::Forever.first_kept(today), None);
        for bad in ["2 years", "1m", "0d", "d", "-3d", "1.5y"] {
            assert!(Keep::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_section_resolves_with_every_kind() {
        let p = section(
            r#"{"ticks": "30d", "1m": "2y", "1Hour": {"keep": "10y"}, "1d": "forever",
                "quote_bars": {"1m": {"keep": "90d", "require_rollup": false}}}"#,
        )
        .unwrap();
        let thirty = Policy {
            keep: Keep::For {
                n: 30,
                unit: AgeUnit::Days,
            },
            require_rollup: true,
        };
        assert_eq!(p.trades, Some(thirty));
        assert_eq!(p.quotes, Some(thirty));
        assert_eq!(p.bars.len(), 3);
        assert_eq!(p.bars[&Timeframe::D1].keep, Keep::Forever);
        assert!(p.bars[&Timeframe::H1].require_rollup);
        assert!(!p.quote_bars[&Timeframe::M1].require_rollup);
        // It survives a trip through a job spec's JSON.
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Policies>(&json).unwrap(), p);
    }

    #[test]
    fn errors_name_the_field() {
        for (text, field, says) in [
            (r#"{"1m": "2 years"}"#, "retention.1m", "not an age"),
            (
                r#"{"ticks": "30d", "trades": "7d"}"#,
                "retention.trades",
                "either ticks",
            ),
            (r#"{"news": "30d"}"#, "retention.news", "bar timeframe"),
            (
                r#"{"quote_bars": "30d"}"#,
                "retention.quote_bars",
                "map of timeframes",
            ),
            (
                r#"{"quote_bars": {"1x": "30d"}}"#,
                "retention.quote_bars.1x",
                "bar timeframe",
            ),
            (
                r#"{"1m": "30d", "1Min": "7d"}"#,
                "retention.1m",
                "given twice",
            ),
        ] {
            let e = section(text).unwrap_err();
            assert_eq!(e.field, field, "{text}: {e:?}");
            assert!(e.reason.contains(says), "{text}: {e:?}");
        }
    }
}
