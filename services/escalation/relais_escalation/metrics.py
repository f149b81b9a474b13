"""Escalation's own Prometheus metrics (module-level: several apps in one process share them)."""

from prometheus_client import Counter, Gauge, Histogram

INCIDENTS_OPEN = Gauge("relais_escalation_incidents_open", "Incidents not closed yet", ["status"])
ACK_SECONDS = Histogram("relais_escalation_ack_seconds", "Seconds from incident opened to acknowledgement",
                        ["priority"], buckets=(1, 2, 5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600))
ESCALATIONS = Counter("relais_escalation_escalations_total", "Climbs up the ladder", ["reason", "target"])
DEADLINE_LATENESS = Histogram("relais_escalation_deadline_lateness_seconds",
                              "How late a missed deadline fired after it was due",
                              buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10))
CENTRES_UNSTAFFED = Gauge("relais_escalation_centres_unstaffed", "Known centres with no dispatcher on duty")
CONSOLES = Gauge("relais_escalation_consoles_connected", "Dispatch consoles connected to this replica")
