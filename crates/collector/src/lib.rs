//! The collector: what runs beside the providers and the store to keep data flowing in.
//!
//! - [`provider`]: [`Provider`], the data vendors a job or a key belongs to.
//! - [`secrets`]: API keys encrypted at rest (AES-256-GCM under an Argon2id-derived key), with an
//!   audit trail; environment variables win over stored keys.
//! - [`sentiment`]: an offline VADER-style headline scorer with a finance overlay, and the
//!   aggregation of scored news into per-symbol, per-interval [`domain::SentimentRecord`]s.
//! - [`schedule`]: `collect --config FILE` parsed into a validated plan, the pure `next_due`
//!   computation over the NYSE calendar, and gap detection for backfill.
//! - [`queue`]: [`queue::JobSpec`] (one run, id `name@due`) and the apalis queues: Redis for
//!   scale-out, in-memory for the embedded mode.
//! - [`runtime`]: the beat that queues due runs, the embedded one-process mode, the clock (the
//!   only place the wall clock is read), lag, graceful shutdown.
//! - [`backfill`]: resumable, idempotent backfill of bars, trades, quotes, news and option
//!   chains, each page written with its checkpoint ([`backfill::run_backfill`]).
//! - [`news_ingest`]: provider articles into store rows, and their per-interval sentiment.
//! - [`worker`]: runs jobs from a queue (bars with gap backfill, news with sentiment, option
//!   chains) into the store, recording each run in `collection_runs`.
//!
//! The modules above `queue` are pure: storage sits behind small traits
//! ([`secrets::SecretStore`]) and every function that needs the time takes it as an argument.

pub mod backfill;
pub mod news_ingest;
pub mod provider;
pub mod queue;
pub mod runtime;
pub mod schedule;
pub mod secrets;
pub mod sentiment;
pub mod worker;

pub use provider::Provider;
