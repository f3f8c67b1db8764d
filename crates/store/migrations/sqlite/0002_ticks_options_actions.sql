-- Tables for tick data, option chains and corporate actions. Same units as 0001: prices INTEGER
-- 1e-9, sizes INTEGER 1e-8, times INTEGER UTC nanoseconds.
--
-- Ticks: several prints or quotes in one nanosecond-stamped instant are normal (and at millisecond
-- resolution, common), so the key is (symbol_id, ts, seq), where seq numbers the ticks that share
-- a timestamp in the order the provider sent them. Re-importing the same file gives the same seq,
-- so re-imports are idempotent. The provider's trade id is kept for reference but is not a key:
-- Alpaca's ids repeat across exchanges and days.

CREATE TABLE market_trades (
    symbol_id  INTEGER NOT NULL,
    ts         INTEGER NOT NULL,
    seq        INTEGER NOT NULL DEFAULT 0,
    price      INTEGER NOT NULL CHECK (price >= 0),
    size       INTEGER NOT NULL CHECK (size >= 0),
    exchange   TEXT    NOT NULL DEFAULT '',
    conditions TEXT    NOT NULL DEFAULT '',   -- provider codes joined with ','
    trade_id   TEXT,
    created_at INTEGER NOT NULL DEFAULT (unixepoch()),
    PRIMARY KEY (symbol_id, ts, seq)
) WITHOUT ROWID;

CREATE TABLE market_quotes (
    symbol_id    INTEGER NOT NULL,
    ts           INTEGER NOT NULL,
    seq          INTEGER NOT NULL DEFAULT 0,
    bid          INTEGER NOT NULL CHECK (bid >= 0),
    ask          INTEGER NOT NULL CHECK (ask >= 0),   -- crossed quotes (ask < bid) are real data
    bid_size     INTEGER NOT NULL CHECK (bid_size >= 0),
    ask_size     INTEGER NOT NULL CHECK (ask_size >= 0),
    bid_exchange TEXT    NOT NULL DEFAULT '',
    ask_exchange TEXT    NOT NULL DEFAULT '',
    conditions   TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL DEFAULT (unixepoch()),
    PRIMARY KEY (symbol_id, ts, seq)
) WITHOUT ROWID;

-- One row per contract snapshot. Greeks and IV are model outputs, so REAL is right for them.
CREATE TABLE options_chain (
    contract      TEXT    NOT NULL,           -- OCC symbol, e.g. AAPL230616C00150000
    ts            INTEGER NOT NULL,
    underlying_id INTEGER NOT NULL REFERENCES symbols (id),
    expiry        TEXT    NOT NULL,           -- YYYY-MM-DD
    strike        INTEGER NOT NULL CHECK (strike >= 0),
    option_right  TEXT    NOT NULL CHECK (option_right IN ('call', 'put')),
    bid           INTEGER,
    ask           INTEGER,
    last          INTEGER,
    volume        INTEGER,
    open_interest INTEGER,
    iv            REAL,
    delta         REAL,
    gamma         REAL,
    theta         REAL,
    vega          REAL,
    created_at    INTEGER NOT NULL DEFAULT (unixepoch()),
    PRIMARY KEY (contract, ts)
) WITHOUT ROWID;

CREATE INDEX options_chain_underlying ON options_chain (underlying_id, expiry, ts);

-- Splits (split_to new shares for split_from old) and cash dividends (amount per share, 1e-9).
CREATE TABLE corporate_actions (
    symbol_id  INTEGER NOT NULL REFERENCES symbols (id),
    ex_date    TEXT    NOT NULL,              -- YYYY-MM-DD
    kind       TEXT    NOT NULL CHECK (kind IN ('split', 'cash_dividend')),
    split_from INTEGER,
    split_to   INTEGER,
    amount     INTEGER,
    created_at INTEGER NOT NULL DEFAULT (unixepoch()),
    PRIMARY KEY (symbol_id, ex_date, kind),
    CHECK ((kind = 'split' AND split_from > 0 AND split_to > 0 AND amount IS NULL)
        OR (kind = 'cash_dividend' AND amount > 0 AND split_from IS NULL AND split_to IS NULL))
) WITHOUT ROWID;
