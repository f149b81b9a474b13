"""No console page asks for, keeps or sends a token: operators sign in at the provider, and the session lives
in an HttpOnly cookie that no script can read (issue 15). A static check over every page and script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([*ROOT.glob("services/*/relais_*/templates/*.html"), *ROOT.glob("services/*/relais_*/static/*.js"),
                *ROOT.glob("shared/relais_shared/console_kit/templates/kit/*.html"),
                *ROOT.glob("shared/relais_shared/console_kit/static/*.js")])
# What a page holding a token would need: a field for it, a place to keep it, a header to send it.
HOLDING_A_TOKEN = re.compile(r'id="token"|name="token"|sessionStorage|localStorage|Authorization|Bearer '
                             r'|credentials:\s*"omit"|jeton', re.IGNORECASE)


def test_the_pages_and_scripts_exist():
    assert len(PAGES) > 15


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_or_script_handles_a_token(path: Path):
    found = sorted({m.group(0) for m in HOLDING_A_TOKEN.finditer(path.read_text(encoding="utf-8"))})
    assert not found, f"{path.relative_to(ROOT)} handles a token: {found}"
