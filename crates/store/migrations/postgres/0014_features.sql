-- The feature store (PostgreSQL dialect of sqlite/0014_features.sql): feature_sets, one row per
-- (run, feature) with its parameters, warm-up, calendar, timeframe, config hash and engine
-- version; features, one row per (run, symbol, bar, feature) with its session date and value
-- (NULL while warming up). Both go with their run.

CREATE TABLE feature_sets (
    run_id          BIGINT  NOT NULL REFERENCES backtest_runs (id) ON DELETE CASCADE,
    feature         TEXT    NOT NULL,
    params          TEXT    NOT NULL DEFAULT '',
    warmup_bars     INTEGER NOT NULL CHECK (warmup_bars >= 0),
    warmup_sessions INTEGER NOT NULL CHECK (warmup_sessions >= 0),
    calendar        TEXT    NOT NULL,
    timeframe       TEXT    NOT NULL,
    config_hash     TEXT    NOT NULL,
    engine_version  TEXT    NOT NULL,
    PRIMARY KEY (run_id, feature)
);

CREATE INDEX feature_sets_config ON feature_sets (config_hash);

CREATE TABLE features (
    run_id  BIGINT  NOT NULL REFERENCES backtest_runs (id) ON DELETE CASCADE,
    symbol  TEXT    NOT NULL,
    ts      BIGINT  NOT NULL,
    feature TEXT    NOT NULL,
    session DATE    NOT NULL,
    value   DOUBLE PRECISION,
    PRIMARY KEY (run_id, symbol, ts, feature)
);

CREATE INDEX features_symbol_ts ON features (symbol, ts);
