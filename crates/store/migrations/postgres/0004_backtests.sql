-- Backtest runs, fills and equity curves (PostgreSQL dialect of sqlite/0004_backtests.sql).
-- Money, prices and quantities are NUMERIC without a declared scale: exact, whatever the scale.

CREATE TABLE backtest_runs (
    id               BIGSERIAL PRIMARY KEY,
    agent_id         TEXT    NOT NULL,
    start_date       BIGINT  NOT NULL,
    end_date         BIGINT  NOT NULL,
    initial_capital  NUMERIC NOT NULL,
    final_capital    NUMERIC NOT NULL,
    total_trades     BIGINT  NOT NULL CHECK (total_trades >= 0),
    winning_trades   BIGINT  NOT NULL CHECK (winning_trades >= 0),
    losing_trades    BIGINT  NOT NULL CHECK (losing_trades >= 0),
    max_drawdown     DOUBLE PRECISION NOT NULL,
    sharpe_ratio     DOUBLE PRECISION,
    config           JSONB   NOT NULL,
    metrics          JSONB   NOT NULL DEFAULT '{}',
    data_fingerprint TEXT    NOT NULL DEFAULT '',
    engine_version   TEXT    NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX backtest_runs_agent ON backtest_runs (agent_id, created_at DESC);

CREATE TABLE backtest_trades (
    id         BIGSERIAL PRIMARY KEY,
    run_id     BIGINT  NOT NULL REFERENCES backtest_runs (id) ON DELETE CASCADE,
    timestamp  BIGINT  NOT NULL,
    action     TEXT    NOT NULL CHECK (action IN ('buy', 'sell', 'short', 'cover')),
    symbol     TEXT    NOT NULL,
    quantity   NUMERIC NOT NULL,
    price      NUMERIC NOT NULL,
    commission NUMERIC NOT NULL,
    pnl        NUMERIC,
    reason     TEXT    NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX backtest_trades_run_ts ON backtest_trades (run_id, timestamp);

CREATE TABLE backtest_equity (
    run_id    BIGINT  NOT NULL REFERENCES backtest_runs (id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    timestamp BIGINT  NOT NULL,
    equity    NUMERIC NOT NULL,
    cash      NUMERIC NOT NULL,
    PRIMARY KEY (run_id, seq)
);

CREATE VIEW backtest_performance AS
SELECT r.id AS run_id,
       r.agent_id,
       TIMESTAMPTZ 'epoch' + (r.start_date / 1000) * INTERVAL '1 microsecond' AS start_date,
       TIMESTAMPTZ 'epoch' + (r.end_date / 1000) * INTERVAL '1 microsecond' AS end_date,
       r.initial_capital,
       r.final_capital,
       round((r.final_capital / NULLIF(r.initial_capital, 0) - 1) * 100, 6) AS return_pct,
       r.total_trades,
       r.winning_trades,
       r.losing_trades,
       round(r.winning_trades * 100.0 / NULLIF(r.winning_trades + r.losing_trades, 0), 6) AS win_rate_pct,
       r.max_drawdown * 100 AS max_drawdown_pct,
       r.sharpe_ratio,
       r.created_at
FROM backtest_runs r;
