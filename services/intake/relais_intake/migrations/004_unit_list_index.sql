-- The unit list filters by scope in SQL and pages by (created_at, id): this index serves a department's page
-- without reading other departments' reports.
CREATE INDEX IF NOT EXISTS reports_scope_page
    ON reports ((routing->>'department'), created_at DESC, id DESC) WHERE status <> 'erased';
