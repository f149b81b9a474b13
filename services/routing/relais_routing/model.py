"""Immutable values of the jurisdiction index: communes, departments, units, lookup results."""

from dataclasses import dataclass
from typing import Literal

from relais_routing.competence_csv import Force

PLATFORM_QUEUES: dict[str, str] = {"PN": "platform.pn", "GN": "platform.gn"}
# A report that cannot be resolved goes to national triage, never to a guessed force.
TRIAGE_QUEUE = "platform.triage"

UnresolvedReason = Literal["unknown_commune", "no_competence", "unknown_postal_code", "ambiguous_postal_code"]


@dataclass(frozen=True, slots=True)
class Ref:
    """A unit or an operational centre: a stable id and a display name."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Department:
    """A department or overseas collectivity, with its operational centre per force (None if none)."""

    code: str
    name: str
    region: str
    centre_pn: Ref | None
    centre_gn: Ref | None

    def centre(self, force: Force) -> Ref | None:
        """Return the operational centre that takes this force's calls in this department."""
        return self.centre_pn if force == "PN" else self.centre_gn


@dataclass(frozen=True, slots=True)
class Commune:
    """A current commune or a municipal arrondissement of Paris, Lyon or Marseille."""

    insee: str
    name: str
    department: str
    postal_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Competence:
    """The competent force and local unit of one commune."""

    force: Force
    unit: Ref


@dataclass(frozen=True, slots=True)
class CommuneJurisdiction:
    """One commune of a postal code with where its reports go; force, unit, centre None if unknown."""

    insee: str
    name: str
    department: Department
    force: Force | None
    unit: Ref | None
    centre: Ref | None


@dataclass(frozen=True, slots=True)
class PostalCodeResult:
    """The communes of a well-formed postal code; empty and known=False when no commune uses it."""

    postal_code: str
    communes: tuple[CommuneJurisdiction, ...]
    must_choose: bool  # the communes do not all route the same way: the person picks theirs

    @property
    def known(self) -> bool:
        """Whether any commune uses this postal code."""
        return bool(self.communes)


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a report goes: resolved to a force and unit, or unresolved with a reason and triage."""

    resolved: bool
    queue: str  # platform.pn, platform.gn, or platform.triage when unresolved
    reason: UnresolvedReason | None = None
    insee: str | None = None
    commune_name: str | None = None
    department: Department | None = None
    force: Force | None = None
    unit: Ref | None = None
    centre: Ref | None = None


@dataclass(frozen=True, slots=True)
class IndexStats:
    """Sizes of a loaded index, for logs, metrics and the readiness check."""

    communes: int
    postal_codes: int
    departments: int
    communes_with_competence: int
    units: int
    competence_ignored: int  # competence rows whose commune is not in the commune list
