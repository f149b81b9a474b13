"""The public reporting page: French first, English, partner entries, and the no-JavaScript fallback."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import asyncpg
import structlog
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError

from relais_intake import chat_link, i18n
from relais_intake.routing_client import PostalCodeRejected, RoutingUnavailable
from relais_intake.schemas import ReportAccepted, ReportIn
from relais_intake.service import ReportProblems
from relais_shared.bilingual import Problem
from relais_shared.console_kit import kit_templates
from relais_shared.ratelimit import client_address
from relais_shared.validation import person_problems

log = structlog.get_logger(__name__)
HERE = Path(__file__).parent
templates = kit_templates(HERE / "templates")
try:
    LOCAL_TIME = ZoneInfo("Europe/Paris")
except ZoneInfoNotFoundError:  # an image without time zone data: UTC, still a clear time
    LOCAL_TIME = UTC
router = APIRouter(include_in_schema=False)
SLUG = re.compile(r"^[a-z0-9-]{2,40}$")
UNAVAILABLE = (OSError, TimeoutError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
               asyncpg.TooManyConnectionsError)
# Form blocks an error can be shown next to, in page order; anything else goes to the summary only.
FIELD_KEYS = ("role", "category", "occurred", "occurred_on", "postal_code", "insee", "location_hint", "text",
              "danger_now", "danger_answers", "channel", "phone", "safe_windows", "no_voicemail", "trusted_person_name",
              "trusted_person_phone")
EMERGENCY_NUMBERS = ("17", "112", "114")


def install(app: FastAPI) -> None:
    """Serve the page and its two static files on an app."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")


@router.get("/", response_class=HTMLResponse)
async def page_fr(request: Request):
    return await _entry(request, "fr", None)


@router.get("/en", response_class=HTMLResponse)
async def page_en(request: Request):
    return await _entry(request, "en", None)


@router.get("/p/{slug}", response_class=HTMLResponse)
async def partner_fr(request: Request, slug: str):
    return await _entry(request, "fr", slug)


@router.get("/en/p/{slug}", response_class=HTMLResponse)
async def partner_en(request: Request, slug: str):
    return await _entry(request, "en", slug)


@router.get("/signaler")
async def signaler_get() -> RedirectResponse:
    """A reload of the fallback's answer must not show an empty error: back to the form."""
    return RedirectResponse("/", status_code=303)


@router.post("/signaler", response_class=HTMLResponse)
async def signaler(request: Request):
    """The form sent without JavaScript: the same acceptance as the API, answered with a page."""
    values = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    lang = "en" if values.get("lang") == "en" else "fr"
    t = i18n.texts(lang)
    if not await allowed(request):
        return await _form_again(request, values, lang, general=t["too_many"], status=429)
    try:
        accepted = await request.app.state.intake.accept(ReportIn.model_validate(report_data(values)))
    except ValidationError as exc:
        return await _form_again(request, values, lang, person_problems(exc.errors(), i18n.FORM_MESSAGES))
    except ReportProblems as exc:
        return await _form_again(request, values, lang, exc.problems)
    except UNAVAILABLE as exc:
        log.warning("intake.page_submit_unavailable", error=type(exc).__name__)
        return await _form_again(request, values, lang, general=t["unavailable"], status=503)
    return render(request, "receipt.html", lang, values.get("partner"), accepted=emergency_first(accepted),
                  groups=groups_of(accepted.receipt), ticket=accepted.chat_ticket)


async def _entry(request: Request, lang: str, slug: str | None):
    """The empty form; a partner's slug is recorded only while that partner is active."""
    partner = slug if slug and await _partner_is_active(request, slug) else None
    return render(request, "form.html", lang, slug, **form_context(request, lang, {"partner": partner or ""}))


async def _partner_is_active(request: Request, slug: str) -> bool:
    if not SLUG.match(slug):
        return False
    try:
        return await request.app.state.intake.partner_is_active(slug)
    except UNAVAILABLE as exc:
        log.warning("intake.partner_check_unavailable", error=type(exc).__name__)
        return False  # never block a victim over a partner's attribution


async def _form_again(request: Request, values: dict, lang: str, problems: Sequence[Problem] = (),
                      general: str | None = None, status: int = 422):
    """The form with the person's answers kept and each message next to its field."""
    errors, others = {}, [general] if general else []
    for field, text in problems:
        key = field_key(field)
        message = (i18n.WINDOW_MESSAGE if key == "safe_windows" else text).for_lang(lang)
        if key in FIELD_KEYS:
            errors.setdefault(key, message)
        else:
            others.append(message)
    errors = dict(sorted(errors.items(), key=lambda item: FIELD_KEYS.index(item[0])))
    context = form_context(request, lang, values, errors=errors, others=others, submitted=True)
    if "postal_code" not in errors:
        context["communes"] = await communes_to_choose(request, values.get("postal_code", "").strip())
    slug = values.get("partner") if SLUG.match(values.get("partner", "")) else None
    return render(request, "form.html", lang, slug, status=status, **context)


