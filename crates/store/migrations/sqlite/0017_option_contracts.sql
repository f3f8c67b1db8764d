-- Option contracts apart from their quote snapshots, and the arbitrage opportunities found in
-- them. Same units as 0002: prices INTEGER 1e-9, sizes INTEGER 1e-8, times INTEGER UTC ns.
--
-- A contract (what it is: underlying, expiry, strike, right, style, multiplier) is stored once;
-- each snapshot of its market is a row of option_quotes keyed by (contract_id, ts), so "the
-- latest quote of each contract at or before t" is one index seek per contract.

CREATE TABLE option_contracts (
    id            INTEGER PRIMARY KEY,
    occ           TEXT    NOT NULL UNIQUE,    -- OCC symbol, e.g. AAPL230616C00150000
    underlying_id INTEGER NOT NULL REFERENCES symbols (id),
    expiry        TEXT    NOT NULL,           -- YYYY-MM-DD
    strike        INTEGER NOT NULL CHECK (strike > 0),
    option_right  TEXT    NOT NULL CHECK (option_right IN ('call', 'put')),
    style         TEXT    NOT NULL CHECK (style IN ('american', 'european')),
    multiplier    INTEGER NOT NULL CHECK (multiplier > 0),
    created_at    INTEGER NOT NULL DEFAULT (unixepoch())
);

CREATE INDEX option_contracts_chain ON option_contracts (underlying_id, expiry, strike);

-- Greeks and IV are model outputs, so REAL is right for them.
CREATE TABLE option_quotes (
    contract_id      INTEGER NOT NULL REFERENCES option_contracts (id),
    ts               INTEGER NOT NULL,
    bid              INTEGER,
    ask              INTEGER,
    bid_size         INTEGER,
    ask_size         INTEGER,
    quoted_at        INTEGER,
    last             INTEGER,
    last_trade_at    INTEGER,
    volume           INTEGER,
    open_interest    INTEGER,
    underlying_price INTEGER,
    iv               REAL,
    delta            REAL,
    gamma            REAL,
    theta            REAL,
    vega             REAL,
    rho              REAL,
    created_at       INTEGER NOT NULL DEFAULT (unixepoch()),
    PRIMARY KEY (contract_id, ts)
) WITHOUT ROWID;

-- The contracts of the old rows: each with the fields of its newest snapshot. Before this
-- migration style and multiplier were not stored; every contract collected was a standard
-- American equity option.
INSERT INTO option_contracts (occ, underlying_id, expiry, strike, option_right, style, multiplier)
SELECT o.contract, o.underlying_id, o.expiry, o.strike, o.option_right, 'american', 100
FROM options_chain o
WHERE o.ts = (SELECT max(n.ts) FROM options_chain n WHERE n.contract = o.contract)
ORDER BY o.contract;

INSERT INTO option_quotes (contract_id, ts, bid, ask, last, volume, open_interest, iv, delta,
                           gamma, theta, vega, created_at)
SELECT c.id, o.ts, o.bid, o.ask, o.last, o.volume, o.open_interest, o.iv, o.delta, o.gamma,
       o.theta, o.vega, o.created_at
FROM options_chain o JOIN option_contracts c ON c.occ = o.contract;

DROP TABLE options_chain;

-- The 0002 table's name and columns, so SQL written against it keeps working (read only).
CREATE VIEW options_chain AS
SELECT c.occ AS contract, q.ts, c.underlying_id, c.expiry, c.strike, c.option_right, q.bid,
       q.ask, q.last, q.volume, q.open_interest, q.iv, q.delta, q.gamma, q.theta, q.vega,
       q.created_at
FROM option_quotes q JOIN option_contracts c ON c.id = q.contract_id;

-- Arbitrage opportunities, one row per streak: the same legs (`key`, the caller's stable
-- identity of them) seen in consecutive snapshots from first_seen to last_seen.
CREATE TABLE arbitrage_opportunities (
    id            INTEGER PRIMARY KEY,
    underlying_id INTEGER NOT NULL REFERENCES symbols (id),
    kind          TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    expiry        TEXT    NOT NULL,           -- YYYY-MM-DD, the nearest leg's
    legs          TEXT    NOT NULL CHECK (json_valid(legs)),
    edge          INTEGER NOT NULL,           -- per unit, after fees (1e-9)
    quantity      INTEGER NOT NULL CHECK (quantity >= 0),  -- contracts tradable (1e-8)
    total_edge    INTEGER NOT NULL,           -- money (1e-9)
    first_seen    INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL CHECK (last_seen >= first_seen),
    snapshots     INTEGER NOT NULL CHECK (snapshots > 0),
    next_edge     INTEGER,                    -- the legs' edge in the next snapshot; NULL = none yet
    detail        TEXT    NOT NULL CHECK (json_valid(detail)),
    created_at    INTEGER NOT NULL DEFAULT (unixepoch()),
    UNIQUE (underlying_id, key, first_seen)
);

CREATE INDEX arbitrage_opportunities_seen ON arbitrage_opportunities (underlying_id, last_seen);
