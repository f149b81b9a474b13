"""Configuration of the chat service."""

from typing import ClassVar

from relais_shared.serve import WS_TRANSPORT_MAX_BYTES
from relais_shared.settings import RelaisSettings, service_setting

_env = service_setting("chat")


class ChatSettings(RelaisSettings):
    """Chat service (port 8003): victim and officer WebSockets, pages, queue, watchdog."""

    service_name: ClassVar[str] = "chat"
    default_port: ClassVar[int] = 8003

    # Where the emergency exit sends the person: a neutral, popular page that explains nothing.
    exit_url: str = _env("exit_url", "https://www.google.fr/search?q=m%C3%A9t%C3%A9o")
    intake_url: str = _env("intake_url", "http://127.0.0.1:8001")
    # Intake's pages as the visitor's browser reaches them: where a chat starts ("/parler") and where she comes
    # back with her receipt ("/retour"). Chat never opens a conversation without intake's ticket.
    intake_public_url: str = _env("intake_public_url", "http://127.0.0.1:8001")
    orientation_timeout_seconds: float = _env("orientation_timeout_seconds", 1.5)
    max_message_chars: int = _env("max_message_chars", 2000)
    # Token bucket per session: a burst of `flood_burst` messages, then `flood_per_second` on average.
    flood_burst: int = _env("flood_burst", 8)
    flood_per_second: float = _env("flood_per_second", 1.0)
    # New conversations per client address and hour (per replica): enough for a victim who reconnects or
    # starts again, too few for a script to fill the officers' queue with empty conversations.
    sessions_per_hour: int = _env("sessions_per_hour", 20, ge=1)
    # New severe conversations one department, and the whole country, may open in a window before the next ones
    # are marked as a burst: still opened, but no longer ahead of every other conversation in the queue.
    severe_ceiling_department: int = _env("severe_ceiling_department", 10, ge=1)
    severe_ceiling_national: int = _env("severe_ceiling_national", 60, ge=1)
    severe_ceiling_window_seconds: float = _env("severe_ceiling_window_seconds", 900.0, gt=0)
    # Proxies in front of chat that append X-Forwarded-For (0: use the socket's address).
    trusted_proxy_hops: int = _env("trusted_proxy_hops", 0, ge=0)
    hello_timeout_seconds: float = _env("hello_timeout_seconds", 10.0)
    # A severe conversation silent (or its victim disconnected) this long alerts the officer.
    watchdog_silence_seconds: float = _env("watchdog_silence_seconds", 180.0)
    watchdog_disconnect_seconds: float = _env("watchdog_disconnect_seconds", 60.0)
    scheduler_interval_seconds: float = _env("scheduler_interval_seconds", 5.0)
    default_capacity: int = _env("default_capacity", 3)
    severe_weight: int = _env("severe_weight", 2)
    # An officer whose console has not been seen this long is not offered conversations automatically.
    presence_stale_seconds: float = _env("presence_stale_seconds", 30.0)
    retention_days: int = _env("retention_days", 365)
    # A waiting conversation whose victim has not been connected for this long leaves the queue: nobody waits
    # unseen, and no officer answers someone who has gone.
    waiting_expiry_seconds: float = _env("waiting_expiry_seconds", 600.0, gt=0)
    # Every socket, checked before a frame is parsed: its size (the longest message, JSON-escaped, fits in
    # 16 KiB), then its pace (a page that replays a long conversation acks each message at once: hence the
    # burst). Past either limit the socket gets an error frame and is closed (1009, 1008). Typing signals are
    # relayed at most once every `ws_typing_every_seconds` per conversation, however often they come.
    ws_max_frame_bytes: int = _env("ws_max_frame_bytes", 16 * 1024, ge=1024, le=WS_TRANSPORT_MAX_BYTES)
    ws_frames_burst: int = _env("ws_frames_burst", 600, ge=1)
    ws_frames_per_second: float = _env("ws_frames_per_second", 20.0, gt=0)
    ws_typing_every_seconds: float = _env("ws_typing_every_seconds", 2.0, ge=0)
    # Duty (operator.on_duty): an officer with a console open counts as on duty for a lease this long, renewed
    # about this often while a socket is open; a node that crashes stops renewing and she drops off at lease end.
    duty_lease_seconds: float = _env("duty_lease_seconds", 180.0, gt=0)
    duty_renew_seconds: float = _env("duty_renew_seconds", 60.0, gt=0)
