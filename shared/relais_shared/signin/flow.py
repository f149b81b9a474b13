"""The sign-in routes every service serves on the operators' host: authorization code with PKCE.

/auth/login sends the browser to the provider with a state, a nonce and a PKCE challenge kept in a short-lived
sealed cookie; /auth/callback checks them, exchanges the code, checks the ID token, and opens a server-side
session named by an HttpOnly, SameSite=Strict cookie; /auth/logout ends it here and at the provider.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import structlog
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from relais_shared.console_kit.pages import message_page, onward_page
from relais_shared.crypto import DecryptionError
from relais_shared.identity import AuthError
from relais_shared.signin.provider import ProviderUnavailable, pkce_pair

if TYPE_CHECKING:
    from relais_shared.settings import RelaisSettings
    from relais_shared.signin.gate import OperatorGate

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/auth", include_in_schema=False)
SIGNIN_MINUTES = 10


def _gate(request: Request) -> OperatorGate:
    gate: OperatorGate = request.app.state.operator_gate
    return gate


def _settings(request: Request) -> RelaisSettings:
    settings: RelaisSettings = request.app.state.runtime.settings
    return settings


def _base(request: Request) -> str:
    configured = _settings(request).operator_url
    return (configured or str(request.base_url)).rstrip("/")


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or _settings(request).env == "production"


def _lang(value: str | None) -> str:
    return "en" if value == "en" else "fr"


def safe_next(value: str | None) -> str:
    """Only a path on this host: never a redirect to another site after sign-in."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def _transaction_cookie(request: Request, state: str) -> str:
    """One cookie per sign-in under way, named after its state: two tabs signing in at once do not overwrite
    each other's."""
    tag = hashlib.sha256(state.encode()).hexdigest()[:12]  # whatever the state sent back holds, a safe name
    return f"relais_signin_{_settings(request).service_name}_{tag}"


@router.get("/login")
async def login(request: Request, next: str = "/", lang: str = "fr") -> Response:
    gate, lang = _gate(request), _lang(lang)
    if gate.provider is None:
        return message_page(request, "not_configured", lang, 503)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier, challenge = pkce_pair()
    try:
        url = await gate.provider.authorize_url(redirect_uri=_base(request) + "/auth/callback",
                                                scopes=_settings(request).oidc_scopes, state=state, nonce=nonce,
                                                challenge=challenge, lang=lang)
    except ProviderUnavailable:
        return message_page(request, "provider_unavailable", lang, 503)
    kept = json.dumps({"state": state, "nonce": nonce, "verifier": verifier, "next": safe_next(next), "lang": lang})
    sealed = request.app.state.runtime.settings.keyring().seal(kept, context=_transaction_context(request))
    response = RedirectResponse(url, status_code=303)
    # Lax, not Strict: the provider's redirect back is a cross-site navigation that must carry this cookie.
    response.set_cookie(_transaction_cookie(request, state), sealed.hex(), max_age=SIGNIN_MINUTES * 60, path="/auth/",
                        httponly=True, secure=_secure(request), samesite="lax")
    return response


