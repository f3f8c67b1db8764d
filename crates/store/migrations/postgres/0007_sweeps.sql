-- Sweeps as one record (PostgreSQL dialect of sqlite/0007_sweeps.sql).

CREATE TABLE backtest_sweeps (
    id         BIGSERIAL PRIMARY KEY,
    agent_id   TEXT  NOT NULL,
    metric     TEXT  NOT NULL,
    grid       JSONB NOT NULL,
    keep       TEXT  NOT NULL,
    report     JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

ALTER TABLE backtest_runs
    ADD COLUMN sweep_id BIGINT REFERENCES backtest_sweeps (id) ON DELETE CASCADE,
    ADD COLUMN params JSONB;

CREATE INDEX backtest_runs_sweep ON backtest_runs (sweep_id);
