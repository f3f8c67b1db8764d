//! The migration lists, one per backend, embedded in the binary.
//!
//! To add a migration: write `migrations/sqlite/NNNN_name.sql` and `migrations/postgres/NNNN_name.sql`
//! (same number and name; one schema, two dialects) and add one `m!` line to each list below. The
//! tests check that every file is listed, that the lists agree and that versions only go up.
//! Each migration runs in its own transaction and is recorded in `schema_migrations`.

use crate::{MigrationInfo, SchemaStatus};

/// One embedded migration.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

macro_rules! m {
    ($version:literal, $name:literal, $file:literal) => {
        Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("../migrations/", $file)),
        }
    };
}

// The file must be `{version:04}_{name}.sql`; a unit test checks it.
pub const SQLITE: &[Migration] = &[
    m!(1, "market_data", "sqlite/0001_market_data.sql"),
    m!(
        2,
        "ticks_options_actions",
        "sqlite/0002_ticks_options_actions.sql"
    ),
    m!(3, "sentiment", "sqlite/0003_sentiment.sql"),
    m!(4, "backtests", "sqlite/0004_backtests.sql"),
    m!(5, "collection", "sqlite/0005_collection.sql"),
    m!(6, "api_keys", "sqlite/0006_api_keys.sql"),
    m!(7, "sweeps", "sqlite/0007_sweeps.sql"),
    m!(8, "series_days", "sqlite/0008_series_days.sql"),
    m!(9, "tick_bars", "sqlite/0009_tick_bars.sql"),
    m!(
        10,
        "rollup_checkpoints",
        "sqlite/0010_rollup_checkpoints.sql"
    ),
    m!(11, "data_quality", "sqlite/0011_data_quality.sql"),
    m!(12, "symbol_calendars", "sqlite/0012_symbol_calendars.sql"),
    m!(13, "journal", "sqlite/0013_journal.sql"),
    m!(14, "features", "sqlite/0014_features.sql"),
    m!(15, "ml_labels", "sqlite/0015_ml_labels.sql"),
    m!(16, "paper_sessions", "sqlite/0016_paper_sessions.sql"),
    m!(17, "option_contracts", "sqlite/0017_option_contracts.sql"),
];

pub const POSTGRES: &[Migration] = &[
    m!(1, "market_data", "postgres/0001_market_data.sql"),
    m!(
        2,
        "ticks_options_actions",
        "postgres/0002_ticks_options_actions.sql"
    ),
    m!(3, "sentiment", "postgres/0003_sentiment.sql"),
    m!(4, "backtests", "postgres/0004_backtests.sql"),
    m!(5, "collection", "postgres/0005_collection.sql"),
    m!(6, "api_keys", "postgres/0006_api_keys.sql"),
    m!(7, "sweeps", "postgres/0007_sweeps.sql"),
    m!(8, "series_days", "postgres/0008_series_days.sql"),
    m!(9, "tick_bars", "postgres/0009_tick_bars.sql"),
    m!(
        10,
        "rollup_checkpoints",
        "postgres/0010_rollup_checkpoints.sql"
    ),
    m!(11, "data_quality", "postgres/0011_data_quality.sql"),
    m!(12, "symbol_calendars", "postgres/0012_symbol_calendars.sql"),
    m!(13, "journal", "postgres/0013_journal.sql"),
    m!(14, "features", "postgres/0014_features.sql"),
    m!(15, "ml_labels", "postgres/0015_ml_labels.sql"),
    m!(16, "paper_sessions", "postgres/0016_paper_sessions.sql"),
    m!(17, "option_contracts", "postgres/0017_option_contracts.sql"),
];

/// The migration that adds the day index; each backend builds the index of the bars already
/// stored in the same transaction, in Rust, from `domain::grid::days`.
pub const SERIES_DAYS: i64 = 8;

/// Highest version this binary knows.
pub fn latest(list: &[Migration]) -> i64 {
    list.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Status of `list` against the `(version, name, applied_at)` rows found in the database.
pub fn status(
    backend: &str,
    list: &[Migration],
    applied: &[(i64, String, String)],
) -> SchemaStatus {
    let mut migrations: Vec<MigrationInfo> = list
        .iter()
        .map(|m| MigrationInfo {
            version: m.version,
            name: m.name.to_string(),
            applied_at: applied
                .iter()
                .find(|(v, _, _)| *v == m.version)
                .map(|(_, _, at)| at.clone()),
        })
        .collect();
    // Rows this binary does not know (written by a newer ztrade) are shown too.
    for (v, name, at) in applied {
        if !list.iter().any(|m| m.version == *v) {
            migrations.push(MigrationInfo {
                version: *v,
                name: name.clone(),
                applied_at: Some(at.clone()),
            });
        }
    }
    migrations.sort_by_key(|m| m.version);
    SchemaStatus {
        backend: backend.to_string(),
        current: applied.iter().map(|(v, _, _)| *v).max().unwrap_or(0),
        latest: latest(list),
        migrations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &str) -> Vec<String> {
        let path = format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR"));
        let mut v: Vec<String> = std::fs::read_dir(&path)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        v.sort();
        v
    }

    fn names(list: &[Migration]) -> Vec<String> {
        list.iter()
            .map(|m| format!("{:04}_{}.sql", m.version, m.name))
            .collect()
    }

    #[test]
    fn every_file_is_listed_and_both_backends_agree() {
        assert_eq!(names(SQLITE), files("sqlite"));
        assert_eq!(names(POSTGRES), files("postgres"));
        assert_eq!(names(SQLITE), names(POSTGRES));
        for list in [SQLITE, POSTGRES] {
            assert!(list.windows(2).all(|w| w[0].version < w[1].version));
            assert!(
                list.iter()
                    .all(|m| m.version > 0 && !m.sql.trim().is_empty())
            );
        }
    }
}
