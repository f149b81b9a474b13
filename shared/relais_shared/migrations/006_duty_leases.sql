-- The on-duty lease last published for an operator at a console (relais_shared/duty_leases.py,
-- operator.on_duty): renewals are published only when due. Services with consoles fill it; others leave it empty.
CREATE TABLE IF NOT EXISTS duty_leases (
    operator_sub text        NOT NULL,
    console      text        NOT NULL,
    until        timestamptz NOT NULL,
    PRIMARY KEY (operator_sub, console)
);
