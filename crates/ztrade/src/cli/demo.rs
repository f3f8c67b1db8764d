//! `ztrade demo`: the whole job on the embedded default, from nothing (see `app::demo`).
//! Deterministic: the same command gives the same numbers.

use anyhow::Context;
use app::report::ReportRequest;
use clap::Args;

use super::{GlobalArgs, Open};
use crate::output;
use crate::progress::{Bar, Unit};

/// The demo's report, beside the store it makes.
const REPORT: &str = "report.html";

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Trading sessions of synthetic 5-minute bars to seed.
    #[arg(long, default_value_t = 120)]
    days: u32,
    /// Seed of the synthetic data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

pub fn run(args: DemoArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let url = store::url::redact(&g.db_url());
    let req = app::demo::seed_request(args.days, args.seed)?;
    req.sessions()?;
    let mut store = g.open(Open::Migrated)?;
    let agents = g.agents();
    let quiet = g.json;
    let (ids, seeded, compare) = app::demo::demo(
        store.as_mut(),
        &agents,
        &req,
        &Bar::new(Unit::Items),
        &mut |step| {
            if !quiet {
                println!("{}", render::text::demo_step(step, &url, args.days));
            }
        },
    )?;
    let report = app::report::build(store.as_ref(), &ReportRequest::new(ids.clone()))?;
    let html = render::html::report(&report, "ztrade demo: three agents compared");
    std::fs::write(REPORT, html).with_context(|| format!("writing {REPORT}"))?;
    if g.json {
        return output::json(&serde_json::json!({
            "seeded": seeded, "run_ids": ids, "compare": compare.runs, "report": REPORT
        }));
    }
    let first = ids.first().copied().unwrap_or_default();
    output::text(|t| {
        t.line(format!("\n{}", render::text::compare_table(&compare)));
        render::text::demo_next(t, first, &agents.dir, REPORT);
    });
    Ok(())
}
