-- One case across services: what escalation keeps of it (danger level, chat session, her contact sealed at rest
-- for this incident), when a report's erasure reached it, and the routing question still to ask.
ALTER TABLE incidents
    ADD COLUMN danger_level     text        NOT NULL DEFAULT 'standard',
    ADD COLUMN chat_session_id  uuid,
    ADD COLUMN contact_sealed   bytea,
    ADD COLUMN erased_at        timestamptz,
    -- Asked of routing outside the consumer's transaction, by a background task: due time and attempts so far.
    ADD COLUMN lookup_due_at    timestamptz,
    ADD COLUMN lookup_attempts  int         NOT NULL DEFAULT 0;

CREATE INDEX incidents_report ON incidents (report_id) WHERE report_id IS NOT NULL;
CREATE INDEX incidents_lookup_due ON incidents (lookup_due_at) WHERE lookup_due_at IS NOT NULL;

-- Reports erased by their author: an emergency of such a report arriving late keeps nothing identifying.
CREATE TABLE erased_reports (
    report_id  uuid PRIMARY KEY,
    erased_at  timestamptz NOT NULL DEFAULT now()
);
