"""Readers of the packaged reference files: communes, departments and the default competence sample."""

import gzip
import json
import sys
from collections.abc import Iterator
from importlib.resources import files
from importlib.resources.abc import Traversable

from relais_routing.competence_csv import CompetenceRow, competence_by_insee, parse_competence_csv
from relais_routing.model import Commune, Department, Ref

COMMUNES_HEADER = "insee\tname\tdepartment\tpostal_codes"


def data_file(name: str) -> Traversable:
    """Return a file of the package's data folder."""
    return files("relais_routing") / "data" / name


def parse_communes(data: bytes) -> Iterator[Commune]:
    """Yield the communes of a gzipped communes.tsv written by scripts/derive_communes.py."""
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    if not lines or lines[0] != COMMUNES_HEADER:
        raise ValueError("not a communes file: unexpected header")
    for line in lines[1:]:
        insee, name, department, postal_codes = line.split("\t")
        # Interned: 35,000 communes share about 100 department codes and 6,300 postal codes.
        codes = tuple(sys.intern(c) for c in postal_codes.split("-")) if postal_codes else ()
        yield Commune(insee, name, sys.intern(department), codes)


def _ref(value: dict | None) -> Ref | None:
    """Build a centre reference from its JSON object, or None."""
    return Ref(value["id"], value["name"]) if value else None


def parse_departments(text: str) -> dict[str, Department]:
    """Return the departments of a departments.json, by code."""
    result = {}
    for code, value in json.loads(text).items():
        centres = value["centres"]
        result[sys.intern(code)] = Department(
            code, value["name"], value["region"], _ref(centres.get("PN")), _ref(centres.get("GN"))
        )
    return result


def load_communes() -> list[Commune]:
    """Load the packaged commune list."""
    return list(parse_communes(data_file("communes.tsv.gz").read_bytes()))


def load_departments() -> dict[str, Department]:
    """Load the packaged departments with their operational centres."""
    return parse_departments(data_file("departments.json").read_text(encoding="utf-8"))


def load_sample_competence() -> dict[str, CompetenceRow]:
    """Load the packaged competence sample (five departments), by INSEE code."""
    return competence_by_insee(parse_competence_csv(data_file("competence-sample.csv").read_bytes()))
