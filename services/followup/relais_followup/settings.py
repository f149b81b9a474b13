"""Configuration of the followup service."""

from typing import ClassVar

from relais_shared.settings import RelaisSettings, service_setting

_env = service_setting("followup")



class FollowupSettings(RelaisSettings):
    """Follow-up: the call-back list worked by departmental cells (port 8005)."""

    service_name: ClassVar[str] = "followup"
    default_port: ClassVar[int] = 8005

    # How long a claim lasts without a heartbeat: long enough for a call, short enough that nobody is forgotten.
    lease_seconds: float = _env("lease_seconds", 300.0, gt=0)
    scheduler_interval_seconds: float = _env("scheduler_interval_seconds", 15.0, gt=0)
    # Closed entries (and their sealed contact and answers) are kept this long, then deleted.
    retention_closed_days: int = _env("retention_closed_days", 365, ge=1)
    # The cell's agreed rules (windows, welfare checks); None: the packaged data/rules.json.
    rules_path: str | None = _env("rules_path", None)
