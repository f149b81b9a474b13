"""Asking routing which communes a postal code covers: a person is waiting, so a short timeout and a fallback.

The same answer tells who is competent for her commune; intake keeps it and stamps it on its events, so nobody
downstream asks routing again.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import structlog

from relais_shared.bilingual import Bilingual
from relais_shared.contracts import Jurisdiction

log = structlog.get_logger(__name__)


class RoutingUnavailable(Exception):
    """Routing did not answer in time; the report is still accepted and routed later."""


class PostalCodeRejected(Exception):
    """Routing refused the code (malformed, foreign, unknown), with messages for the person."""

    def __init__(self, status: int, text: Bilingual):
        super().__init__(text.en)
        self.status, self.text = status, text


@dataclass(frozen=True)
class CommuneOption:
    insee: str
    name: str
    department: str | None = None
    force: str | None = None  # None: no competence row for this commune (national triage)
    centre: str | None = None
    unit_id: str | None = None
    unit_name: str | None = None

    @classmethod
    def from_answer(cls, item: dict) -> CommuneOption:
        unit, centre = item.get("unit") or {}, item.get("operational_centre") or {}
        return cls(item["insee"], item["name"], (item.get("department") or {}).get("code"), item.get("force"),
                   centre.get("id"), unit.get("id"), unit.get("name"))

    def stamp(self, *, insee: bool = True, unit: bool = True) -> Jurisdiction | None:
        if self.force is None or self.department is None:
            return None
        try:
            return Jurisdiction(force=self.force, department=self.department, operational_centre=self.centre,
                                unit_id=self.unit_id if unit else None, unit_name=self.unit_name if unit else None,
                                insee=self.insee if insee else None)
        except ValueError:  # an answer outside the contract: better no stamp than a wrong one
            log.warning("intake.routing_answer_unusable")
            return None


@dataclass(frozen=True)
class CommunesAnswer:
    postal_code: str
    must_choose: bool
    communes: tuple[CommuneOption, ...]

    def has(self, insee: str) -> bool:
        return any(c.insee == insee for c in self.communes)

    def jurisdiction(self, insee: str | None) -> Jurisdiction | None:
        """Who is competent for her commune (the one she chose, the code's only one, or all agreeing); else None."""
        if insee is not None:
            return next((c.stamp() for c in self.communes if c.insee == insee), None)
        if len(self.communes) == 1:
            return self.communes[0].stamp()
        routes = {(c.force, c.department, c.centre) for c in self.communes}
        if not self.communes or len(routes) != 1:
            return None  # a code that mixes forces, departments or centres: routing or triage decide later
        same_unit = len({c.unit_id for c in self.communes}) == 1
        return self.communes[0].stamp(insee=False, unit=same_unit)  # several communes: hers is not known


class RoutingClient:
    def __init__(self, base_url: str, timeout: float):
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout)

    async def communes(self, postal_code: str) -> CommunesAnswer:
        """The communes of a code; raises PostalCodeRejected or RoutingUnavailable."""
        try:
            response = await self._client.get("/v1/jurisdictions", params={"postal_code": postal_code})
        except httpx.HTTPError as exc:
            log.warning("intake.routing_unreachable", error=type(exc).__name__)
            raise RoutingUnavailable from exc
        if response.status_code in (404, 422):
            body = response.json()
            raise PostalCodeRejected(response.status_code,
                                     Bilingual(fr=body.get("message_fr", ""), en=body.get("message", "")))
        if response.status_code != 200:
            raise RoutingUnavailable
        try:
            body = response.json()
            options = tuple(CommuneOption.from_answer(c) for c in body["communes"])
            return CommunesAnswer(body["postal_code"], body["must_choose"], options)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("intake.routing_answer_malformed", error=type(exc).__name__)
            raise RoutingUnavailable from exc

    async def close(self) -> None:
        await self._client.aclose()
