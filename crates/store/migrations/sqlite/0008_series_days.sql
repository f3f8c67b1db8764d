-- The day index: one row per (series, date), written in the transaction that writes the series'
-- bars, from the date's stored rows (domain::grid::days, the one definition). It answers the
-- dashboard's session calendar, the missing-bar count of `data status`, the daily candles of a
-- long run and a benchmark's daily closes without reading every bar.
--
-- day is the date as days since 1970-01-01: the New York date of an intraday bar, the UTC date of
-- a daily one. filled counts the date's expected slots on the grid that hold a bar. open..volume
-- are NULL for quote bars; volume alone is NULL when the date's sum is beyond a 64-bit count.
-- Anything that deletes bars must rewrite the dates it touches.
CREATE TABLE series_days (
    kind      TEXT    NOT NULL,               -- 'bars' or 'quote_bars'
    symbol_id INTEGER NOT NULL REFERENCES symbols (id),
    timeframe TEXT    NOT NULL,
    day       INTEGER NOT NULL,
    rows      INTEGER NOT NULL CHECK (rows > 0),
    filled    INTEGER NOT NULL CHECK (filled >= 0 AND filled <= rows),
    first_ts  INTEGER NOT NULL,
    last_ts   INTEGER NOT NULL CHECK (first_ts <= last_ts),
    open      INTEGER,
    high      INTEGER,
    low       INTEGER,
    close     INTEGER,
    volume    INTEGER,
    PRIMARY KEY (kind, symbol_id, timeframe, day)
) WITHOUT ROWID;
