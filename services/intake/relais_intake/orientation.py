"""Where to find help: national numbers for a category, then the department's local help (pure, packaged data)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any, get_args

from relais_intake.categories import Category
from relais_intake.schemas import Orientation, Resource

CATEGORIES = frozenset(get_args(Category))
NUMBER = re.compile(r"^[0-9][0-9 ]{1,19}$")
DEPARTMENT = re.compile(r"^([0-9]{2,3}|2[AB])$")
LANGS = ("fr", "en")


class OrientationDataError(ValueError):
    """The orientation data file is inconsistent; the service must not start with it."""


@dataclass(frozen=True)
class Entry:
    """One place to find help, in both languages, with the categories it serves."""

    id: str
    name: str
    name_en: str | None
    number: str | None
    emergency: bool
    description_fr: str
    description_en: str
    hours_fr: str | None
    hours_en: str | None
    categories: frozenset[str] | None  # None: every category

    def applies_to(self, category: str) -> bool:
        return self.categories is None or category in self.categories

    def resource(self, lang: str) -> Resource:
        """The entry as the API shows it, in the person's language."""
        en = lang == "en"
        return Resource(name=(self.name_en or self.name) if en else self.name, number=self.number,
                        description=self.description_en if en else self.description_fr,
                        hours=self.hours_en if en else self.hours_fr)


@dataclass(frozen=True)
class OrientationData:
    """The validated data file: national resources and local ones by department code."""

    maintained_by: str
    updated: date
    national: tuple[Entry, ...]
    local: Mapping[str, tuple[Entry, ...]]


def _text(item: Mapping[str, Any], field: str, where: str, required: bool = True) -> str | None:
    value = item.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise OrientationDataError(f"{where}: {field} must be a non-empty string")
    return value


def _categories(value: Any, where: str) -> frozenset[str] | None:
    if value == "all":
        return None
    if not isinstance(value, list) or not value or not set(value) <= CATEGORIES:
        raise OrientationDataError(f"{where}: categories must be \"all\" or a list of known categories")
    return frozenset(value)


def _entry(item: Mapping[str, Any], where: str) -> Entry:
    """Build one resource, refusing half-translated or malformed entries."""
    where = f"{where}/{item.get('id')}"
    number = _text(item, "number", where, required=False)
    if number is not None and not NUMBER.match(number):
        raise OrientationDataError(f"{where}: malformed number")
    hours = (_text(item, "hours_fr", where, False), _text(item, "hours_en", where, False))
    if (hours[0] is None) != (hours[1] is None):
        raise OrientationDataError(f"{where}: hours must be given in both languages or neither")
    return Entry(_text(item, "id", where), _text(item, "name", where), _text(item, "name_en", where, False), number,
                 item.get("emergency") is True, _text(item, "description_fr", where),
                 _text(item, "description_en", where), *hours, _categories(item.get("categories"), where))


def _entries(items: Any, where: str) -> tuple[Entry, ...]:
    entries = tuple(_entry(item, where) for item in items or ())
    if len({e.id for e in entries}) != len(entries):
        raise OrientationDataError(f"{where}: duplicate ids")
    return entries


def parse_orientation(data: Mapping[str, Any]) -> OrientationData:
    """Validate the data file's content and build the lookup structure."""
    maintained_by = _text(data, "maintained_by", "orientation")
    try:
        updated = date.fromisoformat(data.get("updated", ""))
    except (TypeError, ValueError) as exc:
        raise OrientationDataError("orientation: updated must be an ISO date") from exc
    national = _entries(data.get("national"), "national")
    if not national or any(e.emergency and e.number is None for e in national):
        raise OrientationDataError("national: resources needed, and every emergency entry needs a number")
    local = {}
    for code, department in (data.get("local") or {}).items():
        if not DEPARTMENT.match(code):
            raise OrientationDataError(f"local: bad department code {code!r}")
        local[code] = _entries(department.get("resources"), f"local/{code}")
    return OrientationData(maintained_by, updated, national, MappingProxyType(local))


@cache
def load_orientation() -> OrientationData:
    """The packaged orientation data, read and validated once."""
    text = (files("relais_intake") / "data" / "orientation.json").read_text(encoding="utf-8")
    return parse_orientation(json.loads(text))


def orientation_for(category: str, department: str | None, lang: str) -> Orientation:
    """National help for a category (emergency numbers first), and the department's local help."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category: {category!r}")
    if lang not in LANGS:
        raise ValueError(f"unsupported language: {lang!r}")
    data = load_orientation()
    # sorted() is stable: within each group the file's order, chosen by the operators, is kept.
    national = sorted((e for e in data.national if e.applies_to(category)), key=lambda e: not e.emergency)
    local = data.local.get((department or "").strip().upper(), ())
    return Orientation(national=[e.resource(lang) for e in national],
                       local=[e.resource(lang) for e in local if e.applies_to(category)])
