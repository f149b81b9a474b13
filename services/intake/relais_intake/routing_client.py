"""Asking routing which communes a postal code covers: a person is waiting, so a short timeout and a fallback."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import structlog

log = structlog.get_logger(__name__)


class RoutingUnavailable(Exception):
    """Routing did not answer in time; the report is still accepted and routed later."""


class PostalCodeRejected(Exception):
    """Routing refused the code (malformed, foreign, unknown), with messages for the person."""

    def __init__(self, status: int, detail: str, detail_fr: str):
        super().__init__(detail)
        self.status, self.detail, self.detail_fr = status, detail, detail_fr


@dataclass(frozen=True)
class CommuneOption:
    insee: str
    name: str


@dataclass(frozen=True)
class CommunesAnswer:
    postal_code: str
    must_choose: bool
    communes: tuple[CommuneOption, ...]

    def has(self, insee: str) -> bool:
        return any(c.insee == insee for c in self.communes)


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
            raise PostalCodeRejected(response.status_code, body.get("detail", ""), body.get("detail_fr", ""))
        if response.status_code != 200:
            raise RoutingUnavailable
        body = response.json()
        options = tuple(CommuneOption(c["insee"], c["name"]) for c in body["communes"])
        return CommunesAnswer(body["postal_code"], body["must_choose"], options)

    async def close(self) -> None:
        await self._client.aclose()
