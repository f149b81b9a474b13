-- Operators on duty at each console, from operator.on_duty leases (relais_stats.duties). A live state, not a
-- fact to count: never in the event log, untouched by a rebuild. The operator is a keyed hash of her id; the
-- alias is the name supervisors know her by. An ended duty keeps its row (until = its end) so that a late
-- renewal cannot bring it back; retention removes old rows.
CREATE TABLE operator_duties (
    operator    text        NOT NULL,
    console     text        NOT NULL,
    alias       text        NOT NULL,
    force       text        NOT NULL,
    departments text[]      NOT NULL,
    until       timestamptz NOT NULL,
    at          timestamptz NOT NULL,   -- time of the latest event applied: an older one never overrides it
    PRIMARY KEY (operator, console)
);
CREATE INDEX operator_duties_until ON operator_duties (until);
