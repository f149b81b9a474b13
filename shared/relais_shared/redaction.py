"""Scrubbing of log events: free text, phone numbers, e-mail and IP addresses never reach a log line."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import MutableMapping
from typing import Any

REDACTED = "[redacted]"
# Keys whose values are personal or free text whatever they look like.
SENSITIVE_KEYS = frozenset(
    {
        "text", "free_text", "message_text", "body", "content", "description", "summary", "comment", "notes",
        "phone", "phone_number", "telephone", "email", "name", "first_name", "last_name", "address",
        "ip", "client_ip", "client", "remote_addr", "x_forwarded_for", "receipt", "contact", "password",
        "token", "authorization", "query_string", "location", "location_hint", "client_addr", "peer", "peername",
        "remote", "x_real_ip", "forwarded",
    }
)
PATTERNS = (
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),  # e-mail addresses
    re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b"),  # IPv4
    re.compile(r"(?:\+|00)\d[\d .()-]{7,}\d"),  # international phone numbers
    re.compile(r"\b0\d(?:[ .-]?\d{2}){4}\b"),  # French phone numbers
    re.compile(r"\b\d{16}\b"),  # receipt codes
)


# IPv6 candidates are checked by the ipaddress module, so times like 11:18:32 stay readable. Also caught: a
# port after the address, bare as uvicorn writes it ("2001:db8::1:54321") or bracketed ("[2001:db8::1]:443"), a
# zone ("fe80::1%eth0") and an IPv4 tail ("::ffff:10.1.2.3").
IPV6_CANDIDATE = re.compile(
    r"(?<![\w:.\[])(?:\[(?P<bracketed>[0-9A-Fa-f:.]+(?:%[\w.-]+)?)\](?::\d{1,5})?"
    r"|(?P<bare>[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,5}){2,8}(?:\.\d{1,3}){0,3}(?:%[\w.-]+)?))(?![\w:])")


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _mask_ipv6(match: re.Match[str]) -> str:
    bare = match.group("bare")
    if bare is None:
        return REDACTED if _is_ipv6(match.group("bracketed")) else match.group(0)
    return REDACTED if _is_ipv6(bare) or _is_ipv6(bare.rpartition(":")[0]) else match.group(0)


def scrub_text(value: str) -> str:
    """Mask anything in a string that looks like contact data or an address."""
    value = IPV6_CANDIDATE.sub(_mask_ipv6, value)  # first: an IPv4 tail belongs to the IPv6 address
    for pattern in PATTERNS:
        value = pattern.sub(REDACTED, value)
    return value


def scrub(value: Any, key: str | None = None) -> Any:
    """Redact a value recursively: whole values under sensitive keys, patterns inside other strings."""
    if key is not None and key.lower() in SENSITIVE_KEYS:
        return REDACTED if value not in (None, "") else value
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


def redact_processor(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> dict[str, Any]:
    """structlog processor: the last step before rendering."""
    return {k: scrub(v, None if k == "event" else k) for k, v in event_dict.items()}
