CREATE TABLE chat_sessions (
    id         uuid PRIMARY KEY,
    report_id  uuid,
    status     text        NOT NULL DEFAULT 'waiting',
    created_at timestamptz NOT NULL DEFAULT now()
);
