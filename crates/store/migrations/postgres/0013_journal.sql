-- The engine's journal (PostgreSQL dialect of sqlite/0013_journal.sql). Money, prices and
-- quantities are NUMERIC; lists are JSONB arrays of text.

-- the strategy's decisions: setup (strategy:rule), score, filters passed and blocked (JSON arrays of text), status
CREATE TABLE signals (
    run_id     BIGINT REFERENCES backtest_runs (id) ON DELETE CASCADE,
    session_id TEXT,
    id BIGINT NOT NULL,
    ts BIGINT NOT NULL,
    symbol TEXT NOT NULL,
    session TEXT,
    setup TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
    score DOUBLE PRECISION,
    reference_price NUMERIC,
    features_ref TEXT,
    filters_passed JSONB NOT NULL,
    filters_blocked JSONB NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('generated', 'blocked', 'promoted')),
    CHECK (run_id IS NOT NULL OR session_id IS NOT NULL)
);
CREATE UNIQUE INDEX signals_run_time ON signals (run_id, ts, id);
CREATE INDEX signals_session_time ON signals (session_id, ts) WHERE session_id IS NOT NULL;

-- a risk rule that refused a signal: the observed value and the limit
CREATE TABLE risk_vetoes (
    run_id     BIGINT REFERENCES backtest_runs (id) ON DELETE CASCADE,
    session_id TEXT,
    seq BIGINT NOT NULL,
    ts BIGINT NOT NULL,
    signal_id BIGINT NOT NULL,
    symbol TEXT NOT NULL,
    rule TEXT NOT NULL,
    observed NUMERIC NOT NULL,
    limit_value NUMERIC NOT NULL,
    CHECK (run_id IS NOT NULL OR session_id IS NOT NULL)
);
CREATE UNIQUE INDEX risk_vetoes_run_time ON risk_vetoes (run_id, ts, seq);
CREATE INDEX risk_vetoes_session_time ON risk_vetoes (session_id, ts) WHERE session_id IS NOT NULL;

-- every order with its id, the signal behind it (NULL for exits the engine makes) and the entry it is a bracket leg of
CREATE TABLE orders (
    run_id     BIGINT REFERENCES backtest_runs (id) ON DELETE CASCADE,
    session_id TEXT,
    id BIGINT NOT NULL,
    ts BIGINT NOT NULL,
    signal_id BIGINT,
    parent_id BIGINT,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
    qty_rule TEXT NOT NULL CHECK (qty_rule IN ('sized', 'exact', 'close')),
    quantity NUMERIC,
    order_type TEXT NOT NULL CHECK (order_type IN ('market', 'limit', 'stop')),
    limit_price NUMERIC,
    stop_price NUMERIC,
    legs JSONB NOT NULL,
    time_in_force TEXT NOT NULL,
    reason TEXT NOT NULL,
    payload TEXT,
    CHECK (run_id IS NOT NULL OR session_id IS NOT NULL)
);
CREATE UNIQUE INDEX orders_run_time ON orders (run_id, ts, id);
CREATE INDEX orders_session_time ON orders (session_id, ts) WHERE session_id IS NOT NULL;

-- submitted, accepted, partially_filled, filled, canceled, expired, rejected (with its reason)
CREATE TABLE order_events (
    run_id     BIGINT REFERENCES backtest_runs (id) ON DELETE CASCADE,
    session_id TEXT,
    seq BIGINT NOT NULL,
    ts BIGINT NOT NULL,
    order_id BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('submitted', 'accepted', 'partially_filled', 'filled', 'canceled', 'expired', 'rejected')),
    reason TEXT,
    CHECK (run_id IS NOT NULL OR session_id IS NOT NULL)
);
CREATE UNIQUE INDEX order_events_run_time ON order_events (run_id, ts, seq);
CREATE INDEX order_events_session_time ON order_events (session_id, ts) WHERE session_id IS NOT NULL;

-- executions of orders: the journal's twin of backtest_trades, with the order id, slippage against the signal's reference price and signal-to-fill latency
CREATE TABLE fills (
    run_id     BIGINT REFERENCES backtest_runs (id) ON DELETE CASCADE,
    session_id TEXT,
    seq BIGINT NOT NULL,
    ts BIGINT NOT NULL,
    order_id BIGINT NOT NULL,
    symbol TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('buy', 'sell', 'short', 'cover')),
    quantity NUMERIC NOT NULL,
    price NUMERIC NOT NULL,
    fee NUMERIC NOT NULL,
    pnl NUMERIC,
    slippage NUMERIC,
    latency_ns BIGINT,
    reason TEXT NOT NULL,
    CHECK (run_id IS NOT NULL OR session_id IS NOT NULL)
);
CREATE UNIQUE INDEX fills_run_time ON fills (run_id, ts, seq);
CREATE INDEX fills_session_time ON fills (session_id, ts) WHERE session_id IS NOT NULL;

-- round trips (flat to flat) linking signal, entry order, exit order and P&L
CREATE TABLE trade_ledger (
    run_id     BIGINT REFERENCES backtest_runs (id) ON DELETE CASCADE,
    session_id TEXT,
    id BIGINT NOT NULL,
    ts BIGINT NOT NULL,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
    signal_id BIGINT,
    entry_order_id BIGINT NOT NULL,
    exit_order_id BIGINT,
    exit_ts BIGINT,
    quantity NUMERIC NOT NULL,
    entry_price NUMERIC NOT NULL,
    exit_price NUMERIC,
    pnl NUMERIC,
    fees NUMERIC NOT NULL,
    exit_reason TEXT,
    CHECK (run_id IS NOT NULL OR session_id IS NOT NULL)
);
CREATE UNIQUE INDEX trade_ledger_run_time ON trade_ledger (run_id, ts, id);
CREATE INDEX trade_ledger_session_time ON trade_ledger (session_id, ts) WHERE session_id IS NOT NULL;

-- cash, equity, unrealized and realized P&L at the journal's cadence
CREATE TABLE account_snapshots (
    run_id     BIGINT REFERENCES backtest_runs (id) ON DELETE CASCADE,
    session_id TEXT,
    seq BIGINT NOT NULL,
    ts BIGINT NOT NULL,
    cash NUMERIC NOT NULL,
    equity NUMERIC NOT NULL,
    unrealized NUMERIC NOT NULL,
    realized NUMERIC NOT NULL,
    CHECK (run_id IS NOT NULL OR session_id IS NOT NULL)
);
CREATE UNIQUE INDEX account_snapshots_run_time ON account_snapshots (run_id, ts, seq);
CREATE INDEX account_snapshots_session_time ON account_snapshots (session_id, ts) WHERE session_id IS NOT NULL;

-- the daily risk roll-up; ts is the day's first bar
CREATE TABLE risk_day (
    run_id     BIGINT REFERENCES backtest_runs (id) ON DELETE CASCADE,
    session_id TEXT,
    seq BIGINT NOT NULL,
    ts BIGINT NOT NULL,
    date TEXT NOT NULL,
    trades BIGINT NOT NULL,
    realized_pnl NUMERIC NOT NULL,
    realized_r DOUBLE PRECISION,
    max_drawdown NUMERIC NOT NULL,
    daily_loss_breached BOOLEAN NOT NULL,
    drawdown_breached BOOLEAN NOT NULL,
    CHECK (run_id IS NOT NULL OR session_id IS NOT NULL)
);
CREATE UNIQUE INDEX risk_day_run_time ON risk_day (run_id, ts, seq);
CREATE INDEX risk_day_session_time ON risk_day (session_id, ts) WHERE session_id IS NOT NULL;
