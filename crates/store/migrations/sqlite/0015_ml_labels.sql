-- Triple-barrier labels of a run's entry signals (`ztrade ml labels`), read by `ztrade ml export`.
--
-- ml_label_sets: one row per labelled run, with the label parameters as JSON (the export's
-- manifest repeats them). Labelling a run again replaces its set and its labels.
-- ml_labels: one row per labelled signal, keyed by (run, signal). Prices are exact decimal TEXT
-- (as in backtest_trades); ret and the weights are statistics (REAL). side is 1, -1 or NULL (a
-- side-less signal); meta_label is NULL without a side.

CREATE TABLE ml_label_sets (
    run_id     INTEGER PRIMARY KEY REFERENCES backtest_runs (id) ON DELETE CASCADE,
    params     TEXT    NOT NULL CHECK (json_valid(params)),
    labels     INTEGER NOT NULL CHECK (labels >= 0),
    created_at TEXT    NOT NULL
);

CREATE TABLE ml_labels (
    run_id            INTEGER NOT NULL REFERENCES ml_label_sets (run_id) ON DELETE CASCADE,
    signal_id         INTEGER NOT NULL,
    symbol            TEXT    NOT NULL,
    t0                INTEGER NOT NULL,
    side              INTEGER CHECK (side IN (-1, 1)),
    entry_time        INTEGER NOT NULL,
    entry_price       TEXT    NOT NULL,
    take_profit       TEXT,
    stop_loss         TEXT,
    t1                INTEGER NOT NULL,
    exit_price        TEXT    NOT NULL,
    barrier           TEXT    NOT NULL CHECK (barrier IN ('tp', 'sl', 'time')),
    ret               REAL    NOT NULL,
    label             INTEGER NOT NULL CHECK (label IN (-1, 0, 1)),
    meta_label        INTEGER CHECK (meta_label IN (0, 1)),
    weight_uniqueness REAL    NOT NULL,
    weight_return     REAL    NOT NULL,
    PRIMARY KEY (run_id, signal_id)
) WITHOUT ROWID;

-- Everything of run R in time order.
CREATE INDEX ml_labels_run_t0 ON ml_labels (run_id, t0);
