//! Backend-neutral pieces of the collection tables' rows: the stored forms of covered ranges,
//! timeframes, condition codes and tickers, and the batch checks both backends run first.

use domain::{NewsArticle, Symbol, Timeframe, UnixNanos};

use crate::{Seq, Span, StoreError};

/// `covered` as stored: `[[start, end], …]` in integer nanoseconds.
pub(crate) fn covered_json(spans: &[Span]) -> String {
    let pairs: Vec<[i64; 2]> = spans
        .iter()
        .map(|s| [s.start.as_i64(), s.end.as_i64()])
        .collect();
    serde_json::to_string(&pairs).expect("integers serialize")
}

pub(crate) fn parse_covered(text: &str) -> Result<Vec<Span>, StoreError> {
    let pairs: Vec<[i64; 2]> = serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        table: "collection_checkpoints",
        reason: format!("covered {text:?}: {e}"),
    })?;
    Ok(pairs
        .into_iter()
        .map(|[s, e]| Span {
            start: UnixNanos::new(s),
            end: UnixNanos::new(e),
        })
        .collect())
}

/// The timeframe column: canonical spelling, `''` for kinds without one.
pub(crate) fn tf_column(tf: Option<Timeframe>) -> String {
    tf.map(|t| t.to_string()).unwrap_or_default()
}

pub(crate) fn parse_tf_column(text: &str) -> Result<Option<Timeframe>, StoreError> {
    if text.is_empty() {
        return Ok(None);
    }
    crate::rows::parse_tf(text, "collection_checkpoints").map(Some)
}

/// Refuses two ticks with one (ts, seq) in a batch, naming them. Rows in key order (what the
/// importer and the backfill hand over) are checked by neighbours; others through a set.
pub(crate) fn check_seq_unique<T>(
    rows: &[Seq<T>],
    ts: impl Fn(&T) -> UnixNanos,
    what: &str,
) -> Result<(), StoreError> {
    let key = |r: &Seq<T>| (ts(&r.tick), r.seq);
    if rows.windows(2).all(|w| key(&w[0]) < key(&w[1])) {
        return Ok(());
    }
    let mut seen = std::collections::HashSet::with_capacity(rows.len());
    for r in rows {
        let t = ts(&r.tick);
        if !seen.insert((t, r.seq)) {
            return Err(StoreError::Invalid(format!(
                "two {what} at {t} with seq {} in one batch",
                r.seq
            )));
        }
    }
    Ok(())
}

/// Condition codes as stored: joined with `,`. A code holding a comma could not be read back.
pub(crate) fn join_codes(codes: &[String], what: &str) -> Result<String, StoreError> {
    if let Some(c) = codes.iter().find(|c| c.contains(',')) {
        return Err(StoreError::Invalid(format!(
            "{what} condition {c:?} contains a comma"
        )));
    }
    Ok(codes.join(","))
}

pub(crate) fn split_codes(text: &str) -> Vec<String> {
    if text.is_empty() {
        Vec::new()
    } else {
        text.split(',').map(str::to_string).collect()
    }
}

/// Tickers as stored in `news.symbols`.
pub(crate) fn join_symbols(symbols: &[Symbol]) -> String {
    symbols
        .iter()
        .map(Symbol::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn split_symbols(text: &str) -> Result<Vec<Symbol>, StoreError> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|s| crate::rows::parse_symbol(s, "news"))
        .collect()
}

/// Refuses two articles with one (provider, id) in a batch.
pub(crate) fn check_news(items: &[NewsArticle]) -> Result<(), StoreError> {
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    for n in items {
        if !seen.insert((&n.provider, &n.id)) {
            return Err(StoreError::Invalid(format!(
                "two news items {}/{} in one batch",
                n.provider, n.id
            )));
        }
    }
    Ok(())
}

/// `provider_sentiment` as stored: JSON text, `[{"label", "reasoning", "symbol"}, …]`. Built
/// through a `serde_json::Value`, as it always was, so the text (key order included) of an
/// unchanged article stays byte-identical and SQLite's change check does not see a change.
pub(crate) fn sentiment_json(n: &NewsArticle) -> Result<Option<String>, StoreError> {
    n.provider_sentiment
        .as_ref()
        .map(|list| serde_json::to_value(list).and_then(|v| serde_json::to_string(&v)))
        .transpose()
        .map_err(|e| StoreError::Invalid(format!("news provider_sentiment: {e}")))
}

/// Refuses two option snapshots with one (contract, ts) in a batch, two different contracts
/// with one OCC symbol, and a contract the schema would refuse (strike or multiplier not above
/// zero).
pub(crate) fn check_options(quotes: &[domain::OptionQuote]) -> Result<(), StoreError> {
    let mut seen = std::collections::HashSet::with_capacity(quotes.len());
    let mut contracts = std::collections::HashMap::new();
    for q in quotes {
        q.contract
            .validate()
            .map_err(|e| StoreError::Invalid(format!("{}: {e}", q.contract.occ)))?;
        if !seen.insert((&q.contract.occ, q.ts)) {
            return Err(StoreError::Invalid(format!(
                "two snapshots of {} at {} in one batch",
                q.contract.occ, q.ts
            )));
        }
        if *contracts.entry(&q.contract.occ).or_insert(&q.contract) != &q.contract {
            return Err(StoreError::Invalid(format!(
                "two different contracts named {} in one batch",
                q.contract.occ
            )));
        }
    }
    Ok(())
}

/// What [`crate::OptionStore::chain_at`] selects: contracts expiring on or after `at`'s UTC
/// date (`YYYY-MM-DD`), snapshots with `lo ≤ ts ≤ at`. A negative `max_age` is refused; one
/// reaching before the earliest time means no lower bound.
pub(crate) fn chain_bounds(
    at: domain::UnixNanos,
    max_age: Option<i64>,
) -> Result<(String, i64, i64), StoreError> {
    let lo = match max_age {
        Some(age) if age < 0 => {
            return Err(StoreError::Invalid(format!("max_age {age} ns is negative")));
        }
        Some(age) => at.as_i64().checked_sub(age).unwrap_or(i64::MIN),
        None => i64::MIN,
    };
    Ok((at.utc_date().to_string(), lo, at.as_i64()))
}
