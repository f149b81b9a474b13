"""Create the services' broker users from broker_grants' table, on a local broker or through the management API.

    python -m relais_shared.broker_users local    # ./dev up: fresh passwords, rabbitmqctl; prints shell exports
    python -m relais_shared.broker_users load     # docker-compose: posts the definitions to the management API

`local` prints `export RELAIS_<SERVICE>_AMQP_URL=…` lines for the shell to evaluate, and nothing when it cannot
act (a remote broker, no rabbitmqctl, no right to use it): the services then share RELAIS_AMQP_URL's user.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import aio_pika
import aiormq

from relais_shared.broker_grants import GRANTS, definitions, user_name
from relais_shared.topology import ConsumerTopology

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def import_with_rabbitmqctl(document: dict[str, Any], timeout: float = 120) -> None:
    """Import definitions into this machine's broker (users, permissions, exchange), in one command."""
    ctl = shutil.which("rabbitmqctl")
    if ctl is None:
        raise RuntimeError("rabbitmqctl is not installed here")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(document, file)
    try:
        os.chmod(file.name, 0o644)  # read by the CLI, which may run as another user
        done = subprocess.run([ctl, "-q", "import_definitions", file.name], capture_output=True, text=True,
                              timeout=timeout, check=False)
    finally:
        os.unlink(file.name)
    if done.returncode != 0:
        raise RuntimeError(f"rabbitmqctl import_definitions failed: {done.stderr.strip()[:300]}")


def delete_with_rabbitmqctl(usernames: list[str], vhost: str | None = None, timeout: float = 120) -> None:
    """Remove users (and a virtual host) in one command each: rabbitmqctl starts slowly."""
    ctl = shutil.which("rabbitmqctl")
    if ctl is None:
        return
    names = ", ".join(f'<<"{u}">>' for u in usernames)
    expression = f'[rabbit_auth_backend_internal:delete_user(U, <<"relais">>) || U <- [{names}]].'
    subprocess.run([ctl, "-q", "eval", expression], capture_output=True, timeout=timeout, check=False)
    if vhost is not None:
        subprocess.run([ctl, "-q", "delete_vhost", vhost], capture_output=True, timeout=timeout, check=False)


def amqp_url(base_url: str, username: str, password: str) -> str:
    """`base_url` (host, port, virtual host) with another user's credentials."""
    parts = urlsplit(base_url)
    netloc = f"{quote(username, safe='')}:{quote(password, safe='')}@{parts.hostname}:{parts.port or 5672}"
    return parts._replace(netloc=netloc).geturl()


async def recreate_old_queues(admin_url: str, namespace: str) -> list[str]:
    """Delete the main and retry queues declared before retries left the default exchange (development only).

    Their arguments cannot change in place and no service user may declare them as they were: the services
    declare them again at start. Dead-letter queues are kept (their arguments did not change).
    """
    removed = []
    connection = await aio_pika.connect(admin_url)
    try:
        for consumer, keys in {c: k for g in GRANTS.values() for c, k in g.consumers.items()}.items():
            topo = ConsumerTopology(namespace, consumer, keys)
            channel = await connection.channel()
            try:
                await channel.declare_queue(topo.queue, durable=True, arguments=topo.main_arguments())
                await channel.close()
            except aiormq.exceptions.ChannelPreconditionFailed:
                channel = await connection.channel()
                for name in [topo.queue] + [topo.retry_queue(i) for i in range(len(topo.retry_delays_ms))]:
                    await channel.queue_delete(name)
                removed.append(consumer)
    finally:
        await connection.close()
    return removed


def local(base_url: str, namespace: str) -> list[str]:
    """Users with fresh passwords on this machine's broker; shell lines giving each service its own URL."""
    parts = urlsplit(base_url)
    if parts.hostname not in LOCAL_HOSTS:
        print(f"relais: broker {parts.hostname} is not this machine's: services share its user", file=sys.stderr)
        return []
    vhost = unquote(parts.path[1:]) if len(parts.path) > 1 else "/"
    passwords = {service: secrets.token_urlsafe(24) for service in GRANTS}
    try:
        import_with_rabbitmqctl(definitions(namespace, vhost, passwords))
        removed = asyncio.run(recreate_old_queues(base_url, namespace))
    except (RuntimeError, OSError, subprocess.SubprocessError, aiormq.exceptions.AMQPError) as exc:
        print(f"relais: broker users not created ({exc}): services share RELAIS_AMQP_URL's user", file=sys.stderr)
        return []
    if removed:
        print(f"relais: queues of {', '.join(removed)} had the old layout and were removed (development "
              "messages in them are lost)", file=sys.stderr)
    return [f"export RELAIS_{service.upper()}_AMQP_URL="
            + shlex.quote(amqp_url(base_url, user_name(namespace, service), password))
            for service, password in passwords.items()]


def load(management_url: str, admin: str, admin_password: str, namespace: str, vhost: str,
         passwords: dict[str, str], attempts: int = 30) -> None:
    """Post the definitions to the management API (retrying while the broker starts)."""
    body = json.dumps(definitions(namespace, vhost, passwords)).encode()
    token = base64.b64encode(f"{admin}:{admin_password}".encode()).decode()
    if not management_url.startswith(("http://", "https://")):
        raise ValueError("the management URL must be http(s)")
    request = urllib.request.Request(  # noqa: S310 - an http(s) URL, checked above
        management_url.rstrip("/") + "/api/definitions", data=body, method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Basic {token}"})
    for attempt in range(attempts):
        try:
            with urllib.request.urlopen(request, timeout=10):  # noqa: S310 - the operator's own broker URL
                return
        except (urllib.error.URLError, OSError):
            if attempt + 1 == attempts:
                raise
            time.sleep(2)


def main(argv: list[str]) -> int:
    namespace = os.environ.get("RELAIS_NAMESPACE", "relais")
    if argv == ["local"]:
        lines = local(os.environ.get("RELAIS_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"), namespace)
        print("\n".join(lines))
        return 0
    if argv == ["load"]:
        passwords = {s: os.environ[f"RELAIS_BROKER_{s.upper()}_PASSWORD"] for s in GRANTS}
        load(os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://rabbitmq:15672"), os.environ["RABBITMQ_USER"],
             os.environ["RABBITMQ_PASSWORD"], namespace, os.environ.get("RELAIS_BROKER_VHOST", "/"), passwords)
        print(f"relais: broker users of {', '.join(GRANTS)} are in place", file=sys.stderr)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
