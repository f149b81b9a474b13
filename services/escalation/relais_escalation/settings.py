"""Configuration of the escalation service."""

from typing import ClassVar

from relais_shared.settings import RelaisSettings, service_setting

_env = service_setting("escalation")


class EscalationSettings(RelaisSettings):
    """Escalation service (port 8004)."""

    service_name: ClassVar[str] = "escalation"
    default_port: ClassVar[int] = 8004

    routing_url: str = _env("routing_url", "http://127.0.0.1:8002")
    # Routing is asked only for an emergency that came without a jurisdiction, by a background task and never
    # in the consumer's transaction; the incident waits at national supervision meanwhile.
    routing_timeout_seconds: float = _env("routing_timeout_seconds", 1.0)
    # Routing down: ask again after this many seconds times the attempts so far, at most this many times.
    routing_retry_seconds: float = _env("routing_retry_seconds", 5.0)
    routing_max_attempts: int = _env("routing_max_attempts", 5)
    policies_path: str | None = _env("policies_path", None)  # None: the packaged data/policies.json
    scheduler_max_sleep_seconds: float = _env("scheduler_max_sleep_seconds", 0.5)
    # A console that has not sent a heartbeat for this long no longer counts as on duty.
    presence_timeout_seconds: float = _env("presence_timeout_seconds", 20.0)
    staffing_check_seconds: float = _env("staffing_check_seconds", 5.0)
    unstaffed_alert_period_seconds: float = _env("unstaffed_alert_period_seconds", 300.0)
    # Safety net under the broker's fan-out: every replica re-reads the feed this often.
    feed_poll_seconds: float = _env("feed_poll_seconds", 1.0)
    # Anonymous emergencies (from intake's reports) one department, and the whole country, may open in a window
    # before the next ones join a burst: one card that rings once on the console. Intake marks bursts by its own
    # ceilings; this one also catches what comes unmarked.
    emergency_ceiling_department: int = _env("emergency_ceiling_department", 10, ge=1)
    emergency_ceiling_national: int = _env("emergency_ceiling_national", 60, ge=1)
    emergency_ceiling_window_seconds: float = _env("emergency_ceiling_window_seconds", 900.0, gt=0)
    # Duty (operator.on_duty): a dispatcher with a console open counts as on duty for a lease this long, renewed
    # by the console's heartbeats about this often; a replica that crashes stops renewing: she drops off at its end.
    duty_lease_seconds: float = _env("duty_lease_seconds", 180.0, gt=0)
    duty_renew_seconds: float = _env("duty_renew_seconds", 60.0, gt=0)
    # A closed incident keeps its sealed summary, location, contact and patrol, and its notes, this long
    # (relais_escalation.retention); its codes and times stay.
    retention_closed_days: int = _env("retention_closed_days", 365, ge=1)
