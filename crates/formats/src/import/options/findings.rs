//! Real oddities of option data, kept as data and counted: a zero bid is a contract nobody
//! bids for, not a bad row.

use std::collections::BTreeMap;
use std::fmt;

use domain::{OptionQuote, UnixNanos};

/// How many line numbers a [`Finding`] keeps.
pub const FIRST_LINES: usize = 5;

/// What was found in a row that is kept as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingKind {
    /// A bid of 0: nobody bids (far out-of-the-money contracts).
    ZeroBid,
    /// An ask of 0: nobody offers.
    ZeroAsk,
    /// Both sides above 0 and the ask below the bid.
    Crossed,
    /// A field the layout reads was empty (stored as unknown). Counted per row; per column in
    /// [`Findings::empty_columns`].
    EmptyField,
    /// The last trade is older than the threshold before the snapshot time.
    StaleTrade,
    /// The last trade is after the snapshot time (a `--at` earlier than the file).
    TradeAfterSnapshot,
}

impl FindingKind {
    /// Every kind, in report order.
    pub const ALL: [FindingKind; 6] = [
        Self::ZeroBid,
        Self::ZeroAsk,
        Self::Crossed,
        Self::EmptyField,
        Self::StaleTrade,
        Self::TradeAfterSnapshot,
    ];

    /// `zero_bid`, `zero_ask`, `crossed`, `empty_field`, `stale_trade`, `trade_after_snapshot`.
    pub fn name(self) -> &'static str {
        match self {
            Self::ZeroBid => "zero_bid",
            Self::ZeroAsk => "zero_ask",
            Self::Crossed => "crossed",
            Self::EmptyField => "empty_field",
            Self::StaleTrade => "stale_trade",
            Self::TradeAfterSnapshot => "trade_after_snapshot",
        }
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One kind of finding: how many rows, and the first [`FIRST_LINES`] of them (file lines,
/// the header being line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    pub count: u64,
    pub lines: Vec<u64>,
}

/// The findings of a file, per kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    by_kind: BTreeMap<FindingKind, Finding>,
    /// Empty fields per column name (a row with two empty fields counts in both).
    pub empty_columns: BTreeMap<String, u64>,
}

impl Findings {
    /// Rows with this finding.
    pub fn count(&self, kind: FindingKind) -> u64 {
        self.by_kind.get(&kind).map_or(0, |f| f.count)
    }

    pub fn get(&self, kind: FindingKind) -> Option<&Finding> {
        self.by_kind.get(&kind)
    }

    /// The kinds found, in [`FindingKind::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = &Finding> {
        self.by_kind.values()
    }

    pub fn is_empty(&self) -> bool {
        self.by_kind.is_empty()
    }

    pub(super) fn note(&mut self, kind: FindingKind, line: u64) {
        let f = self.by_kind.entry(kind).or_insert_with(|| Finding {
            kind,
            count: 0,
            lines: Vec::new(),
        });
        f.count += 1;
        if f.lines.len() < FIRST_LINES {
            f.lines.push(line);
        }
    }

    /// Notes a row whose `columns` were empty.
    pub(super) fn note_empty(&mut self, columns: &[String], line: u64) {
        if columns.is_empty() {
            return;
        }
        self.note(FindingKind::EmptyField, line);
        for c in columns {
            *self.empty_columns.entry(c.clone()).or_default() += 1;
        }
    }

    /// Notes what a kept snapshot shows: zero or crossed sides, a last trade long before (more
    /// than `stale_after` nanoseconds) or after the snapshot time.
    pub(super) fn check(&mut self, q: &OptionQuote, line: u64, stale_after: i64) {
        let zero = |p: Option<domain::Price>| p.is_some_and(|p| p.is_zero());
        if zero(q.bid) {
            self.note(FindingKind::ZeroBid, line);
        }
        if zero(q.ask) {
            self.note(FindingKind::ZeroAsk, line);
        }
        if let (Some(bid), Some(ask)) = (q.bid, q.ask)
            && !bid.is_zero()
            && !ask.is_zero()
            && ask < bid
        {
            self.note(FindingKind::Crossed, line);
        }
        if let Some(traded) = q.last_trade_at {
            if traded > q.ts {
                self.note(FindingKind::TradeAfterSnapshot, line);
            } else if stale_before(q.ts, stale_after).is_some_and(|limit| traded < limit) {
                self.note(FindingKind::StaleTrade, line);
            }
        }
    }
}

/// The instant `stale_after` nanoseconds before `ts`, if it is in range.
fn stale_before(ts: UnixNanos, stale_after: i64) -> Option<UnixNanos> {
    ts.as_i64().checked_sub(stale_after).map(UnixNanos::new)
}
