//! How the built-ins word their [`SignalNote`]s, shared so a cross, a level and a cooldown read
//! the same in every strategy's journal. Only called while the engine journals.
//!
//! - [`CrossRule`]: one line crossing another (`cross_up`, `cross_down`), for the SMA, EMA and
//!   MACD strategies.
//! - [`note`]: a rule whose condition passed, with the indicator as its score.
//! - [`held_back`]: an entry whose condition held while the cooldown blocked it.

use super::signals::{Cooldown, Cross};
use crate::event::SymbolId;
use crate::journal::{SignalNote, Text};
use crate::order::Side;

/// The wording of a cross of a fast line over a slow one.
pub(super) struct CrossRule {
    up: &'static str,
    down: &'static str,
}

pub(super) const SMA_CROSS: CrossRule = CrossRule {
    up: "fast sma crossed above slow sma",
    down: "fast sma crossed below slow sma",
};

pub(super) const EMA_CROSS: CrossRule = CrossRule {
    up: "fast ema crossed above slow ema",
    down: "fast ema crossed below slow ema",
};

pub(super) const MACD_CROSS: CrossRule = CrossRule {
    up: "macd crossed above its signal line",
    down: "macd crossed below its signal line",
};

impl CrossRule {
    /// The cross with static text: the note allocates only its list.
    pub(super) fn note(&self, s: SymbolId, c: Cross) -> SignalNote {
        let (side, rule, filter) = self.parts(c);
        note(s, side, rule, None, filter)
    }

    /// The cross with the two lines' values at it: their spread is the score (MACD's histogram).
    pub(super) fn note_with(&self, s: SymbolId, c: Cross, fast: f64, slow: f64) -> SignalNote {
        let (side, rule, filter) = self.parts(c);
        let op = if side == Side::Buy { '>' } else { '<' };
        let filter = format!("{filter} ({fast:.4} {op} {slow:.4})");
        note(s, side, rule, Some(fast - slow), filter)
    }

    fn parts(&self, c: Cross) -> (Side, &'static str, &'static str) {
        match c {
            Cross::Up => (Side::Buy, "cross_up", self.up),
            Cross::Down => (Side::Sell, "cross_down", self.down),
        }
    }
}

/// `rule` fired for `side` because `passed` held.
pub(super) fn note(
    s: SymbolId,
    side: Side,
    rule: &'static str,
    score: Option<f64>,
    passed: impl Into<Text>,
) -> SignalNote {
    let mut note = SignalNote::new(s, side, rule);
    note.score = score;
    note.passed.push(passed.into());
    note
}

/// `note` held back by the cooldown: recorded as blocked, naming it.
pub(super) fn held_back(mut note: SignalNote, cooldown: &Cooldown) -> SignalNote {
    note.blocked.push(cooldown.filter());
    note
}
