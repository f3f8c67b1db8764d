//! [`JobSpec`]: one run of one planned job, self-contained, so a worker needs no config file:
//! only the store URL and provider keys.
//!
//! Its id is `name@due` (`bars-alpaca@2024-01-03T15:00:00Z`): the same run always gets the same
//! id, so a scheduler that restarts and enqueues the same run again adds nothing.
//!
//! A run may carry the runs to queue when it succeeds ([`JobSpec::then`]): a bars run's roll-up
//! and retention, each a run of its own named `job:rollup`, `job:retain` with the same due time
//! (so the same id every time too), on whichever queue the bars run came from.
//!
//! The kinds: fetching ([`RunTask::Bars`], [`RunTask::News`], [`RunTask::Options`]) and upkeep
//! of what is stored ([`RunTask::Rollup`], [`RunTask::Retain`], run by
//! `crate::worker::upkeep` through the `upkeep` crate). A quality check is one more upkeep
//! variant here and one more arm in `worker::upkeep::run_upkeep`.

use domain::grid::rollup::Hours as RollupHours;
use domain::{Symbol, Timeframe, UnixNanos};
use serde::{Deserialize, Serialize};
use upkeep::retain::Policies;

use crate::schedule::{Job, OptionsRun, Task, bars_window, next_due};
use domain::Provider;

/// What a run fetches. Windows are half-open, `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum RunTask {
    /// Bars of `timeframe` in the lookback window, then a gap check of the stored series.
    Bars {
        timeframe: Timeframe,
        start: UnixNanos,
        end: UnixNanos,
    },
    /// News published in the window; with `sentiment`, aggregated per that interval.
    News {
        start: UnixNanos,
        end: UnixNanos,
        sentiment: Option<Timeframe>,
    },
    /// A snapshot of each symbol's option chain in the job's ranges, then with `scan` the
    /// arbitrage scan of it. The settings' serde defaults are the config's, so a run queued
    /// before they existed (`{"kind": "options"}`) still parses.
    Options(OptionsRun),
    /// Each symbol's `from` bars rolled up to `to`, incrementally (`upkeep::rollup`).
    Rollup {
        from: Timeframe,
        to: Vec<Timeframe>,
        hours: RollupHours,
    },
    /// The quality of each symbol's `timeframe` bars checked and stored, reporting from the
    /// exchange date of `since` on (`upkeep::validate`, what `ztrade data validate` runs).
    Validate {
        timeframe: Timeframe,
        since: UnixNanos,
    },
    /// The policies applied to the symbols' series (every stored series when there are no
    /// symbols), ages counted back from the run's due time (`upkeep::retain`).
    Retain { policies: Policies },
}

impl RunTask {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Bars { .. } => "bars",
            Self::News { .. } => "news",
            Self::Options(_) => "options",
            Self::Rollup { .. } => "rollup",
            Self::Validate { .. } => "validate",
            Self::Retain { .. } => "retain",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobSpec {
    /// The plan's job name (`job:kind` for a run queued after another).
    pub job: String,
    /// `None` for upkeep runs, which fetch nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Provider>,
    /// The scheduled instant of this run (not when it was enqueued or started).
    pub due: UnixNanos,
    pub symbols: Vec<Symbol>,
    pub task: RunTask,
    /// The job's run after this one, for the run record (`collect status` shows it).
    pub next_due: UnixNanos,
    /// Queued, in order, after this run succeeds: the first as a run of its own that carries
    /// the rest ([`JobSpec::follow_up`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub then: Vec<RunTask>,
}

impl JobSpec {
    /// The run of `job` due at `due`.
    ///
    /// News runs read `[due − max(every, sentiment interval), due)`: every sentiment interval
    /// that ends by `due` is then whole in some run, and re-reading overlap is harmless because
    /// both news and sentiment are upserts.
    pub fn for_run(job: &Job, due: UnixNanos) -> Self {
        let every = job.every.nanos().unwrap_or(0);
        let mut then = Vec::new();
        let task = match &job.task {
            Task::Bars {
                timeframe, after, ..
            } => {
                let (start, end) = bars_window(job, due).expect("bars job has a window");
                if let Some(r) = &after.rollup {
                    then.push(RunTask::Rollup {
                        from: *timeframe,
                        to: r.to.clone(),
                        hours: r.hours,
                    });
                }
                if after.validate {
                    then.push(RunTask::Validate {
                        timeframe: *timeframe,
                        since: start,
                    });
                }
                if let Some(policies) = &after.retain {
                    then.push(RunTask::Retain {
                        policies: policies.clone(),
                    });
                }
                RunTask::Bars {
                    timeframe: *timeframe,
                    start,
                    end,
                }
            }
            Task::News { sentiment } => {
                let span = every.max(sentiment.and_then(|s| s.nanos()).unwrap_or(0));
                RunTask::News {
                    start: due.plus(-span),
                    end: due,
                    sentiment: *sentiment,
                }
            }
            Task::Options(run) => RunTask::Options(run.clone()),
            Task::Retain { policies } => RunTask::Retain {
                policies: policies.clone(),
            },
        };
        Self {
            job: job.name.clone(),
            provider: job.provider,
            due,
            symbols: job.symbols.clone(),
            task,
            next_due: next_due(job, due),
            then,
        }
    }

