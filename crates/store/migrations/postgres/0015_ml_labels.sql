-- Triple-barrier labels of a run's entry signals (PostgreSQL dialect of sqlite/0015_ml_labels.sql,
-- which describes them). Prices are NUMERIC without a declared scale: exact.

CREATE TABLE ml_label_sets (
    run_id     BIGINT  PRIMARY KEY REFERENCES backtest_runs (id) ON DELETE CASCADE,
    params     JSON    NOT NULL,
    labels     BIGINT  NOT NULL CHECK (labels >= 0),
    created_at TEXT    NOT NULL
);

CREATE TABLE ml_labels (
    run_id            BIGINT  NOT NULL REFERENCES ml_label_sets (run_id) ON DELETE CASCADE,
    signal_id         BIGINT  NOT NULL,
    symbol            TEXT COLLATE "C" NOT NULL,
    t0                BIGINT  NOT NULL,
    side              SMALLINT CHECK (side IN (-1, 1)),
    entry_time        BIGINT  NOT NULL,
    entry_price       NUMERIC NOT NULL,
    take_profit       NUMERIC,
    stop_loss         NUMERIC,
    t1                BIGINT  NOT NULL,
    exit_price        NUMERIC NOT NULL,
    barrier           TEXT COLLATE "C" NOT NULL CHECK (barrier IN ('tp', 'sl', 'time')),
    ret               DOUBLE PRECISION NOT NULL,
    label             SMALLINT NOT NULL CHECK (label IN (-1, 0, 1)),
    meta_label        SMALLINT CHECK (meta_label IN (0, 1)),
    weight_uniqueness DOUBLE PRECISION NOT NULL,
    weight_return     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (run_id, signal_id)
);

CREATE INDEX ml_labels_run_t0 ON ml_labels (run_id, t0);
