-- Encrypted API keys (collector::secrets; moved here from crates/collector/sql). Times are
-- INTEGER UTC nanoseconds. Only ciphertext is stored: AES-256-GCM under a key derived with
-- Argon2id from the master key. SecretStore::put and delete write their key_audit row in the
-- same transaction as the key rows.

-- One row: how the AES key is derived, and a sealed check value that proves a master key right
-- before any secret is touched.
CREATE TABLE key_vault (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    kdf         TEXT    NOT NULL,
    salt        BLOB    NOT NULL CHECK (length(salt) >= 8),
    m_cost_kib  INTEGER NOT NULL CHECK (m_cost_kib > 0),
    t_cost      INTEGER NOT NULL CHECK (t_cost > 0),
    p_cost      INTEGER NOT NULL CHECK (p_cost > 0),
    check_nonce BLOB    NOT NULL CHECK (length(check_nonce) = 12),
    check_value BLOB    NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE api_keys (
    provider   TEXT    NOT NULL CHECK (provider IN ('alpaca', 'polygon')),
    name       TEXT    NOT NULL,
    nonce      BLOB    NOT NULL CHECK (length(nonce) = 12),
    ciphertext BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    rotated_at INTEGER,
    PRIMARY KEY (provider, name)
) WITHOUT ROWID;

-- What was done to which provider's keys, and when. provider is NULL for vault-wide actions.
CREATE TABLE key_audit (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    provider TEXT    CHECK (provider IN ('alpaca', 'polygon')),
    action   TEXT    NOT NULL CHECK (action IN ('set', 'rotate', 'delete', 'list', 'read', 'denied'))
);

CREATE INDEX key_audit_at ON key_audit (at);
