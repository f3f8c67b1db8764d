//! Stage two: raw config values → a validated [`Plan`], without IO (ripgrep's lowargs →
//! hiargs). Every error names the file and the field, e.g. `collect.toml: jobs[1].every: …`.

use std::path::{Path, PathBuf};

use domain::grid::rollup::{Hours as RollupHours, Rollup};
use domain::time::{NANOS_PER_DAY, NANOS_PER_HOUR, NANOS_PER_SECOND};
use domain::{Symbol, Timeframe};
use serde::Serialize;
use upkeep::retain::{Policies, policy};

use crate::schedule::config::{
    AgentSymbols, RawConfig, RawJob, RawSentiment, read_agents, read_config,
};
use crate::schedule::error::ConfigError;
use crate::schedule::options::{self, OptionsRun};
use domain::Provider;

/// When a job may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Hours {
    /// Only inside NYSE regular sessions, open and close included.
    Market,
    Always,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Task {
    /// Each run fetches bars of `timeframe` over `[due − lookback, due)`, then queues `after`.
    Bars {
        timeframe: Timeframe,
        lookback: Timeframe,
        after: AfterBars,
    },
    /// Each run fetches news; with `sentiment`, scores it and aggregates per that interval.
    News { sentiment: Option<Timeframe> },
    /// Each run fetches option chain snapshots of the symbols, in the run's strike and expiry
    /// ranges, then with `scan` scans each new snapshot for arbitrage.
    Options(OptionsRun),
    /// Each run applies the retention policies to the job's symbols (every stored series when
    /// it names none).
    Retain { policies: Policies },
}

impl Task {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Bars { .. } => "bars",
            Self::News { .. } => "news",
            Self::Options(_) => "options",
            Self::Retain { .. } => "retain",
        }
    }
}

