-- The engine's journal of a backtest (issue 12): signals, risk vetoes, orders and their events,
-- fills, the trade ledger, account snapshots and the daily risk roll-up.
--
-- Every table is keyed by run_id (deleted with its run) and has a session_id left NULL by
-- backtests: the live-trading issue writes the same rows under a session. One of the two is
-- always set. Ids (signal, order, round trip) are per run, from 1; seq numbers the rows of the
-- other tables in the order the engine wrote them. Each table's index (run_id, ts, id|seq) reads
-- everything of a run in time order. Money, prices and quantities are exact decimal TEXT (as in
-- backtest_trades); lists are JSON arrays of text. `fills` is the journal's own table: the fills
-- of a run as today's output keeps them stay in backtest_trades.

-- the strategy's decisions: setup (strategy:rule), score, filters passed and blocked (JSON arrays of text), status
CREATE TABLE signals (
    run_id     INTEGER REFERENCES backtest_runs (id) ON DELETE CASCADE,
    session_id TEXT,
    id INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    session TEXT,
    setup TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
    score REAL,
    reference_price TEXT,
    features_ref TEXT,
    filters_passed TEXT NOT NULL CHECK (json_valid(filters_passed)),
    filters_blocked TEXT NOT NULL CHECK (json_valid(filters_blocked)),
    status TEXT NOT NULL CHECK (status IN ('generated', 'blocked', 'promoted')),
    CHECK (run_id IS NOT NULL OR session_id IS NOT NULL)
);
CREATE UNIQUE INDEX signals_run_time ON signals (run_id, ts, id);
CREATE INDEX signals_session_time ON signals (session_id, ts) WHERE session_id IS NOT NULL;

-- a risk rule that refused a signal: the observed value and the limit
CREATE TABLE risk_vetoes (
    run_id     INTEGER REFERENCES backtest_runs (id) ON DELETE CASCADE,
    session_id TEXT,
    seq INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    signal_id INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    rule TEXT NOT NULL,
    observed TEXT NOT NULL,
    limit_value TEXT NOT NULL,
    CHECK (run_id IS NOT NULL OR session_id IS NOT NULL)
);
CREATE UNIQUE INDEX risk_vetoes_run_time ON risk_vetoes (run_id, ts, seq);
CREATE INDEX risk_vetoes_session_time ON risk_vetoes (session_id, ts) WHERE session_id IS NOT NULL;

-- every order with its id, the signal behind it (NULL for exits the engine makes) and the entry it is a bracket leg of
CREATE TABLE orders (
    run_id     INTEGER REFERENCES backtest_runs (id) ON DELETE CASCADE,
    session_id TEXT,
    id INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    signal_id INTEGER,
    parent_id INTEGER,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
    qty_rule TEXT NOT NULL CHECK (qty_rule IN ('sized', 'exact', 'close')),
    quantity TEXT,
    order_type TEXT NOT NULL CHECK (order_type IN ('market', 'limit', 'stop')),
    limit_price TEXT,
    stop_price TEXT,
    legs TEXT NOT NULL CHECK (json_valid(legs)),
    time_in_force TEXT NOT NULL,
    reason TEXT NOT NULL,
    payload TEXT,
    CHECK (run_id IS NOT NULL OR session_id IS NOT NULL)
);
CREATE UNIQUE INDEX orders_run_time ON orders (run_id, ts, id);
CREATE INDEX orders_session_time ON orders (session_id, ts) WHERE session_id IS NOT NULL;

-- submitted, accepted, partially_filled, filled, canceled, expired, rejected (with its reason)
CREATE TABLE order_events (
    run_id     INTEGER REFERENCES backtest_runs (id) ON DELETE CASCADE,
    session_id TEXT,
    seq INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    order_id INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('submitted', 'accepted', 'partially_filled', 'filled', 'canceled', 'expired', 'rejected')),
    reason TEXT,
    CHECK (run_id IS NOT NULL OR session_id IS NOT NULL)
);
CREATE UNIQUE INDEX order_events_run_time ON order_events (run_id, ts, seq);
CREATE INDEX order_events_session_time ON order_events (session_id, ts) WHERE session_id IS NOT NULL;

-- executions of orders: the journal's twin of backtest_trades, with the order id, slippage against the signal's reference price and signal-to-fill latency
CREATE TABLE fills (
    run_id     INTEGER REFERENCES backtest_runs (id) ON DELETE CASCADE,
    session_id TEXT,
    seq INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    order_id INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('buy', 'sell', 'short', 'cover')),
    quantity TEXT NOT NULL,
    price TEXT NOT NULL,
    fee TEXT NOT NULL,
    pnl TEXT,
    slippage TEXT,
    latency_ns INTEGER,
    reason TEXT NOT NULL,
    CHECK (run_id IS NOT NULL OR session_id IS NOT NULL)
);
CREATE UNIQUE INDEX fills_run_time ON fills (run_id, ts, seq);
CREATE INDEX fills_session_time ON fills (session_id, ts) WHERE session_id IS NOT NULL;

-- round trips (flat to flat) linking signal, entry order, exit order and P&L
CREATE TABLE trade_ledger (
    run_id     INTEGER REFERENCES backtest_runs (id) ON DELETE CASCADE,
    session_id TEXT,
    id INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
    signal_id INTEGER,
    entry_order_id INTEGER NOT NULL,
    exit_order_id INTEGER,
    exit_ts INTEGER,
    quantity TEXT NOT NULL,
    entry_price TEXT NOT NULL,
    exit_price TEXT,
    pnl TEXT,
    fees TEXT NOT NULL,
    exit_reason TEXT,
    CHECK (run_id IS NOT NULL OR session_id IS NOT NULL)
);
CREATE UNIQUE INDEX trade_ledger_run_time ON trade_ledger (run_id, ts, id);
CREATE INDEX trade_ledger_session_time ON trade_ledger (session_id, ts) WHERE session_id IS NOT NULL;

-- cash, equity, unrealized and realized P&L at the journal's cadence
CREATE TABLE account_snapshots (
    run_id     INTEGER REFERENCES backtest_runs (id) ON DELETE CASCADE,
    session_id TEXT,
    seq INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    cash TEXT NOT NULL,
    equity TEXT NOT NULL,
    unrealized TEXT NOT NULL,
    realized TEXT NOT NULL,
    CHECK (run_id IS NOT NULL OR session_id IS NOT NULL)
);
CREATE UNIQUE INDEX account_snapshots_run_time ON account_snapshots (run_id, ts, seq);
CREATE INDEX account_snapshots_session_time ON account_snapshots (session_id, ts) WHERE session_id IS NOT NULL;

-- the daily risk roll-up; ts is the day's first bar
CREATE TABLE risk_day (
    run_id     INTEGER REFERENCES backtest_runs (id) ON DELETE CASCADE,
    session_id TEXT,
    seq INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    date TEXT NOT NULL,
    trades INTEGER NOT NULL,
    realized_pnl TEXT NOT NULL,
    realized_r REAL,
    max_drawdown TEXT NOT NULL,
    daily_loss_breached INTEGER NOT NULL CHECK (daily_loss_breached IN (0, 1)),
    drawdown_breached INTEGER NOT NULL CHECK (drawdown_breached IN (0, 1)),
    CHECK (run_id IS NOT NULL OR session_id IS NOT NULL)
);
CREATE UNIQUE INDEX risk_day_run_time ON risk_day (run_id, ts, seq);
CREATE INDEX risk_day_session_time ON risk_day (session_id, ts) WHERE session_id IS NOT NULL;
