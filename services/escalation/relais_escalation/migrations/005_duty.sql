-- The dispatch console's duty lease last published for a dispatcher (relais_escalation.duty, operator.on_duty);
-- her open sockets are the on_duty rows the staffing watch already keeps. Renewals are published only when due.
CREATE TABLE duty_leases (
    operator_sub text        NOT NULL,
    console      text        NOT NULL,
    until        timestamptz NOT NULL,
    PRIMARY KEY (operator_sub, console)
);
