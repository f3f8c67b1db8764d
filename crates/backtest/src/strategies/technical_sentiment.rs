//! `technical_sentiment`: an SMA crossover whose entries must be confirmed by sentiment.
//!
//! The strategy keeps the latest record per symbol and source (news, reddit, sec). At a bar's
//! close it blends the records that are fresh enough (`max_age_hours`) and confident enough
//! (`min_confidence`, per source or global) into a weighted average score:
//! `Σ weight × score / Σ weight`.
//!
//! - A cross up enters long only if the blend is at least `min_score`; a cross down enters short
//!   (with `allow_short`) only if it is at most `−min_score`. Otherwise the entry is vetoed.
//!   With no usable sentiment the entry goes ahead unless `require_sentiment` is set.
//! - A cross down always closes a long (and a cross up a short): sentiment never holds a losing
//!   technical position open.
//! - With `exit_score`, a long is closed when the blend falls to `exit_score` or below (a short
//!   when it rises to `−exit_score`), reason `sentiment_exit`.
//!
//! Records are used only once their stamp is at or before the bar's close (the feed guarantees
//! it), so there is no look-ahead.

use domain::time::NANOS_PER_HOUR;
use domain::{Bar, SentimentRecord, SentimentSource, UnixNanos};
use indicators::{ParamError, SmaPair};
use serde::{Deserialize, Serialize};

use super::notes::SMA_CROSS;
use super::signals::{Cross, CrossDetector, bearish, bullish, exit_long, exit_short};
use super::{BadParam, bad, periods};
use crate::event::SymbolId;
use crate::order::{OrderRequest, Reason};
use crate::strategy::{Context, Strategy};

const SENTIMENT_EXIT: Reason = Reason::Custom("sentiment_exit");

/// One source's weight and optional confidence floor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRule {
    #[serde(default = "one")]
    pub weight: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_confidence: Option<f64>,
}

fn one() -> f64 {
    1.0
}

impl Default for SourceRule {
    fn default() -> Self {
        Self {
            weight: 1.0,
            min_confidence: None,
        }
    }
}

/// Per-source rules; a source left out has weight 1 (set `weight: 0` to ignore it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRules {
    #[serde(default)]
    pub news: SourceRule,
    #[serde(default)]
    pub reddit: SourceRule,
    #[serde(default)]
    pub sec: SourceRule,
}

