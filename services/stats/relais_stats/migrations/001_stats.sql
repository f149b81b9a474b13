-- The statistics service keeps codes and counts only. Join keys are keyed hashes (never the platform's ids),
-- held only while a fact is incomplete, and dropped once it is.

-- Every event consumed, minimised (see relais_stats.minimise): the source `relais stats rebuild` replays.
CREATE TABLE IF NOT EXISTS event_log (
    seq         bigserial   PRIMARY KEY,
    event_id    uuid        NOT NULL UNIQUE,
    type        text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    payload     jsonb       NOT NULL
);

-- ---- read model (truncated and refilled by a rebuild) ----
CREATE TABLE IF NOT EXISTS pending_reports (
    ref        text PRIMARY KEY,
    iso_week   text,
    month      text,
    category   text,
    partner    text,
    force      text,
    department text,
    received   boolean NOT NULL DEFAULT false,
    resolved   boolean NOT NULL DEFAULT false
);
CREATE TABLE IF NOT EXISTS report_counts (
    iso_week   text NOT NULL,
    month      text NOT NULL,
    category   text NOT NULL,
    force      text NOT NULL,   -- '' when routing could not resolve the report
    department text NOT NULL,   -- '' likewise
    partner    text NOT NULL,   -- '' when the report came from the public page
    n          int  NOT NULL,
    PRIMARY KEY (iso_week, month, category, force, department, partner)
);
-- Events of one case may be handled in any order (concurrent consumers): each half fills its columns, and the
-- fact is recorded once both halves are there.
CREATE TABLE IF NOT EXISTS chat_open (
    ref            text PRIMARY KEY,
    force          text NOT NULL DEFAULT '',
    department     text NOT NULL DEFAULT '',
    started_at     timestamptz,
    claimed_at     timestamptz,
    waited_seconds double precision,
    wait_recorded  boolean NOT NULL DEFAULT false,
    closed         boolean NOT NULL DEFAULT false
);
CREATE TABLE IF NOT EXISTS chat_waits (
    id            bigserial PRIMARY KEY,
    claimed_at    timestamptz NOT NULL,
    force         text NOT NULL,
    department    text NOT NULL,
    waited_seconds double precision NOT NULL
);
CREATE INDEX IF NOT EXISTS chat_waits_at ON chat_waits (claimed_at);
CREATE TABLE IF NOT EXISTS operator_activity (
    ref        text PRIMARY KEY,   -- keyed hash of the operator's pseudonymous id
    force      text NOT NULL,
    last_claim timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS incidents_open (
    ref          text PRIMARY KEY,
    force        text NOT NULL DEFAULT '',
    department   text NOT NULL DEFAULT '',
    priority     text NOT NULL DEFAULT 'p1',
    opened_at    timestamptz,
    acked_at     timestamptz,
    seconds      double precision,
    ack_recorded boolean NOT NULL DEFAULT false,
    step         int NOT NULL DEFAULT 0,
    closed       boolean NOT NULL DEFAULT false
);
CREATE TABLE IF NOT EXISTS ack_times (
    id         bigserial PRIMARY KEY,
    acked_at   timestamptz NOT NULL,
    force      text NOT NULL,
    department text NOT NULL,
    seconds    double precision NOT NULL
);
CREATE TABLE IF NOT EXISTS callbacks_open (
    ref        text PRIMARY KEY,
    force      text NOT NULL DEFAULT '',
    department text NOT NULL DEFAULT '',
    window_end timestamptz,
    reached_at timestamptz,
    attempts   int NOT NULL DEFAULT 0,
    overdue    boolean NOT NULL DEFAULT false,
    closed_at  timestamptz
);
CREATE TABLE IF NOT EXISTS callback_counts (
    iso_week   text NOT NULL,
    force      text NOT NULL,
    department text NOT NULL,
    on_time    boolean NOT NULL,
    n          int NOT NULL,
    PRIMARY KEY (iso_week, force, department, on_time)
);

-- ---- publications: a period's public table is frozen the first time it is served (never recomputed) ----
CREATE TABLE IF NOT EXISTS publications (
    period       text PRIMARY KEY,
    published_at timestamptz NOT NULL DEFAULT now(),
    body         jsonb NOT NULL
);
