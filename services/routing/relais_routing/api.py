"""Jurisdiction lookup API: postal code or INSEE code to communes, forces, units and centres."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from relais_routing.holder import IndexHolder
from relais_routing.metrics import LOOKUPS
from relais_routing.model import PLATFORM_QUEUES, TRIAGE_QUEUE, CommuneJurisdiction
from relais_routing.postal import PostalCodeError
from relais_shared.api_errors import error_response
from relais_shared.bilingual import Bilingual

router = APIRouter(prefix="/v1/jurisdictions", tags=["jurisdictions"])
CACHE_CONTROL = "public, max-age=300"
NO_SUCH_COMMUNE = Bilingual(fr="Aucune commune n'a ce code INSEE.", en="No commune has this INSEE code.")


class RefOut(BaseModel):
    id: str
    name: str


class DepartmentOut(BaseModel):
    code: str
    name: str


class CommuneOut(BaseModel):
    insee: str
    name: str
    department: DepartmentOut
    force: Literal["PN", "GN"] | None
    unit: RefOut | None
    operational_centre: RefOut | None
    platform_queue: str


class JurisdictionsOut(BaseModel):
    postal_code: str
    must_choose: bool
    communes: list[CommuneOut]


class LookupError_(BaseModel):
    """The one error shape (relais_shared.api_errors), with the kind of refusal; `detail` and `detail_fr` are the
    English and French messages again, as clients read them before `message` and `message_fr`."""

    kind: Literal["malformed", "foreign", "unknown"]
    detail: str
    detail_fr: str
    message: str
    message_fr: str


def commune_out(j: CommuneJurisdiction) -> CommuneOut:
    return CommuneOut(
        insee=j.insee, name=j.name, department=DepartmentOut(code=j.department.code, name=j.department.name),
        force=j.force, unit=RefOut(id=j.unit.id, name=j.unit.name.strip()) if j.unit else None,
        operational_centre=RefOut(id=j.centre.id, name=j.centre.name) if j.centre else None,
        platform_queue=PLATFORM_QUEUES[j.force] if j.force else TRIAGE_QUEUE,
    )


def _error(status: int, kind: str, text: Bilingual) -> JSONResponse:
    LOOKUPS.labels("postal_code" if kind != "unknown_commune" else "insee", kind).inc()
    return error_response(status, text, detail=text.en, detail_fr=text.fr, kind=kind.removesuffix("_commune"))


def _not_modified(request: Request, response: Response, etag: str) -> Response | None:
    response.headers["ETag"], response.headers["Cache-Control"] = etag, CACHE_CONTROL
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": CACHE_CONTROL})
    return None


@router.get("", response_model=JurisdictionsOut, responses={304: {}, 404: {"model": LookupError_},
                                                             422: {"model": LookupError_}})
async def by_postal_code(request: Request, response: Response, postal_code: str = Query(
        ..., description="A five-digit French postal code", examples=["35000"])):
    """The communes of a postal code, where each one's reports go, and whether the person must choose."""
    holder: IndexHolder = request.app.state.holder
    try:
        result = holder.index.by_postal_code(postal_code)
    except PostalCodeError as exc:
        return _error(422, exc.kind, exc.text)
    if not result.known:
        unknown = PostalCodeError.unknown(result.postal_code)
        return _error(404, "unknown", unknown.text)
    if (cached := _not_modified(request, response, f'W/"{holder.version}-{result.postal_code}"')) is not None:
        return cached
    LOOKUPS.labels("postal_code", "found").inc()
    return JurisdictionsOut(postal_code=result.postal_code, must_choose=result.must_choose,
                            communes=[commune_out(j) for j in result.communes])


@router.get("/{insee}", response_model=CommuneOut, responses={304: {}, 404: {"model": LookupError_}})
async def by_insee(insee: str, request: Request, response: Response):
    """One commune by its INSEE code."""
    holder: IndexHolder = request.app.state.holder
    commune = holder.index.by_insee(insee[:8])
    if commune is None:
        return _error(404, "unknown_commune", NO_SUCH_COMMUNE)
    if (cached := _not_modified(request, response, f'W/"{holder.version}-{commune.insee}"')) is not None:
        return cached
    LOOKUPS.labels("insee", "found").inc()
    return commune_out(holder.index.jurisdiction_of(commune))
