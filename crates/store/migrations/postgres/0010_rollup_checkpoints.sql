-- Roll-up checkpoints (`ztrade data rollup`): per (symbol, source timeframe, target timeframe)
-- the stamp of the last source bar rolled up and the hours counted ('regular' or 'extended').
-- Written in the transaction that writes the rolled bars, so a roll-up killed at any moment
-- leaves bars and checkpoint together, and a rerun recomputes only the buckets of source bars
-- after it. A minimal record of where rolled bars came from (the target series is the symbol's
-- to_tf series); to be reconciled with the bar-origins table of migration 10.
CREATE TABLE rollup_checkpoints (
    symbol_id   INTEGER NOT NULL REFERENCES symbols (id),
    from_tf     TEXT COLLATE "C" NOT NULL,
    to_tf       TEXT COLLATE "C" NOT NULL,
    hours       TEXT COLLATE "C" NOT NULL CHECK (hours IN ('regular', 'extended')),
    last_source BIGINT  NOT NULL,           -- UTC nanoseconds: the last source bar rolled
    PRIMARY KEY (symbol_id, from_tf, to_tf)
);
