"""Who may do what on the broker: each service's own queues and the events it publishes, in one table.

Every deployment builds its RabbitMQ users from this table: `./dev up` and the tests (rabbitmqctl
import_definitions), docker-compose (a one-shot container posts the same definitions to the management API),
Kubernetes (User, Permission and TopicPermission resources, which tests/deploy compare with it). Tests also
compare it with the code: the consumers each app factory wires and the events each service constructs.

A service user may declare (configure) only names under `<namespace>.<service>.`, consume (read) only those,
bind them to the events exchange only under the keys it consumes (topic read), and publish on the events
exchange only the keys it emits (topic write). Nobody but the administrator may write to the default exchange,
which reaches every queue by name, or declare or delete the events exchange.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from relais_shared.topology import events_exchange


@dataclass(frozen=True)
class ServiceGrants:
    service: str
    consumers: dict[str, tuple[str, ...]]  # consumer name -> the event types its queue is bound to
    publishes: tuple[str, ...]  # event types it puts on the events exchange
    node_keys: tuple[str, ...] = field(default=())  # binding keys of its per-replica wake-up queue

    @property
    def binding_keys(self) -> tuple[str, ...]:
        return tuple(sorted({k for keys in self.consumers.values() for k in keys} | set(self.node_keys)))


STATS_EVENTS = (
    "report.received", "report.routed", "report.unroutable", "report.erased", "report.closed", "chat.session_started",
    "chat.session_claimed", "chat.session_closed", "dispatch.incident_opened", "dispatch.incident_acknowledged",
    "dispatch.incident_escalated", "dispatch.incident_closed", "followup.entry_created",
    "followup.attempt_recorded", "followup.entry_overdue", "followup.entry_closed", "operator.on_duty",
)
GRANTS: dict[str, ServiceGrants] = {g.service: g for g in (
    ServiceGrants("intake", {"intake.routing-results": ("report.routed", "report.unroutable")},
                  ("report.received", "emergency.raised", "report.erased", "report.closed")),
    ServiceGrants("routing", {"routing.reports": ("report.received", "report.erased")},
                  ("report.routed", "report.unroutable")),
    ServiceGrants("chat", {"chat.erasures": ("report.erased",)},
                  ("chat.session_started", "chat.session_claimed", "chat.session_transferred", "chat.message_posted",
                   "chat.victim_exited", "chat.session_closed", "emergency.raised", "operator.on_duty"),
                  node_keys=("chat.#",)),
    ServiceGrants("escalation", {"escalation.emergencies": ("emergency.raised", "report.erased")},
                  ("dispatch.incident_opened", "dispatch.incident_acknowledged", "dispatch.incident_escalated",
                   "dispatch.centre_unstaffed", "dispatch.incident_closed", "intervention.completed",
                   "operator.on_duty"),
                  node_keys=("dispatch.#",)),
    ServiceGrants("followup", {"followup.interventions": ("intervention.completed",),
                               "followup.reports": ("report.received", "report.routed", "report.erased")},
                  ("followup.entry_created", "followup.attempt_recorded", "followup.entry_overdue",
                   "followup.entry_closed", "emergency.raised")),
    ServiceGrants("stats", {"stats.events": STATS_EVENTS}, ()),
)}


def user_name(namespace: str, service: str) -> str:
    return f"{namespace}-{service}"


def _one_of(names: Iterable[str]) -> str:
    """An anchored regular expression matching exactly these names ("^$", nothing, when there are none)."""
    names = sorted(names)
    return f"^({'|'.join(re.escape(n) for n in names)})$" if names else "^$"


def permissions(namespace: str, service: str) -> dict[str, str]:
    """Configure, write and read regular expressions of a service's user in the namespace's virtual host."""
    own = f"^{re.escape(namespace)}\\.{re.escape(service)}\\."
    own_or_events = f"^({re.escape(namespace)}\\.{re.escape(service)}\\..*|{re.escape(events_exchange(namespace))})$"
    return {"configure": own, "write": own_or_events if GRANTS[service].publishes else own, "read": own_or_events}


def topic_permissions(namespace: str, service: str) -> dict[str, str]:
    """Which routing keys a service may publish (write) and bind its queues to (read) on the events exchange."""
    grants = GRANTS[service]
    return {"exchange": events_exchange(namespace), "write": _one_of(grants.publishes),
            "read": _one_of(grants.binding_keys)}


def password_hash(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's rabbit_password_hashing_sha256: base64(salt + sha256(salt + password)), 4 bytes of salt."""
    salt = salt if salt is not None else os.urandom(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def definitions(namespace: str, vhost: str, passwords: dict[str, str]) -> dict[str, Any]:
    """RabbitMQ definitions (users, permissions, the events exchange) for every service given a password."""
    services = [s for s in GRANTS if s in passwords]
    return {
        "vhosts": [{"name": vhost}],
        "users": [{"name": user_name(namespace, s), "password_hash": password_hash(passwords[s]),
                   "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": []} for s in services],
        "permissions": [{"user": user_name(namespace, s), "vhost": vhost, **permissions(namespace, s)}
                        for s in services],
        "topic_permissions": [{"user": user_name(namespace, s), "vhost": vhost, **topic_permissions(namespace, s)}
                              for s in services],
        "exchanges": [{"name": events_exchange(namespace), "vhost": vhost, "type": "topic", "durable": True,
                       "auto_delete": False, "internal": False, "arguments": {}}],
    }


def kubernetes_objects(namespace: str, cluster: str = "relais-rabbitmq", vhost: str = "/") -> list[dict[str, Any]]:
    """Messaging Topology Operator resources: the events exchange, then a User, Permission, TopicPermission each."""
    reference = {"name": cluster}
    objects: list[dict[str, Any]] = [{
        "apiVersion": "rabbitmq.com/v1beta1", "kind": "Exchange", "metadata": {"name": "relais-events"},
        "spec": {"name": events_exchange(namespace), "type": "topic", "durable": True, "autoDelete": False,
                 "vhost": vhost, "rabbitmqClusterReference": reference}}]
    for service in GRANTS:
        name = f"relais-broker-{service}"
        objects += [
            {"apiVersion": "rabbitmq.com/v1beta1", "kind": "User", "metadata": {"name": name},
             "spec": {"tags": [], "rabbitmqClusterReference": reference}},
            {"apiVersion": "rabbitmq.com/v1beta1", "kind": "Permission", "metadata": {"name": name},
             "spec": {"vhost": vhost, "userReference": {"name": name}, "permissions": permissions(namespace, service),
                      "rabbitmqClusterReference": reference}},
            {"apiVersion": "rabbitmq.com/v1beta1", "kind": "TopicPermission", "metadata": {"name": name},
             "spec": {"vhost": vhost, "userReference": {"name": name},
                      "permissions": topic_permissions(namespace, service), "rabbitmqClusterReference": reference}},
        ]
    return objects
