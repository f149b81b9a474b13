CREATE TABLE callbacks (
    id             uuid PRIMARY KEY,
    case_reference text        NOT NULL UNIQUE,
    incident_id    uuid,
    force          text        NOT NULL,
    department     text        NOT NULL,
    unit_id        text,
    risk_level     text        NOT NULL,
    window_start   timestamptz NOT NULL,
    window_end     timestamptz NOT NULL,
    status         text        NOT NULL DEFAULT 'due',
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX callbacks_department_due ON callbacks (department, status, window_start);
