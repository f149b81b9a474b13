# syntax=docker/dockerfile:1
# One image per Relais service, all from this file: the service is a build argument. From the repository root:
#   docker build --build-arg SERVICE=chat --build-arg PORT=8003 -t relais-chat .
# SERVICE is one of intake, routing, chat, escalation, followup, stats; PORT its port (8001-8006, in that order:
# each service's manifest, relais_<service>/manifest.py). docker-compose.yml passes both.
# The image holds that service only. `python -m relais_<service>` serves it (the default command);
# `python -m relais_<service> migrate` is its pre-start step, the one-shot <service>-migrate in docker-compose.yml
# and the init container on Kubernetes.

# ---- builder: resolve the service's dependencies from uv.lock into /app/.venv ----
FROM python:3.11.13-slim-bookworm AS builder

ARG SERVICE
RUN test -n "${SERVICE}" || { echo "build with --build-arg SERVICE=<intake|routing|chat|…>" >&2; exit 1; }

COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /bin/uv

# The venv is built at the path it runs from, with the interpreter of the runtime stage (same base image).
ENV UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON=/usr/local/bin/python3.11 \
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
    uv sync --frozen --no-dev --package relais-${SERVICE} --no-editable --no-install-workspace

# Then the workspace code this service needs, installed as wheels (not editable) so /src is not needed at run time.
COPY shared/ shared/
COPY services/${SERVICE}/ services/${SERVICE}/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package relais-${SERVICE} --no-editable

# ---- runtime: the same slim base, the venv, a non-root user ----
FROM python:3.11.13-slim-bookworm AS runtime

ARG SERVICE
ARG PORT
RUN test -n "${PORT}" || { echo "build with --build-arg PORT=<the service's port, 8001-8006>" >&2; exit 1; }

RUN groupadd --system --gid 10001 relais \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin relais

# Owned by root and read-only for the service user.
COPY --from=builder /app/.venv /app/.venv

ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    RELAIS_SERVICE=${SERVICE} \
    RELAIS_HTTP_HOST=0.0.0.0 \
    RELAIS_HTTP_PORT=${PORT}

WORKDIR /app
USER 10001:10001
EXPOSE ${PORT}

# No curl in slim images: probe /healthz with the standard library (non-2xx raises, exit status 1).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['RELAIS_HTTP_PORT'], timeout=4)"]

STOPSIGNAL SIGTERM
# A command in exec form takes no build argument: the shell names the service, then gives way to Python (exec),
# which receives the stop signal itself.
CMD ["sh", "-c", "exec python -m \"relais_${RELAIS_SERVICE}\""]
