-- Sessions start from intake's ticket: the commune and operational centre routing gave come with it, so an
-- emergency raised from the chat reaches the right centre without asking routing again.
ALTER TABLE chat_sessions
    ADD COLUMN operational_centre text,
    ADD COLUMN insee              text;

-- A ticket resumes the open conversation of its report instead of opening a second one.
CREATE INDEX chat_sessions_report ON chat_sessions (report_id) WHERE report_id IS NOT NULL;

-- Reports erased by their author: a ticket sealed before the erasure must not bring a conversation back.
CREATE TABLE chat_erased_reports (
    report_id uuid PRIMARY KEY,
    erased_at timestamptz NOT NULL DEFAULT now()
);
