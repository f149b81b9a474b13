"""Configuration of the routing service."""

from typing import ClassVar

from relais_shared.settings import RelaisSettings


class RoutingSettings(RelaisSettings):
    """Routing service (port 8002)."""

    service_name: ClassVar[str] = "routing"
    default_port: ClassVar[int] = 8002
