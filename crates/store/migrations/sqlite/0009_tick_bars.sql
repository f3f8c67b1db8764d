-- Ticks in, bars from ticks (issue 11).
--
-- The vendor's suspicious flag on every tick (LEAN/AlgoSeek `suspicious`): kept, so bars made
-- from ticks can leave those prints out while the ticks themselves stay as delivered.
ALTER TABLE market_trades ADD COLUMN suspicious INTEGER NOT NULL DEFAULT 0 CHECK (suspicious IN (0, 1));
ALTER TABLE market_quotes ADD COLUMN suspicious INTEGER NOT NULL DEFAULT 0 CHECK (suspicious IN (0, 1));

-- Where bars came from (the scalp bot's `aggregated_from`), one row per aggregation written with
-- its bars in the same transaction: bars of (symbol, timeframe) from first_ts to last_ts (bar
-- starts, inclusive) were made from `aggregated_from` ('trades') under `rules` ('lean', 'all'),
-- reading `ticks` ticks into `bars` bars. A side table, not a column of `bars`, so the bar upsert
-- paths (COPY, multi-row INSERT) stay as they are; a new aggregation of a range replaces the rows
-- it covers. A later import of vendor bars over the same range does not remove the row: the
-- range says what the last aggregation wrote, not who wrote last.
CREATE TABLE bar_origins (
    symbol_id       INTEGER NOT NULL REFERENCES symbols (id),
    timeframe       TEXT    NOT NULL,
    first_ts        INTEGER NOT NULL,
    last_ts         INTEGER NOT NULL,
    aggregated_from TEXT    NOT NULL CHECK (aggregated_from IN ('trades')),
    rules           TEXT    NOT NULL,
    ticks           INTEGER NOT NULL CHECK (ticks >= 0),
    bars            INTEGER NOT NULL CHECK (bars >= 0),
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (symbol_id, timeframe, first_ts),
    CHECK (first_ts <= last_ts)
) WITHOUT ROWID;
