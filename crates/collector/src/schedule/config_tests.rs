//! Config parsing and validation: the same plan from TOML and YAML, agent symbols, and errors
//! that name the file and the field (or the parser's line).

use std::path::Path;

use domain::{Symbol, Timeframe};

use crate::schedule::*;
use domain::Provider;

const TOML: &str = r#"
symbols = ["SPY", "qqq"]

[[jobs]]
kind = "bars"
provider = "alpaca"
every = "1m"
timeframe = "1Min"
lookback = "15m"

[[jobs]]
kind = "news"
provider = "alpaca"
sentiment = "15m"

[[jobs]]
name = "chains"
kind = "options"
provider = "polygon"
every = "30m"
symbols = ["SPY"]
"#;

const YAML: &str = r#"
symbols: [SPY, qqq]
jobs:
  - kind: bars
    provider: alpaca
    every: 1m
    timeframe: 1Min
    lookback: 15m
  - kind: news
    provider: alpaca
    sentiment: 15m
  - name: chains
    kind: options
    provider: polygon
    every: 30m
    symbols: [SPY]
"#;

fn plan_of(text: &str, file: &str) -> Result<Plan, ConfigError> {
    let file = Path::new(file);
    resolve(parse_config(text, file)?, &[], file)
}

fn err_of(text: &str, file: &str) -> String {
    plan_of(text, file).unwrap_err().to_string()
}

/// TOML with one job, `extra` appended to that job's table.
fn one_job(extra: &str) -> String {
    format!("symbols = [\"SPY\"]\n[[jobs]]\nkind = \"bars\"\nprovider = \"alpaca\"\n{extra}\n")
}

#[test]
fn toml_and_yaml_give_the_same_plan() {
    let t = plan_of(TOML, "collect.toml").unwrap();
    let y = plan_of(YAML, "collect.yaml").unwrap();
    assert_eq!(t.jobs, y.jobs);
    assert_eq!(t.symbols, [Symbol::lit("SPY"), Symbol::lit("QQQ")]);
    let names: Vec<_> = t.jobs.iter().map(|j| j.name.as_str()).collect();
    assert_eq!(names, ["bars-alpaca", "news-alpaca", "chains"]);
    let bars = &t.jobs[0];
    assert_eq!(bars.hours, Hours::Market);
    assert_eq!(
        bars.task,
        Task::Bars {
            timeframe: Timeframe::M1,
            lookback: Timeframe::M15,
            after: AfterBars::default(),
        }
    );
    let news = &t.jobs[1];
    assert_eq!((news.every, news.hours), (Timeframe::M15, Hours::Always));
    assert_eq!(
        news.task,
        Task::News {
            sentiment: Some(Timeframe::M15)
        }
    );
    assert_eq!(t.jobs[2].provider, Some(Provider::Polygon));
    assert_eq!(t.jobs[2].symbols, [Symbol::lit("SPY")]);
    assert_eq!(t.jobs[2].every, Timeframe::parse("30m").unwrap());
}

#[test]
fn agent_files_add_symbols() {
    let dir = tempfile::tempdir().unwrap();
    let agents = dir.path().join("agents");
    std::fs::create_dir(&agents).unwrap();
    std::fs::write(
        agents.join("b_momentum.yaml"),
        "name: momo\nsymbols: [AAPL, spy]\nparams: {fast: 5}\n",
    )
    .unwrap();
    std::fs::write(
        agents.join("a_meanrev.yml"),
        "name: mr\nsymbols:\n  - MSFT\n",
    )
    .unwrap();
    std::fs::write(agents.join("c_nosymbols.yaml"), "name: none\n").unwrap();
    std::fs::write(agents.join("notes.txt"), "symbols: [NOPE]\n").unwrap();
    let cfg = dir.path().join("collect.toml");
    std::fs::write(&cfg, format!("agents_dir = \"agents\"\n{}", one_job(""))).unwrap();
    let plan = load_plan(&cfg).unwrap();
    let syms: Vec<_> = plan.symbols.iter().map(Symbol::as_str).collect();
    assert_eq!(
        syms,
        ["SPY", "MSFT", "AAPL"],
        "config first, then agents in file-name order"
    );
    assert_eq!(plan.jobs[0].symbols, plan.symbols);

    std::fs::write(agents.join("d_bad.yaml"), "symbols: [AAPL, \"BR K\"]\n").unwrap();
    let err = load_plan(&cfg).unwrap_err();
    assert_eq!(err.field(), Some("symbols[1]"));
    assert!(
        err.to_string()
            .contains("d_bad.yaml: symbols[1]: \"BR K\" contains ' '"),
        "{err}"
    );

    std::fs::write(agents.join("d_bad.yaml"), "symbols: [AAPL\n").unwrap();
    let err = load_plan(&cfg).unwrap_err();
    assert!(
        matches!(err, ConfigError::Parse { line: Some(_), .. }),
        "{err}"
    );
    assert!(err.to_string().contains("d_bad.yaml:"), "{err}");
}

