//! The header row → which field holds what.
//!
//! Names are matched case-insensitively in any order, with the spellings found in real files
//! (`Date`, `timestamp_et`, `Datetime`, an unnamed pandas index, a `Date` + `Time` pair, Polygon's
//! one-letter keys). `Adj Close` is read only under `--adj-close`; columns that carry nothing we
//! store (`OpenInterest`) are skipped;
//! any other unknown column is an error, so a misspelt `Volumn` is not silently dropped.

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Timestamp,
    Date,
    Time,
    Open,
    High,
    Low,
    Close,
    Volume,
    Vwap,
    TradeCount,
    /// Yahoo's close adjusted for splits and dividends (`--adj-close` scales the bar by it).
    AdjClose,
    /// Quote-bar fields, `Quote(i)` with `i` indexing [`QUOTE_FIELDS`].
    Quote(usize),
    Ignored,
}

/// The LEAN quote-bar columns, in the order [`Layout::quote`] holds their positions.
pub const QUOTE_FIELDS: [&str; 10] = [
    "bid_open",
    "bid_high",
    "bid_low",
    "bid_close",
    "bid_size",
    "ask_open",
    "ask_high",
    "ask_low",
    "ask_close",
    "ask_size",
];

const BAR_FIELDS: [(Col, &str); 5] = [
    (Col::Open, "open"),
    (Col::High, "high"),
    (Col::Low, "low"),
    (Col::Close, "close"),
    (Col::Volume, "volume"),
];

fn classify(name: &str) -> Option<Col> {
    Some(match name {
        "timestamp" | "timestamp_et" | "timestamp_utc" | "datetime" | "ts" | "t" => Col::Timestamp,
        "date" => Col::Date,
        "time" => Col::Time,
        "open" | "o" => Col::Open,
        "high" | "h" => Col::High,
        "low" | "l" => Col::Low,
        "close" | "c" => Col::Close,
        "volume" | "vol" | "v" => Col::Volume,
        "vwap" | "vw" => Col::Vwap,
        "trade_count" | "trades" | "n" | "transactions" => Col::TradeCount,
        "adj close" | "adj_close" | "adjclose" => Col::AdjClose,
        "openinterest" | "open_interest" | "oi" => Col::Ignored,
        _ => Col::Quote(QUOTE_FIELDS.iter().position(|f| *f == name)?),
    })
}

/// Where the timestamp comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TsSource {
    One(usize),
    DateTime { date: usize, time: usize },
}

/// Field positions of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub width: usize,
    pub ts: TsSource,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Bars {
        open: usize,
        high: usize,
        low: usize,
        close: usize,
        volume: Option<usize>,
        vwap: Option<usize>,
        trade_count: Option<usize>,
        adj_close: Option<usize>,
    },
    Quotes {
        /// Positions of [`QUOTE_FIELDS`].
        fields: [usize; 10],
    },
}

/// A header problem: `(field, reason)`, reported at the header's line.
pub type HeaderError = (String, String);

