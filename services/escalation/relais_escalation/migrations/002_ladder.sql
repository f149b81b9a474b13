-- Incidents carry their place on the ladder and their own acknowledgement deadline (the application's, not
-- the broker's): any replica fires a due row with FOR UPDATE SKIP LOCKED.
ALTER TABLE incidents
    ADD COLUMN postal_code            text,
    ADD COLUMN operational_centre     text,
    ADD COLUMN jurisdiction_resolved  boolean     NOT NULL DEFAULT true,
    ADD COLUMN location_sealed        jsonb,
    ADD COLUMN summary_sealed         jsonb,
    ADD COLUMN step                   int         NOT NULL DEFAULT 0,
    ADD COLUMN deadline_at            timestamptz,
    ADD COLUMN acknowledged_at        timestamptz,
    ADD COLUMN acknowledged_by        text,
    ADD COLUMN patrol_sealed          bytea,
    ADD COLUMN closed_at              timestamptz,
    ADD COLUMN outcome                text,
    ADD COLUMN case_reference         text;

CREATE INDEX incidents_due ON incidents (deadline_at) WHERE status = 'open';
CREATE INDEX incidents_active ON incidents (created_at) WHERE status <> 'closed';

CREATE TABLE incident_notes (
    id           bigserial PRIMARY KEY,
    incident_id  uuid        NOT NULL REFERENCES incidents (id),
    author_sub   text        NOT NULL,
    author_alias text        NOT NULL,
    text_sealed  bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Every climb, with when it was due and when it fired (lateness) and which replica fired it.
CREATE TABLE escalations (
    id          bigserial PRIMARY KEY,
    incident_id uuid        NOT NULL REFERENCES incidents (id),
    from_step   int         NOT NULL,
    to_step     int         NOT NULL,
    target      text        NOT NULL,
    reason      text        NOT NULL,
    due_at      timestamptz,
    fired_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    fired_by    text        NOT NULL
);
CREATE INDEX escalations_incident ON escalations (incident_id);

-- The consoles' feed. One counter row hands out sequence numbers under a row lock held until commit, so a
-- sequence number becomes visible only after every smaller one: a console resuming after N misses nothing.
CREATE TABLE feed_counter (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), seq bigint NOT NULL);
INSERT INTO feed_counter (seq) VALUES (0);
CREATE TABLE feed (
    seq         bigint PRIMARY KEY,
    incident_id uuid        NOT NULL REFERENCES incidents (id),
    kind        text        NOT NULL,
    at          timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Who is on duty: one row per open console, refreshed by its heartbeats.
CREATE TABLE on_duty (
    connection_id uuid PRIMARY KEY,
    operator_sub  text        NOT NULL,
    force         text        NOT NULL,
    departments   text[]      NOT NULL,
    roles         text[]      NOT NULL,
    node          text        NOT NULL,
    last_seen     timestamptz NOT NULL DEFAULT now()
);

-- Centres we know of (from incidents and consoles), and when we last warned that nobody was on duty.
CREATE TABLE centres (
    force              text NOT NULL,
    department         text NOT NULL,
    centre_id          text,
    unstaffed_since    timestamptz,
    last_alerted_at    timestamptz,
    PRIMARY KEY (force, department)
);
