"""Bulk import of past cases from CSV: validate every line first, then all or nothing, idempotent (pure parse)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime

from relais_followup.rules import Rules, import_window
from relais_followup.schemas import CASE_REFERENCE, PHONE
from relais_followup.store import NewEntry
from relais_followup.windows import SafeHours, zone_for

REQUIRED = ("case_reference", "force", "department", "risk_level", "intervention_at")
OPTIONAL = ("unit_id", "insee", "phone", "trusted_person_name", "trusted_person_phone", "address", "channels",
            "safe_hours", "no_voicemail", "via_trusted_person")
YES, NO = {"1", "true", "yes", "oui", "o", "y"}, {"0", "false", "no", "non", "n", ""}
CHANNELS = {"phone", "sms", "trusted_person"}
MAX_ROWS = 200_000


@dataclass
class ParsedFile:
    entries: list[NewEntry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "line 4: risk_level: …", ready to print


def parse(data: bytes, rules: Rules, now: datetime) -> ParsedFile:
    """Every line checked; errors name the line (the header is line 1) and the column."""
    result = ParsedFile()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append("line 1: the file is not UTF-8 text")
        return result
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(text))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        result.errors.append(f"line 1: missing column(s): {', '.join(missing)}")
        return result
    seen: dict[str, int] = {}
    line_end = 1
    for row in reader:
        # A quoted value may run over several lines: name the line where the record starts.
        line, line_end = line_end + 1, reader.line_num
        if len(result.entries) + len(result.errors) >= MAX_ROWS:
            result.errors.append(f"line {line}: more than {MAX_ROWS} lines; split the file")
            break
        problems, entry = _entry(row, rules, now)
        if entry is not None and entry.case_reference in seen:
            problems.append(f"case_reference: already on line {seen[entry.case_reference]}")
        if problems:
            result.errors.extend(f"line {line}: {p}" for p in problems)
        elif entry is not None:
            seen[entry.case_reference] = line
            result.entries.append(entry)
    return result


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _entry(row: dict, rules: Rules, now: datetime) -> tuple[list[str], NewEntry | None]:
    if None in row:
        return ["more values than columns"], None
    v = {k: (row.get(k) or "").strip() for k in REQUIRED + OPTIONAL}
    problems = [f"{k}: required" for k in REQUIRED if not v[k]]
    checks = [
        ("case_reference", not v["case_reference"] or re.fullmatch(CASE_REFERENCE, v["case_reference"]),
         "letters, digits and . _ : / - only, at most 64"),
        ("force", v["force"] in ("", "PN", "GN"), "PN or GN"),
        ("risk_level", v["risk_level"] in ("", "standard", "high", "severe"), "standard, high or severe"),
        ("phone", not v["phone"] or re.fullmatch(PHONE, v["phone"]), "digits, like 06 12 34 56 78"),
        ("trusted_person_phone", not v["trusted_person_phone"] or re.fullmatch(PHONE, v["trusted_person_phone"]),
         "digits, like 06 12 34 56 78"),
        ("insee", not v["insee"] or re.fullmatch(r"[0-9]{5}|2[AB][0-9]{3}", v["insee"]), "5 characters"),
        ("address", len(v["address"]) <= 300, "at most 300 characters"),
        ("no_voicemail", v["no_voicemail"].lower() in YES | NO, "yes or no"),
        ("via_trusted_person", v["via_trusted_person"].lower() in YES | NO, "yes or no"),
    ]
    problems += [f"{name}: expected {hint}" for name, ok, hint in checks if not ok]
    channels = [c.strip() for c in v["channels"].split("|") if c.strip()] or ["phone"]
    if not set(channels) <= CHANNELS:
        problems.append("channels: expected phone, sms or trusted_person separated by |")
    hours, at = _safe_hours(v["safe_hours"], problems), _when(v, problems)
    if problems or at is None:
        return problems, None
    start, end = import_window(at, v["department"], now, rules)
    contact = {k: v[k] for k in ("phone", "trusted_person_name", "trusted_person_phone", "address") if v[k]}
    return [], NewEntry(
        case_reference=v["case_reference"], source="import", force=v["force"], department=v["department"],
        risk_level=v["risk_level"], window_start=start, window_end=end, unit_id=v["unit_id"] or None,
        insee=v["insee"] or None, channels=channels, safe_hours=hours, contact=contact,
        no_voicemail=v["no_voicemail"].lower() not in NO - {""}, via_trusted_person=v["via_trusted_person"].lower()
        in YES)


def _safe_hours(text: str, problems: list[str]) -> list[str]:
    try:
        return [SafeHours.parse(h).label() for h in text.split("|") if h.strip()]
    except ValueError:
        problems.append("safe_hours: expected 09:00-11:30, several separated by |")
        return []


def _when(v: dict, problems: list[str]) -> datetime | None:
    """The intervention time; without an offset it is the department's local time."""
    try:
        zone = zone_for(v["department"])
    except ValueError:
        if v["department"]:
            problems.append("department: unknown department code")
        return None
    try:
        at = datetime.fromisoformat(v["intervention_at"])
    except ValueError:
        if v["intervention_at"]:
            problems.append("intervention_at: expected a date and time like 2026-03-29T14:30")
        return None
    return at if at.tzinfo is not None else at.replace(tzinfo=zone)
