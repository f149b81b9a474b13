CREATE TABLE incidents (
    id           uuid PRIMARY KEY,
    emergency_id uuid        NOT NULL UNIQUE,
    source       text        NOT NULL,
    kind         text        NOT NULL,
    priority     text        NOT NULL,
    report_id    uuid,
    level        text        NOT NULL,
    force        text,
    department   text,
    insee        text,
    status       text        NOT NULL DEFAULT 'open',
    created_at   timestamptz NOT NULL DEFAULT now()
);
