"""Routing's own metrics."""

from prometheus_client import Counter, Gauge

LOOKUPS = Counter("relais_routing_lookups_total", "Jurisdiction lookups", ["kind", "outcome"])
UNRESOLVED = Counter("relais_routing_unresolved_total", "Reports sent to national triage", ["reason"])
ROUTED = Counter("relais_routing_routed_total", "Reports routed to a force", ["force"])
COMMUNES_WITHOUT_COMPETENCE = Gauge("relais_routing_communes_without_competence",
                                    "Communes of the loaded data with no competence row")
TRIAGE_ASSIGNED = Counter("relais_routing_triage_assigned_total", "Reports assigned by national triage", ["force"])
ERASED_FROM_TRIAGE = Counter("relais_routing_triage_erased_total", "Reports erased while waiting for triage")
