"""In-memory jurisdiction index: postal code -> communes -> competent force, unit and operational centre."""

import functools
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping

from relais_routing.competence_csv import INSEE_PATTERN, CompetenceRow
from relais_routing.model import (
    PLATFORM_QUEUES,
    TRIAGE_QUEUE,
    Commune,
    CommuneJurisdiction,
    Competence,
    Department,
    IndexStats,
    PostalCodeResult,
    Ref,
    Resolution,
)
from relais_routing.postal import PostalCodeError, normalize_postal_code
from relais_routing.reference_data import load_communes, load_departments, load_sample_competence
from relais_routing.text import fold


class JurisdictionIndex:
    """Immutable index built once at start-up; a new competence import builds a new index."""

    __slots__ = ("_communes", "_by_postal", "_departments", "_competence", "_ignored")

    def __init__(
        self,
        communes: Iterable[Commune],
        departments: Mapping[str, Department],
        competence: Mapping[str, CompetenceRow],
    ) -> None:
        self._departments = dict(departments)
        self._communes = {c.insee: c for c in sorted(communes, key=lambda c: (fold(c.name), c.insee))}
        missing = {c.department for c in self._communes.values()} - self._departments.keys()
        if missing:
            raise ValueError(f"communes refer to unknown departments: {sorted(missing)}")
        by_postal: dict[str, list[Commune]] = defaultdict(list)
        for commune in self._communes.values():  # in name order, so each code's communes are too
            for code in commune.postal_codes:
                by_postal[code].append(commune)
        self._by_postal = {code: tuple(found) for code, found in by_postal.items()}
        self._set_competence(competence)

    def _set_competence(self, competence: Mapping[str, CompetenceRow]) -> None:
        """Keep the competence of known communes, one shared value per unit."""
        # About 35,000 communes share a few thousand units: one Competence object per unit, not per commune.
        per_unit: dict[str, Competence] = {}
        self._competence: dict[str, Competence] = {}
        for insee, row in competence.items():
            if insee in self._communes:
                unit = Ref(sys.intern(row.unit_id), row.unit_name)
                self._competence[insee] = per_unit.setdefault(row.unit_id, Competence(row.force, unit))
        self._ignored = len(competence) - len(self._competence)

    def with_competence(self, competence: Mapping[str, CompetenceRow]) -> "JurisdictionIndex":
        """Return a new index sharing this one's communes, with another competence mapping."""
        index = object.__new__(JurisdictionIndex)
        index._communes, index._by_postal = self._communes, self._by_postal
        index._departments = self._departments
        index._set_competence(competence)
        return index

    def by_insee(self, insee: str) -> Commune | None:
        """Return the commune of an INSEE code, or None."""
        return self._communes.get(insee) if isinstance(insee, str) else None

    def department(self, code: str) -> Department | None:
        """Return a department by code, or None."""
        return self._departments.get(code)

    def departments(self) -> list[Department]:
        """Return every department, by code (2A and 2B fall between 29 and 30)."""
        return [self._departments[code] for code in sorted(self._departments)]

    def jurisdiction_of(self, commune: Commune) -> CommuneJurisdiction:
        """Describe where one commune's reports go."""
        department = self._departments[commune.department]
        competence = self._competence.get(commune.insee)
        if competence is None:
            return CommuneJurisdiction(commune.insee, commune.name, department, None, None, None)
        centre = department.centre(competence.force)
        return CommuneJurisdiction(commune.insee, commune.name, department, competence.force, competence.unit, centre)

    def by_postal_code(self, raw: object) -> PostalCodeResult:
        """Return the communes of a postal code; raise PostalCodeError if it is malformed or foreign."""
        code = normalize_postal_code(raw)
        communes = tuple(self.jurisdiction_of(c) for c in self._by_postal.get(code, ()))
        routes = {(j.force, j.unit.id, j.centre and j.centre.id) if j.unit else None for j in communes}
        return PostalCodeResult(code, communes, must_choose=len(routes) > 1)

    def resolve(self, insee: str) -> Resolution:
        """Return the force, unit, department, centre and platform queue of a commune, or why not."""
        commune = self.by_insee(insee)
        if commune is None:
            known_form = isinstance(insee, str) and INSEE_PATTERN.fullmatch(insee)
            return Resolution(False, TRIAGE_QUEUE, "unknown_commune", insee if known_form else None)
        j = self.jurisdiction_of(commune)
        if j.force is None:
            return Resolution(False, TRIAGE_QUEUE, "no_competence", j.insee, j.name, j.department)
        return Resolution(True, PLATFORM_QUEUES[j.force], None, j.insee, j.name, j.department, j.force, j.unit,
                          j.centre)

    def route(self, postal_code: object, insee: str | None = None) -> Resolution:
        """Resolve a report from its commune if chosen, else from a postal code whose communes agree."""
        if insee is not None:
            return self.resolve(insee)  # the person's choice of commune is more precise than the code
        try:
            result = self.by_postal_code(postal_code)
        except PostalCodeError:
            return Resolution(False, TRIAGE_QUEUE, "unknown_postal_code")
        if not result.known:
            return Resolution(False, TRIAGE_QUEUE, "unknown_postal_code")
        if result.must_choose:
            return Resolution(False, TRIAGE_QUEUE, "ambiguous_postal_code")
        # Every commune of the code routes the same way, so any one of them gives the same answer.
        return self.resolve(result.communes[0].insee)

    def communes_of_departments(self, departments: set[str]) -> list[str]:
        """Return the INSEE codes of every commune of the given departments."""
        return [c.insee for c in self._communes.values() if c.department in departments]

    def postal_codes(self) -> list[str]:
        """Return every known postal code, sorted."""
        return sorted(self._by_postal)

    def stats(self) -> IndexStats:
        """Return the sizes of the index."""
        units = {c.unit.id for c in self._competence.values()}
        return IndexStats(len(self._communes), len(self._by_postal), len(self._departments),
                          len(self._competence), len(units), self._ignored)


@functools.cache
def reference_index() -> JurisdictionIndex:
    """The packaged communes and departments without competence, built once per process however many apps it
    creates (tests create one per test): the index is immutable, and competence comes as a new index sharing it."""
    return JurisdictionIndex(load_communes(), load_departments(), {})


def load_default_index() -> JurisdictionIndex:
    """Build the index from the packaged communes, departments and competence sample."""
    return JurisdictionIndex(load_communes(), load_departments(), load_sample_competence())