@router.get("/callback")
async def callback(request: Request, state: str = "", code: str = "", error: str = "") -> Response:
    gate, settings = _gate(request), _settings(request)
    kept = _read_transaction(request, state)
    lang = kept.get("lang", "fr") if kept else "fr"
    if not kept or not secrets.compare_digest(kept.get("state", ""), state) or gate.provider is None:
        return _forget(request, state, message_page(request, "signin_expired", lang, 400))
    if error or not code:
        return _forget(request, state, message_page(request, "signin_refused", lang, 403))
    try:
        tokens = await gate.provider.exchange(code=code, verifier=kept["verifier"],
                                              redirect_uri=_base(request) + "/auth/callback")
        claims = await gate.verifier.id_token(tokens.id_token or "", client_id=settings.oidc_client_id,
                                              nonce=kept["nonce"])
        operator = settings.oidc_claims.operator(claims)
    except ProviderUnavailable:
        return _forget(request, state, message_page(request, "provider_unavailable", lang, 503))
    except AuthError as exc:
        log.info("signin.refused", reason=str(exc))
        missing = getattr(exc, "missing", None)
        if missing == "roles":  # known to the provider, but not a Relais operator at all
            return _forget(request, state, message_page(request, "no_role", lang, 403))
        page = message_page(request, "no_relais_account", lang, 403, detail=missing or str(exc))
        return _forget(request, state, page)
    cookie, expires = await gate.sessions().create(operator, tokens, hours=settings.operator_session_hours)
    log.info("signin.session_opened", operator=operator.sub)
    # A page, not a redirect: the session cookie is SameSite=Strict, and a redirect would still belong to the
    # provider's cross-site navigation, so the console would load without it.
    response = _forget(request, state, onward_page(request, kept["next"], lang))
    response.set_cookie(gate.cookie_name, cookie, expires=expires, path="/", httponly=True,
                        secure=_secure(request), samesite="strict")
    return response


@router.post("/logout")
async def logout(request: Request, lang: str = Form("fr")) -> Response:
    gate, lang = _gate(request), _lang(lang)
    cookie, id_token = request.cookies.get(gate.cookie_name), None
    if cookie and gate.store is not None:
        session = await gate.store.find(cookie)
        if session is not None:
            id_token = session.id_token
            await gate.store.end(session.id_hash, "signed out")
            log.info("signin.signed_out", operator=session.operator.sub)
    after = f"{_base(request)}/auth/signed-out"
    target = f"{after}?lang={lang}"
    if gate.provider is not None:
        try:
            target = await gate.provider.end_session_url(id_token=id_token, after=after, state=lang) or target
        except ProviderUnavailable:
            pass
    # A page that moves on, not a redirect: the console's CSP (form-action 'self') would stop a form's redirect
    # to the provider's end-session endpoint.
    response = onward_page(request, target, lang)
    response.delete_cookie(gate.cookie_name, path="/", secure=_secure(request), httponly=True, samesite="strict")
    return response


@router.get("/signed-out", response_class=HTMLResponse)
async def signed_out(request: Request, lang: str = "", state: str = "") -> Response:
    """Where the provider sends the browser back after sign-out; the language came back as `state`."""
    return message_page(request, "signed_out", _lang(lang or state), 200)


@router.get("/session")
async def session(request: Request) -> Response:
    """Who is signed in, and until when; asking it also refreshes a due session (the console kit polls it)."""
    try:
        lease = await _gate(request).lease(request)
    except ProviderUnavailable:
        return JSONResponse({"signed_in": True, "provider": "unreachable"}, status_code=503)
    except AuthError:
        return JSONResponse({"signed_in": False}, status_code=401)
    who = lease.operator
    return JSONResponse({"signed_in": True, "alias": who.alias, "force": who.force, "roles": sorted(who.roles),
                         "departments": list(who.departments), "unit": who.unit,
                         "orange_clearance": who.orange_clearance, "expires_at": lease.expires_at.isoformat()},
                        headers={"Cache-Control": "no-store"})


def sign_in_url(path: str, lang: str = "fr") -> str:
    return f"/auth/login?next={quote(safe_next(path), safe='')}&lang={_lang(lang)}"


def _transaction_context(request: Request) -> str:
    return f"{_settings(request).service_name}.signin"


def _read_transaction(request: Request, state: str) -> dict[str, Any] | None:
    raw = request.cookies.get(_transaction_cookie(request, state)) if state else None
    if not raw:
        return None
    try:
        opened = _settings(request).keyring().open(bytes.fromhex(raw), context=_transaction_context(request))
        transaction: dict[str, Any] = json.loads(opened)
        return transaction
    except (ValueError, DecryptionError):
        return None


def _forget(request: Request, state: str, response: Response) -> Response:
    if not state:
        return response
    response.delete_cookie(_transaction_cookie(request, state), path="/auth/", secure=_secure(request), httponly=True,
                           samesite="lax")
    return response