/// Reads the header fields (already unquoted).
pub fn layout(header: &[&str]) -> Result<Layout, HeaderError> {
    let mut found: Vec<(Col, usize)> = Vec::new();
    for (i, raw) in header.iter().enumerate() {
        let name = raw.trim().to_ascii_lowercase();
        let col = if name.is_empty() && i == 0 {
            Col::Timestamp // the unnamed index pandas writes
        } else if name.is_empty() {
            return Err((
                format!("column {}", i + 1),
                "unnamed column (only the first column, a pandas index, may be unnamed)".into(),
            ));
        } else {
            classify(&name).ok_or_else(|| {
                (
                    raw.trim().to_string(),
                    "unknown column (expected timestamp or date, open, high, low, close, volume, \
                     vwap, trade_count, or the LEAN quote columns bid_open..ask_size)"
                        .to_string(),
                )
            })?
        };
        if col != Col::Ignored {
            if let Some(&(_, j)) = found.iter().find(|(c, _)| *c == col) {
                return Err((
                    raw.trim().to_string(),
                    format!("appears twice (columns {} and {})", j + 1, i + 1),
                ));
            }
            found.push((col, i));
        }
    }
    let pos = |c: Col| found.iter().find(|(f, _)| *f == c).map(|&(_, i)| i);
    let ts = match (pos(Col::Timestamp), pos(Col::Date), pos(Col::Time)) {
        (Some(t), None, None) | (None, Some(t), None) | (None, None, Some(t)) => TsSource::One(t),
        (None, Some(date), Some(time)) => TsSource::DateTime { date, time },
        (None, None, None) => return Err(("timestamp".into(), missing(header))),
        _ => {
            return Err((
                "timestamp".into(),
                "more than one timestamp column (use either one timestamp column or a Date + Time pair)"
                    .into(),
            ));
        }
    };
    let quotes: Vec<usize> = found
        .iter()
        .filter(|(c, _)| matches!(c, Col::Quote(_)))
        .map(|&(_, i)| i)
        .collect();
    let kind = if quotes.is_empty() {
        let need = |c: Col, name: &str| pos(c).ok_or_else(|| (name.to_string(), missing(header)));
        let mut req = [0usize; 4];
        for (slot, (c, name)) in req.iter_mut().zip(BAR_FIELDS) {
            *slot = need(c, name)?;
        }
        Kind::Bars {
            open: req[0],
            high: req[1],
            low: req[2],
            close: req[3],
            volume: pos(Col::Volume),
            vwap: pos(Col::Vwap),
            trade_count: pos(Col::TradeCount),
            adj_close: pos(Col::AdjClose),
        }
    } else {
        if let Some(&(_, i)) = found.iter().find(|(c, _)| {
            !matches!(
                c,
                Col::Quote(_)
                    | Col::Timestamp
                    | Col::Date
                    | Col::Time
                    | Col::Ignored
                    | Col::AdjClose
            )
        }) {
            return Err((
                header[i].trim().to_string(),
                "trade-bar column in a quote-bar file (bid_*/ask_* columns found)".into(),
            ));
        }
        let mut fields = [0usize; 10];
        for (k, slot) in fields.iter_mut().enumerate() {
            *slot =
                pos(Col::Quote(k)).ok_or_else(|| (QUOTE_FIELDS[k].to_string(), missing(header)))?;
        }
        Kind::Quotes { fields }
    };
    Ok(Layout {
        width: header.len(),
        ts,
        kind,
    })
}

fn missing(header: &[&str]) -> String {
    format!("missing column (header is {:?})", header.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(h: &str) -> Result<Layout, HeaderError> {
        layout(&h.split(',').collect::<Vec<_>>())
    }

    #[test]
    fn real_headers() {
        let l = cols("Date,Open,Close,High,Low,Volume").unwrap();
        assert_eq!(l.ts, TsSource::One(0));
        assert_eq!(
            l.kind,
            Kind::Bars {
                open: 1,
                high: 3,
                low: 4,
                close: 2,
                volume: Some(5),
                vwap: None,
                trade_count: None,
                adj_close: None
            }
        );
        let l = cols("Date,Time,Open,High,Low,Close,Volume,OpenInterest").unwrap();
        assert_eq!(l.ts, TsSource::DateTime { date: 0, time: 1 });
        assert_eq!(l.width, 8);
        assert!(cols(",Open,High,Low,Close,Volume").is_ok());
        assert!(cols("Date,Open,High,Low,Close,Adj Close,Volume").is_ok());
        let q = cols("timestamp_et,bid_open,bid_high,bid_low,bid_close,bid_size,ask_open,ask_high,ask_low,ask_close,ask_size").unwrap();
        assert!(matches!(q.kind, Kind::Quotes { .. }));
    }

    #[test]
    fn bad_headers_name_the_column() {
        assert_eq!(
            cols("date,open,high,low,volume").unwrap_err(),
            (
                "close".to_string(),
                "missing column (header is \"date,open,high,low,volume\")".to_string()
            )
        );
        assert_eq!(
            cols("date,open,high,low,close,Volumn").unwrap_err().0,
            "Volumn"
        );
        assert_eq!(
            cols("date,open,high,low,close,open").unwrap_err(),
            (
                "open".to_string(),
                "appears twice (columns 2 and 6)".to_string()
            )
        );
        assert_eq!(cols("open,high,low,close").unwrap_err().0, "timestamp");
        assert_eq!(cols("date,,open,high,low,close").unwrap_err().0, "column 2");
        assert_eq!(cols("date,open,bid_open").unwrap_err().0, "open");
    }
}
