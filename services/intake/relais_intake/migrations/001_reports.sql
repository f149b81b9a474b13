CREATE TABLE reports (
    id          uuid PRIMARY KEY,
    postal_code text        NOT NULL,
    insee       text,
    category    text        NOT NULL,
    level       text        NOT NULL CHECK (level IN ('orange', 'blue')),
    danger_now  boolean     NOT NULL DEFAULT false,
    status      text        NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'routed', 'unroutable')),
    routing     jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    routed_at   timestamptz
);
CREATE INDEX reports_status ON reports (status, created_at);
