-- Erasure: a report erased by its reporter keeps its place in the counts and loses its join key.
-- Finding an erased report's logged events by key must not scan the whole log.
CREATE INDEX IF NOT EXISTS event_log_ref ON event_log ((payload->>'ref'));

-- Keys of erased reports, so that a late event of one (handled out of order) cannot re-link it; kept only
-- as long as redeliveries are possible (retention rule in relais_stats.erasure).
CREATE TABLE IF NOT EXISTS erased_reports (
    ref       text        PRIMARY KEY,
    erased_at timestamptz NOT NULL DEFAULT now()
);
