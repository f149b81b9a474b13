"""Server side of the kit: the templates every page is rendered with, the console page gate, the sign-in message
pages, and the kit's files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup

from relais_shared.console_kit.texts import KIT, ROLE_NAMES
from relais_shared.identity import AuthError
from relais_shared.signin.provider import ProviderUnavailable

HERE = Path(__file__).parent
KIT_TEMPLATES = HERE / "templates"


def install_kit(app: FastAPI) -> None:
    """Serve console-kit.js and console-kit.css at /kit/ (every service, from the app factory)."""
    app.mount("/kit", StaticFiles(directory=HERE / "static"), name="kit")


def kit_templates(directory: Path | None = None) -> Jinja2Templates:
    """A service's templates (`directory`), able to extend the kit's frames: `kit/page_base.html` for every page,
    `kit/victim_base.html` for a victim's, `kit/console_base.html` for a console.

    Values reach scripts as JSON data blocks, written with the `json_block` filter.
    """
    templates = Jinja2Templates(directory=directory or KIT_TEMPLATES)
    templates.env.loader = ChoiceLoader([FileSystemLoader(d) for d in (directory, KIT_TEMPLATES) if d is not None])
    templates.env.filters["json_block"] = json_block
    return templates


def json_block(value: Any) -> Markup:
    """JSON for a non-executed data block; `<` and `&` escaped so nothing can close the script element."""
    # Safe as markup: with `<` escaped the text cannot end the <script type="application/json"> it sits in.
    text = json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704


_own = kit_templates()


async def console_page(request: Request, *, templates: Jinja2Templates, template: str, roles: tuple[str, ...],
                       texts: dict[str, Any], lang: str, context: dict[str, Any] | None = None) -> Response:
    """A console for a signed-in operator holding one of `roles`; others are sent to sign in, or told what
    their account lacks (never a blank page, never a token field)."""
    from relais_shared.signin.flow import sign_in_url  # the flow imports this module's pages

    lang = "en" if lang == "en" else "fr"
    try:
        lease = await request.app.state.operator_gate.lease(request)
    except ProviderUnavailable:
        return message_page(request, "provider_unavailable", lang, 503)
    except AuthError:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(sign_in_url(here, lang), status_code=303)
    me = lease.operator
    if roles and not me.has_any(*roles):
        names = ROLE_NAMES[lang]
        return message_page(request, "missing_role", lang, 403,
                            needed=" / ".join(names[r] for r in roles),
                            held=", ".join(names[r] for r in sorted(me.roles)) or "—")
    kit = {k: v for k, v in KIT[lang].items() if k != "pages"}
    merged = {**kit, **texts}
    other = "fr" if lang == "en" else "en"
    switch = request.url.path + "?" + urlencode({**request.query_params, "lang": other})
    return templates.TemplateResponse(request, template, {
        "lang": lang, "t": merged, "me": me, "script_texts": merged, "switch_url": switch,
        "signed_in_as": kit["signed_in_as"].format(alias=me.alias, force=me.force), **(context or {})})


def message_page(request: Request, kind: str, lang: str, status: int, **values: str) -> HTMLResponse:
    """A page that says, in the operator's language, what happened at sign-in and what to do."""
    title, text = KIT[lang]["pages"][kind]
    return _own.TemplateResponse(request, "kit/message.html", {
        "lang": lang, "title": title, "text": text.format(**values) if values else text, "kind": kind,
        "sign_in": KIT[lang]["sign_in"], "again": kind not in ("not_configured",)}, status_code=status)


def onward_page(request: Request, target: str, lang: str) -> HTMLResponse:
    """A page that moves on to `target` by itself (a same-site navigation, unlike the provider's redirect)."""
    title, text = KIT[lang]["pages"]["onward"]
    return _own.TemplateResponse(request, "kit/onward.html", {"lang": lang, "title": title, "text": text,
                                                               "target": target})