    /// `name@due`, the same for every enqueue of this run.
    pub fn id(&self) -> String {
        run_id(&self.job, self.due)
    }

    /// The run to queue once this one has succeeded: `then[0]` for the same symbols and due
    /// time, named `job:kind` after the plan's job, carrying the rest of `then`.
    pub fn follow_up(&self) -> Option<JobSpec> {
        let (task, rest) = self.then.split_first()?;
        let root = self.job.split(':').next().unwrap_or(&self.job);
        Some(Self {
            job: format!("{root}:{}", task.kind()),
            provider: None,
            due: self.due,
            symbols: self.symbols.clone(),
            task: task.clone(),
            next_due: self.next_due,
            then: rest.to_vec(),
        })
    }
}

/// The id of the run of `job` due at `due`.
pub fn run_id(job: &str, due: UnixNanos) -> String {
    format!("{job}@{due}")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::schedule::{parse_config, resolve};

    fn plan() -> Vec<Job> {
        let text = r#"
            symbols = ["SPY", "QQQ"]
            [[jobs]]
            kind = "bars"
            provider = "alpaca"
            lookback = "5m"
            [[jobs]]
            kind = "news"
            provider = "alpaca"
            every = "15m"
            sentiment = "1h"
            [[jobs]]
            kind = "options"
            provider = "polygon"
            every = "30m"
        "#;
        let file = Path::new("collect.toml");
        resolve(parse_config(text, file).unwrap(), &[], file)
            .unwrap()
            .jobs
    }

    fn t(s: &str) -> UnixNanos {
        UnixNanos::parse_rfc3339(s).unwrap()
    }

    #[test]
    fn windows_follow_the_job() {
        let jobs = plan();
        let due = t("2024-01-03T15:00:00Z");
        let bars = JobSpec::for_run(&jobs[0], due);
        assert_eq!(
            bars.task,
            RunTask::Bars {
                timeframe: Timeframe::M1,
                start: t("2024-01-03T14:55:00Z"),
                end: due
            }
        );
        assert_eq!(bars.symbols, Symbol::parse_list("SPY,QQQ").unwrap());
        assert_eq!(bars.next_due, t("2024-01-03T15:01:00Z"));
        // The sentiment interval (1h) is longer than `every` (15m), so the window is an hour.
        let news = JobSpec::for_run(&jobs[1], due);
        assert_eq!(
            news.task,
            RunTask::News {
                start: t("2024-01-03T14:00:00Z"),
                end: due,
                sentiment: Some(Timeframe::H1)
            }
        );
        assert_eq!(
            JobSpec::for_run(&jobs[2], due).task,
            RunTask::Options(OptionsRun::default())
        );
    }

    #[test]
    fn an_options_run_carries_its_ranges_and_scan_through_json() {
        let text = r#"
            symbols = ["SPY"]
            [[jobs]]
            kind = "options"
            provider = "alpaca"
            every = "30m"
            strike_range = "all"
            expiry_days = 7
            scan = true
            scan_rate = 0.04
        "#;
        let (_, run) = first_run(text);
        let RunTask::Options(o) = &run.task else {
            panic!("an options run: {:?}", run.task)
        };
        assert_eq!(o.strikes, crate::schedule::StrikeRange::All);
        assert_eq!(o.expiry_days, 7);
        let scan = o.scan.clone().unwrap();
        assert_eq!(scan.rate, domain::Price::lit("0.04"));
        assert_eq!(scan.fees_per_contract, domain::Price::lit("0.65"));
        let json = serde_json::to_value(&run).unwrap();
        assert_eq!(json["task"]["kind"], "options");
        assert_eq!(json["task"]["expiry_days"], 7);
    }

    #[test]
    fn an_options_run_queued_before_the_ranges_existed_still_parses() {
        let old = r#"{"job":"options-alpaca","provider":"alpaca","due":"2024-01-03T15:00:00Z",
            "symbols":["SPY"],"task":{"kind":"options"},"next_due":"2024-01-03T15:30:00Z"}"#;
        let run: JobSpec = serde_json::from_str(old).unwrap();
        assert_eq!(run.task, RunTask::Options(OptionsRun::default()));
        assert_eq!(run.id(), "options-alpaca@2024-01-03T15:00:00Z");
    }

