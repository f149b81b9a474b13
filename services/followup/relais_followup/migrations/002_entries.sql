-- The call-back list proper: safe contact rules, sealed contact and answers, claims with leases, attempts,
-- and one row per emergency raised so that each is raised exactly once per entry and kind.
ALTER TABLE callbacks RENAME TO entries;
DROP INDEX IF EXISTS callbacks_department_due;
UPDATE entries SET status = 'open' WHERE status = 'due';
ALTER TABLE entries
    ALTER COLUMN status SET DEFAULT 'open',
    ADD CONSTRAINT entries_status CHECK (status IN ('open', 'closed')),
    ADD CONSTRAINT entries_risk CHECK (risk_level IN ('standard', 'high', 'severe')),
    ADD CONSTRAINT entries_force CHECK (force IN ('PN', 'GN')),
    ADD COLUMN source             text        NOT NULL DEFAULT 'intervention',
    ADD COLUMN report_id          uuid,
    ADD COLUMN insee              text,
    ADD COLUMN operational_centre text,
    ADD COLUMN time_zone          text        NOT NULL DEFAULT 'Europe/Paris',
    ADD COLUMN risk_rank          smallint    GENERATED ALWAYS AS
        (CASE risk_level WHEN 'severe' THEN 3 WHEN 'high' THEN 2 ELSE 1 END) STORED,
    -- Safe contact rules are not identifying; they stay in clear so that claims can respect them.
    ADD COLUMN channels           text[]      NOT NULL DEFAULT '{phone}',
    ADD COLUMN safe_hours         jsonb       NOT NULL DEFAULT '[]',
    ADD COLUMN no_voicemail       boolean     NOT NULL DEFAULT true,
    ADD COLUMN via_trusted_person boolean     NOT NULL DEFAULT false,
    ADD COLUMN contact_status     text        NOT NULL DEFAULT 'on_file',
    ADD COLUMN contact_sealed     bytea,
    ADD COLUMN answers_sealed     bytea,
    ADD COLUMN claim_id           uuid,
    ADD COLUMN claimed_by         text,
    ADD COLUMN claimed_alias      text,
    ADD COLUMN lease_until        timestamptz,
    ADD COLUMN attempts           int         NOT NULL DEFAULT 0,
    ADD COLUMN failed_attempts    int         NOT NULL DEFAULT 0,
    ADD COLUMN contacted          boolean     NOT NULL DEFAULT false,
    ADD COLUMN overdue            boolean     NOT NULL DEFAULT false,
    ADD COLUMN overdue_at         timestamptz,
    ADD COLUMN outcome            text,
    ADD COLUMN closed_at          timestamptz,
    ADD CONSTRAINT entries_contact_status CHECK (contact_status IN ('on_file', 'from_intake', 'missing'));

-- Claim-next walks this index in urgency order and stops at the first free row.
CREATE INDEX entries_claim_order ON entries (department, force, overdue DESC, risk_rank DESC, window_end)
    WHERE status = 'open';
CREATE INDEX entries_window_end_open ON entries (window_end) WHERE status = 'open' AND NOT overdue;
CREATE INDEX entries_closed ON entries (department, closed_at) WHERE status = 'closed';

-- Every claim an agent ever held, to prove that no victim was called by two agents at once.
CREATE TABLE claims (
    claim_id    uuid        PRIMARY KEY,
    entry_id    uuid        NOT NULL REFERENCES entries (id),
    agent_sub   text        NOT NULL,
    claimed_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    lease_until timestamptz NOT NULL,
    ended_at    timestamptz,
    end_reason  text CHECK (end_reason IN ('closed', 'released', 'expired'))
);
CREATE INDEX claims_entry ON claims (entry_id, claimed_at);

CREATE TABLE attempts (
    entry_id   uuid        NOT NULL REFERENCES entries (id),
    n          int         NOT NULL,
    outcome    text        NOT NULL CHECK (outcome IN ('reached', 'no_answer', 'wrong_number', 'unsafe_to_talk')),
    claim_id   uuid        NOT NULL,
    agent_sub  text        NOT NULL,
    at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_id, n)
);

CREATE TABLE emergencies (
    entry_id     uuid        NOT NULL REFERENCES entries (id),
    kind         text        NOT NULL CHECK (kind IN ('welfare_check', 'unsafe_answer')),
    reason       text        NOT NULL,
    emergency_id uuid        NOT NULL UNIQUE,
    raised_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_id, kind)
);

-- report.received and report.routed arrive in either order; what each says is kept until both are here.
CREATE TABLE report_facts (
    report_id    uuid        PRIMARY KEY,
    category     text,
    danger_level text,
    routed       jsonb,
    routed_at    timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
