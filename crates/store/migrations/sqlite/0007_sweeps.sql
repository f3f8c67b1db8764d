-- Sweeps as one record (issue 9): the agent, the grid, the metric, which runs kept their fills,
-- and the report (the ranking, or a walk-forward's windows and stability). Each run of a sweep
-- points at it and carries the parameters it was run with; deleting the sweep deletes them.

CREATE TABLE backtest_sweeps (
    id         INTEGER PRIMARY KEY,
    agent_id   TEXT NOT NULL,
    metric     TEXT NOT NULL,
    grid       TEXT NOT NULL CHECK (json_valid(grid)),
    keep       TEXT NOT NULL,
    report     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(report)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

ALTER TABLE backtest_runs ADD COLUMN sweep_id INTEGER
    REFERENCES backtest_sweeps (id) ON DELETE CASCADE;
ALTER TABLE backtest_runs ADD COLUMN params TEXT CHECK (params IS NULL OR json_valid(params));

CREATE INDEX backtest_runs_sweep ON backtest_runs (sweep_id);
