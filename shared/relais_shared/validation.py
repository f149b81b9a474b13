"""422 answers a person understands: one message per field, in French and English, never a stack of jargon."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from relais_shared.api_errors import problems_body
from relais_shared.bilingual import Bilingual, Problem

FieldMessages = Mapping[str, Bilingual]  # a form's own wording, keyed by field path (`contact.phone`)
CHOOSE = Bilingual(fr="Choisissez l'une des réponses proposées.", en="Choose one of the proposed answers.")
YES_OR_NO = Bilingual(fr="Répondez par oui ou par non.", en="Answer yes or no.")
A_DATE = Bilingual(fr="Indiquez une date comme 2026-11-20.", en="Give a date like 2026-11-20.")
A_GROUP = Bilingual(fr="Ceci devrait être un groupe de champs.", en="This should be a group of fields.")
# pydantic error type -> message; {limit} placeholders are filled from the error's context when present.
MESSAGES: dict[str, Bilingual] = {
    "missing": Bilingual(fr="Cette information est obligatoire.", en="This information is required."),
    "string_pattern_mismatch": Bilingual(fr="Cette valeur n'a pas le format attendu.",
                                         en="This value does not have the expected format."),
    "string_too_long": Bilingual(fr="Ce texte est trop long ({max_length} caractères au plus).",
                                 en="This text is too long (at most {max_length} characters)."),
    "string_too_short": Bilingual(fr="Ce texte est trop court.", en="This text is too short."),
    "too_long": Bilingual(fr="Trop d'éléments ({max_length} au plus).", en="Too many items (at most {max_length})."),
    "literal_error": CHOOSE,
    "enum": CHOOSE,
    "bool_parsing": YES_OR_NO,
    "bool_type": YES_OR_NO,
    "extra_forbidden": Bilingual(fr="Ce champ n'est pas attendu.", en="This field is not expected."),
    "json_invalid": Bilingual(fr="La requête n'est pas un JSON valide.", en="The request is not valid JSON."),
    "uuid_parsing": Bilingual(fr="Cet identifiant n'est pas valide.", en="This identifier is not valid."),
    "date_from_datetime_parsing": A_DATE,
    "date_parsing": A_DATE,
    "model_attributes_type": A_GROUP,
    "dict_type": A_GROUP,
    "list_type": Bilingual(fr="Ceci devrait être une liste.", en="This should be a list."),
    "string_type": Bilingual(fr="Ceci devrait être du texte.", en="This should be text."),
}
FALLBACK = Bilingual(fr="Cette valeur n'est pas acceptée.", en="This value is not accepted.")


def field_name(location: tuple[Any, ...]) -> str:
    """`body.contact.phone` → `contact.phone`; the transport part of the location means nothing to a person."""
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "request"


def person_problems(errors: list[dict[str, Any]], overrides: FieldMessages | None = None) -> list[Problem]:
    """One problem per field: the first one found, with a field-specific message when one is known."""
    seen, result = set(), []
    for error in errors:
        field = field_name(tuple(error.get("loc", ())))
        if field in seen:
            continue
        seen.add(field)
        text = (overrides or {}).get(field) or MESSAGES.get(error.get("type", ""), FALLBACK)
        context = {k: v for k, v in (error.get("ctx") or {}).items() if isinstance(v, int | str)}
        try:
            text = text.format(**context)
        except (KeyError, IndexError):
            pass
        result.append(Problem(field, text))
    return result


def validation_handler(overrides: FieldMessages | None = None
                       ) -> Callable[[Request, Exception], Coroutine[Any, Any, JSONResponse]]:
    """A RequestValidationError handler that never echoes the rejected input back."""

    async def handle(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return JSONResponse(problems_body(person_problems(list(exc.errors()), overrides)), status_code=422)

    return handle
