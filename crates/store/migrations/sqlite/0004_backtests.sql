-- Backtest runs with their fills and equity curves (the issue's backtest_runs/_trades).
--
-- Money, prices and quantities are exact decimal TEXT written by domain's Display and read back
-- with its parser (SQLite has no exact decimal type; REAL would round). Times are INTEGER UTC
-- nanoseconds; start_date/end_date keep the issue's names. created_at is RFC 3339 UTC text so it
-- sorts as written. Added beyond the issue: metrics (JSON from the analytics crate),
-- data_fingerprint (hash of the inputs) and engine_version, so a run can be reproduced.

CREATE TABLE backtest_runs (
    id               INTEGER PRIMARY KEY,
    agent_id         TEXT    NOT NULL,
    start_date       INTEGER NOT NULL,
    end_date         INTEGER NOT NULL,
    initial_capital  TEXT    NOT NULL,
    final_capital    TEXT    NOT NULL,
    total_trades     INTEGER NOT NULL CHECK (total_trades >= 0),
    winning_trades   INTEGER NOT NULL CHECK (winning_trades >= 0),
    losing_trades    INTEGER NOT NULL CHECK (losing_trades >= 0),
    max_drawdown     REAL    NOT NULL,
    sharpe_ratio     REAL,
    config           TEXT    NOT NULL CHECK (json_valid(config)),
    metrics          TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(metrics)),
    data_fingerprint TEXT    NOT NULL DEFAULT '',
    engine_version   TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX backtest_runs_agent ON backtest_runs (agent_id, created_at DESC);

CREATE TABLE backtest_trades (
    id         INTEGER PRIMARY KEY,
    run_id     INTEGER NOT NULL REFERENCES backtest_runs (id) ON DELETE CASCADE,
    timestamp  INTEGER NOT NULL,
    action     TEXT    NOT NULL CHECK (action IN ('buy', 'sell', 'short', 'cover')),
    symbol     TEXT    NOT NULL,
    quantity   TEXT    NOT NULL,
    price      TEXT    NOT NULL,
    commission TEXT    NOT NULL,
    pnl        TEXT,                          -- NULL on an opening fill
    reason     TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX backtest_trades_run_ts ON backtest_trades (run_id, timestamp);

-- seq keeps the curve's order even where two points share a timestamp.
CREATE TABLE backtest_equity (
    run_id    INTEGER NOT NULL REFERENCES backtest_runs (id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    timestamp INTEGER NOT NULL,
    equity    TEXT    NOT NULL,
    cash      TEXT    NOT NULL,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

-- One line per run. Percentages are REAL here, for reading; the exact values are in backtest_runs.
CREATE VIEW backtest_performance AS
SELECT r.id AS run_id,
       r.agent_id,
       strftime('%Y-%m-%dT%H:%M:%SZ', r.start_date / 1000000000, 'unixepoch') AS start_date,
       strftime('%Y-%m-%dT%H:%M:%SZ', r.end_date / 1000000000, 'unixepoch') AS end_date,
       r.initial_capital,
       r.final_capital,
       CASE WHEN CAST(r.initial_capital AS REAL) <> 0
            THEN (CAST(r.final_capital AS REAL) / CAST(r.initial_capital AS REAL) - 1) * 100
       END AS return_pct,
       r.total_trades,
       r.winning_trades,
       r.losing_trades,
       CASE WHEN r.winning_trades + r.losing_trades > 0
            THEN r.winning_trades * 100.0 / (r.winning_trades + r.losing_trades)
       END AS win_rate_pct,
       r.max_drawdown * 100 AS max_drawdown_pct,
       r.sharpe_ratio,
       r.created_at
FROM backtest_runs r;
