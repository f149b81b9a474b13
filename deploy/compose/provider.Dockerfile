# syntax=docker/dockerfile:1
# The development OpenID Connect provider of docker compose (profile dev-provider): LemonLDAP::NG's portal from
# Debian's packages, configured by the project's CLI (cli/relais_cli/provider) with the demo operators, started
# by deploy/compose/provider.py. NEVER for real operators: its accounts and their password are published.
# Build from the repository root (BuildKit reads deploy/compose/provider.Dockerfile.dockerignore):
#   docker build -f deploy/compose/provider.Dockerfile -t relais-dev-provider .

# ---- builder: the project's CLI (the root package `relais`) from uv.lock into /app/.venv ----
FROM debian:bookworm-slim AS builder

RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /bin/uv

# The venv is built at the path it runs from, with Debian's python3 (3.11), the interpreter of the runtime stage.
ENV UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON=/usr/bin/python3.11 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy

WORKDIR /src

# Workspace metadata first: uv needs every member's pyproject.toml to read the workspace lock.
COPY pyproject.toml uv.lock ./
COPY shared/pyproject.toml shared/pyproject.toml
COPY services/intake/pyproject.toml services/intake/pyproject.toml
COPY services/routing/pyproject.toml services/routing/pyproject.toml
COPY services/chat/pyproject.toml services/chat/pyproject.toml
COPY services/escalation/pyproject.toml services/escalation/pyproject.toml
COPY services/followup/pyproject.toml services/followup/pyproject.toml
COPY services/stats/pyproject.toml services/stats/pyproject.toml

# Third-party dependencies only (cached layer while the lock is unchanged).
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package relais --no-editable --no-install-workspace

# Then the workspace code, installed as wheels (not editable) so /src is not needed at run time.
COPY shared/ shared/
COPY services/ services/
COPY cli/ cli/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package relais --no-editable

# ---- runtime: Debian's LemonLDAP::NG and Starman (the packages ./dev installs), the venv, a non-root user ----
FROM debian:bookworm-slim AS runtime

# With their recommended packages, as ./dev installs them (the configuration is tested that way).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y python3 \
       liblemonldap-ng-portal-perl libdbd-sqlite3-perl libcrypt-openssl-bignum-perl starman \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 relais \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin relais \
    && install -d -o 10001 -g 10001 -m 0700 /var/lib/relais-provider

# Owned by root and read-only for the provider's user.
COPY --from=builder /app/.venv /app/.venv
COPY deploy/compose/provider.py /app/provider.py

ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    RELAIS_PROVIDER_WORKDIR=/var/lib/relais-provider

WORKDIR /app
USER 10001:10001
EXPOSE 8009

# The discovery document at the issuer's own address (its network alias inside compose).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(os.environ.get('RELAIS_OIDC_ISSUER', 'http://sso.localhost:8009') + '/.well-known/openid-configuration', timeout=4)"]

STOPSIGNAL SIGTERM
CMD ["python", "/app/provider.py"]
