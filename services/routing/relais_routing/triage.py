"""Pure rules of national triage: what a triage operator's choice becomes, and what to suggest to her."""

from __future__ import annotations

import uuid

from relais_routing.jurisdiction import JurisdictionIndex
from relais_routing.model import PLATFORM_QUEUES, Department
from relais_routing.postal import PostalCodeError
from relais_shared import contracts
from relais_shared.bilingual import Bilingual

UNKNOWN_DEPARTMENT = Bilingual(fr="Aucun département n'a ce code. Choisissez-en un dans la liste (par ex. 35, 2A, "
                                  "974).",
                               en="No department has this code. Choose one from the list (e.g. 35, 2A, 974).")


class UnknownDepartment(ValueError):
    """The chosen department is not in routing's departments data."""


def department_of(index: JurisdictionIndex, raw: str) -> Department:
    """The department a triage operator typed or picked ("2a" and " 35" accepted); raise UnknownDepartment."""
    department = index.department(raw.strip().upper()) if isinstance(raw, str) else None
    if department is None:
        raise UnknownDepartment(raw)
    return department


def routed_by_triage(index: JurisdictionIndex, report_id: uuid.UUID, insee: str | None, force: str,
                     department: Department) -> contracts.ReportRouted:
    """report.routed for a triaged report: the chosen force and department, and that department's centre.

    The commune is kept only when it really is in the chosen department: an INSEE code the person chose
    outside her postal code must not contradict the operator's decision. No unit: the centre dispatches.
    """
    commune = index.by_insee(insee) if insee else None
    centre = department.centre(force)
    return contracts.ReportRouted(
        report_id=report_id, insee=commune.insee if commune and commune.department == department.code else None,
        force=force, unit_id=None, unit_name=None, department=department.code,
        operational_centre=centre.id if centre else None, platform_queue=PLATFORM_QUEUES[force],
        assigned_by="triage")


def suggested_departments(index: JurisdictionIndex, postal_code: str, insee: str | None) -> list[str]:
    """Departments the report probably belongs to: her commune's first, then those of her postal code."""
    commune = index.by_insee(insee) if insee else None
    first = [commune.department] if commune else []
    try:
        communes = index.by_postal_code(postal_code).communes
    except PostalCodeError:
        communes = ()
    return first + sorted({c.department.code for c in communes} - set(first))
