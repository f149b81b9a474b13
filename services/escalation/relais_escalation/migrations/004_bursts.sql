-- A burst: anonymous emergencies past a ceiling (their raiser's or escalation's own) in one force and department.
-- Its members are incidents like any other (kept, each with its report), but while members wait for a person
-- only one of them rings: the console shows the burst as one card.
CREATE TABLE bursts (
    id         uuid PRIMARY KEY,
    scope      text        NOT NULL,
    force      text,
    department text,
    opened_at  timestamptz NOT NULL DEFAULT now(),
    last_at    timestamptz NOT NULL DEFAULT now(),
    members    int         NOT NULL DEFAULT 0
);
CREATE INDEX bursts_scope ON bursts (scope, last_at);

ALTER TABLE incidents ADD COLUMN burst_id uuid REFERENCES bursts (id);
CREATE INDEX incidents_burst_open ON incidents (burst_id, created_at) WHERE burst_id IS NOT NULL AND status = 'open';