#[test]
fn parse_errors_carry_the_line() {
    let text = one_job("evry = \"1m\"");
    let err = plan_of(&text, "collect.toml").unwrap_err();
    let ConfigError::Parse { line, message, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(*line, Some(5));
    assert!(message.contains("unknown field `evry`"), "{message}");
    assert!(err.to_string().starts_with("collect.toml:5:"), "{err}");

    let err = err_of(
        "jobs:\n  - kind: bars\n    provider: alpaca\n    evry: 1m\n",
        "c.yaml",
    );
    assert!(err.starts_with("c.yaml:4:"), "{err}");
    assert!(err.contains("unknown field `evry`"), "{err}");

    let err = err_of("symbols = [\"SPY\"\n", "c.toml");
    assert!(err.starts_with("c.toml:"), "{err}");
    assert!(matches!(
        plan_of("x", "c.json"),
        Err(ConfigError::Format { .. })
    ));
}

#[test]
fn invalid_values_name_the_field() {
    let cases = [
        (
            one_job("every = \"7m\""),
            "c.toml: jobs[0].every: 7m does not divide a day evenly",
        ),
        (
            one_job("every = \"1mo\""),
            "c.toml: jobs[0].every: 1mo is not between 1s and 1d",
        ),
        (
            one_job("every = \"4h\""),
            "c.toml: jobs[0].every: 4h is longer than 3h",
        ),
        (
            one_job("lookback = \"30s\""),
            "c.toml: jobs[0].lookback: 30s is shorter than every (1m)",
        ),
        (
            one_job("timeframe = \"1s\""),
            "c.toml: jobs[0].timeframe: Alpaca has no second bars",
        ),
        (
            one_job("timeframe = \"7x\""),
            "c.toml: jobs[0].timeframe: \"7x\" is not a timeframe",
        ),
        (
            one_job("hours = \"lunch\""),
            "c.toml: jobs[0].hours: \"lunch\" is not market or always",
        ),
        (
            one_job("sentiment = true"),
            "c.toml: jobs[0].sentiment: only news jobs take `sentiment`",
        ),
        (
            one_job("symbols = [\"SPY\", \"spy\"]"),
            "c.toml: jobs[0].symbols[1]: SPY is listed twice",
        ),
        (
            one_job("").replace("alpaca", "iex"),
            "c.toml: jobs[0].provider: \"iex\" is not a provider",
        ),
        (
            one_job("").replace("bars", "quotes"),
            "c.toml: jobs[0].kind: \"quotes\" is not bars, news, options or retain",
        ),
        (
            one_job("").replace("\"SPY\"", "\"S&P\""),
            "c.toml: symbols[0]: \"S&P\" contains '&'",
        ),
        (
            one_job("").replace("symbols = [\"SPY\"]", ""),
            "c.toml: jobs[0].symbols: no symbols",
        ),
        (
            "symbols = [\"SPY\"]\n[[jobs]]\nkind = \"options\"\nprovider = \"polygon\"\n"
                .to_string(),
            "c.toml: jobs[0].every: options jobs need an interval",
        ),
        ("symbols = [\"SPY\"]\n".to_string(), "c.toml: jobs: no jobs"),
        (
            one_job("rollup = [\"30s\"]"),
            "c.toml: jobs[0].rollup[0]: timeframes: cannot roll 1m up to 30s: the target must be",
        ),
        (
            one_job("retain = true"),
            "c.toml: jobs[0].retain: needs a `retention` section",
        ),
        (
            one_job("rollup_hours = \"extended\""),
            "c.toml: jobs[0].rollup_hours: set `rollup` targets first",
        ),
        (
            one_job("rollup = [\"1d\"]\nrollup_hours = \"evening\""),
            "c.toml: jobs[0].rollup_hours: \"evening\" is not regular or extended",
        ),
        (
            one_job("name = \"a:b\""),
            "c.toml: jobs[0].name: `:` is reserved",
        ),
        (
            one_job("").replace("provider = \"alpaca\"\n", ""),
            "c.toml: jobs[0].provider: bars jobs need a provider",
        ),
        (
            "[[jobs]]\nkind = \"retain\"\nprovider = \"alpaca\"\n[retention]\nticks = \"30d\"\n"
                .to_string(),
            "c.toml: jobs[0].provider: retain jobs fetch nothing",
        ),
        (
            "[[jobs]]\nkind = \"retain\"\n".to_string(),
            "c.toml: jobs[0].kind: needs a `retention` section",
        ),
        (
            format!("{}[retention]\n\"1m\" = \"2 years\"\n", one_job("")),
            "c.toml: retention.1m: \"2 years\" is not an age",
        ),
        (
            format!(
                "{}[[jobs]]\nkind = \"bars\"\nprovider = \"alpaca\"\n",
                one_job("")
            ),
            "c.toml: jobs[1].name: \"bars-alpaca\" is already the name of jobs[0]",
        ),
    ];
    for (text, want) in cases {
        let got = err_of(&text, "c.toml");
        assert!(
            got.starts_with(want),
            "\n got: {got}\nwant: {want}…\nconfig:\n{text}"
        );
    }
}

#[test]
fn defaults_and_switches() {
    let plan = plan_of(&one_job(""), "c.toml").unwrap();
    assert_eq!(plan.jobs[0].every, Timeframe::M1);
    assert_eq!(
        plan.jobs[0].task,
        Task::Bars {
            timeframe: Timeframe::M1,
            lookback: Timeframe::M15,
            after: AfterBars::default(),
        }
    );
    let text = "symbols = [\"SPY\"]\n[[jobs]]\nkind = \"news\"\nprovider = \"polygon\"\nsentiment = false\nhours = \"market\"\n";
    let plan = plan_of(text, "c.toml").unwrap();
    assert_eq!(plan.jobs[0].task, Task::News { sentiment: None });
    assert_eq!(plan.jobs[0].hours, Hours::Market);
}

/// A bars job's roll-up and retention after each run, a retain job on its own schedule, and the
/// policies, the same from TOML and YAML; `data retain --config` reads the section alone.
#[test]
fn upkeep_after_bars_and_on_its_own_schedule() {
    let toml = r#"
symbols = ["SPY"]
[[jobs]]
kind = "bars"
provider = "alpaca"
rollup = ["5m", "1d"]
retain = true
[[jobs]]
kind = "retain"
[retention]
ticks = "30d"
"1m" = "2y"
"#;
    let yaml = "symbols: [SPY]\njobs:\n  - kind: bars\n    provider: alpaca\n    rollup: [5m, 1d]\n    \
                retain: true\n  - kind: retain\nretention:\n  ticks: 30d\n  1m: 2y\n";
    let t = plan_of(toml, "c.toml").unwrap();
    let y = plan_of(yaml, "c.yaml").unwrap();
    assert_eq!((&t.jobs, &t.retention), (&y.jobs, &y.retention));
    let policies = t.retention.clone().unwrap();
    assert!(policies.trades.is_some() && policies.quotes.is_some());
    assert_eq!(policies.bars.len(), 1);
    let Task::Bars { after, .. } = &t.jobs[0].task else {
        panic!("{:?}", t.jobs[0].task)
    };
    let rollup = after.rollup.clone().unwrap();
    assert_eq!(rollup.to, [Timeframe::M5, Timeframe::D1]);
    assert_eq!(rollup.hours, domain::grid::rollup::Hours::Regular);
    assert_eq!(after.retain.as_ref(), Some(&policies));
    let r = &t.jobs[1];
    assert_eq!(
        (r.name.as_str(), r.provider, r.every, r.hours),
        ("retain", None, Timeframe::D1, Hours::Always)
    );
    assert!(r.symbols.is_empty(), "every stored series");
    assert_eq!(r.task, Task::Retain { policies });

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.yaml");
    std::fs::write(&file, "retention:\n  1d: forever\n").unwrap();
    assert_eq!(load_retention(&file).unwrap().bars.len(), 1);
    std::fs::write(&file, "symbols: [SPY]\n").unwrap();
    let e = load_retention(&file).unwrap_err().to_string();
    assert!(e.ends_with("c.yaml: retention: no retention section; add one, e.g. `retention: { ticks: 30d, 1m: 2y, 1d: forever }`"), "{e}");
}

/// TOML with one options job, `extra` appended to its table.
fn options_job(extra: &str) -> String {
    format!(
        "symbols = [\"SPY\"]\n[[jobs]]\nkind = \"options\"\nprovider = \"alpaca\"\nevery = \"30m\"\n{extra}\n"
    )
}

fn options_of(text: &str) -> OptionsRun {
    let plan = plan_of(text, "c.toml").unwrap();
    match &plan.jobs[0].task {
        Task::Options(run) => run.clone(),
        other => panic!("an options task: {other:?}"),
    }
}

#[test]
fn options_jobs_default_to_20_percent_60_days_and_no_scan() {
    let run = options_of(&options_job(""));
    assert_eq!(run.strikes, StrikeRange::Percent(domain::Price::lit("20")));
    assert_eq!((run.expiry_days, run.scan.clone()), (60, None));
    assert_eq!(run, OptionsRun::default());
}

#[test]
fn options_jobs_take_their_ranges_and_scan_from_toml_and_yaml() {
    let toml = options_job(
        "strike_range = \"12.5%\"\nexpiry_days = 30\nscan = true\n\
         scan_fees_per_contract = \"0.5\"\nscan_min_edge = \"1\"\nscan_rate = 0.045",
    );
    let run = options_of(&toml);
    assert_eq!(
        run.strikes,
        StrikeRange::Percent(domain::Price::lit("12.5"))
    );
    assert_eq!(run.expiry_days, 30);
    assert_eq!(
        run.scan,
        Some(ScanSettings {
            fees_per_contract: domain::Price::lit("0.5"),
            min_edge: domain::Price::lit("1"),
            rate: domain::Price::lit("0.045"),
        })
    );
    let yaml = "symbols: [SPY]\njobs:\n  - kind: options\n    provider: alpaca\n    every: 30m\n    \
                strike_range: 12.5%\n    expiry_days: 30\n    scan: true\n    \
                scan_fees_per_contract: \"0.5\"\n    scan_min_edge: \"1\"\n    scan_rate: 0.045\n";
    let y = plan_of(yaml, "c.yaml").unwrap();
    assert_eq!(y.jobs[0].task, Task::Options(run));
    // The scan's settings default when only `scan` is set; "all" lifts the strike filter.
    let run = options_of(&options_job("strike_range = \"all\"\nscan = true"));
    assert_eq!(run.strikes, StrikeRange::All);
    assert_eq!(run.scan, Some(ScanSettings::default()));
    assert_eq!(
        ScanSettings::default().rate,
        domain::Price::lit("0.05"),
        "the documented default"
    );
}

#[test]
fn options_fields_are_refused_elsewhere_and_checked() {
    let cases = [
        (
            one_job("strike_range = \"20%\""),
            "c.toml: jobs[0].strike_range: only options jobs take `strike_range`",
        ),
        (
            one_job("expiry_days = 30"),
            "c.toml: jobs[0].expiry_days: only options jobs take `expiry_days`",
        ),
        (
            one_job("scan = true"),
            "c.toml: jobs[0].scan: only options jobs take `scan`",
        ),
        (
            one_job("scan_rate = 0.05"),
            "c.toml: jobs[0].scan_rate: only options jobs take `scan_rate`",
        ),
        (
            options_job("strike_range = \"20\""),
            "c.toml: jobs[0].strike_range: \"20\" is not a percent around the money",
        ),
        (
            options_job("strike_range = \"0%\""),
            "c.toml: jobs[0].strike_range: \"0%\" is not between 0% (excluded) and 100%",
        ),
        (
            options_job("strike_range = \"150%\""),
            "c.toml: jobs[0].strike_range: \"150%\" is not between",
        ),
        (
            options_job("expiry_days = -1"),
            "c.toml: jobs[0].expiry_days: -1 is not between 0",
        ),
        (
            options_job("scan_rate = 0.05"),
            "c.toml: jobs[0].scan_rate: set `scan = true` first",
        ),
        (
            options_job("scan = false\nscan_min_edge = \"1\""),
            "c.toml: jobs[0].scan_min_edge: set `scan = true` first",
        ),
        (
            options_job("scan = true\nscan_rate = 5"),
            "c.toml: jobs[0].scan_rate: 5 is not a yearly rate between -0.05 and 0.5",
        ),
        (
            options_job("scan = true\nscan_fees_per_contract = \"-0.65\""),
            "c.toml: jobs[0].scan_fees_per_contract: -0.65 is negative",
        ),
        (
            options_job("scan = true\nscan_min_edge = \"cheap\""),
            "c.toml: jobs[0].scan_min_edge: \"cheap\"",
        ),
    ];
    for (text, want) in cases {
        let e = err_of(&text, "c.toml");
        assert!(e.starts_with(want), "{text}\n got: {e}\nwant: {want}");
    }
}

#[test]
fn the_example_config_shows_an_options_job_with_every_field() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/collect.example.toml");
    // Its agents directory is the user's; the jobs resolve without it.
    let plan = resolve(read_config(&file).unwrap(), &[], &file).unwrap();
    let options = plan
        .jobs
        .iter()
        .find_map(|j| match &j.task {
            Task::Options(run) => Some(run.clone()),
            _ => None,
        })
        .expect("an options job");
    assert_eq!(
        options,
        OptionsRun {
            scan: Some(ScanSettings::default()),
            ..OptionsRun::default()
        }
    );
}
