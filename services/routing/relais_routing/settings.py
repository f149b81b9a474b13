"""Configuration of the routing service."""

from typing import ClassVar

from relais_shared.settings import RelaisSettings, service_setting

_env = service_setting("routing")


class RoutingSettings(RelaisSettings):
    """Routing service (port 8002)."""

    service_name: ClassVar[str] = "routing"
    default_port: ClassVar[int] = 8002

    # A report waits on the national triage list at most this long (relais_routing.retention).
    retention_triage_days: int = _env("retention_triage_days", 365, ge=1)
