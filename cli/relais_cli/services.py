"""The six services the CLI knows how to run, in start order."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from relais_shared.settings import RelaisSettings


@dataclass(frozen=True)
class ServiceEntry:
    name: str

    @property
    def module(self) -> str:
        return f"relais_{self.name}"

    def settings_class(self) -> type[RelaisSettings]:
        module = importlib.import_module(f"{self.module}.settings")
        return next(v for k, v in vars(module).items() if k.endswith("Settings") and k != "RelaisSettings")


SERVICES = {name: ServiceEntry(name) for name in ("routing", "intake", "chat", "escalation", "followup", "stats")}
