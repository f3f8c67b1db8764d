//! How the built-ins word their [`SignalNote`]s, shared so a cross, a level and a cooldown read
//! the same in every strategy's journal. Only called while the engine journals.
//!
//! - [`CrossRule`]: one line crossing another (`cross_up`, `cross_down`), for the SMA, EMA and
//!   MACD strategies.
//! - [`note`]: a rule whose condition passed, with the indicator as its score.
//! - [`held_back`]: an entry whose condition held while the cooldown blocked it.

use std::borrow::Cow;

use super::signals::{Cooldown, Cross};
use crate::event::SymbolId;
use crate::journal::{SignalNote, Text};
use crate::order::Side;

/// The wording of a cross of a fast line over a slow one: each a constant list of one text.
pub(super) struct CrossRule {
    up: &'static [Text],
    down: &'static [Text],
}

pub(super) const SMA_CROSS: CrossRule = CrossRule {
    up: &[Cow::Borrowed("fast sma crossed above slow sma")],
    down: &[Cow::Borrowed("fast sma crossed below slow sma")],
};

pub(super) const EMA_CROSS: CrossRule = CrossRule {
    up: &[Cow::Borrowed("fast ema crossed above slow ema")],
    down: &[Cow::Borrowed("fast ema crossed below slow ema")],
};

pub(super) const MACD_CROSS: CrossRule = CrossRule {
    up: &[Cow::Borrowed("macd crossed above its signal line")],
    down: &[Cow::Borrowed("macd crossed below its signal line")],
};

impl CrossRule {
    /// The cross with its constant text: the note allocates nothing.
    pub(super) fn note(&self, s: SymbolId, c: Cross) -> SignalNote {
        let (side, rule, passed) = self.parts(c);
        let mut note = SignalNote::new(s, side, rule);
        note.passed = Cow::Borrowed(passed);
        note
    }

    /// The cross with the two lines' values at it: their spread is the score (MACD's histogram).
    pub(super) fn note_with(&self, s: SymbolId, c: Cross, fast: f64, slow: f64) -> SignalNote {
        let (side, rule, passed) = self.parts(c);
        let op = if side == Side::Buy { '>' } else { '<' };
        let words = passed.first().map_or("", |t| t.as_ref());
        let filter = format!("{words} ({fast:.4} {op} {slow:.4})");
        note(s, side, rule, Some(fast - slow), filter)
    }

    fn parts(&self, c: Cross) -> (Side, &'static str, &'static [Text]) {
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
    note.passed.to_mut().push(passed.into());
    note
}

/// `note` held back by the cooldown: recorded as blocked, naming it.
pub(super) fn held_back(mut note: SignalNote, cooldown: &Cooldown) -> SignalNote {
    note.blocked.to_mut().push(cooldown.filter());
    note
}
