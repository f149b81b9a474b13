"""Follow-up as the platform sees it (relais_shared.manifest): read by `relais`, the deployments and the tests."""

from relais_followup import retention
from relais_followup.settings import FollowupSettings
from relais_shared.manifest import ServiceManifest

manifest = ServiceManifest(
    name="followup",
    settings=FollowupSettings,
    app_factory="relais_followup.app:create_app",
    retention=retention.rules,
    consumers={"followup.interventions": ("intervention.completed",),
               "followup.reports": ("report.received", "report.routed", "report.erased")},
    background_tasks=("scheduler",),
    cli_group="relais_followup.cli:group",
)