impl SourceRules {
    fn get(&self, s: SentimentSource) -> &SourceRule {
        match s {
            SentimentSource::News => &self.news,
            SentimentSource::Reddit => &self.reddit,
            SentimentSource::Sec => &self.sec,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TechnicalSentimentConfig {
    pub fast: usize,
    pub slow: usize,
    /// Blended score an entry needs (long: ≥ min_score, short: ≤ −min_score). Default 0.
    pub min_score: f64,
    /// Records below this confidence are ignored (unless a source sets its own). Default 0.
    pub min_confidence: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age_hours: Option<u32>,
    pub require_sentiment: bool,
    pub sources: SourceRules,
}

impl TechnicalSentimentConfig {
    pub fn validate(&self) -> Result<(), BadParam> {
        periods(self.fast, self.slow)?;
        let unit = |field, v: f64, lo: f64| {
            if v.is_finite() && (lo..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(bad(field, format!("{v} is outside {lo}..1")))
            }
        };
        unit("min_score", self.min_score, -1.0)?;
        unit("min_confidence", self.min_confidence, 0.0)?;
        if let Some(e) = self.exit_score {
            unit("exit_score", e, -1.0)?;
        }
        if self.max_age_hours == Some(0) {
            return Err(bad("max_age_hours", "must be at least 1"));
        }
        for (field, rule) in [
            ("sources.news", self.sources.news),
            ("sources.reddit", self.sources.reddit),
            ("sources.sec", self.sources.sec),
        ] {
            if !(rule.weight.is_finite() && rule.weight >= 0.0) {
                return Err(bad(
                    field,
                    format!("weight {} must be 0 or more", rule.weight),
                ));
            }
            if let Some(c) = rule.min_confidence {
                unit(field, c, 0.0)?;
            }
        }
        if SentimentSource::ALL
            .iter()
            .all(|s| self.sources.get(*s).weight == 0.0)
        {
            return Err(bad("sources", "every source has weight 0"));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy)]
struct Latest {
    ts: UnixNanos,
    score: f64,
    confidence: f64,
}

#[derive(Debug, Default, Clone, Copy, Serialize)]
struct Tally {
    confirmed: u64,
    vetoed: u64,
    without_sentiment: u64,
    sentiment_exits: u64,
}

pub struct TechnicalSentiment {
    cfg: TechnicalSentimentConfig,
    sma: Vec<(SmaPair, CrossDetector)>,
    latest: Vec<[Option<Latest>; 3]>,
    tally: Tally,
}

impl TechnicalSentiment {
    pub fn new(cfg: TechnicalSentimentConfig, symbols: usize) -> Result<Self, ParamError> {
        let one = (SmaPair::new(cfg.fast, cfg.slow)?, CrossDetector::default());
        Ok(Self {
            cfg,
            sma: vec![one; symbols],
            latest: vec![[None; 3]; symbols],
            tally: Tally::default(),
        })
    }

    /// The weighted score of usable records at `now`, `None` if there are none.
    fn blend(&self, s: SymbolId, now: UnixNanos) -> Option<f64> {
        let (mut num, mut den) = (0.0, 0.0);
        for (k, src) in SentimentSource::ALL.iter().enumerate() {
            let (Some(l), rule) = (self.latest[s.index()][k], self.cfg.sources.get(*src)) else {
                continue;
            };
            let fresh = self
                .cfg
                .max_age_hours
                .is_none_or(|h| now.as_i64() - l.ts.as_i64() <= i64::from(h) * NANOS_PER_HOUR);
            let floor = rule.min_confidence.unwrap_or(self.cfg.min_confidence);
            if fresh && l.confidence >= floor && rule.weight > 0.0 {
                num += rule.weight * l.score;
                den += rule.weight;
            }
        }
        (den > 0.0).then(|| num / den)
    }

    /// Whether an entry in the direction of `sign` (+1 long, −1 short) is confirmed; with a
    /// journal, notes the crossover with the sentiment filter it passed or failed.
    fn confirms(&mut self, ctx: &Context<'_>, s: SymbolId, blend: Option<f64>, sign: f64) -> bool {
        let ok = self.confirmed(blend, sign);
        if ctx.journaling() {
            let cross = if sign > 0.0 { Cross::Up } else { Cross::Down };
            let mut note = SMA_CROSS.note(s, cross);
            note.score = blend;
            let (op, floor) = if sign > 0.0 {
                (">=", self.cfg.min_score)
            } else {
                ("<=", -self.cfg.min_score)
            };
            let filter: crate::journal::Text = match blend {
                Some(b) => format!("sentiment {op} {floor} (blend {b:.4})").into(),
                None if self.cfg.require_sentiment => "require_sentiment (no usable record)".into(),
                None => "sentiment (none usable, not required)".into(),
            };
            if ok {
                note.passed.to_mut().push(filter);
            } else {
                note.blocked.to_mut().push(filter);
            }
            ctx.note(note);
        }
        ok
    }

    fn confirmed(&mut self, blend: Option<f64>, sign: f64) -> bool {
        let ok = match blend {
            None => {
                self.tally.without_sentiment += 1;
                !self.cfg.require_sentiment
            }
            Some(b) => b * sign >= self.cfg.min_score,
        };
        if ok {
            self.tally.confirmed += 1;
        } else {
            self.tally.vetoed += 1;
        }
        ok
    }
}

impl Strategy for TechnicalSentiment {
    fn on_bar(&mut self, ctx: &Context<'_>, s: SymbolId, bar: &Bar, out: &mut Vec<OrderRequest>) {
        let (smas, cross) = &mut self.sma[s.index()];
        smas.update(bar.close);
        let signal = cross.update(smas.cmp_means());
        let blend = self.blend(s, ctx.now());
        let pos = ctx.position(s).raw();
        match signal {
            Some(Cross::Up) => {
                if pos <= 0 {
                    if self.confirms(ctx, s, blend, 1.0) {
                        bullish(ctx, s, out);
                    } else {
                        exit_short(ctx, s, out, Reason::Signal);
                    }
                }
                return;
            }
            Some(Cross::Down) => {
                if ctx.allow_short() && pos >= 0 && self.confirms(ctx, s, blend, -1.0) {
                    bearish(ctx, s, out);
                } else {
                    exit_long(ctx, s, out, Reason::Signal);
                }
                return;
            }
            None => {}
        }
        if let (Some(limit), Some(b)) = (self.cfg.exit_score, blend) {
            let before = out.len();
            if pos > 0 && b <= limit {
                exit_long(ctx, s, out, SENTIMENT_EXIT);
            } else if pos < 0 && b >= -limit {
                exit_short(ctx, s, out, SENTIMENT_EXIT);
            }
            self.tally.sentiment_exits += (out.len() - before) as u64;
        }
    }

    /// Only the averages and the cross state: no confirmation or veto is counted.
    fn warm_up(&mut self, _ctx: &Context<'_>, s: SymbolId, bar: &Bar) {
        let (smas, cross) = &mut self.sma[s.index()];
        smas.update(bar.close);
        cross.update(smas.cmp_means());
    }

    fn on_sentiment(
        &mut self,
        _ctx: &Context<'_>,
        s: SymbolId,
        r: &SentimentRecord,
        _out: &mut Vec<OrderRequest>,
    ) {
        let k = SentimentSource::ALL
            .iter()
            .position(|x| *x == r.source)
            .expect("three sources");
        self.latest[s.index()][k] = Some(Latest {
            ts: r.ts,
            score: r.score,
            confidence: r.confidence,
        });
    }

    fn diagnostics(&self) -> Option<serde_json::Value> {
        serde_json::to_value(self.tally).ok()
    }
}
