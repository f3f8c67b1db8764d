-- What the collector needs beyond bars: news, backfill checkpoints and the scheduler's run log.
-- Times are INTEGER UTC nanoseconds, as everywhere in this schema.
--
-- news: one row per (provider, id). created_at is when the provider published the article (the
-- providers' own name for it); stored_at is when we first stored it (unix seconds, like the bars'
-- created_at). news_symbols indexes articles by ticker and publication time, which is how they
-- are read (`news for SPY in this hour`); it is rewritten with its article.

CREATE TABLE news (
    nid                INTEGER PRIMARY KEY,
    provider           TEXT    NOT NULL CHECK (provider IN ('alpaca', 'polygon')),
    id                 TEXT    NOT NULL,
    symbols            TEXT    NOT NULL DEFAULT '',     -- tickers joined with ','
    headline           TEXT    NOT NULL,
    summary            TEXT    NOT NULL DEFAULT '',
    source             TEXT    NOT NULL DEFAULT '',
    author             TEXT,
    url                TEXT    NOT NULL DEFAULT '',
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER,
    provider_sentiment TEXT    CHECK (provider_sentiment IS NULL OR json_valid(provider_sentiment)),
    stored_at          INTEGER NOT NULL DEFAULT (unixepoch()),
    UNIQUE (provider, id)
);

CREATE TABLE news_symbols (
    symbol     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    nid        INTEGER NOT NULL REFERENCES news (nid) ON DELETE CASCADE,
    PRIMARY KEY (symbol, created_at, nid)
) WITHOUT ROWID;

CREATE INDEX news_symbols_nid ON news_symbols (nid);

-- How far a backfill of (provider, symbol, kind, timeframe) got. Written in the same transaction
-- as each page of data, so a process killed at any moment resumes exactly where the stored data
-- ends. covered: JSON [[start, end], …] of ranges stored completely (half-open, sorted, merged).
-- chunk_*: the range being paged, the provider's cursor of its next page, and the tick numbering
-- carried across pages (the last tick timestamp written and the next seq at it).
-- timeframe is '' for kinds without one.
CREATE TABLE collection_checkpoints (
    provider    TEXT    NOT NULL CHECK (provider IN ('alpaca', 'polygon')),
    symbol      TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('bars', 'trades', 'quotes', 'news', 'options')),
    timeframe   TEXT    NOT NULL DEFAULT '',
    covered     TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(covered)),
    chunk_start INTEGER,
    chunk_end   INTEGER,
    cursor      TEXT,
    tick_ts     INTEGER,
    tick_seq    INTEGER NOT NULL DEFAULT 0 CHECK (tick_seq >= 0),
    rows        INTEGER NOT NULL DEFAULT 0 CHECK (rows >= 0),
    pages       INTEGER NOT NULL DEFAULT 0 CHECK (pages >= 0),
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (provider, symbol, kind, timeframe),
    CHECK ((chunk_start IS NULL) = (chunk_end IS NULL) AND (chunk_start IS NULL OR chunk_start < chunk_end))
) WITHOUT ROWID;

-- One row per finished run of a scheduled job. lag_seconds: how far the newest stored row
-- trailed the run's due time.
CREATE TABLE collection_runs (
    id           INTEGER PRIMARY KEY,
    job          TEXT    NOT NULL,
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER NOT NULL,
    rows_written INTEGER NOT NULL DEFAULT 0 CHECK (rows_written >= 0),
    errors       INTEGER NOT NULL DEFAULT 0 CHECK (errors >= 0),
    last_error   TEXT,
    lag_seconds  INTEGER,
    next_run     INTEGER,
    CHECK (finished_at >= started_at)
);

CREATE INDEX collection_runs_job ON collection_runs (job, started_at DESC, id DESC);
