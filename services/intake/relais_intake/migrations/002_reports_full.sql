-- The full report: free text and contact details sealed (relais_shared.crypto), receipts as Argon2 only.
ALTER TABLE reports
    ADD COLUMN role            text NOT NULL DEFAULT 'victim' CHECK (role IN ('victim', 'witness')),
    ADD COLUMN occurred        text,
    ADD COLUMN occurred_on     date,
    ADD COLUMN text_sealed     bytea,
    ADD COLUMN location_sealed bytea,
    ADD COLUMN contact_sealed  bytea,
    ADD COLUMN contact_channel text NOT NULL DEFAULT 'none',
    ADD COLUMN danger_level    text NOT NULL DEFAULT 'standard' CHECK (danger_level IN ('standard', 'high', 'severe')),
    ADD COLUMN danger_answers  jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN partner         text,
    ADD COLUMN receipt_hash    bytea UNIQUE,
    ADD COLUMN lang            text NOT NULL DEFAULT 'fr',
    ADD COLUMN left_by_exit_at timestamptz,
    ADD COLUMN erased_at       timestamptz;
ALTER TABLE reports DROP CONSTRAINT reports_status_check;
ALTER TABLE reports ADD CONSTRAINT reports_status_check
    CHECK (status IN ('received', 'routed', 'unroutable', 'closed', 'erased'));

CREATE TABLE report_messages (
    id          bigserial PRIMARY KEY,
    report_id   uuid        NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    author      text        NOT NULL CHECK (author IN ('reporter', 'unit')),
    body_sealed bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX report_messages_report ON report_messages (report_id, id);

CREATE TABLE partners (
    slug       text PRIMARY KEY CHECK (slug ~ '^[a-z0-9-]{2,40}$'),
    name       text        NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('retailer', 'intranet', 'leaflet', 'other')),
    active     boolean     NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

-- Emergency exits: only the moment (and the report when there is one), never who or from where.
CREATE TABLE exits (
    id        bigserial PRIMARY KEY,
    report_id uuid,
    at        timestamptz NOT NULL DEFAULT now()
);
