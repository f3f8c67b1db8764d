-- Ticks in, bars from ticks (issue 11). See sqlite/0009_tick_bars.sql for the reasons.
ALTER TABLE market_trades ADD COLUMN suspicious BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE market_quotes ADD COLUMN suspicious BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE bar_origins (
    symbol_id       INTEGER NOT NULL,
    timeframe       TEXT COLLATE "C" NOT NULL,
    first_ts        BIGINT  NOT NULL,
    last_ts         BIGINT  NOT NULL,
    aggregated_from TEXT    NOT NULL CHECK (aggregated_from IN ('trades')),
    rules           TEXT    NOT NULL,
    ticks           BIGINT  NOT NULL CHECK (ticks >= 0),
    bars            BIGINT  NOT NULL CHECK (bars >= 0),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol_id, timeframe, first_ts),
    CHECK (first_ts <= last_ts)
);
