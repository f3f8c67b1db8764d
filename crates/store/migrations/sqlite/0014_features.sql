-- The feature store: the features an agent asked for (`features: [..]`), per symbol and bar of a
-- run, with what reproduces them.
--
-- feature_sets: one row per (run, feature): its fixed parameters, the warm-up it needed (bars
-- of its series and whole sessions), the calendar whose sessions it was computed on, the run's
-- timeframe, the hash of the agent configuration and the engine version that computed it.
-- features: one row per (run, symbol, bar, feature): the bar's stamp (its open, UTC ns), the
-- trading session (date) it belongs to on that calendar, and the value (an f64 statistic; NULL
-- while the feature warms up). Both go with their run (ON DELETE CASCADE).

CREATE TABLE feature_sets (
    run_id          INTEGER NOT NULL REFERENCES backtest_runs (id) ON DELETE CASCADE,
    feature         TEXT    NOT NULL,
    params          TEXT    NOT NULL DEFAULT '',
    warmup_bars     INTEGER NOT NULL CHECK (warmup_bars >= 0),
    warmup_sessions INTEGER NOT NULL CHECK (warmup_sessions >= 0),
    calendar        TEXT    NOT NULL,
    timeframe       TEXT    NOT NULL,
    config_hash     TEXT    NOT NULL,
    engine_version  TEXT    NOT NULL,
    PRIMARY KEY (run_id, feature)
) WITHOUT ROWID;

CREATE INDEX feature_sets_config ON feature_sets (config_hash);

CREATE TABLE features (
    run_id  INTEGER NOT NULL REFERENCES backtest_runs (id) ON DELETE CASCADE,
    symbol  TEXT    NOT NULL,
    ts      INTEGER NOT NULL,
    feature TEXT    NOT NULL,
    session TEXT    NOT NULL,
    value   REAL,
    PRIMARY KEY (run_id, symbol, ts, feature)
) WITHOUT ROWID;

CREATE INDEX features_symbol_ts ON features (symbol, ts);
