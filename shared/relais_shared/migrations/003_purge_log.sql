-- What each retention purge deleted, and when (counts only).
CREATE TABLE IF NOT EXISTS purge_log (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    rule      text        NOT NULL,
    affected  int         NOT NULL
);
