"""The audit log as a page, on every service: GET /audit (French first, ?lang=en), for the roles that may read
the JSON endpoints it calls (/v1/audit, /v1/audit.csv). Every entry is written by static/audit.js with
textContent; the page itself carries only its words."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from relais_shared.audit_api import AUDIT_ROLES
from relais_shared.console_kit.pages import console_page, kit_templates
from relais_shared.console_kit.texts import AUDIT

router = APIRouter(include_in_schema=False)
templates = kit_templates()


@router.get("/audit")
async def audit_page(request: Request, lang: str = "fr") -> Response:
    lang = "en" if lang == "en" else "fr"
    return await console_page(request, templates=templates, template="kit/audit.html", roles=AUDIT_ROLES,
                              texts=AUDIT[lang], lang=lang,
                              context={"service": request.app.state.runtime.settings.service_name})
