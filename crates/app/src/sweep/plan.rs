//! A sweep as a user asks for it (`backtest sweep`): parameter ranges over an agent, ranked on
//! one metric, as a grid or a walk-forward, stored unless told otherwise.

use backtest::AgentConfig;
use store::Store;

use super::walk::{WalkForward, WalkForwardReport, walk_forward};
use super::{Keep, ParamRange, RankBy, SweepReport, SweepRequest, combinations};
use crate::AppError;
use crate::progress::Progress;
use crate::run::Preloaded;
use crate::time::Window;

pub struct SweepPlan {
    pub agent: AgentConfig,
    /// `NAME=LO..HI[:STEP]` each, as [`ParamRange::parse`] reads them.
    pub params: Vec<String>,
    pub window: Window,
    pub metric: RankBy,
    pub save: bool,
    pub keep: Keep,
    pub walk_forward: Option<WalkForward>,
}

/// What a plan gave: a ranking, or a walk-forward's windows.
pub enum SweepOutcome {
    Grid(SweepReport),
    WalkForward(WalkForwardReport),
}

/// Runs `plan`: every valid combination (an error when none is), warmed up on the bars before
/// the window, stored as a sweep unless `save` is off.
pub fn run_plan(
    store: &mut dyn Store,
    plan: &SweepPlan,
    progress: &dyn Progress,
) -> Result<SweepOutcome, AppError> {
    let ranges = plan
        .params
        .iter()
        .map(|p| ParamRange::parse(p))
        .collect::<Result<Vec<_>, _>>()?;
    let (combos, invalid) = combinations(&plan.agent, &ranges)?;
    if combos.is_empty() {
        return Err(AppError::input(format!(
            "no valid parameter combination ({invalid} rejected by the agent's own checks)"
        )));
    }
    let warmup = combos
        .iter()
        .map(|c| c.agent.warmup_bars())
        .max()
        .unwrap_or(0);
    let pre = Preloaded::load(&*store, &plan.agent, plan.window, warmup)?;
    if let Some(wf) = plan.walk_forward {
        let mut report = walk_forward(&pre, &combos, plan.metric, wf, progress)?;
        if plan.save {
            report.sweep_id = Some(super::record_walk_forward(store, &combos, &report)?);
        }
        return Ok(SweepOutcome::WalkForward(report));
    }
    let req = SweepRequest {
        combos: &combos,
        invalid,
        window: plan.window,
        metric: plan.metric,
        save: plan.save,
        keep: plan.keep,
    };
    Ok(SweepOutcome::Grid(super::sweep(
        store, &pre, &req, progress,
    )?))
}
