"""Parser of the ministry's commune -> police/gendarmerie competence file (format in shared data/README.md).

The whole file is rejected at its first bad line: a partial import would silently misroute the communes
that follow the error, while keeping the previous data is safe.
"""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from relais_routing.text import slug

Force = Literal["PN", "GN"]

HEADER = ("code_commune", "libelle_commune", "institution", "id_service", "service", "code_postal",
          "codes_postaux")
INSEE_PATTERN = re.compile(r"[0-9]{5}|2[AB][0-9]{3}")
_POSTAL = re.compile(r"[0-9]{5}")
_SERVICE_ID = re.compile(r"[0-9]{1,12}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class CompetenceRow:
    """One commune's competent force and local unit, as published."""

    insee: str
    label: str
    force: Force
    service_id: str | None  # the file's id_service: the brigade number for GN, None for PN
    unit_id: str  # stable key of the unit for both forces, see unit_id_for()
    unit_name: str  # as published, trailing space, en dash or curly apostrophe included
    postal_codes: tuple[str, ...]


class CompetenceFileError(ValueError):
    """The competence file is unusable; line_number names its first bad line (1 is the header)."""

    def __init__(self, line_number: int, message: str) -> None:
        super().__init__(f"line {line_number}: {message}")
        self.line_number = line_number
        self.message = message


def department_of(insee: str) -> str:
    """Return the department code of an INSEE commune code (three characters overseas)."""
    return insee[:3] if insee[:2] in ("97", "98") else insee[:2]


def unit_id_for(insee: str, force: Force, service_id: str | None, unit_name: str) -> str:
    """Return the GN brigade number, or "PN-<department>-<slug of the trimmed name>" for police units.

    PN rows carry no id, so the id is derived from what identifies the unit: its name within the
    department. The slug drops accents, case and punctuation, so a trailing space, an en dash or a curly
    apostrophe in a later edition of the file does not change the id; a renamed unit gets a new id.
    """
    if force == "PN":
        return f"PN-{department_of(insee)}-{slug(unit_name)}"
    if not service_id:
        raise ValueError("a GN unit is identified by its id_service")
    return service_id


def _parse_row(fields: list[str]) -> CompetenceRow:
    """Validate one data row's fields; raise ValueError with a reason."""
    if len(fields) != len(HEADER):
        raise ValueError(f"expected {len(HEADER)} fields separated by ';', found {len(fields)}")
    if any(_CONTROL.search(f) for f in fields):
        raise ValueError("a field contains a control character (NUL, tab, line break)")
    insee, label, force, service_id, unit_name, postal_code, postal_codes = fields
    if not INSEE_PATTERN.fullmatch(insee):
        raise ValueError("code_commune must be an INSEE code of 5 characters (digits, or 2A/2B + 3 digits)")
    if force not in ("PN", "GN"):
        raise ValueError("institution must be PN or GN")
    if force == "GN" and not _SERVICE_ID.fullmatch(service_id):
        raise ValueError("a GN row needs a numeric id_service")
    if force == "PN" and service_id:
        raise ValueError("a PN row has no id_service in this format")
    if not label.strip() or not unit_name.strip():
        raise ValueError("libelle_commune and service must not be empty")
    codes = tuple(postal_codes.split("-")) if postal_codes else ()
    # Either may be empty (a commune without a postal code), but what is there must be well-formed.
    if any(not _POSTAL.fullmatch(c) for c in codes + ((postal_code,) if postal_code else ())):
        raise ValueError("postal codes must be 5 digits, several joined by '-'")
    unit_id = unit_id_for(insee, force, service_id or None, unit_name)
    return CompetenceRow(insee, label, force, service_id or None, unit_id, unit_name, codes)


def _decode(data: bytes) -> str:
    """Decode UTF-8 (a BOM is tolerated); a bad byte is reported with its line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CompetenceFileError(data.count(b"\n", 0, exc.start) + 1, "not valid UTF-8") from None


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield each CSV record with the line it starts on (a quoted field may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CompetenceFileError(start, f"malformed CSV ({exc})") from None
        yield start, fields
        start = reader.line_num + 1


def parse_competence_csv(data: bytes) -> list[CompetenceRow]:
    """Parse the whole file or raise CompetenceFileError naming its first bad line."""
    records = _records(_decode(data))
    if tuple(next(records, (1, []))[1]) != HEADER:
        raise CompetenceFileError(1, "header must be " + ";".join(HEADER))
    rows: list[CompetenceRow] = []
    first_line: dict[str, int] = {}
    for line, fields in records:
        if not fields:
            continue  # blank line, typically the last one
        try:
            row = _parse_row(fields)
        except ValueError as exc:
            raise CompetenceFileError(line, str(exc)) from None
        if row.insee in first_line:
            raise CompetenceFileError(line, f"commune {row.insee} already given on line {first_line[row.insee]}")
        first_line[row.insee] = line
        rows.append(row)
    if not rows:
        raise CompetenceFileError(2, "no data row after the header")
    return rows


def read_competence_csv(path: Path) -> list[CompetenceRow]:
    """Read and parse a competence file from disk."""
    return parse_competence_csv(Path(path).read_bytes())


def competence_by_insee(rows: list[CompetenceRow]) -> dict[str, CompetenceRow]:
    """Index parsed rows by commune, the mapping JurisdictionIndex takes."""
    return {row.insee: row for row in rows}
