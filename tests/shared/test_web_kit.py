"""The pieces every service's web side shares: one bilingual text type, one error shape, one page frame."""

import json
import re
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from relais_shared.api_errors import ApiError, error_frame, http_error
from relais_shared.bilingual import Bilingual, Problem
from relais_shared.console_kit import kit_templates
from relais_shared.validation import validation_handler

ROOT = Path(__file__).resolve().parents[2]
CLOSED = Bilingual(fr="Déjà clos.", en="Already closed.")


def test_a_text_is_french_first_and_english_on_request():
    assert CLOSED.for_lang("fr") == CLOSED.for_lang(None) == CLOSED.for_lang("de") == "Déjà clos."
    assert CLOSED.for_lang("en") == "Already closed."
    assert Bilingual(fr="{n} au plus", en="{n} at most").format(n=3) == Bilingual(fr="3 au plus", en="3 at most")
    assert CLOSED.joined() == "Already closed. / Déjà clos."


def app_with_routes() -> FastAPI:
    app = FastAPI()
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_handler({"n": Bilingual(fr="Un nombre.",
                                                                                           en="A number.")}))

    @app.get("/closed")
    async def closed():
        raise ApiError(409, CLOSED, headers={"Retry-After": "5"})

    @app.get("/fields")
    async def fields():
        raise ApiError.problems([Problem("a", CLOSED), Problem("b", Bilingual(fr="Non.", en="No."))])

    @app.get("/number")
    async def number(n: int):
        return n

    return app


async def test_every_api_error_has_one_shape():
    transport = httpx.ASGITransport(app=app_with_routes())
    async with httpx.AsyncClient(transport=transport, base_url="http://relais.test") as client:
        closed, fields, number, unknown = [await client.get(path) for path in ("/closed", "/fields", "/number?n=x",
                                                                                "/nowhere")]
    assert closed.status_code == 409 and closed.headers["retry-after"] == "5"
    assert closed.json() == {"detail": "Already closed. / Déjà clos.", "message": "Already closed.",
                             "message_fr": "Déjà clos."}
    fields = fields.json()
    assert fields["detail"] == [{"field": "a", "message": "Already closed.", "message_fr": "Déjà clos."},
                                {"field": "b", "message": "No.", "message_fr": "Non."}]
    assert (fields["message"], fields["message_fr"]) == ("Already closed. No.", "Déjà clos. Non.")
    number = number.json()
    assert number["detail"] == [{"field": "n", "message": "A number.", "message_fr": "Un nombre."}]
    assert number["message_fr"] == "Un nombre."
    # The framework's own refusal (an unknown path) comes in the same shape.
    assert unknown.status_code == 404 and unknown.json()["message_fr"] == "Introuvable."


def test_a_socket_error_frame_says_it_in_both_languages():
    assert error_frame("closed", CLOSED) == {"type": "error", "code": "closed", "message": "Déjà clos.",
                                             "message_en": "Already closed."}


def test_data_blocks_cannot_close_their_script_element():
    html = kit_templates().env.from_string("{{ v|json_block }}").render(v={"a": "</script><b>l'été & co"})
    assert "</script" not in html and "<b>" not in html and "l'été" in html
    assert json.loads(html) == {"a": "</script><b>l'été & co"}


def test_every_page_extends_the_kits_frame():
    """One head for every page: each full page is built on kit/page_base.html (through the victims' or the
    consoles' frame); a template that writes its own <head> would bring back a second one."""
    kit = ROOT / "shared/relais_shared/console_kit/templates/kit"
    templates = [p for p in [*ROOT.glob("services/*/relais_*/templates/*.html"), *kit.glob("*.html")]
                 if not p.name.startswith("_")]
    assert len(templates) > 20
    for template in templates:
        text = template.read_text(encoding="utf-8")
        if template.name == "page_base.html":
            continue
        assert "<head>" not in text and "<!doctype" not in text.lower(), template
        assert re.search(r'{% extends "(kit/[a-z_]+|base)\.html" %}', text), template


def test_the_victims_frame_puts_the_exit_first():
    page = kit_templates().env.get_template("kit/victim_base.html").render(
        lang="fr", t={"title": "T", "exit": "Quitter", "site": "S", "emergency_line": "17", "exit_hint": "Maj"},
        exit_url="https://example.org/")
    body = page[page.index("<body"):]
    assert body.startswith('<body data-exit-url="https://example.org/">')
    assert re.search(r"<(a|button|input|select|textarea)\b", body).group(0) == "<a"
    assert '<a id="exit" class="exit" href="https://example.org/" rel="noreferrer">Quitter</a>' in body
    assert "<script" not in page.replace('<script type="application/json"', "") and "style=" not in page
