//! The collector: what runs beside the providers and the store to keep data flowing in.
//!
//! - [`provider`]: [`Provider`], the data vendors a job or a key belongs to.
//! - [`secrets`]: API keys encrypted at rest (AES-256-GCM under an Argon2id-derived key), with an
//!   audit trail; environment variables win over stored keys.
//! - [`sentiment`]: an offline VADER-style headline scorer with a finance overlay, and the
//!   aggregation of scored news into per-symbol, per-interval [`domain::SentimentRecord`]s.
//! - [`schedule`]: `collect --config FILE` parsed into a validated plan, the pure `next_due`
//!   computation over the NYSE calendar, and gap detection for backfill.
//!
//! Nothing here talks to the network or a database: storage sits behind small traits
//! ([`secrets::SecretStore`]) so the store crate can back them later, and every function that
//! needs the time takes it as an argument.

pub mod provider;
pub mod schedule;
pub mod secrets;
pub mod sentiment;

pub use provider::Provider;
