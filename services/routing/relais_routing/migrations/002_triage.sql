-- National triage: reports routing could not resolve wait here until a triage operator assigns them a force
-- and a department. Codes only: no free text, no contact ever reaches routing.
CREATE TABLE triage_reports (
    report_id         uuid        PRIMARY KEY,
    postal_code       text        NOT NULL,
    insee             text,
    reason            text        NOT NULL,
    category          text        NOT NULL,
    level             text        NOT NULL CHECK (level IN ('orange', 'blue')),
    danger_level      text        NOT NULL CHECK (danger_level IN ('standard', 'high', 'severe')),
    callback_accepted boolean     NOT NULL DEFAULT false,
    mode              text        NOT NULL DEFAULT 'report',
    received_at       timestamptz NOT NULL
);
-- The list is read most dangerous first, then oldest first.
CREATE INDEX triage_reports_order ON triage_reports (
    (CASE danger_level WHEN 'severe' THEN 0 WHEN 'high' THEN 1 ELSE 2 END), received_at);

-- Reports erased by their reporter: a late or replayed report.received must not bring one back.
CREATE TABLE erased_reports (
    report_id uuid        PRIMARY KEY,
    erased_at timestamptz NOT NULL DEFAULT now()
);
