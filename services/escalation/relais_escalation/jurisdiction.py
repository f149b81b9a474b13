"""Where an incident belongs: what routing answers (short timeout, never inside a consumer's transaction), and
the centre of a force and department a national operator chooses."""

from __future__ import annotations

import re
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
    """Routing's answer for an INSEE code or a postal code, asked by the background lookups only."""

    def __init__(self, base_url: str, timeout: float):
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout)

    async def lookup(self, insee: str | None, postal_code: str | None) -> Jurisdiction | None:
        """The jurisdiction, UNRESOLVED when routing cannot say (ambiguous, unknown), None when it did not answer."""
        try:
            if insee:
                response = await self._client.get(f"/v1/jurisdictions/{insee}")
                return _answer(response, _from_commune)
            if postal_code:
                response = await self._client.get("/v1/jurisdictions", params={"postal_code": postal_code})
                return _answer(response, pick)
            return UNRESOLVED
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            log.warning("escalation.routing_unavailable", error=type(exc).__name__)
        return None

    async def close(self) -> None:
        await self._client.aclose()


def _answer(response: httpx.Response, read) -> Jurisdiction | None:
    if response.status_code == 200:
        return read(response.json())
    # A 4xx is routing's final word on this code; anything else is routing being unwell: ask again later.
    return UNRESOLVED if 400 <= response.status_code < 500 else None


# Metropolitan departments (20 is split into 2A and 2B) and the overseas ones.
DEPARTMENT = re.compile(r"^(0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5]|97[1-8]|98[4-9])$")
# The few centres that do not follow the "<force>-<kind>-<department>" rule (same ids as routing's data).
CENTRE_EXCEPTIONS = {("PN", "75"): "PN-PP", ("PN", "92"): "PN-PP", ("PN", "93"): "PN-PP", ("PN", "94"): "PN-PP",
                     ("GN", "75"): "GN-CORG-IDF", ("GN", "977"): "GN-CORG-971", ("GN", "978"): "GN-CORG-971",
                     ("GN", "986"): "GN-CORG-988"}


def centre_of(force: str, department: str) -> str:
    """The operational centre dispatching for a force in a department, by the ids routing's data uses."""
    default = f"GN-CORG-{department}" if force == "GN" else f"PN-CIC-{department}"
    return CENTRE_EXCEPTIONS.get((force, department), default)
