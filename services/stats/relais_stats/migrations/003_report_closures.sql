-- Reports the competent unit closed, counted by outcome code per week and department (nothing per report).
CREATE TABLE report_closures (
    iso_week   text NOT NULL,
    force      text NOT NULL,
    department text NOT NULL,
    outcome    text NOT NULL,
    n          int  NOT NULL,
    PRIMARY KEY (iso_week, force, department, outcome)
);
