"""Escalation as the platform sees it (relais_shared.manifest): read by `relais`, the deployments and the tests."""

from relais_escalation import retention
from relais_escalation.settings import EscalationSettings
from relais_shared.manifest import ServiceManifest

manifest = ServiceManifest(
    name="escalation",
    settings=EscalationSettings,
    app_factory="relais_escalation.app:create_app",
    retention=retention.rules,
    consumers={"escalation.emergencies": ("emergency.raised", "report.erased")},
    background_tasks=("deadline-scheduler", "routing-lookups", "staffing-watch", "console-fanout", "console-pump"),
)
