//! Features in the engine: what an agent's `features: [..]` turns on.
//!
//! - this file: [`FeatureBook`], the engine's per-symbol [`BarFeatures`] updated at every bar of
//!   the run's timeframe (warm-up bars included) before the strategy decides, and the
//!   [`FeatureFrame`] of values it records for the traded bars (what the store persists). Tick
//!   features (`cvd`, `obi`) are read at the bar's close from the [`TickTimeline`] the caller
//!   supplied for the symbol ([`crate::Inputs::tick_features`]): the engine replays bars, not
//!   ticks, and a symbol without a timeline has no tick values.
//! - [`filter`]: [`Filter`], a condition on features (`rvol > 1.5`, `close > vwap`), and
//!   [`FeatureGate`], the strategy wrapper that lets entries through only when every condition
//!   of the agent's `filters: [..]` holds.
//! - `names`: serde for a [`FeatureSet`] as a list of names.
//!
//! A run without features has no book: the engine's per-bar cost is one branch on a `None`.

pub mod filter;
pub mod names;

use domain::calendar::Calendar;
use domain::{Bar, Symbol, Timeframe, UnixNanos};
use indicators::features::BarFeatures;
pub use indicators::features::{
    Feature, FeatureSet, TickTimeline, TickValues, TimelineBuilder, Warmup,
};
use serde::Serialize;

pub use filter::{FeatureGate, Filter};

/// The features of every bar of a run, in bar order: row `r` is `(symbol[r], ts[r])` with the
/// values `values[r·n .. (r+1)·n]`, `n` the number of features. Values are f64 statistics
/// (`None` while a feature warms up).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FeatureFrame {
    #[serde(serialize_with = "names::serialize")]
    pub features: FeatureSet,
    /// The calendar whose sessions the features were computed on.
    pub calendar: Calendar,
    /// Per row: the index of its symbol in the run's symbols.
    pub symbol: Vec<u32>,
    /// Per row: the bar's stamp (its open, as stored).
    pub ts: Vec<UnixNanos>,
    pub values: Vec<Option<f64>>,
}

impl FeatureFrame {
    pub fn len(&self) -> usize {
        self.ts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ts.is_empty()
    }

    /// Row `r`'s values, in [`FeatureFrame::features`]' order.
    pub fn row(&self, r: usize) -> &[Option<f64>] {
        let n = self.features.len();
        &self.values[r * n..(r + 1) * n]
    }
}

/// The engine's feature state: one [`BarFeatures`] per symbol and the frame of traded bars.
#[derive(Debug, Clone)]
pub struct FeatureBook {
    per_symbol: Vec<BarFeatures>,
    /// Per symbol, when the set has a tick feature; empty (no values) until supplied.
    ticks: Vec<TickTimeline>,
    frame: FeatureFrame,
}

impl FeatureBook {
    pub fn new(set: FeatureSet, symbols: &[Symbol], calendar: Calendar, tf: Timeframe) -> Self {
        Self {
            per_symbol: symbols
                .iter()
                .map(|_| BarFeatures::new(set.clone(), calendar, tf))
                .collect(),
            ticks: if set.iter().any(Feature::is_tick) {
                vec![TickTimeline::default(); symbols.len()]
            } else {
                Vec::new()
            },
            frame: FeatureFrame {
                features: set,
                calendar,
                ..FeatureFrame::default()
            },
        }
    }

    /// Symbol `i`'s tick features from now on (ignored when the set has none).
    pub(crate) fn set_ticks(&mut self, i: usize, timeline: TickTimeline) {
        if let Some(t) = self.ticks.get_mut(i) {
            *t = timeline;
        }
    }

    /// Feeds symbol `i`'s bar, which closes at `close`; a traded bar (not a warm-up one) is
    /// recorded in the frame.
    #[inline]
    pub(crate) fn update(&mut self, i: usize, bar: &Bar, close: UnixNanos, record: bool) {
        let ticks = match self.ticks.get(i) {
            Some(t) => t.at(close),
            None => TickValues::default(),
        };
        let values = self.per_symbol[i].update_with_ticks(bar, ticks);
        if record {
            self.frame.symbol.push(i as u32);
            self.frame.ts.push(bar.ts);
            self.frame.values.extend_from_slice(values);
        }
    }

    /// Symbol `i`'s value of `f` at its last bar.
    #[inline]
    pub fn value(&self, i: usize, f: Feature) -> Option<f64> {
        let fs = &self.per_symbol[i];
        fs.values()[fs.set().position(f)?]
    }

    pub(crate) fn into_frame(self) -> FeatureFrame {
        self.frame
    }
}
