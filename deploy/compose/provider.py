"""The development OpenID Connect provider of docker compose (profile dev-provider), in its container.

It is the provider `relais provider` runs (cli/relais_cli/provider: LemonLDAP::NG's portal under Starman, the
demo operators), with what a container needs instead of a developer's machine:
- an issuer both the browser and the other containers resolve the same way (RELAIS_OIDC_ISSUER, by default
  http://sso.localhost:8009: Chromium sends *.localhost to the loopback, where compose publishes port 8009, and
  the containers reach this one by its network alias sso.localhost);
- the client secret the services were given (RELAIS_OIDC_CLIENT_SECRET, from the .env make-env.py wrote);
- listening on every interface of the container (RELAIS_PROVIDER_LISTEN), not 127.0.0.1 only.
NEVER for real operators: its accounts and their password are published in this repository.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from relais_cli.provider.accounts import write_users_database
from relais_cli.provider.command import describe_accounts, service_bases
from relais_cli.provider.config import ProviderConfig, write_configuration
from relais_cli.provider.dev_provider import PORTAL_PSGI, STARMAN, callback_uris, signed_out_uris

DEFAULT_ISSUER = "http://sso.localhost:8009"
SERVICE_PORTS = (8001, 8002, 8003, 8004, 8005, 8006)  # docker-compose.yml publishes them on 127.0.0.1
ACCESS_TOKEN_SECONDS = 600


def provider_config(environ: dict[str, str]) -> ProviderConfig:
    """The issuer, the consoles' client and where it may send a browser back, from the environment."""
    issuer = environ.get("RELAIS_OIDC_ISSUER", DEFAULT_ISSUER).rstrip("/")
    parts = urlsplit(issuer)
    if parts.scheme != "http" or not parts.port or parts.path:
        raise SystemExit(f"provider: RELAIS_OIDC_ISSUER must be http://<host>:<port>, not {issuer!r}")
    secret = environ.get("RELAIS_OIDC_CLIENT_SECRET", "")
    if len(secret) < 16:
        raise SystemExit("provider: RELAIS_OIDC_CLIENT_SECRET must be the services' client secret (make-env.py)")
    # Both names a browser on this machine may use for a service: the provider checks redirect URIs exactly.
    bases = environ.get("RELAIS_PROVIDER_SERVICE_BASES", "").split() or service_bases(list(SERVICE_PORTS))
    return ProviderConfig(issuer, secret, tuple(callback_uris(bases)), tuple(signed_out_uris(bases)),
                          ACCESS_TOKEN_SECONDS)


def main() -> None:
    config = provider_config(dict(os.environ))
    workdir = Path(os.environ.get("RELAIS_PROVIDER_WORKDIR", "/var/lib/relais-provider"))
    listen = os.environ.get("RELAIS_PROVIDER_LISTEN", f"0.0.0.0:{urlsplit(config.issuer).port}")
    workdir.mkdir(parents=True, exist_ok=True)
    write_users_database(workdir / "users.sqlite")
    ini = write_configuration(workdir, config)
    # `docker compose logs provider` shows the demo accounts.
    print(f"provider: {config.issuer} (listening on {listen})\n{describe_accounts()}", file=sys.stderr, flush=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "LLNG_DEFAULTCONFFILE": str(ini)}
    os.chdir(workdir)
    # Starman replaces this process: the container's init hands it SIGTERM, and it stops its workers.
    os.execve(  # noqa: S606 - an exec of a fixed program with fixed arguments, no shell
        STARMAN, [STARMAN, "--listen", listen, "--workers", "2", "--env", "deployment", str(PORTAL_PSGI)], env)


if __name__ == "__main__":
    main()
