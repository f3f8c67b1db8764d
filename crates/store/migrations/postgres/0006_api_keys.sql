-- Encrypted API keys (PostgreSQL dialect of sqlite/0006_api_keys.sql). Times are BIGINT UTC nanoseconds.

CREATE TABLE key_vault (
    id          SMALLINT PRIMARY KEY CHECK (id = 1),
    kdf         TEXT    NOT NULL,
    salt        BYTEA   NOT NULL CHECK (octet_length(salt) >= 8),
    m_cost_kib  INTEGER NOT NULL CHECK (m_cost_kib > 0),
    t_cost      INTEGER NOT NULL CHECK (t_cost > 0),
    p_cost      INTEGER NOT NULL CHECK (p_cost > 0),
    check_nonce BYTEA   NOT NULL CHECK (octet_length(check_nonce) = 12),
    check_value BYTEA   NOT NULL,
    created_at  BIGINT  NOT NULL
);

CREATE TABLE api_keys (
    provider   TEXT COLLATE "C" NOT NULL CHECK (provider IN ('alpaca', 'polygon')),
    name       TEXT COLLATE "C" NOT NULL,
    nonce      BYTEA   NOT NULL CHECK (octet_length(nonce) = 12),
    ciphertext BYTEA   NOT NULL,
    created_at BIGINT  NOT NULL,
    rotated_at BIGINT,
    PRIMARY KEY (provider, name)
);

CREATE TABLE key_audit (
    id       BIGSERIAL PRIMARY KEY,
    at       BIGINT  NOT NULL,
    provider TEXT COLLATE "C" CHECK (provider IN ('alpaca', 'polygon')),
    action   TEXT    NOT NULL CHECK (action IN ('set', 'rotate', 'delete', 'list', 'read', 'denied'))
);

CREATE INDEX key_audit_at ON key_audit (at);
