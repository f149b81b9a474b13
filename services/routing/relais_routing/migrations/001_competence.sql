-- Commune -> competent force and local unit, from the ministry's official file (replaced whole on import).
CREATE TABLE competence (
    insee        text PRIMARY KEY,
    label        text   NOT NULL,
    force        text   NOT NULL CHECK (force IN ('PN', 'GN')),
    service_id   text,
    unit_id      text   NOT NULL,
    unit_name    text   NOT NULL,
    postal_codes text[] NOT NULL
);

CREATE TABLE competence_imports (
    id          bigserial PRIMARY KEY,
    source      text        NOT NULL,
    sha256      text        NOT NULL,
    rows        int         NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now()
);
