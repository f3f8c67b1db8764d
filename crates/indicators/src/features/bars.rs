//! [`BarFeatures`]: every bar feature of one symbol, updated once per bar of the run's
//! timeframe. The values of a [`FeatureSet`] come out as one row of `Option<f64>` in the set's
//! order, `None` while a feature warms up (or has no value, e.g. a VWAP before the session
//! traded). Tick features are not computed here: their values at the bar come in with it
//! ([`BarFeatures::update_with_ticks`]).

use domain::calendar::Calendar;
use domain::{Bar, Timeframe};

use super::rvol::RelativeVolume;
use super::session::{DayClock, SessionStats};
use super::timeline::TickValues;
use super::{Feature, FeatureSet, RVOL_SESSIONS, VWAP_BAND_K};
use crate::Ema;

#[derive(Debug, Clone)]
pub struct BarFeatures {
    set: FeatureSet,
    clock: DayClock,
    stats: SessionStats,
    ema20: Option<Ema>,
    ema50: Option<Ema>,
    last_ema20: Option<f64>,
    rvol: Option<RelativeVolume>,
    values: Vec<Option<f64>>,
}

impl BarFeatures {
    /// The features of `set` for one symbol whose sessions are `calendar`'s.
    pub fn new(set: FeatureSet, calendar: Calendar, timeframe: Timeframe) -> Self {
        let ema = |p| Ema::new(p).expect("20 and 50 are valid periods");
        Self {
            ema20: (set.contains(Feature::Ema20) || set.contains(Feature::Ema20Slope))
                .then(|| ema(20)),
            ema50: set.contains(Feature::Ema50).then(|| ema(50)),
            rvol: set
                .contains(Feature::Rvol)
                .then(|| RelativeVolume::new(RVOL_SESSIONS)),
            values: vec![None; set.len()],
            clock: DayClock::new(calendar, timeframe),
            stats: SessionStats::default(),
            last_ema20: None,
            set,
        }
    }

    pub fn set(&self) -> &FeatureSet {
        &self.set
    }

    /// The values after the last [`BarFeatures::update`], in the set's order.
    #[inline]
    pub fn values(&self) -> &[Option<f64>] {
        &self.values
    }

    /// Feeds the next bar (bars in time order) and returns the values at its close; tick
    /// features have none.
    pub fn update(&mut self, bar: &Bar) -> &[Option<f64>] {
        self.update_with_ticks(bar, TickValues::default())
    }

    /// [`BarFeatures::update`] with the tick features' values at the bar's close.
    pub fn update_with_ticks(&mut self, bar: &Bar, ticks: TickValues) -> &[Option<f64>] {
        let at = self.clock.place(bar.ts);
        if at.new_day {
            self.stats.roll();
        }
        if at.in_session {
            self.stats.add(bar);
        }
        let ema20 = self.ema20.as_mut().and_then(|e| e.update(bar.close));
        let slope = match (ema20, self.last_ema20) {
            (Some(now), Some(before)) => Some(now - before),
            _ => None,
        };
        self.last_ema20 = ema20;
        let ema50 = self.ema50.as_mut().and_then(|e| e.update(bar.close));
        let rvol = self
            .rvol
            .as_mut()
            .and_then(|r| r.update(bar.ts, at.day_start, bar.volume));
        let vwap = self.stats.vwap();
        let band = |sign: f64| Some(vwap? + sign * VWAP_BAND_K * self.stats.sigma()?);
        for (slot, f) in self.values.iter_mut().zip(self.set.as_slice()) {
            *slot = match f {
                Feature::Vwap => vwap,
                Feature::VwapUpper => band(1.0),
                Feature::VwapLower => band(-1.0),
                Feature::Ema20 => ema20,
                Feature::Ema50 => ema50,
                Feature::Ema20Slope => slope,
                Feature::Rvol => rvol,
                Feature::Hod => self.stats.hod().map(|p| p.to_f64()),
                Feature::Lod => self.stats.lod().map(|p| p.to_f64()),
                Feature::PrevClose => self.stats.prev_close().map(|p| p.to_f64()),
                Feature::Cvd => ticks.cvd,
                Feature::Obi => ticks.obi,
            };
        }
        &self.values
    }
}
