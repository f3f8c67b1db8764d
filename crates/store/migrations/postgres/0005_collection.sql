-- News, backfill checkpoints and the scheduler's run log (PostgreSQL dialect of
-- sqlite/0005_collection.sql; read that file for the meaning of each column).

CREATE TABLE news (
    nid                BIGSERIAL PRIMARY KEY,
    provider           TEXT COLLATE "C" NOT NULL CHECK (provider IN ('alpaca', 'polygon')),
    id                 TEXT COLLATE "C" NOT NULL,
    symbols            TEXT    NOT NULL DEFAULT '',
    headline           TEXT    NOT NULL,
    summary            TEXT    NOT NULL DEFAULT '',
    source             TEXT    NOT NULL DEFAULT '',
    author             TEXT,
    url                TEXT    NOT NULL DEFAULT '',
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT,
    provider_sentiment JSONB,
    stored_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (provider, id)
);

CREATE TABLE news_symbols (
    symbol     TEXT COLLATE "C" NOT NULL,
    created_at BIGINT  NOT NULL,
    nid        BIGINT  NOT NULL REFERENCES news (nid) ON DELETE CASCADE,
    PRIMARY KEY (symbol, created_at, nid)
);

CREATE INDEX news_symbols_nid ON news_symbols (nid);

CREATE TABLE collection_checkpoints (
    provider    TEXT COLLATE "C" NOT NULL CHECK (provider IN ('alpaca', 'polygon')),
    symbol      TEXT COLLATE "C" NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL CHECK (kind IN ('bars', 'trades', 'quotes', 'news', 'options')),
    timeframe   TEXT COLLATE "C" NOT NULL DEFAULT '',
    covered     JSONB   NOT NULL DEFAULT '[]',
    chunk_start BIGINT,
    chunk_end   BIGINT,
    cursor      TEXT,
    tick_ts     BIGINT,
    tick_seq    BIGINT  NOT NULL DEFAULT 0 CHECK (tick_seq >= 0),
    rows        BIGINT  NOT NULL DEFAULT 0 CHECK (rows >= 0),
    pages       BIGINT  NOT NULL DEFAULT 0 CHECK (pages >= 0),
    updated_at  BIGINT  NOT NULL,
    PRIMARY KEY (provider, symbol, kind, timeframe),
    CHECK ((chunk_start IS NULL) = (chunk_end IS NULL) AND (chunk_start IS NULL OR chunk_start < chunk_end))
);

CREATE TABLE collection_runs (
    id           BIGSERIAL PRIMARY KEY,
    job          TEXT COLLATE "C" NOT NULL,
    started_at   BIGINT  NOT NULL,
    finished_at  BIGINT  NOT NULL,
    rows_written BIGINT  NOT NULL DEFAULT 0 CHECK (rows_written >= 0),
    errors       BIGINT  NOT NULL DEFAULT 0 CHECK (errors >= 0),
    last_error   TEXT,
    lag_seconds  BIGINT,
    next_run     BIGINT,
    CHECK (finished_at >= started_at)
);

CREATE INDEX collection_runs_job ON collection_runs (job, started_at DESC, id DESC);
