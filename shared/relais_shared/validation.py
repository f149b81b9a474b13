"""422 answers a person understands: one message per field, in English and French, never a stack of jargon."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

# pydantic error type -> (English, French); {limit} is filled from the error's context when present.
MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("This information is required.", "Cette information est obligatoire."),
    "string_pattern_mismatch": ("This value does not have the expected format.",
                                "Cette valeur n'a pas le format attendu."),
    "string_too_long": ("This text is too long (at most {max_length} characters).",
                        "Ce texte est trop long ({max_length} caractères au plus)."),
    "string_too_short": ("This text is too short.", "Ce texte est trop court."),
    "too_long": ("Too many items (at most {max_length}).", "Trop d'éléments ({max_length} au plus)."),
    "literal_error": ("Choose one of the proposed answers.", "Choisissez l'une des réponses proposées."),
    "enum": ("Choose one of the proposed answers.", "Choisissez l'une des réponses proposées."),
    "bool_parsing": ("Answer yes or no.", "Répondez par oui ou par non."),
    "bool_type": ("Answer yes or no.", "Répondez par oui ou par non."),
    "extra_forbidden": ("This field is not expected.", "Ce champ n'est pas attendu."),
    "json_invalid": ("The request is not valid JSON.", "La requête n'est pas un JSON valide."),
    "uuid_parsing": ("This identifier is not valid.", "Cet identifiant n'est pas valide."),
    "date_from_datetime_parsing": ("Give a date like 2026-11-20.", "Indiquez une date comme 2026-11-20."),
    "date_parsing": ("Give a date like 2026-11-20.", "Indiquez une date comme 2026-11-20."),
    "model_attributes_type": ("This should be a group of fields.", "Ceci devrait être un groupe de champs."),
    "dict_type": ("This should be a group of fields.", "Ceci devrait être un groupe de champs."),
    "list_type": ("This should be a list.", "Ceci devrait être une liste."),
    "string_type": ("This should be text.", "Ceci devrait être du texte."),
}
FALLBACK = ("This value is not accepted.", "Cette valeur n'est pas acceptée.")


def field_name(location: tuple) -> str:
    """`body.contact.phone` → `contact.phone`; the transport part of the location means nothing to a person."""
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "request"


def person_messages(errors: list[dict], overrides: Mapping[str, tuple[str, str]] | None = None) -> list[dict]:
    """One entry per field: the first problem found, with a field-specific message when one is known."""
    seen, result = set(), []
    for error in errors:
        field = field_name(tuple(error.get("loc", ())))
        if field in seen:
            continue
        seen.add(field)
        english, french = (overrides or {}).get(field) or MESSAGES.get(error.get("type", ""), FALLBACK)
        context = {k: v for k, v in (error.get("ctx") or {}).items() if isinstance(v, int | str)}
        try:
            english, french = english.format(**context), french.format(**context)
        except (KeyError, IndexError):
            pass
        result.append({"field": field, "message": english, "message_fr": french})
    return result


def validation_handler(overrides: Mapping[str, tuple[str, str]] | None = None):
    """A RequestValidationError handler that never echoes the rejected input back."""

    async def handle(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": person_messages(list(exc.errors()), overrides)}, status_code=422)

    return handle