/// The upkeep queued after each bars run, for the symbols it fetched, each a run of its own
/// (`job:rollup`, then `job:retain`): `queue::JobSpec::then`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AfterBars {
    /// Roll the fetched series up to these timeframes (`rollup = [...]`).
    pub rollup: Option<RollupAfter>,
    /// Then check the fetched series' quality (`validate = true`), from the run's window on.
    pub validate: bool,
    /// Then apply these policies (`retain = true`: the config's `retention`).
    pub retain: Option<Policies>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RollupAfter {
    pub to: Vec<Timeframe>,
    pub hours: RollupHours,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Job {
    pub name: String,
    /// `None` for `retain` jobs, which fetch nothing.
    pub provider: Option<Provider>,
    /// Runs at wall-clock multiples of this (":00, :15, :30, :45" for 15m).
    pub every: Timeframe,
    pub hours: Hours,
    pub symbols: Vec<Symbol>,
    pub task: Task,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub file: PathBuf,
    /// The config's symbols, then the agents', first occurrence kept.
    pub symbols: Vec<Symbol>,
    pub jobs: Vec<Job>,
    /// The `retention` section, validated.
    pub retention: Option<Policies>,
}

impl Plan {
    /// The providers its jobs fetch from, each once, in order.
    pub fn providers(&self) -> Vec<crate::Provider> {
        let mut p: Vec<crate::Provider> = self.jobs.iter().filter_map(|j| j.provider).collect();
        p.sort();
        p.dedup();
        p
    }
}

/// Reads `file`, the agent files under its `agents_dir` (relative to the file), and resolves.
pub fn load_plan(file: &Path) -> Result<Plan, ConfigError> {
    let raw = read_config(file)?;
    let agents = match &raw.agents_dir {
        Some(dir) => read_agents(&file.parent().unwrap_or(Path::new(".")).join(dir))?,
        None => Vec::new(),
    };
    resolve(raw, &agents, file)
}

/// The `retention` section of `file` alone (`ztrade data retain --config FILE`): the jobs are
/// not needed, nor checked.
pub fn load_retention(file: &Path) -> Result<Policies, ConfigError> {
    retention(&read_config(file)?, file)?.ok_or_else(|| {
        ConfigError::invalid(
            file,
            "retention",
            "no retention section; add one, e.g. `retention: { ticks: 30d, 1m: 2y, 1d: forever }`",
        )
    })
}

fn retention(raw: &RawConfig, file: &Path) -> Result<Option<Policies>, ConfigError> {
    raw.retention
        .as_ref()
        .map(|r| policy::resolve(r).map_err(|e| ConfigError::invalid(file, e.field, e.reason)))
        .transpose()
}

/// Validates `raw` and the agents' symbol lists into a plan. No IO.
pub fn resolve(raw: RawConfig, agents: &[AgentSymbols], file: &Path) -> Result<Plan, ConfigError> {
    let bad = |field: String, reason: String| ConfigError::invalid(file, field, reason);
    let retention = retention(&raw, file)?;
    let mut symbols = symbol_list(&raw.symbols, "symbols", file, true)?;
    for a in agents {
        for s in symbol_list(&a.symbols, "symbols", &a.file, false)? {
            if !symbols.contains(&s) {
                symbols.push(s);
            }
        }
    }
    if raw.jobs.is_empty() {
        return Err(bad(
            "jobs".into(),
            "no jobs; add at least one [[jobs]] entry".into(),
        ));
    }
    let mut jobs: Vec<Job> = Vec::with_capacity(raw.jobs.len());
    for (i, rj) in raw.jobs.iter().enumerate() {
        let job = resolve_job(rj, i, &symbols, retention.as_ref(), file)?;
        if let Some(j) = jobs.iter().position(|o| o.name == job.name) {
            return Err(bad(
                format!("jobs[{i}].name"),
                format!(
                    "{:?} is already the name of jobs[{j}]; give one of them a `name`",
                    job.name
                ),
            ));
        }
        jobs.push(job);
    }
    Ok(Plan {
        file: file.to_path_buf(),
        symbols,
        jobs,
        retention,
    })
}

fn resolve_job(
    rj: &RawJob,
    i: usize,
    symbols: &[Symbol],
    retention: Option<&Policies>,
    file: &Path,
) -> Result<Job, ConfigError> {
    let field = |f: &str| format!("jobs[{i}].{f}");
    let bad = |f: &str, reason: String| ConfigError::invalid(file, field(f), reason);
    let kind = rj.kind.trim().to_ascii_lowercase();
    let provider = match (&rj.provider, kind.as_str()) {
        (Some(_), "retain") => return Err(bad("provider", "retain jobs fetch nothing".into())),
        (None, "retain") => None,
        (Some(p), _) => Some(Provider::parse(p).map_err(|e| bad("provider", e.to_string()))?),
        (None, _) => {
            return Err(bad(
                "provider",
                format!("{kind} jobs need a provider: alpaca or polygon"),
            ));
        }
    };
    let policies = |f: &str| {
        retention.cloned().ok_or_else(|| {
            bad(
                f,
                "needs a `retention` section with the policies to apply".into(),
            )
        })
    };
    let only = |f: &str, present: bool, allowed: &str| {
        if present && kind != allowed {
            Err(bad(f, format!("only {allowed} jobs take `{f}`")))
        } else {
            Ok(())
        }
    };
    only("timeframe", rj.timeframe.is_some(), "bars")?;
    only("lookback", rj.lookback.is_some(), "bars")?;
    only("sentiment", rj.sentiment.is_some(), "news")?;
    only("rollup", rj.rollup.is_some(), "bars")?;
    only("rollup_hours", rj.rollup_hours.is_some(), "bars")?;
    only("retain", rj.retain.is_some(), "bars")?;
    only("validate", rj.validate.is_some(), "bars")?;
    for (f, present) in [
        ("strike_range", rj.strike_range.is_some()),
        ("expiry_days", rj.expiry_days.is_some()),
        ("scan", rj.scan.is_some()),
        (
            "scan_fees_per_contract",
            rj.scan_fees_per_contract.is_some(),
        ),
        ("scan_min_edge", rj.scan_min_edge.is_some()),
        ("scan_rate", rj.scan_rate.is_some()),
    ] {
        only(f, present, "options")?;
    }

    let (default_every, default_hours) = match kind.as_str() {
        "bars" => (Some("1m"), Hours::Market),
        "news" => (Some("15m"), Hours::Always),
        "options" => (None, Hours::Market),
        "retain" => (Some("1d"), Hours::Always),
        other => {
            return Err(bad(
                "kind",
                format!("{other:?} is not bars, news, options or retain"),
            ));
        }
    };
    let hours = match rj.hours.as_deref().map(|h| h.trim().to_ascii_lowercase()) {
        None => default_hours,
        Some(h) if h == "market" => Hours::Market,
        Some(h) if h == "always" => Hours::Always,
        Some(h) => return Err(bad("hours", format!("{h:?} is not market or always"))),
    };
    let every_text = rj.every.as_deref().or(default_every).ok_or_else(|| {
        bad(
            "every",
            format!("{kind} jobs need an interval, e.g. every = \"30m\""),
        )
    })?;
    let every = interval(every_text).map_err(|r| bad("every", r))?;
    if hours == Hours::Market && every.nanos().unwrap_or(i64::MAX) > 3 * NANOS_PER_HOUR {
        return Err(bad(
            "every",
            format!(
                "{every} is longer than 3h, so some sessions (13:00 early closes) would get no run"
            ),
        ));
    }

    let task = match kind.as_str() {
        "bars" => {
            let tf = match &rj.timeframe {
                Some(t) => Timeframe::parse(t).map_err(|e| bad("timeframe", e.reason))?,
                None => Timeframe::M1,
            };
            if tf.nanos().is_none() {
                return Err(bad(
                    "timeframe",
                    format!("{tf} bars are not supported by the collector"),
                ));
            }
            if provider == Some(Provider::Alpaca) {
                tf.alpaca().map_err(|e| bad("timeframe", e.reason))?;
            }
            let lookback = interval(rj.lookback.as_deref().unwrap_or("15m"))
                .map_err(|r| bad("lookback", r))?;
            let lb = lookback.nanos().unwrap_or(0);
            if lb < every.nanos().unwrap_or(0) || lb < tf.nanos().unwrap_or(0) {
                return Err(bad(
                    "lookback",
                    format!(
                        "{lookback} is shorter than every ({every}) or the timeframe ({tf}); bars between runs would be missed"
                    ),
                ));
            }
            Task::Bars {
                timeframe: tf,
                lookback,
                after: after_bars(rj, tf, &bad, &policies)?,
            }
        }
        "news" => Task::News {
            sentiment: match &rj.sentiment {
                None | Some(RawSentiment::Enabled(true)) => Some(Timeframe::M15),
                Some(RawSentiment::Enabled(false)) => None,
                Some(RawSentiment::Interval(t)) => {
                    Some(interval(t).map_err(|r| bad("sentiment", r))?)
                }
            },
        },
        "retain" => Task::Retain {
            policies: policies("kind")?,
        },
        _ => Task::Options(options::resolve(rj, &bad)?),
    };

    let symbols = match &rj.symbols {
        Some(list) => symbol_list(list, &field("symbols"), file, true)?,
        // Retention reaches every stored series unless the job names symbols.
        None if kind == "retain" => Vec::new(),
        None => symbols.to_vec(),
    };
    if symbols.is_empty() && kind != "retain" {
        return Err(bad(
            "symbols",
            "no symbols: list them here, in the top-level `symbols`, or in agent files under `agents_dir`".into(),
        ));
    }
    let name = match (&rj.name, provider) {
        (Some(n), _) if n.trim().is_empty() => return Err(bad("name", "is empty".into())),
        (Some(n), _) if n.contains(':') => {
            return Err(bad(
                "name",
                "`:` is reserved: the runs queued after a job's are named JOB:rollup, \
                 JOB:validate and JOB:retain"
                    .into(),
            ));
        }
        (Some(n), _) => n.trim().to_string(),
        (None, Some(p)) => format!("{kind}-{p}"),
        (None, None) => kind.clone(),
    };
    Ok(Job {
        name,
        provider,
        every,
        hours,
        symbols,
        task,
    })
}

/// A bars job's `rollup`, `rollup_hours` and `retain`: what runs after each of its runs.
fn after_bars(
    rj: &RawJob,
    from: Timeframe,
    bad: &dyn Fn(&str, String) -> ConfigError,
    policies: &dyn Fn(&str) -> Result<Policies, ConfigError>,
) -> Result<AfterBars, ConfigError> {
    let hours = match rj
        .rollup_hours
        .as_deref()
        .map(|h| h.trim().to_ascii_lowercase())
    {
        None => RollupHours::Regular,
        Some(h) if h == "regular" => RollupHours::Regular,
        Some(h) if h == "extended" => RollupHours::Extended,
        Some(h) => {
            return Err(bad(
                "rollup_hours",
                format!("{h:?} is not regular or extended"),
            ));
        }
    };
    if rj.rollup_hours.is_some() && rj.rollup.is_none() {
        return Err(bad("rollup_hours", "set `rollup` targets first".into()));
    }
    let rollup = match &rj.rollup {
        None => None,
        Some(list) if list.is_empty() => {
            return Err(bad(
                "rollup",
                "name at least one target, e.g. [\"1h\", \"1d\"]".into(),
            ));
        }
        Some(list) => {
            let mut to = Vec::with_capacity(list.len());
            for (k, text) in list.iter().enumerate() {
                let f = format!("rollup[{k}]");
                let tf = Timeframe::parse(text).map_err(|e| bad(&f, e.reason))?;
                // Only checks the pair: the calendar changes no pair's validity, and the job
                // rolls each symbol up on its own calendar.
                Rollup::new(from, tf, hours, domain::calendar::Calendar::Nyse)
                    .map_err(|e| bad(&f, e.to_string()))?;
                to.push(tf);
            }
            Some(RollupAfter { to, hours })
        }
    };
    let retain = match rj.retain {
        Some(true) => Some(policies("retain")?),
        _ => None,
    };
    Ok(AfterBars {
        rollup,
        validate: rj.validate.unwrap_or(false),
        retain,
    })
}

/// A schedule interval: whole seconds, at most a day, dividing a day evenly so that runs fall
/// on the same wall-clock times every day.
fn interval(text: &str) -> Result<Timeframe, String> {
    let tf = Timeframe::parse(text).map_err(|e| e.reason)?;
    let n = tf
        .nanos()
        .filter(|n| *n >= NANOS_PER_SECOND && *n <= NANOS_PER_DAY)
        .ok_or_else(|| format!("{tf} is not between 1s and 1d"))?;
    if NANOS_PER_DAY % n != 0 {
        return Err(format!(
            "{tf} does not divide a day evenly (try 1m, 5m, 15m, 30m, 1h, 2h…)"
        ));
    }
    Ok(tf)
}

fn symbol_list(
    list: &[String],
    field: &str,
    file: &Path,
    refuse_duplicates: bool,
) -> Result<Vec<Symbol>, ConfigError> {
    let mut out: Vec<Symbol> = Vec::with_capacity(list.len());
    for (k, text) in list.iter().enumerate() {
        let s = Symbol::new(text)
            .map_err(|e| ConfigError::invalid(file, format!("{field}[{k}]"), e.reason))?;
        if out.contains(&s) {
            if refuse_duplicates {
                return Err(ConfigError::invalid(
                    file,
                    format!("{field}[{k}]"),
                    format!("{s} is listed twice"),
                ));
            }
            continue;
        }
        out.push(s);
    }
    Ok(out)
}
