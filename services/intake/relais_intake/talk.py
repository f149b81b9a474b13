"""The "talk with an officer now" page: postal code, her commune when the code needs it, what it is about.

She is not asked to write anything: intake accepts a minimal report (mode "chat") through the same path as any
report (receipt, events, routing's answer stamped), then shows the receipt and the way to the chat.
"""

from __future__ import annotations

import structlog
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from relais_intake import i18n
from relais_intake.pages import (
    UNAVAILABLE,
    allowed,
    communes_to_choose,
    field_key,
    groups_of,
    render,
)
from relais_intake.schemas import ReportIn
from relais_intake.service import ReportProblems
from relais_shared.validation import person_problems

log = structlog.get_logger(__name__)
router = APIRouter(include_in_schema=False)
PATHS = {"fr": "/parler", "en": "/en/talk"}
FIELDS = ("postal_code", "insee", "category")


def install(app: FastAPI) -> None:
    app.include_router(router)


@router.get("/parler", response_class=HTMLResponse)
async def talk_fr(request: Request):
    return _form(request, "fr", {})


@router.get("/en/talk", response_class=HTMLResponse)
async def talk_en(request: Request):
    return _form(request, "en", {})


@router.post("/parler", response_class=HTMLResponse)
@router.post("/en/talk", response_class=HTMLResponse)
async def talk_sent(request: Request):
    """Accept the minimal report, or give the form back with each message next to its field."""
    form = await request.form()
    values = {k: form.get(k).strip() for k in (*FIELDS, "lang") if isinstance(form.get(k), str)}
    lang = "en" if values.get("lang") == "en" else "fr"
    t = i18n.texts(lang)
    if not await allowed(request):
        return await _again(request, lang, values, general=t["too_many"], status=429)
    data = {k: values[k] for k in FIELDS if values.get(k)}
    try:
        accepted = await request.app.state.intake.accept(ReportIn.model_validate({**data, "mode": "chat",
                                                                                   "lang": lang}))
    except ValidationError as exc:
        return await _again(request, lang, values, person_problems(exc.errors(), i18n.FORM_MESSAGES))
    except ReportProblems as exc:
        return await _again(request, lang, values, exc.problems)
    except UNAVAILABLE as exc:
        log.warning("intake.talk_unavailable", error=type(exc).__name__)
        return await _again(request, lang, values, general=t["unavailable"], status=503)
    return render(request, "talk_ready.html", lang, None, groups=groups_of(accepted.receipt),
                  ticket=accepted.chat_ticket)


def _form(request: Request, lang: str, values: dict, status: int = 200, **extra):
    context = {"values": values, "errors": {}, "others": [], "communes": [], "action": PATHS[lang],
               "switch_url": PATHS["fr" if lang == "en" else "en"], **extra}
    return render(request, "talk.html", lang, None, status=status, **context)


async def _again(request: Request, lang: str, values: dict, problems=(), general: str | None = None,
                 status: int = 422):
    """The form with her answers kept; the commune list when her code covers several."""
    errors, others = {}, [general] if general else []
    for field, text in problems:
        key = field_key(field)
        if key in FIELDS:
            errors.setdefault(key, text.for_lang(lang))
        else:
            others.append(text.for_lang(lang))
    communes = [] if "postal_code" in errors else await communes_to_choose(request, values.get("postal_code", ""))
    return _form(request, lang, values, status, errors=errors, others=others, communes=communes)
