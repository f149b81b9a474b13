-- report.received v2 tells whether the reporter accepts a call-back, and carries her contact sealed.
ALTER TABLE report_facts
    ADD COLUMN callback_accepted boolean NOT NULL DEFAULT false,
    ADD COLUMN contact jsonb;
