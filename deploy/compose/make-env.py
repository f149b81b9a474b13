#!/usr/bin/env python3
"""Write the `.env` that docker compose reads: fresh secrets for one Relais installation.

    python3 deploy/compose/make-env.py                  # writes .env next to docker-compose.yml
    python3 deploy/compose/make-env.py --output PATH    # somewhere else (compose --env-file PATH)

Standard library only: it runs before anything is installed. It never overwrites an existing file unless given
--force: the data keys in it open what the database holds, and the database and broker keep the passwords they
were first given (start again from empty volumes, `docker compose down -v`, after a --force).

Operators sign in through the development provider of compose (profile dev-provider, demo accounts) unless
RELAIS_OIDC_ISSUER names a real one in the environment; then RELAIS_OIDC_CLIENT_SECRET (and, when its claims
are not the defaults, RELAIS_OIDC_CLAIMS) must be given too: docs/operations.md, "Operators' sign-in".
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import sys
import time
from pathlib import Path

COMPOSE_DIR = Path(__file__).resolve().parents[2]  # where docker-compose.yml is
SERVICES = ("intake", "routing", "chat", "escalation", "followup", "stats")
DEV_PROVIDER_ISSUER = "http://sso.localhost:8009"
DEV_PROVIDER_PROFILE = "dev-provider"
DEFAULT_CLIENT_ID = "relais-consoles"


def password() -> str:
    """URL-safe (it goes into connection URLs), 32 characters."""
    return secrets.token_urlsafe(24)


def oidc_values(environ: dict[str, str]) -> dict[str, str]:
    """The identity provider: a real one from the environment, else compose's development provider."""
    issuer = environ.get("RELAIS_OIDC_ISSUER", "").rstrip("/")
    values = {"RELAIS_OIDC_CLIENT_ID": environ.get("RELAIS_OIDC_CLIENT_ID") or DEFAULT_CLIENT_ID,
              "RELAIS_OIDC_CLAIMS": environ.get("RELAIS_OIDC_CLAIMS") or "{}"}  # {}: the default mapping
    json.loads(values["RELAIS_OIDC_CLAIMS"])  # a typo is caught here, not at the services' start
    if not issuer or issuer == DEV_PROVIDER_ISSUER:
        values.update(COMPOSE_PROFILES=DEV_PROVIDER_PROFILE, RELAIS_OIDC_ISSUER=DEV_PROVIDER_ISSUER,
                      RELAIS_OIDC_CLIENT_SECRET=environ.get("RELAIS_OIDC_CLIENT_SECRET") or secrets.token_urlsafe(32))
        return values
    secret = environ.get("RELAIS_OIDC_CLIENT_SECRET", "")
    if len(secret) < 16:
        raise SystemExit("make-env: with RELAIS_OIDC_ISSUER set, give the client secret your provider registered "
                         "for Relais in RELAIS_OIDC_CLIENT_SECRET")
    values.update(RELAIS_OIDC_ISSUER=issuer, RELAIS_OIDC_CLIENT_SECRET=secret)
    return values


def environment(environ: dict[str, str]) -> dict[str, str]:
    """Every variable docker-compose.yml asks for, with fresh random secrets."""
    key_id = time.strftime("%Y-%m")  # the data key's id: a rotation adds the next month's (docs/operations.md)
    values = {
        "RELAIS_SECRET_KEY": secrets.token_urlsafe(48),
        "RELAIS_ACTIVE_DATA_KEY": key_id,
        "RELAIS_DATA_KEYS": json.dumps({key_id: base64.b64encode(secrets.token_bytes(32)).decode()},
                                       separators=(",", ":")),
        **oidc_values(environ),
        # The broker's and the database's administrators (the one-shot containers only).
        "RABBITMQ_USER": "relais", "RABBITMQ_PASSWORD": password(),
        "POSTGRES_USER": "relais", "POSTGRES_PASSWORD": password(),
    }
    for service in SERVICES:  # each service's own broker user and database role
        values[f"RABBITMQ_{service.upper()}_PASSWORD"] = password()
        values[f"POSTGRES_{service.upper()}_PASSWORD"] = password()
    return values


def render(values: dict[str, str]) -> str:
    """Single-quoted values: compose reads them literally (no $ expansion), JSON's double quotes included."""
    lines = ["# Written by deploy/compose/make-env.py. Secrets: keep this file to this machine and its owner.",
             "# The data keys open what the database holds: losing them loses the reports."]
    for name, value in values.items():
        if "'" in value or "\n" in value:
            raise SystemExit(f"make-env: {name} holds a quote or a line break, which a .env cannot carry literally")
        lines.append(f"{name}='{value}'")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Write the .env docker compose reads, with fresh secrets.")
    parser.add_argument("--output", type=Path, default=COMPOSE_DIR / ".env", help="default: .env beside "
                        "docker-compose.yml")
    parser.add_argument("--force", action="store_true", help="replace an existing file (new keys and passwords)")
    args = parser.parse_args(argv)
    if args.output.exists() and not args.force:
        print(f"make-env: {args.output} exists; kept as it is (--force replaces it, with new keys)", file=sys.stderr)
        return 1
    text = render(environment(dict(os.environ)))
    descriptor = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    os.chmod(args.output, 0o600)  # also when --force replaced a file that had wider rights
    print(f"make-env: wrote {args.output}; next: docker compose up --build -d", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
