"""Intake as the platform sees it (relais_shared.manifest): read by `relais`, the deployments and the tests."""

from relais_intake import retention
from relais_intake.settings import IntakeSettings
from relais_shared.manifest import ServiceManifest

manifest = ServiceManifest(
    name="intake",
    settings=IntakeSettings,
    app_factory="relais_intake.app:create_app",
    retention=retention.rules,
    consumers={"intake.routing-results": ("report.routed", "report.unroutable")},
    cli_group="relais_intake.cli:group",
)
