"""Asking routing where an emergency belongs, with a short timeout: an emergency never waits on a service."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import structlog

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Jurisdiction:
    force: str | None
    department: str | None
    centre: str | None
    insee: str | None = None

    @property
    def resolved(self) -> bool:
        return self.force is not None and self.department is not None


UNRESOLVED = Jurisdiction(None, None, None)


def _from_commune(commune: dict) -> Jurisdiction:
    centre = commune.get("operational_centre") or {}
    return Jurisdiction(commune.get("force"), (commune.get("department") or {}).get("code"), centre.get("id"),
                        commune.get("insee"))


def pick(answer: dict) -> Jurisdiction:
    """The centre of a postal code's communes, or UNRESOLVED when they do not all share one.

    A dispatch centre serves a whole department for its force, so communes that differ only by local unit
    (routing's must_choose) still have one centre; an insee is named only when the code has one commune."""
    found = {_from_commune(c) for c in answer.get("communes") or []}
    centres = {(j.force, j.department, j.centre) for j in found}
    if len(centres) != 1:
        return UNRESOLVED
    force, department, centre = centres.pop()
    if force is None or department is None:
        return UNRESOLVED
    return Jurisdiction(force, department, centre, found.pop().insee if len(found) == 1 else None)


class RoutingLookup:
    """The jurisdiction of an INSEE code or a postal code; UNRESOLVED on any failure or ambiguity."""

    def __init__(self, base_url: str, timeout: float):
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout)

    async def resolve(self, insee: str | None, postal_code: str | None) -> Jurisdiction:
        try:
            if insee:
                response = await self._client.get(f"/v1/jurisdictions/{insee}")
                return _from_commune(response.json()) if response.status_code == 200 else UNRESOLVED
            if postal_code:
                response = await self._client.get("/v1/jurisdictions", params={"postal_code": postal_code})
                return pick(response.json()) if response.status_code == 200 else UNRESOLVED
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            log.warning("escalation.routing_unavailable", error=type(exc).__name__)
        return UNRESOLVED

    async def close(self) -> None:
        await self._client.aclose()
