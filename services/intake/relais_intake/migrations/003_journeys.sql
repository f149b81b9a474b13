-- What routing told intake when the report came in (stamped on its events, the chat ticket's fallback until
-- report.routed arrives), whether the case started as a chat, and how the unit closed it.
ALTER TABLE reports
    ADD COLUMN jurisdiction jsonb,
    ADD COLUMN mode         text NOT NULL DEFAULT 'report' CHECK (mode IN ('report', 'chat')),
    ADD COLUMN outcome      text,
    ADD COLUMN closed_at    timestamptz;
-- A person who asks to talk now is not asked whether she is the victim or a witness.
ALTER TABLE reports ALTER COLUMN role DROP NOT NULL, ALTER COLUMN role DROP DEFAULT;
