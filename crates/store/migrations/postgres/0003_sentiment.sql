-- Sentiment scores (PostgreSQL dialect of sqlite/0003_sentiment.sql). metadata is JSONB.

CREATE TABLE sentiment_history (
    id         BIGSERIAL PRIMARY KEY,
    symbol     TEXT COLLATE "C" NOT NULL,
    timestamp  BIGINT  NOT NULL,
    source     TEXT COLLATE "C" NOT NULL CHECK (source IN ('news', 'reddit', 'sec')),
    sentiment  TEXT    NOT NULL CHECK (sentiment IN ('positive', 'negative', 'neutral')),
    score      DOUBLE PRECISION NOT NULL CHECK (score BETWEEN -1 AND 1),
    confidence DOUBLE PRECISION NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    metadata   JSONB   NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (symbol, source, timestamp)
);

CREATE INDEX sentiment_symbol_ts ON sentiment_history (symbol, timestamp DESC);
CREATE INDEX sentiment_source_ts ON sentiment_history (source, timestamp DESC);

CREATE VIEW latest_sentiment AS
SELECT DISTINCT ON (symbol, source) *
FROM sentiment_history
ORDER BY symbol, source, timestamp DESC;
