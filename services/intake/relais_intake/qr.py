"""QR codes for partners' neutral leaflets: the code holds the partner's entry URL and nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import segno

from relais_intake.partners import check_slug

Format = Literal["png", "svg"]
# Medium error correction survives a folded or slightly smudged leaflet; 4 modules of quiet zone is the
# standard margin phone cameras expect; 10 px per module prints sharp at a few centimetres.
ERROR = "M"
SCALE = 10
BORDER = 4


def partner_url(base_url: str, slug: str) -> str:
    """The partner's entry page: base URL + /p/<slug>."""
    check_slug(slug)
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"base URL must be http(s)://host[/path] without query or fragment: {base_url!r}")
    return f"{base_url.rstrip('/')}/p/{slug}"


def make_qr(url: str) -> segno.QRCode:
    """A full-size QR code at level M exactly (no Micro QR: many phone cameras cannot read it)."""
    return segno.make_qr(url, error=ERROR, boost_error=False)


def write_qr(url: str, path: Path, fmt: Format) -> segno.QRCode:
    """Write the QR code of `url` as PNG or SVG (black on white, for any paper colour)."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"unsupported format {fmt!r}: png or svg")
    qr = make_qr(url)
    # No title or description in the SVG: the leaflet is neutral and so must be the file.
    qr.save(str(path), kind=fmt, scale=SCALE, border=BORDER, dark="#000", light="#fff")
    return qr
