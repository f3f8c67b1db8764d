//! The collector: what runs beside the providers and the store to keep data flowing in.
//!
//! - [`secrets`]: [`secrets::StoreSecrets`], the store's key tables as the `vault` crate's
//!   `SecretStore` (keys encrypted at rest, with an audit trail).
//! - [`schedule`]: `collect --config FILE` parsed into a validated plan, and the pure `next_due`
//!   computation over the NYSE calendar. (Which bars are missing is [`domain::grid`]'s.)
//! - [`queue`]: [`queue::JobSpec`] (one run, id `name@due`) and the apalis queues: Redis for
//!   scale-out, in-memory for the embedded mode.
//! - [`runtime`]: the beat that queues due runs, the embedded one-process mode, the clock (the
//!   only place the wall clock is read), lag, graceful shutdown.
//! - [`backfill`]: resumable, idempotent backfill of bars, trades, quotes, news and option
//!   chains, each page written with its checkpoint ([`backfill::run_backfill`]).
//! - [`health`]: each job's last and next run, rows, errors and lag (`collect status`).
//! - [`news_ingest`]: provider articles into store rows, and their per-interval sentiment.
//! - [`worker`]: runs jobs from a queue (bars with gap backfill, news with sentiment, option
//!   chains) into the store, recording each run in `collection_runs`.
//!
//! `schedule` is pure: every function that needs the time takes it as an argument. The pure
//! pieces the collector uses live in their own crates: the headline scorer in `sentiment`, the
//! key vault's crypto in `vault`.

pub mod backfill;
pub mod health;
pub mod news_ingest;
pub mod queue;
pub mod runtime;
pub mod schedule;
pub mod secrets;
pub mod service;
pub mod worker;

pub use domain::Provider;
