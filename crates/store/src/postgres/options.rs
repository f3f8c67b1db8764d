//! Option-chain snapshots in PostgreSQL, keyed by (contract, ts): one `unnest` merge per
//! batch (see [`super::ticks`]), the expiry sent as text and cast to DATE.

use domain::{OptionQuote, OptionRight, Price, Quantity, Symbol, UnixNanos};
use postgres::Client;

use super::ticks::{merge, merge_sql};
use super::{PgStore, bars::intern, collect};
use crate::collection_rows::check_options;
use crate::decode;
use crate::rows::inclusive_bounds;
use crate::{Checkpoint, OptionStore, StoreError, UpsertCounts};

fn right_text(r: OptionRight) -> &'static str {
    match r {
        OptionRight::Call => "call",
        OptionRight::Put => "put",
    }
}

pub(super) fn upsert(
    client: &mut Client,
    quotes: &[OptionQuote],
    checkpoint: Option<&Checkpoint>,
) -> Result<UpsertCounts, StoreError> {
    check_options(quotes)?;
    let mut tx = client.transaction()?;
    let mut counts = UpsertCounts::default();
    if !quotes.is_empty() {
        let mut ids: std::collections::HashMap<&Symbol, i32> = Default::default();
        for q in quotes {
            if !ids.contains_key(&q.contract.underlying) {
                ids.insert(
                    &q.contract.underlying,
                    intern(&mut tx, &q.contract.underlying)?,
                );
            }
        }
        let contract: Vec<&str> = quotes.iter().map(|q| q.contract.occ.as_str()).collect();
        let ts: Vec<i64> = quotes.iter().map(|q| q.ts.as_i64()).collect();
        let uid: Vec<i32> = quotes.iter().map(|q| ids[&q.contract.underlying]).collect();
        let expiry: Vec<String> = quotes
            .iter()
            .map(|q| q.contract.expiry.to_string())
            .collect();
        let strike: Vec<i64> = quotes.iter().map(|q| q.contract.strike.raw()).collect();
        let right: Vec<&str> = quotes
            .iter()
            .map(|q| right_text(q.contract.right))
            .collect();
        let price = |f: fn(&OptionQuote) -> Option<Price>| -> Vec<Option<i64>> {
            quotes.iter().map(|q| f(q).map(Price::raw)).collect()
        };
        let qty = |f: fn(&OptionQuote) -> Option<Quantity>| -> Vec<Option<i64>> {
            quotes.iter().map(|q| f(q).map(Quantity::raw)).collect()
        };
        let real = |f: fn(&OptionQuote) -> Option<f64>| -> Vec<Option<f64>> {
            quotes.iter().map(f).collect()
        };
        let (bid, ask, last) = (price(|q| q.bid), price(|q| q.ask), price(|q| q.last));
        let (volume, oi) = (qty(|q| q.volume), qty(|q| q.open_interest));
        let (iv, delta, gamma, theta, vega) = (
            real(|q| q.iv),
            real(|q| q.delta),
            real(|q| q.gamma),
            real(|q| q.theta),
            real(|q| q.vega),
        );
        let sql = merge_sql(
            "options_chain",
            "contract, ts",
            &[
                ("contract", "text", ""),
                ("ts", "int8", ""),
                ("underlying_id", "int4", ""),
                ("expiry", "text", "::date"),
                ("strike", "int8", ""),
                ("option_right", "text", ""),
                ("bid", "int8", ""),
                ("ask", "int8", ""),
                ("last", "int8", ""),
                ("volume", "int8", ""),
                ("open_interest", "int8", ""),
                ("iv", "float8", ""),
                ("delta", "float8", ""),
                ("gamma", "float8", ""),
                ("theta", "float8", ""),
                ("vega", "float8", ""),
            ],
            &[],
        );
        counts = merge(
            &mut tx,
            &sql,
            &[
                &contract, &ts, &uid, &expiry, &strike, &right, &bid, &ask, &last, &volume, &oi,
                &iv, &delta, &gamma, &theta, &vega,
            ],
            quotes.len(),
        )?;
    }
    if let Some(cp) = checkpoint {
        collect::write_checkpoint(&mut tx, cp)?;
    }
    tx.commit()?;
    Ok(counts)
}

pub(super) fn range(
    client: &mut Client,
    underlying: &Symbol,
    start: Option<UnixNanos>,
    end: Option<UnixNanos>,
) -> Result<Vec<OptionQuote>, StoreError> {
    let Some((lo, hi)) = inclusive_bounds(start, end, None) else {
        return Ok(Vec::new());
    };
    let rows = client.query(
        "SELECT o.contract, o.ts, s.symbol, o.expiry::text, o.strike, o.option_right, o.bid,
                o.ask, o.last, o.volume, o.open_interest, o.iv, o.delta, o.gamma, o.theta, o.vega
         FROM options_chain o JOIN symbols s ON s.id = o.underlying_id
         WHERE s.symbol = $1 AND o.ts BETWEEN $2 AND $3
         ORDER BY o.ts, o.contract",
        &[&underlying.as_str(), &lo, &hi],
    )?;
    rows.iter().map(decode::option_quote).collect()
}

impl OptionStore for PgStore {
    fn upsert_options(
        &mut self,
        quotes: &[OptionQuote],
        checkpoint: Option<&Checkpoint>,
    ) -> Result<UpsertCounts, StoreError> {
        upsert(self.client.get_mut(), quotes, checkpoint)
    }

    fn options(
        &self,
        underlying: &Symbol,
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<OptionQuote>, StoreError> {
        range(&mut self.client.borrow_mut(), underlying, start, end)
    }
}
