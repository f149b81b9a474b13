"""The one shape of every error a service answers, over HTTP and over a socket.

HTTP: `{"detail": …, "message": "<English>", "message_fr": "<French>"}`. `message` and `message_fr` are what a
client shows; `detail` keeps what clients read before them: the joined "English / French" line, the list of
field problems of a 422 (`[{"field", "message", "message_fr"}]`, whose messages `message` joins), or for a
few answers a form their clients parse (`ApiError(…, detail=…)`).

Socket: `{"type": "error", "code": "<stable code>", "message": "<French>", "message_en": "<English>"}`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from relais_shared.bilingual import Bilingual, Problem

# Words several services answer with.
NOT_FOUND = Bilingual(fr="Introuvable.", en="Not found.")  # whether the object is absent or out of scope
SIGN_IN = Bilingual(fr="Connectez-vous à Relais.", en="Sign in to Relais.")
ROLE_REFUSED = Bilingual(fr="Votre rôle ne le permet pas.", en="Your role does not allow this.")
# What the framework itself refuses (an unknown path, a method a route does not take), when it says nothing more.
BY_STATUS = {404: NOT_FOUND,
             405: Bilingual(fr="Cette méthode n'est pas acceptée ici.", en="This method is not allowed here.")}


class ApiError(HTTPException):
    """An API refusal a person can read in either language; answered in the one shape by `http_error`."""

    def __init__(self, status_code: int, text: Bilingual, *, detail: Any = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status_code, text.joined() if detail is None else detail, dict(headers or {}) or None)
        self.text = text

    @classmethod
    def problems(cls, problems: Iterable[Problem], status_code: int = 422) -> ApiError:
        """A refusal naming each field to correct."""
        found = list(problems)
        return cls(status_code, Bilingual.join(p.text for p in found), detail=[p.as_json() for p in found])

    def body(self) -> dict[str, Any]:
        return error_body(self.text, self.detail)


def error_body(text: Bilingual, detail: Any = None, **extra: Any) -> dict[str, Any]:
    """The one error shape; `extra` adds fields a particular answer documents (routing's `kind`)."""
    return {**extra, "detail": text.joined() if detail is None else detail, **text.as_message()}


def error_response(status_code: int, text: Bilingual, *, detail: Any = None,
                   headers: Mapping[str, str] | None = None, **extra: Any) -> JSONResponse:
    return JSONResponse(error_body(text, detail, **extra), status_code=status_code, headers=headers)


def problems_body(problems: Iterable[Problem]) -> dict[str, Any]:
    """The body of a 422 naming each field to correct."""
    return ApiError.problems(problems).body()


async def http_error(_request: Request, exc: Exception) -> Response:
    """Every HTTPException in the one shape: a service's own (ApiError), or the framework's (unknown path)."""
    assert isinstance(exc, StarletteHTTPException)
    headers = getattr(exc, "headers", None)
    if exc.status_code in (204, 304) or exc.status_code < 200:
        return Response(status_code=exc.status_code, headers=headers)
    if isinstance(exc, ApiError):
        return JSONResponse(exc.body(), status_code=exc.status_code, headers=headers)
    said = exc.detail if isinstance(exc.detail, str) else ""
    text = BY_STATUS.get(exc.status_code) or Bilingual(fr=said, en=said)
    return JSONResponse(error_body(text, exc.detail), status_code=exc.status_code, headers=headers)


def error_frame(code: str, text: Bilingual) -> dict[str, str]:
    """A socket's error frame: a stable code and the words, French in `message` (the pages' first language)."""
    return {"type": "error", "code": code, "message": text.fr, "message_en": text.en}
