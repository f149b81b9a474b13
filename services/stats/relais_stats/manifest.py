"""Statistics as the platform sees them (relais_shared.manifest): read by `relais`, the deployments and the tests."""

from relais_shared.manifest import ServiceManifest
from relais_stats import retention
from relais_stats.minimise import EVENT_TYPES
from relais_stats.settings import StatsSettings

manifest = ServiceManifest(
    name="stats",
    settings=StatsSettings,
    app_factory="relais_stats.app:create_app",
    retention=retention.rules,
    consumers={"stats.events": (*EVENT_TYPES, "operator.on_duty")},
    cli_group="relais_stats.cli:group",
)
