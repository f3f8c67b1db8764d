//! ztrade's backtesting engine: deterministic, event-driven, exact.
//!
//! Data flow: [`Inputs`] (one bar iterator or slice per symbol, optional finer bars and
//! sentiment) → [`feed`] (time-ordered heap merge; none for a single stream) →
//! [`Engine::process`] (one [`Event`] at a time) →
//! [`Strategy`] (state → [`OrderRequest`]s) → [`models`] (fill, fee, slippage) → [`portfolio`]
//! → [`BacktestResult`].
//!
//! - [`event`], [`clock`], [`bartime`]: the input type, the event-driven clock, when a bar is known.
//! - [`feed`]: [`Inputs`] and the merge.
//! - [`engine`]: [`Engine`]; fills, brackets, sizing and risk live in its submodules.
//! - [`order`], [`pct`], [`sizing`], [`config`]: what strategies and agents can ask for.
//! - [`models`]: swappable fill, fee and slippage models.
//! - [`portfolio`]: exact cash, positions and P&L.
//! - [`overflow`]: the error for a value beyond the fixed-point range (never a wrapped number).
//! - [`strategy`]: the [`Strategy`] trait and its read-only [`Context`].
//! - [`strategies`]: the built-in strategies.
//! - [`journal`]: the engine's journal of signals, vetoes, orders, fills, snapshots and risk
//!   days, and the trade ledger built from it.
//! - [`agent`]: YAML agent files → [`AgentConfig`] → a ready [`Engine`].
//! - [`result`]: fills, the equity curve (one point per exchange date by default, see
//!   [`EquityCurve`]), counts.
//!
//! Nothing here reads the wall clock or draws random numbers: the same inputs give a
//! byte-identical [`BacktestResult::to_json`].

pub mod agent;
pub mod bartime;
pub mod clock;
pub mod config;
pub mod engine;
pub mod error;
pub mod event;
pub mod features;
pub mod feed;
pub mod journal;
pub mod models;
pub mod order;
pub mod overflow;
pub mod pct;
pub mod portfolio;
pub mod result;
pub mod serde_exact;
pub mod sizing;
pub mod strategies;
pub mod strategy;
pub mod warmup;

pub use agent::{AgentConfig, AgentError};
pub use config::{EngineConfig, EquityCurve, IntrabarPolicy, RiskConfig};
pub use engine::Engine;
pub use error::EngineError;
pub use event::{Event, SymbolId};
pub use feed::{BarIter, Inputs};
pub use journal::{JournalConfig, SignalNote, SnapshotCadence};
pub use order::{Bracket, Offset, OrderKind, OrderQty, OrderRequest, Reason, Side};
pub use overflow::Overflow;
pub use pct::Pct;
pub use result::{Action, BacktestResult, Counts, EquityPoint, Fill, Halt, OpenPosition};
pub use sizing::{QuantityMode, Sizing};
pub use strategy::{Context, Strategy};
pub use warmup::Warmup;

/// Written into stored runs so a rerun can tell which engine produced a result.
pub const ENGINE_VERSION: &str = concat!("backtest ", env!("CARGO_PKG_VERSION"));
