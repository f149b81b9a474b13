-- Counters of the rate limits and ceilings, shared by every replica of the service (ratelimit.py). A key is a
-- keyed hash of the client's network that changes every day, or a department code: never an address.
-- UNLOGGED: a counter lost in a crash only gives an hour's allowance back; it is not worth a WAL write.
CREATE UNLOGGED TABLE IF NOT EXISTS rate_windows (
    bucket       text        NOT NULL,
    key          text        NOT NULL,
    window_start timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    hits         int         NOT NULL,
    PRIMARY KEY (bucket, key, window_start)
);
CREATE INDEX IF NOT EXISTS rate_windows_expiry ON rate_windows (expires_at);
