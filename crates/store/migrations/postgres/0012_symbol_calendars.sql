-- The calendar each symbol is measured against (`ztrade symbols set SYM --calendar …`,
-- `data import --calendar …`): 'nyse' (the default, US equities and ETFs), 'fx' (24/5, Sunday
-- 17:00 to Friday 17:00 New York), 'crypto' (24/7, UTC days) or 'none' (nothing expected).
-- The expected-bar grid, the day index's filled slots, roll-ups, the collector's gap check and
-- the engine's session close read it (domain::calendar::Calendar). Every symbol stored before
-- this migration was measured on NYSE, so it keeps 'nyse' and its day index stays as built.
-- A constant default: PostgreSQL adds the column without rewriting the table.
ALTER TABLE symbols ADD COLUMN calendar TEXT COLLATE "C" NOT NULL DEFAULT 'nyse'
    CHECK (calendar IN ('nyse', 'fx', 'crypto', 'none'));
