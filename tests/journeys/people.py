"""The people of a case as the platform knows them: operators at the provider (consoles) or with signed tokens
(API calls), and small HTTP helpers."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx

from relais_shared.identity import Operator
from relais_shared.operator_keys import mint_token
from relais_shared.settings import RelaisSettings
from tests.signin import sign_in_sync

PHONE_NUMBER = "06 12 34 56 78"


def token(*, sub: str, alias: str, force: str, departments: tuple[str, ...], roles: tuple[str, ...],
          orange: bool = True) -> str:
    """A token as the platform's development provider would sign it (the services trust its local key)."""
    settings = RelaisSettings(env="test")
    operator = Operator(sub=sub, alias=alias, force=force, departments=departments, roles=frozenset(roles),
                        orange_clearance=orange)
    return mint_token(Path(settings.keys_dir), operator, issuer=settings.oidc_issuer, audience=settings.oidc_audience)


DISPATCHER_GN_35 = dict(sub="disp-gn-35", alias="CORG 35", force="GN", departments=("35",), roles=("dispatcher",))
CELL_GN_35 = dict(sub="cell-gn-35", alias="Cellule 35", force="GN", departments=("35",), roles=("followup",))
CELL_GN_2A = dict(sub="cell-gn-2a", alias="Cellule 2A", force="GN", departments=("2A",), roles=("followup",))
TRIAGE = dict(sub="triage-1", alias="Triage national", force="PN", departments=("*",), roles=("triage_operator",))
CHAT_PN_91 = dict(sub="chat-pn-91", alias="Agent Leroy", force="PN", departments=("91",), roles=("chat_operator",))
CHAT_PN_35_UNCLEARED = dict(sub="chat-pn-35-blue", alias="Agent Martin", force="PN", departments=("35",),
                            roles=("chat_operator",), orange=False)
CHAT_GN_35 = dict(sub="chat-gn-35", alias="Gendarme Kerouac", force="GN", departments=("35",), roles=("chat_operator",))
UNIT_GN_35 = dict(sub="unit-gn-35", alias="Brigade Liffré", force="GN", departments=("35",), roles=("chat_operator",))
CHAT_PN_35 = dict(sub="chat-pn-35", alias="Agent Durand", force="PN", departments=("35",), roles=("chat_operator",))


class Api:
    """One operator's authorised HTTP calls to one service."""

    def __init__(self, base_url: str, person: dict):
        self.base_url, self.token = base_url, token(**person)
        self.headers = {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **kwargs) -> httpx.Response:
        return httpx.get(self.base_url + path, headers=self.headers, timeout=10, **kwargs)

    def post(self, path: str, body: dict | None = None) -> httpx.Response:
        return httpx.post(self.base_url + path, headers=self.headers, json=body, timeout=10)

    def put(self, path: str, body: dict) -> httpx.Response:
        return httpx.put(self.base_url + path, headers=self.headers, json=body, timeout=10)


def eventually(probe, timeout: float = 30, interval: float = 0.3):
    """The first truthy answer of `probe()` within `timeout` seconds; fails with the last answer otherwise."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"not within {timeout}s; last answer: {last!r}")


def sign_in(page, platform, url: str, person: dict) -> None:
    """Sign in at a console through the platform's provider, as `person`.

    The desk's browser may still be signed in at the provider as someone else (single sign-on): sign out
    there first, as a colleague taking over the desk would."""
    page.goto(platform.provider.issuer + "/?logout=1")
    sign_in_sync(page, url, person["sub"])


def provider_accounts() -> list:
    """The people of the journeys as accounts at the platform's provider (beside its demo operators)."""
    from relais_cli.provider import DEMO_OPERATORS, DemoOperator

    people = [DISPATCHER_GN_35, CELL_GN_35, CELL_GN_2A, TRIAGE, CHAT_PN_91, CHAT_PN_35_UNCLEARED, CHAT_GN_35,
              UNIT_GN_35, CHAT_PN_35]
    return [*DEMO_OPERATORS, *(DemoOperator(p["sub"], p["alias"], p["force"], p["departments"], p["roles"],
                                            orange=p.get("orange", True)) for p in people)]


def contains_anywhere(value, needle: str) -> bool:
    return needle in json.dumps(value, ensure_ascii=False)
