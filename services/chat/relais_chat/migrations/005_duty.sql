-- Who is on duty at the chat and triage consoles (relais_chat.duty), published as operator.on_duty leases
-- (relais_shared/duty_leases.py keeps the leases).
-- One row per open officer console socket, touched by its node while it is open: a node that crashed leaves
-- rows nobody touches, and they stop counting once older than a lease.
CREATE TABLE duty_sockets (
    connection_id uuid        PRIMARY KEY,
    operator_sub  text        NOT NULL,
    seen_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX duty_sockets_operator ON duty_sockets (operator_sub);

