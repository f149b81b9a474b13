"""A service's manifest: what the service is made of, declared once.

`relais up`, `relais purge` and `relais migrate`, the deployments' tests and the test harness read the six
manifests (relais_cli.services) instead of keeping their own lists. Services never import each other; only the
command line imports every manifest. A manifest is cheap to import: the app factory and the command group are
named ("module:attribute") and imported only when used, so `relais purge` never builds an app.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from relais_shared.consumer import ConsumerSpec, Handler
from relais_shared.db import Migration, migrate_as_owner
from relais_shared.retention import SHARED_RULES, PurgeRule
from relais_shared.runtime import service_migrations
from relais_shared.settings import RelaisSettings

RetentionRules = Callable[[Any], tuple[PurgeRule, ...]]  # the service's settings -> its own purge rules


@dataclass(frozen=True)
class ServiceManifest:
    """One service: its settings, app, consumers, background tasks, retention rules and `relais` subcommands.

    `retention` is required: a service that keeps nothing time-bound says so with a function returning (),
    never by leaving the rules out. `consumers` maps each consumer (its queue) to the event types it takes;
    the app factory binds a handler to each through `consumer_specs`. `background_tasks` names what the app
    spawns beside its routes and consumers (the shared runtime's own tasks aside).
    """

    name: str
    settings: type[RelaisSettings]
    app_factory: str  # "relais_<name>.app:create_app": called with the settings, or None for the environment's
    retention: RetentionRules
    consumers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    background_tasks: tuple[str, ...] = ()
    cli_group: str | None = None  # "relais_<name>.cli:group": `relais <name> …`

    def __post_init__(self) -> None:
        if self.settings.service_name != self.name:
            raise ValueError(f"{self.name}: its settings class is {self.settings.service_name}'s")
        foreign = [c for c in self.consumers if not c.startswith(f"{self.name}.")]
        if foreign:  # the broker user may only declare queues under its own name (broker_grants)
            raise ValueError(f"{self.name}: consumers outside its own names: {foreign}")

    @property
    def package(self) -> str:
        return f"relais_{self.name}"

    @property
    def default_port(self) -> int:
        return self.settings.default_port

    def create_app(self, settings: RelaisSettings | None = None) -> Any:
        """The service's FastAPI app, exactly as its process builds it."""
        return _load(self.app_factory)(settings)

    def consumer_specs(self, handlers: Mapping[str, Mapping[str, Handler]]) -> list[ConsumerSpec]:
        """The declared consumers with a handler for each declared event type: no more, no fewer."""
        wired = {name: set(by_type) for name, by_type in handlers.items()}
        declared = {name: set(types) for name, types in self.consumers.items()}
        if wired != declared:
            raise ValueError(f"{self.name}: the handlers {wired} are not the manifest's consumers {declared}")
        return [ConsumerSpec(name, dict(handlers[name])) for name in self.consumers]

    def retention_rules(self, settings: RelaisSettings) -> tuple[PurgeRule, ...]:
        """Every rule a purge of this service applies: the shared tables' first, then its own."""
        return SHARED_RULES + tuple(self.retention(settings))

    def migrations(self) -> list[Migration]:
        return service_migrations(self.name)

    async def migrate(self, url: str, runtime_password: str | None = None) -> list[str]:
        """The pre-start step: migrate as the database's owner (creating the runtime role given its password)."""
        return await migrate_as_owner(url, self.name, runtime_password)

    def command_group(self) -> Any:
        """Its `relais <name>` click group, or None when it has no commands of its own."""
        return _load(self.cli_group) if self.cli_group else None


def _load(reference: str) -> Any:
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)
