-- One entry per case: the report's call-back entry and the intervention's are the same row, found by report id.
CREATE UNIQUE INDEX entries_one_per_report ON entries (report_id) WHERE report_id IS NOT NULL;

-- A danger-now report is not a "standard" case, whatever the questionnaire's score said.
ALTER TABLE report_facts ADD COLUMN danger_now boolean NOT NULL DEFAULT false;

-- An erased case keeps its outcome codes for statistics, never how to reach her.
ALTER TABLE entries DROP CONSTRAINT entries_contact_status,
    ADD CONSTRAINT entries_contact_status CHECK (contact_status IN ('on_file', 'from_intake', 'missing', 'erased'));

-- Erasures remembered so that a late or replayed event about the report brings nothing back. Only a random id
-- and a time: nothing that identifies her, so no retention limit shorter than the events that could come late.
CREATE TABLE erased_reports (
    report_id  uuid        PRIMARY KEY,
    erased_at  timestamptz NOT NULL DEFAULT now()
);
