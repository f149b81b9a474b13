"""Choosing a dispatch centre from routing's answer for a postal code: pure rules."""

from relais_escalation.jurisdiction import DEPARTMENT, UNRESOLVED, centre_of, pick


def commune(insee, force, department, centre):
    return {"insee": insee, "force": force, "department": {"code": department},
            "operational_centre": {"id": centre} if centre else None}


def test_communes_that_differ_only_by_unit_share_their_centre():
    answer = {"must_choose": True, "communes": [commune("35001", "GN", "35", "GN-CORG-35"),
                                                commune("35047", "GN", "35", "GN-CORG-35")]}
    found = pick(answer)
    assert (found.force, found.department, found.centre, found.insee) == ("GN", "35", "GN-CORG-35", None)


def test_a_single_commune_gives_its_insee():
    assert pick({"must_choose": False, "communes": [commune("35001", "GN", "35", "GN-CORG-35")]}).insee == "35001"


def test_communes_of_two_forces_or_without_competence_are_unresolved():
    mixed = [commune("35001", "GN", "35", "GN-CORG-35"), commune("35238", "PN", "35", "PN-CIC-35")]
    assert pick({"must_choose": True, "communes": mixed}) is UNRESOLVED
    assert pick({"must_choose": False, "communes": [commune("20000", None, "2A", None)]}) is UNRESOLVED
    assert pick({"must_choose": False, "communes": []}) is UNRESOLVED


def test_the_centre_of_a_chosen_force_and_department_uses_routing_s_ids():
    assert centre_of("GN", "35") == "GN-CORG-35" and centre_of("PN", "35") == "PN-CIC-35"
    assert centre_of("PN", "93") == "PN-PP" and centre_of("GN", "75") == "GN-CORG-IDF"
    assert centre_of("GN", "978") == "GN-CORG-971"


def test_only_real_department_codes_are_accepted():
    assert all(DEPARTMENT.match(code) for code in ("01", "2A", "2B", "35", "95", "974", "988"))
    assert not any(DEPARTMENT.match(code) for code in ("00", "20", "96", "2C", "970", "35 ", "3"))
