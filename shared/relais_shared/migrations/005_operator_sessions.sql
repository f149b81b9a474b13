-- Operators' console sessions (relais_shared/signin/sessions.py). The browser holds a random value in an
-- HttpOnly cookie; this table holds only its SHA-256, so a copy of the table signs nobody in. The provider's
-- refresh and ID tokens are sealed (they are checked again with the provider when the access token expires).
CREATE TABLE IF NOT EXISTS operator_sessions (
    id_hash        bytea       PRIMARY KEY,
    sub            text        NOT NULL,
    operator       jsonb       NOT NULL,
    tokens         bytea       NOT NULL,
    refresh_due_at timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    ended_at       timestamptz,
    ended_reason   text
);
CREATE INDEX IF NOT EXISTS operator_sessions_live ON operator_sessions (sub) WHERE ended_at IS NULL;
CREATE INDEX IF NOT EXISTS operator_sessions_expiry ON operator_sessions (expires_at);
