"""Pure rules of national triage: the department a triage operator chose, and the report.routed it becomes."""

import uuid

import pytest

from relais_routing.jurisdiction import JurisdictionIndex, load_default_index
from relais_routing.triage import UnknownDepartment, department_of, routed_by_triage, suggested_departments


@pytest.fixture(scope="module")
def index() -> JurisdictionIndex:
    return load_default_index()


@pytest.mark.parametrize("raw", ["35", " 35 ", "2a", "2B", "974", "01"])
def test_every_department_of_the_data_is_accepted_however_typed(index, raw):
    assert department_of(index, raw).code == raw.strip().upper()


@pytest.mark.parametrize("raw", ["", "00", "20", "96", "99", "980", "3", "<script>", "3 5", None])
def test_a_department_routing_does_not_know_is_refused(index, raw):
    with pytest.raises(UnknownDepartment):
        department_of(index, raw)


def test_the_assignment_derives_the_centre_of_the_force_in_that_department(index):
    report_id = uuid.uuid4()
    gn = routed_by_triage(index, report_id, None, "GN", department_of(index, "72"))
    assert (gn.report_id, gn.force, gn.department, gn.operational_centre, gn.platform_queue, gn.assigned_by) == (
        report_id, "GN", "72", "GN-CORG-72", "platform.gn", "triage")
    assert (gn.insee, gn.unit_id, gn.unit_name) == (None, None, None)
    pn = routed_by_triage(index, report_id, "2A004", "PN", department_of(index, "2A"))
    assert (pn.insee, pn.operational_centre, pn.platform_queue) == ("2A004", "PN-CIC-2A", "platform.pn")


def test_a_commune_outside_the_chosen_department_is_not_carried(index):
    routed = routed_by_triage(index, uuid.uuid4(), "75101", "GN", department_of(index, "35"))
    assert routed.insee is None and routed.department == "35"


def test_suggestions_come_from_her_commune_then_her_postal_code(index):
    assert suggested_departments(index, "20000", "2A004") == ["2A"]
    assert suggested_departments(index, "35760", "75101") == ["75", "35"]
    assert suggested_departments(index, "35760", None) == ["35"]
    assert suggested_departments(index, "99999", None) == []
    assert suggested_departments(index, "nonsense", None) == []
