-- Data quality (`ztrade data validate`; PostgreSQL dialect of sqlite/0011_data_quality.sql, which
-- says how a check replaces what an earlier one stored). observed is `json`, which keeps the
-- text and its key order (jsonb would reorder the keys), so `observed->>'close'` works in SQL.

CREATE TABLE quality_checks (
    series_kind TEXT COLLATE "C" NOT NULL
        CHECK (series_kind IN ('bars', 'quote_bars', 'trades', 'quotes')),
    symbol_id   INTEGER NOT NULL REFERENCES symbols (id),
    timeframe   TEXT COLLATE "C" NOT NULL,
    checked_at  BIGINT  NOT NULL,
    from_ts     BIGINT,
    rows        BIGINT  NOT NULL,
    expected    BIGINT,
    filled      BIGINT,
    PRIMARY KEY (series_kind, symbol_id, timeframe)
);

CREATE TABLE data_quality (
    id          BIGSERIAL PRIMARY KEY,
    series_kind TEXT COLLATE "C" NOT NULL,
    symbol_id   INTEGER NOT NULL REFERENCES symbols (id),
    timeframe   TEXT COLLATE "C" NOT NULL,
    checked_at  BIGINT  NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL,
    severity    TEXT COLLATE "C" NOT NULL CHECK (severity IN ('info', 'warn', 'error')),
    start_ts    BIGINT  NOT NULL,
    end_ts      BIGINT  NOT NULL,
    observed    JSON    NOT NULL,
    reason      TEXT    NOT NULL
);

CREATE INDEX data_quality_series ON data_quality (series_kind, symbol_id, timeframe, end_ts);
