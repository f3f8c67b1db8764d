-- Paper-trading sessions (issue 13): a session runs one agent against live bars under a name,
-- records every bar the engine saw (with the wall-clock time the loop received it) and keeps its
-- journal in the journal tables of 0013 under session_id = name (run_id NULL). After a crash
-- the session resumes by replaying its recorded inputs through the deterministic engine; offline,
-- the same inputs replay it exactly.
--
-- Prices and volume are raw fixed-point INTEGERs, as in bars (the same bar, the same values); times are
-- INTEGER UTC nanoseconds; created_at/updated_at are RFC 3339 UTC text so they sort as written.

-- one session: the agent as run (config), the engine that ran it, its broker, calendar and
-- timeframe, and where it stands (running, halted with its reason, stopped)
CREATE TABLE paper_sessions (
    name           TEXT PRIMARY KEY,
    agent_id       TEXT NOT NULL,
    config         TEXT NOT NULL CHECK (json_valid(config)),
    engine_version TEXT NOT NULL,
    broker         TEXT NOT NULL CHECK (broker IN ('sim', 'alpaca-paper')),
    calendar       TEXT NOT NULL,
    timeframe      TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('running', 'halted', 'stopped')),
    halt_reason    TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE INDEX paper_sessions_created ON paper_sessions (created_at DESC);

-- every bar the session's engine saw, in the order it saw them (seq, from the session's start):
-- the bar (stamped ts), when the loop received it (received_at) and whether it came late. A bar
-- is recorded at most once per session.
CREATE TABLE paper_inputs (
    session     TEXT    NOT NULL REFERENCES paper_sessions (name) ON DELETE CASCADE,
    seq         INTEGER NOT NULL CHECK (seq >= 0),
    symbol      TEXT    NOT NULL,
    ts          INTEGER NOT NULL,
    open        INTEGER    NOT NULL,
    high        INTEGER    NOT NULL,
    low         INTEGER    NOT NULL,
    close       INTEGER    NOT NULL,
    volume      INTEGER    NOT NULL,
    vwap        INTEGER,
    trade_count INTEGER CHECK (trade_count IS NULL OR trade_count >= 0),
    received_at INTEGER NOT NULL,
    late        INTEGER NOT NULL CHECK (late IN (0, 1)),
    PRIMARY KEY (session, seq),
    UNIQUE (session, symbol, ts)
) WITHOUT ROWID;
