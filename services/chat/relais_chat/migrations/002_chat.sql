ALTER TABLE chat_sessions
    ADD COLUMN force                  text,
    ADD COLUMN department             text,
    ADD COLUMN platform_queue         text        NOT NULL DEFAULT 'platform.triage',
    ADD COLUMN level                  text        NOT NULL DEFAULT 'orange',
    ADD COLUMN danger_level           text        NOT NULL DEFAULT 'standard',
    ADD COLUMN category               text,
    ADD COLUMN alias                  text        NOT NULL DEFAULT 'Anonyme',
    ADD COLUMN lang                   text        NOT NULL DEFAULT 'fr',
    ADD COLUMN secret_hash            bytea,
    ADD COLUMN operator_sub           text,
    ADD COLUMN operator_alias         text,
    ADD COLUMN last_seq               bigint      NOT NULL DEFAULT 0,
    ADD COLUMN victim_read_seq        bigint      NOT NULL DEFAULT 0,
    ADD COLUMN officer_read_seq       bigint      NOT NULL DEFAULT 0,
    ADD COLUMN welcomed               boolean     NOT NULL DEFAULT false,
    ADD COLUMN queued_at              timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN claimed_at             timestamptz,
    ADD COLUMN closed_at              timestamptz,
    ADD COLUMN outcome                text,
    ADD COLUMN exited_at              timestamptz,
    ADD COLUMN last_victim_message_at timestamptz,
    ADD COLUMN victim_seen_at         timestamptz,
    ADD COLUMN alert_reason           text,
    ADD COLUMN alerted_at             timestamptz;

CREATE INDEX chat_sessions_queue ON chat_sessions (platform_queue, status, queued_at);
CREATE INDEX chat_sessions_operator ON chat_sessions (operator_sub) WHERE status = 'active';

-- body is sealed with the keyring (context chat.message:<session>:<seq>); system lines carry a code only.
CREATE TABLE chat_messages (
    session_id uuid        NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
    seq        bigint      NOT NULL,
    author     text        NOT NULL CHECK (author IN ('victim', 'officer', 'system')),
    client_id  text,
    body       bytea,
    code       text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, seq),
    UNIQUE (session_id, client_id)
);

CREATE TABLE chat_officers (
    sub              text PRIMARY KEY,
    alias            text        NOT NULL,
    force            text        NOT NULL,
    departments      text[]      NOT NULL DEFAULT '{*}',
    presence         text        NOT NULL DEFAULT 'available' CHECK (presence IN ('available', 'busy', 'away')),
    capacity         int         NOT NULL DEFAULT 3 CHECK (capacity BETWEEN 0 AND 20),
    auto_assign      boolean     NOT NULL DEFAULT false,
    orange_clearance boolean     NOT NULL DEFAULT false,
    seen_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE chat_emergencies (
    emergency_id uuid PRIMARY KEY,
    session_id   uuid        NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
    kind         text        NOT NULL,
    operator_sub text        NOT NULL,
    raised_at    timestamptz NOT NULL DEFAULT now()
);
