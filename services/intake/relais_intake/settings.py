"""Configuration of the intake service."""

from typing import ClassVar

from relais_shared.settings import RelaisSettings, service_setting

_env = service_setting("intake")


class IntakeSettings(RelaisSettings):
    """Intake: the public reporting API and page (port 8001)."""

    service_name: ClassVar[str] = "intake"
    default_port: ClassVar[int] = 8001

    # Where the emergency exit sends the person: a neutral, popular page that explains nothing.
    exit_url: str = _env("exit_url", "https://www.google.fr/search?q=m%C3%A9t%C3%A9o")
    routing_url: str = _env("routing_url", "http://127.0.0.1:8002")
    routing_timeout_seconds: float = _env("routing_timeout_seconds", 2.0)
    # Where a victim's browser goes to talk with an officer: the chat's public pages ("" in production, where
    # one public host serves both, so the start-chat form posts to /chat on the same host).
    chat_public_url: str = _env("chat_public_url", "http://127.0.0.1:8003",
                                pattern=r"^(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?)?$")
    max_body_bytes: int = _env("max_body_bytes", 64 * 1024)
    reports_per_hour: int = _env("reports_per_hour", 60)
    receipt_attempts_per_hour: int = _env("receipt_attempts_per_hour", 30)
    # The emergency exit and the public status look-up, per client network and hour (a refused exit still
    # clears the device; it is only not recorded).
    exits_per_hour: int = _env("exits_per_hour", 60, ge=1)
    status_lookups_per_hour: int = _env("status_lookups_per_hour", 60, ge=1)
    # Argon2 takes 19 MiB per receipt hashed: at most this much memory goes to hashing at once, and no more
    # hashes at once than cores (0: the cores this process may use). A burst waits its turn instead.
    receipt_hash_memory_mib: int = _env("receipt_hash_memory_mib", 96, ge=1)
    receipt_hash_cores: int = _env("receipt_hash_cores", 0, ge=0)
    # Receipt codes that matched no report, per hour and all replicas together, before supervision is alerted
    # (published as a gauge that the RelaisReceiptLookupsFailing rule compares the failures with).
    receipt_failed_lookups_per_hour_alert: int = _env("receipt_failed_lookups_per_hour_alert", 300, ge=1)
    # Emergencies (danger now, severe assessment) one department, and the whole country, may raise in a window
    # before the next ones are marked as a burst: still kept, still given 17/112/114, grouped on the console.
    emergency_ceiling_department: int = _env("emergency_ceiling_department", 10, ge=1)
    emergency_ceiling_national: int = _env("emergency_ceiling_national", 60, ge=1)
    emergency_ceiling_window_seconds: float = _env("emergency_ceiling_window_seconds", 900.0, gt=0)
    # The come-back pages answer no sooner than this, so a wrong receipt takes as long as a right one.
    receipt_answer_seconds: float = _env("receipt_answer_seconds", 0.4)
    # Behind a reverse proxy, how many X-Forwarded-For hops to trust to find the client (0: none).
    trusted_proxy_hops: int = _env("trusted_proxy_hops", 0)
    # Retention: what a report said and how to reach her are kept a year, exits three months.
    retention_content_days: int = _env("retention_content_days", 365)
    retention_exits_days: int = _env("retention_exits_days", 90)
