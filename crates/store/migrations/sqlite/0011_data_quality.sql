-- Data quality (`ztrade data validate`): the findings of each series' latest check, and one row
-- per checked series. A series is (series_kind, symbol_id, timeframe): series_kind is 'bars',
-- 'quote_bars', 'trades' or 'quotes', and timeframe is '' for ticks.
--
-- A check replaces, in one transaction with every other series of the same run, the series'
-- findings that end at or after the first instant it looked at (all of them for a check of the
-- whole series), so a killed `data validate` leaves the findings as they were, and a rerun
-- writes them complete. Findings before a `--since` stay, each with the time of its own check.
-- checked_at is the application's clock (UTC nanoseconds); the checks themselves never read one.

CREATE TABLE quality_checks (
    series_kind TEXT    NOT NULL CHECK (series_kind IN ('bars', 'quote_bars', 'trades', 'quotes')),
    symbol_id   INTEGER NOT NULL REFERENCES symbols (id),
    timeframe   TEXT    NOT NULL,
    checked_at  INTEGER NOT NULL,           -- UTC nanoseconds
    from_ts     INTEGER,                    -- the first instant looked at; NULL: the whole series
    rows        INTEGER NOT NULL,           -- rows checked
    expected    INTEGER,                    -- expected-bar slots in the range (NULL without a grid)
    filled      INTEGER,                    -- of them, slots holding a bar
    PRIMARY KEY (series_kind, symbol_id, timeframe)
) WITHOUT ROWID;

CREATE TABLE data_quality (
    id          INTEGER PRIMARY KEY,
    series_kind TEXT    NOT NULL,
    symbol_id   INTEGER NOT NULL REFERENCES symbols (id),
    timeframe   TEXT    NOT NULL,
    checked_at  INTEGER NOT NULL,           -- UTC nanoseconds of the check that found it
    kind        TEXT    NOT NULL,           -- domain::quality::Kind: gap, bad_print, crossed, …
    severity    TEXT    NOT NULL CHECK (severity IN ('info', 'warn', 'error')),
    start_ts    INTEGER NOT NULL,           -- first stamp concerned
    end_ts      INTEGER NOT NULL,           -- last stamp concerned, inclusive
    observed    TEXT    NOT NULL,           -- JSON object of named values, as text (exact prices)
    reason      TEXT    NOT NULL
);

CREATE INDEX data_quality_series ON data_quality (series_kind, symbol_id, timeframe, end_ts);