async def communes_to_choose(request: Request, postal_code: str) -> list:
    """The communes to choose from, when the code needs a choice; none when routing cannot say."""
    if not re.fullmatch(r"[0-9]{5}", postal_code):
        return []
    try:
        answer = await request.app.state.intake.communes(postal_code)
    except (RoutingUnavailable, PostalCodeRejected):
        return []
    return list(answer.communes) if answer.must_choose else []


def form_context(request: Request, lang: str, values: dict, **extra) -> dict:
    questions = [(q.id, q.label_en if lang == "en" else q.label_fr)
                 for q in request.app.state.intake.questionnaire.questions]
    danger_open = any(k.startswith("danger.") and v in ("yes", "no") for k, v in values.items())
    base = {"values": values, "errors": {}, "others": [], "communes": [], "submitted": False, "questions": questions,
            "danger_open": danger_open, "script_texts": i18n.SCRIPT[lang]}
    return {**base, **extra}


def render(request: Request, template: str, lang: str, slug: str | None, status: int = 200, **context):
    """A page in `lang`, with the exit and a language switch that keeps the partner path."""
    partner_path = f"/p/{slug}" if slug and SLUG.match(slug) else ""
    switch_url = (partner_path or "/") if lang == "en" else f"/en{partner_path}"
    intake = request.app.state.intake
    base = {"lang": lang, "t": i18n.texts(lang), "exit_url": intake.exit_url, "switch_url": switch_url,
            "chat_action": chat_link.chat_action(intake.settings.chat_public_url)}
    return templates.TemplateResponse(request, template, {**base, **context}, status_code=status)


def local_time(moment: str) -> str:
    """`2026-11-28T02:04+00:00` → `28/11/2026 03:04`: how a person in France reads a time."""
    return datetime.fromisoformat(moment).astimezone(LOCAL_TIME).strftime("%d/%m/%Y %H:%M")


templates.env.filters["local_time"] = local_time


def groups_of(receipt: str) -> list[str]:
    """`1234567890123456` → four groups of four digits, easier to copy by hand."""
    return [receipt[i:i + 4] for i in range(0, len(receipt), 4)]


def field_key(field: str) -> str:
    """`contact.safe_windows.0.end` → `safe_windows`: the form block a problem belongs to."""
    return field.removeprefix("contact.").split(".")[0]


def emergency_first(accepted: ReportAccepted) -> ReportAccepted:
    """Emergency numbers lead the national list, whatever order it came in."""
    national = sorted(accepted.orientation.national, key=lambda r: r.number not in EMERGENCY_NUMBERS)
    return accepted.model_copy(update={"orientation": accepted.orientation.model_copy(update={"national": national})})


async def allowed(request: Request, limiter_name: str = "report_limiter") -> bool:
    """The API's hourly allowance applies to the fallback too, or it would be a way around it (await it)."""
    address = client_address(request.scope, request.app.state.intake.settings.trusted_proxy_hops)
    return await getattr(request.app.state, limiter_name).allow(request.app.state.runtime.pool, address)


def report_data(values: dict) -> dict:
    """Form fields → the API's ReportIn shape; empty answers are left out so rules say "missing"."""
    given = {k: v.strip() for k, v in values.items() if v.strip()}
    data = {k: given[k] for k in ("role", "category", "postal_code", "occurred", "insee", "occurred_on",
                                  "location_hint", "partner") if k in given}
    answers = {k.removeprefix("danger."): v == "yes" for k, v in given.items()
               if k.startswith("danger.") and v in ("yes", "no")}
    return {**data, "text": values.get("text", ""), "danger_now": given.get("danger_now") == "yes",
            "danger_answers": answers, "contact": _contact(given), "lang": "en" if given.get("lang") == "en" else "fr"}


def _contact(given: dict) -> dict:
    """Only the chosen channel's details travel; the other sections' leftovers are dropped."""
    channel = given.get("channel", "none")
    if channel == "phone":
        windows = [{"start": given.get(f"window{i}_start", ""), "end": given.get(f"window{i}_end", "")}
                   for i in (1, 2) if given.get(f"window{i}_start") or given.get(f"window{i}_end")]
        return {"channel": channel, "phone": given.get("phone"), "safe_windows": windows,
                "no_voicemail": given.get("no_voicemail") == "yes"}
    if channel == "trusted_person":
        return {"channel": channel, "trusted_person_name": given.get("trusted_person_name"),
                "trusted_person_phone": given.get("trusted_person_phone")}
    return {"channel": channel}
