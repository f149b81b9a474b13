"""Public reporting API: reports, receipts, communes, orientation, the danger questionnaire, the exit."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from relais_intake import receipt_access
from relais_intake.categories import Category
from relais_intake.orientation import orientation_for
from relais_intake.routing_client import PostalCodeRejected, RoutingUnavailable
from relais_intake.schemas import MessageIn, Orientation, ReceiptIn, ReceiptView, ReportAccepted, ReportIn
from relais_intake.service import ReportProblems
from relais_shared.api_errors import ApiError, error_response, problems_body
from relais_shared.bilingual import Bilingual
from relais_shared.ratelimit import enforce

router = APIRouter(prefix="/v1", tags=["reports"])
NOT_FOUND = Bilingual(fr="Aucun signalement ne correspond à ce code. Vérifiez les 16 chiffres.",
                      en="No report matches this code. Check the 16 digits.")
NO_REPORT = Bilingual(fr="Aucun signalement avec cet identifiant.", en="No report with this id.")
LOOKUP_DOWN = Bilingual(fr="Recherche des communes indisponible ; vous pouvez continuer sans.",
                        en="Commune lookup unavailable; you can go on without it.")
PERSON_ERRORS = {422: {"description": "A field to correct, with a message in English and French"},
                 413: {"description": "Request too large"}, 429: {"description": "Too many requests"}}


async def _limit(request: Request, limiter_name: str) -> None:
    """Shared by every replica (counted in the database): await it."""
    await enforce(getattr(request.app.state, limiter_name), request,
                  request.app.state.intake.settings.trusted_proxy_hops)


@router.post("/reports", status_code=201, response_model=ReportAccepted, responses=PERSON_ERRORS)
async def create_report(report: ReportIn, request: Request):
    """Accept a report. The 16-digit receipt is in this answer only: it is stored as a one-way hash."""
    await _limit(request, "report_limiter")
    try:
        return await request.app.state.intake.accept(report)
    except ReportProblems as problems:
        return JSONResponse(problems_body(problems.problems), status_code=422)


class ReportStatus(BaseModel):
    id: uuid.UUID
    status: Literal["received", "routed", "unroutable", "closed", "erased"]


@router.get("/reports/{report_id}", response_model=ReportStatus, responses={404: {}, 429: {}})
async def report_status(report_id: uuid.UUID, request: Request) -> ReportStatus:
    """Whether a report was routed yet; nothing about its content."""
    await _limit(request, "status_limiter")
    row = await request.app.state.runtime.pool.fetchrow("SELECT id, status FROM reports WHERE id = $1", report_id)
    if row is None:
        raise ApiError(404, NO_REPORT)
    return ReportStatus(**dict(row))


class CommuneOut(BaseModel):
    insee: str
    name: str


class CommunesOut(BaseModel):
    postal_code: str
    must_choose: bool
    communes: list[CommuneOut]


@router.get("/communes", response_model=CommunesOut, tags=["places"],
            responses={404: {}, 422: {}, 503: {"description": "Routing unreachable: go on without a commune"}})
async def communes(request: Request, postal_code: str = Query(max_length=64, examples=["35760"])):
    """The communes of a postal code, and whether the person must pick hers."""
    try:
        answer = await request.app.state.intake.communes(postal_code)
    except PostalCodeRejected as rejected:
        return _lookup_refused(rejected.status, rejected.text)
    except RoutingUnavailable:
        return _lookup_refused(503, LOOKUP_DOWN)
    return CommunesOut(postal_code=answer.postal_code, must_choose=answer.must_choose,
                       communes=[CommuneOut(insee=c.insee, name=c.name) for c in answer.communes])


def _lookup_refused(status: int, text: Bilingual) -> JSONResponse:
    """The one error shape, with routing's `detail` (English) and `detail_fr` that the page used to read."""
    return error_response(status, text, detail=text.en, detail_fr=text.fr)


@router.get("/orientation", response_model=Orientation, tags=["orientation"])
async def orientation(category: Category, department: str | None = Query(None, pattern=r"^(\d{2,3}|2[AB])$"),
                      lang: Literal["fr", "en"] = "fr") -> Orientation:
    """National numbers and local help for a category and department."""
    return orientation_for(category, department, lang)


class QuestionOut(BaseModel):
    id: str
    label: str


@router.get("/danger-questionnaire", response_model=list[QuestionOut], tags=["danger"])
async def danger_questionnaire(request: Request, lang: Literal["fr", "en"] = "fr") -> list[QuestionOut]:
    """The yes/no questions of the danger assessment (answers go in the report's danger_answers)."""
    questions = request.app.state.intake.questionnaire.questions
    return [QuestionOut(id=q.id, label=q.label_fr if lang == "fr" else q.label_en) for q in questions]


@router.post("/receipts/report", response_model=ReceiptView, tags=["receipts"], responses={404: {}, 429: {}})
async def receipt_report(body: ReceiptIn, request: Request) -> ReceiptView:
    """The status of a report and its messages, for whoever holds the receipt."""
    await _limit(request, "receipt_limiter")
    intake = request.app.state.intake
    receipt_hash = await intake.hasher.hash(body.receipt)
    async with request.app.state.runtime.pool.acquire() as conn:
        found = await receipt_access.view(conn, intake.keyring, receipt_hash)
    if found is None:
        raise _no_receipt()
    return found


@router.post("/receipts/messages", status_code=201, tags=["receipts"], responses={404: {}, 429: {}})
async def receipt_message(body: MessageIn, request: Request) -> dict[str, bool]:
    """Send a message to the unit handling the report."""
    await _limit(request, "receipt_limiter")
    intake = request.app.state.intake
    receipt_hash = await intake.hasher.hash(body.receipt)
    async with request.app.state.runtime.pool.acquire() as conn:
        if not await receipt_access.add_message(conn, intake.keyring, receipt_hash, body.text):
            raise _no_receipt()
    return {"sent": True}


@router.post("/receipts/erase", tags=["receipts"], responses={404: {}, 429: {}})
async def receipt_erase(body: ReceiptIn, request: Request) -> dict[str, bool]:
    """Erase the report's content and messages; the receipt stops working."""
    await _limit(request, "receipt_limiter")
    intake = request.app.state.intake
    receipt_hash = await intake.hasher.hash(body.receipt)
    async with request.app.state.runtime.pool.acquire() as conn:
        if not await receipt_access.erase(conn, receipt_hash):
            raise _no_receipt()
    return {"erased": True}


def _no_receipt() -> ApiError:
    """Here `detail` has always been the message pair itself, and clients read it so."""
    return ApiError(404, NOT_FOUND, detail=NOT_FOUND.as_message())


class ExitIn(BaseModel):
    report_id: uuid.UUID | None = Field(default=None)


@router.post("/exit", status_code=204, tags=["safety"], responses={429: {}})
async def emergency_exit(request: Request, body: ExitIn | None = None) -> Response:
    """The person left by the emergency exit: record the moment only, and clear the site's data."""
    clear = {"Clear-Site-Data": '"cache", "storage"'}
    try:
        await _limit(request, "exit_limiter")
    except ApiError as refused:  # past the allowance nothing is recorded, but the device is cleared all the same
        raise ApiError(refused.status_code, refused.text, detail=refused.detail,
                       headers={**(refused.headers or {}), **clear}) from None
    async with request.app.state.runtime.pool.acquire() as conn:
        await receipt_access.record_exit(conn, body.report_id if body else None)
    return Response(status_code=204, headers=clear)
