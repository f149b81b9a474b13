"""Resolution of a commune or a report to a force, a unit, an operational centre and a platform queue."""

import pytest

from relais_routing.jurisdiction import JurisdictionIndex, load_default_index
from relais_routing.model import Commune, Department, Ref
from relais_routing.reference_data import load_communes, load_departments, load_sample_competence

CIC_35 = Ref("PN-CIC-35", "Centre d'information et de commandement de la police nationale d'Ille-et-Vilaine")
CORG_35 = Ref("GN-CORG-35", "CORG du groupement de gendarmerie départementale d'Ille-et-Vilaine")
PP = Ref("PN-PP", "Préfecture de police – centre d'information et de commandement")
RENNES_PN = Ref("PN-35-commissariat-de-police-de-rennes", "Commissariat de police de Rennes")


@pytest.fixture(scope="module")
def index() -> JurisdictionIndex:
    return load_default_index()


def test_police_commune_resolves_to_the_police_platform_and_command_centre(index):
    r = index.resolve("35278")
    assert (r.resolved, r.reason, r.queue, r.insee, r.commune_name) == (
        True, None, "platform.pn", "35278", "Saint-Grégoire")
    assert (r.force, r.unit, r.centre, r.department.code) == ("PN", RENNES_PN, CIC_35, "35")


def test_gendarmerie_commune_resolves_to_the_gendarmerie_platform_and_corg(index):
    r = index.resolve("35189")
    assert (r.resolved, r.queue, r.force, r.unit.id, r.centre) == (True, "platform.gn", "GN", "1006081", CORG_35)


def test_essonne_and_sarthe_centres(index):
    assert index.resolve("91174").centre.id == "PN-CIC-91"
    assert index.resolve("91659").centre.name == "CORG du groupement de gendarmerie départementale de l'Essonne"
    assert index.resolve("72095").centre.name == (
        "Centre d'information et de commandement de la police nationale de la Sarthe")


@pytest.mark.parametrize("code", ["75", "92", "93", "94"])
def test_paris_and_inner_suburbs_police_centre_is_the_prefecture_de_police(index, code):
    department = index.department(code)
    assert department.centre("PN") == PP
    assert department.centre("GN").id.startswith("GN-CORG-")


def test_every_inhabited_department_has_a_gendarmerie_centre(index):
    without_gn = [code for code in sorted(load_departments()) if index.department(code).centre("GN") is None]
    without_pn = [code for code in sorted(load_departments()) if index.department(code).centre("PN") is None]
    assert without_gn == ["984", "989"]  # TAAF and Clipperton: no resident population
    assert without_pn == ["977", "978", "984", "986", "989"]


def test_commune_without_competence_row_goes_to_triage(index):
    resolution = index.resolve("01001")
    assert (resolution.resolved, resolution.reason, resolution.queue) == (False, "no_competence", "platform.triage")
    assert (resolution.insee, resolution.commune_name, resolution.department.code) == (
        "01001", "L'Abergement-Clémenciat", "01")
    assert (resolution.force, resolution.unit, resolution.centre) == (None, None, None)


@pytest.mark.parametrize("insee", ["99999", "75056", "2C001", "", "x" * 10_000, None, 35001, "<script>"])
def test_unknown_commune_goes_to_triage(index, insee):
    resolution = index.resolve(insee)
    assert (resolution.resolved, resolution.reason, resolution.queue) == (False, "unknown_commune", "platform.triage")
    assert resolution.insee == (insee if insee in ("99999", "75056") else None)
    assert index.by_insee(insee) is None


def test_route_by_chosen_commune(index):
    assert index.route("35760", insee="35189").unit.id == "1006081"
    assert index.route("35760", insee="35278").unit == RENNES_PN


@pytest.mark.parametrize(
    ("postal_code", "reason"),
    [("35760", "ambiguous_postal_code"), ("35999", "unknown_postal_code"), ("98000", "unknown_postal_code"),
     ("abc", "unknown_postal_code"), ("69001", "no_competence")],
)
def test_route_without_commune_never_guesses(index, postal_code, reason):
    resolution = index.route(postal_code)
    assert (resolution.resolved, resolution.reason, resolution.queue) == (False, reason, "platform.triage")


def test_route_code_whose_communes_agree(index):
    resolution = index.route("35320")
    assert (resolution.resolved, resolution.force, resolution.unit.id) == (True, "GN", "1006102")
    assert resolution.insee == "35090"  # the first by name; all ten route the same way


def test_competence_for_communes_outside_the_list_is_counted_not_used():
    competence = load_sample_competence()
    only_35 = JurisdictionIndex([c for c in load_communes() if c.department == "35"], load_departments(),
                                competence)
    stats = only_35.stats()
    assert (stats.communes, stats.communes_with_competence, stats.competence_ignored) == (332, 332, 590)


def test_commune_of_an_unknown_department_is_refused():
    department = Department("35", "Ille-et-Vilaine", "53", None, None)
    with pytest.raises(ValueError, match=r"unknown departments: \['99'\]"):
        JurisdictionIndex([Commune("99001", "Nowhere", "99", ("99000",))], {"35": department}, {})
