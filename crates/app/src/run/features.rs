//! A run's features into the store with their provenance ([`FeatureRows`], stored by
//! [`super::backtest`] in the run's own transaction).
//!
//! Provenance: per feature its parameters and warm-up ([`backtest::features::Feature::warmup`]),
//! the calendar whose sessions it was computed on, the run's timeframe, the hash of the agent's
//! configuration ([`config_hash`], xxh3-128 of the JSON stored with the run) and the engine
//! version. Each row carries its trading session (the date on that calendar).

use backtest::AgentConfig;
use backtest::features::{Feature, FeatureFrame};
use chrono::NaiveDate;
use store::{FeatureInfo, FeatureProvenance, NewFeatures};
use xxhash_rust::xxh3::xxh3_128;

use super::Run;

/// `xxh3-128:…` of the agent configuration as stored with a run.
pub fn config_hash(agent: &AgentConfig) -> String {
    let json = serde_json::to_vec(&agent.to_json()).expect("an agent always serializes");
    format!("xxh3-128:{:032x}", xxh3_128(&json))
}

/// The provenance of `frame`'s features in a run of `agent`.
pub fn provenance(agent: &AgentConfig, frame: &FeatureFrame) -> FeatureProvenance {
    FeatureProvenance {
        calendar: frame.calendar.as_str().to_owned(),
        timeframe: agent.timeframe.to_string(),
        config_hash: config_hash(agent),
        engine_version: backtest::ENGINE_VERSION.to_owned(),
        features: frame.features.iter().map(info).collect(),
    }
}

fn info(f: Feature) -> FeatureInfo {
    let w = f.warmup();
    FeatureInfo {
        name: f.name().to_owned(),
        params: f.params(),
        warmup_bars: w.bars,
        warmup_sessions: w.sessions,
    }
}

/// The trading session of each row: the date on the frame's calendar (a daily bar's own date).
pub fn sessions(frame: &FeatureFrame, daily: bool) -> Vec<NaiveDate> {
    frame
        .ts
        .iter()
        .map(|t| {
            if daily {
                t.utc_date()
            } else {
                frame.calendar.trading_date(*t)
            }
        })
        .collect()
}

/// The parts of a run's feature rows that the run does not hold (provenance, sessions), so
/// that [`FeatureRows::rows`] can lend them to the store with the run.
pub struct FeatureRows {
    provenance: FeatureProvenance,
    session: Vec<NaiveDate>,
}

impl FeatureRows {
    /// `None` when the run's agent asked for no feature.
    pub fn of(run: &Run) -> Option<Self> {
        let frame = run.result.features.as_ref()?;
        Some(Self {
            provenance: provenance(&run.agent, frame),
            session: sessions(frame, run.agent.timeframe.is_daily_or_longer()),
        })
    }

    /// The rows to store: `run` must be the run these were made `of`.
    pub fn rows<'a>(&'a self, run: &'a Run) -> Option<NewFeatures<'a>> {
        let frame = run.result.features.as_ref()?;
        Some(NewFeatures {
            provenance: &self.provenance,
            symbols: &run.result.symbols,
            symbol: &frame.symbol,
            ts: &frame.ts,
            session: &self.session,
            values: &frame.values,
        })
    }
}
