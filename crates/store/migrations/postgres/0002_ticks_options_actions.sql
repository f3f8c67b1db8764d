-- Tick data, option chains and corporate actions (PostgreSQL dialect of
-- sqlite/0002_ticks_options_actions.sql; the key choices are explained there).

CREATE TABLE market_trades (
    symbol_id  INTEGER NOT NULL,
    ts         BIGINT  NOT NULL,
    seq        INTEGER NOT NULL DEFAULT 0,
    price      BIGINT  NOT NULL CHECK (price >= 0),
    size       BIGINT  NOT NULL CHECK (size >= 0),
    exchange   TEXT    NOT NULL DEFAULT '',
    conditions TEXT    NOT NULL DEFAULT '',
    trade_id   TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol_id, ts, seq)
);

CREATE INDEX market_trades_ts_brin ON market_trades USING brin (ts);

CREATE TABLE market_quotes (
    symbol_id    INTEGER NOT NULL,
    ts           BIGINT  NOT NULL,
    seq          INTEGER NOT NULL DEFAULT 0,
    bid          BIGINT  NOT NULL CHECK (bid >= 0),
    ask          BIGINT  NOT NULL CHECK (ask >= 0),
    bid_size     BIGINT  NOT NULL CHECK (bid_size >= 0),
    ask_size     BIGINT  NOT NULL CHECK (ask_size >= 0),
    bid_exchange TEXT    NOT NULL DEFAULT '',
    ask_exchange TEXT    NOT NULL DEFAULT '',
    conditions   TEXT    NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol_id, ts, seq)
);

CREATE INDEX market_quotes_ts_brin ON market_quotes USING brin (ts);

CREATE TABLE options_chain (
    contract      TEXT COLLATE "C" NOT NULL,
    ts            BIGINT  NOT NULL,
    underlying_id INTEGER NOT NULL REFERENCES symbols (id),
    expiry        DATE    NOT NULL,
    strike        BIGINT  NOT NULL CHECK (strike >= 0),
    option_right  TEXT    NOT NULL CHECK (option_right IN ('call', 'put')),
    bid           BIGINT,
    ask           BIGINT,
    last          BIGINT,
    volume        BIGINT,
    open_interest BIGINT,
    iv            DOUBLE PRECISION,
    delta         DOUBLE PRECISION,
    gamma         DOUBLE PRECISION,
    theta         DOUBLE PRECISION,
    vega          DOUBLE PRECISION,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (contract, ts)
);

CREATE INDEX options_chain_underlying ON options_chain (underlying_id, expiry, ts);

CREATE TABLE corporate_actions (
    symbol_id  INTEGER NOT NULL REFERENCES symbols (id),
    ex_date    DATE    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('split', 'cash_dividend')),
    split_from INTEGER,
    split_to   INTEGER,
    amount     BIGINT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol_id, ex_date, kind),
    CHECK ((kind = 'split' AND split_from > 0 AND split_to > 0 AND amount IS NULL)
        OR (kind = 'cash_dividend' AND amount > 0 AND split_from IS NULL AND split_to IS NULL))
);
