-- Sentiment scores per symbol, time and source (the issue's sentiment_history).
-- score and confidence are model outputs, not money, so REAL is exact enough by definition.
-- timestamp is INTEGER UTC nanoseconds like every other time in this schema.
--
-- The unique key is ordered (symbol, source, timestamp) rather than the issue's
-- (symbol, timestamp, source): the same uniqueness, but it also answers "newest record per symbol
-- and source" (latest_sentiment) with one index probe.

CREATE TABLE sentiment_history (
    id         INTEGER PRIMARY KEY,
    symbol     TEXT    NOT NULL,
    timestamp  INTEGER NOT NULL,
    source     TEXT    NOT NULL CHECK (source IN ('news', 'reddit', 'sec')),
    sentiment  TEXT    NOT NULL CHECK (sentiment IN ('positive', 'negative', 'neutral')),
    score      REAL    NOT NULL CHECK (score BETWEEN -1 AND 1),
    confidence REAL    NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    metadata   TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (symbol, source, timestamp)
);

CREATE INDEX sentiment_symbol_ts ON sentiment_history (symbol, timestamp DESC);
CREATE INDEX sentiment_source_ts ON sentiment_history (source, timestamp DESC);

-- The newest record per symbol and source.
CREATE VIEW latest_sentiment AS
SELECT h.*
FROM sentiment_history h
WHERE h.timestamp = (SELECT max(m.timestamp)
                     FROM sentiment_history m
                     WHERE m.symbol = h.symbol AND m.source = h.source);
