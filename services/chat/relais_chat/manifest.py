"""Chat as the platform sees it (relais_shared.manifest): read by `relais`, the deployments and the tests."""

from relais_chat import retention
from relais_chat.settings import ChatSettings
from relais_shared.manifest import ServiceManifest

manifest = ServiceManifest(
    name="chat",
    settings=ChatSettings,
    app_factory="relais_chat.app:create_app",
    retention=retention.rules,
    consumers={"chat.erasures": ("report.erased",)},
    # This node's own queue (live delivery), the queue's watchdog and assignment, the coalesced refreshes.
    background_tasks=("chat-node-queue", "chat-scheduler", "chat-refresher"),
)