    #[test]
    fn id_is_deterministic_and_json_round_trips() {
        let jobs = plan();
        let a = JobSpec::for_run(&jobs[0], t("2024-01-03T15:00:00Z"));
        let b = JobSpec::for_run(&jobs[0], t("2024-01-03T15:00:00Z"));
        assert_eq!(a.id(), "bars-alpaca@2024-01-03T15:00:00Z");
        assert_eq!(a.id(), b.id());
        assert_ne!(
            a.id(),
            JobSpec::for_run(&jobs[0], t("2024-01-03T15:01:00Z")).id()
        );
        for job in &jobs {
            let spec = JobSpec::for_run(job, t("2024-01-03T15:00:00Z"));
            let json = serde_json::to_string(&spec).unwrap();
            assert_eq!(serde_json::from_str::<JobSpec>(&json).unwrap(), spec);
        }
    }

    /// The plan of `text` and its first job's run due 2024-01-03 15:00 UTC, which reads back
    /// from its JSON as it was.
    fn first_run(text: &str) -> (crate::schedule::Plan, JobSpec) {
        let file = Path::new("collect.toml");
        let plan = resolve(parse_config(text, file).unwrap(), &[], file).unwrap();
        let run = JobSpec::for_run(&plan.jobs[0], t("2024-01-03T15:00:00Z"));
        let json = serde_json::to_string(&run).unwrap();
        assert_eq!(serde_json::from_str::<JobSpec>(&json).unwrap(), run);
        (plan, run)
    }

    #[test]
    fn a_bars_run_chains_its_rollup_then_its_retention() {
        let text = r#"
            symbols = ["SPY"]
            [[jobs]]
            kind = "bars"
            provider = "alpaca"
            rollup = ["1h"]
            retain = true
            [retention]
            "1m" = "2y"
        "#;
        let (plan, bars) = first_run(text);
        let roll = bars.follow_up().unwrap();
        assert_eq!(roll.id(), "bars-alpaca:rollup@2024-01-03T15:00:00Z");
        assert_eq!(
            roll.task,
            RunTask::Rollup {
                from: Timeframe::M1,
                to: vec![Timeframe::H1],
                hours: RollupHours::Regular
            }
        );
        assert_eq!((roll.provider, &roll.symbols), (None, &bars.symbols));
        let keep = roll.follow_up().unwrap();
        assert_eq!(keep.id(), "bars-alpaca:retain@2024-01-03T15:00:00Z");
        assert_eq!(
            keep.task,
            RunTask::Retain {
                policies: plan.retention.unwrap()
            }
        );
        assert!(keep.follow_up().is_none());
    }

    #[test]
    fn a_bars_run_checks_its_quality_after_its_rollup_and_before_its_retention() {
        let text = r#"
            symbols = ["SPY"]
            [[jobs]]
            kind = "bars"
            provider = "alpaca"
            lookback = "2h"
            rollup = ["1h"]
            validate = true
            retain = true
            [retention]
            "1m" = "2y"
        "#;
        let (_, bars) = first_run(text);
        let RunTask::Bars { start, .. } = bars.task else {
            panic!("a bars run: {:?}", bars.task)
        };
        let roll = bars.follow_up().unwrap();
        let check = roll.follow_up().unwrap();
        assert_eq!(check.id(), "bars-alpaca:validate@2024-01-03T15:00:00Z");
        assert_eq!(
            check.task,
            RunTask::Validate {
                timeframe: Timeframe::M1,
                since: start
            }
        );
        assert_eq!((check.provider, &check.symbols), (None, &bars.symbols));
        let keep = check.follow_up().unwrap();
        assert_eq!(keep.task.kind(), "retain");
        assert!(keep.follow_up().is_none());
    }

    #[test]
    fn validate_is_for_bars_jobs_only() {
        let text = r#"
            symbols = ["SPY"]
            [[jobs]]
            kind = "news"
            provider = "alpaca"
            validate = true
        "#;
        let file = Path::new("collect.toml");
        let err = resolve(parse_config(text, file).unwrap(), &[], file).unwrap_err();
        assert!(err.to_string().contains("validate"), "{err}");
    }
}
