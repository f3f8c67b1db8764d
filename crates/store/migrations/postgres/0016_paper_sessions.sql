-- Paper-trading sessions (PostgreSQL dialect of sqlite/0016_paper_sessions.sql, which describes
-- them). Prices and volume are raw fixed-point BIGINTs as in bars; the config is JSONB.

-- one session: the agent as run (config), the engine that ran it, its broker, calendar and
-- timeframe, and where it stands (running, halted with its reason, stopped)
CREATE TABLE paper_sessions (
    name           TEXT PRIMARY KEY,
    agent_id       TEXT NOT NULL,
    config         JSONB NOT NULL,
    engine_version TEXT NOT NULL,
    broker         TEXT NOT NULL CHECK (broker IN ('sim', 'alpaca-paper')),
    calendar       TEXT NOT NULL,
    timeframe      TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('running', 'halted', 'stopped')),
    halt_reason    TEXT,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX paper_sessions_created ON paper_sessions (created_at DESC);

-- every bar the session's engine saw, in the order it saw them, with when the loop received it
-- and whether it came late; a bar at most once per session
CREATE TABLE paper_inputs (
    session     TEXT    NOT NULL REFERENCES paper_sessions (name) ON DELETE CASCADE,
    seq         BIGINT  NOT NULL CHECK (seq >= 0),
    symbol      TEXT    NOT NULL,
    ts          BIGINT  NOT NULL,
    open        BIGINT NOT NULL,
    high        BIGINT NOT NULL,
    low         BIGINT NOT NULL,
    close       BIGINT NOT NULL,
    volume      BIGINT NOT NULL,
    vwap        BIGINT,
    trade_count BIGINT  CHECK (trade_count IS NULL OR trade_count >= 0),
    received_at BIGINT  NOT NULL,
    late        BOOLEAN NOT NULL,
    PRIMARY KEY (session, seq),
    UNIQUE (session, symbol, ts)
);
