"""Routing as the platform sees it (relais_shared.manifest): read by `relais`, the deployments and the tests."""

from relais_routing import retention
from relais_routing.settings import RoutingSettings
from relais_shared.manifest import ServiceManifest

manifest = ServiceManifest(
    name="routing",
    settings=RoutingSettings,
    app_factory="relais_routing.app:create_app",
    retention=retention.rules,
    consumers={"routing.reports": ("report.received", "report.erased")},
    background_tasks=("competence-watch",),
    cli_group="relais_routing.cli:group",
)
