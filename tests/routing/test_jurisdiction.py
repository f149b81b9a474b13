"""Jurisdiction index over the packaged communes, departments and competence sample."""

import pytest

from relais_routing.jurisdiction import JurisdictionIndex, load_default_index
from relais_routing.model import IndexStats, Ref
from relais_routing.postal import PostalCodeError
from relais_routing.reference_data import load_sample_competence

CIC_35 = Ref("PN-CIC-35", "Centre d'information et de commandement de la police nationale d'Ille-et-Vilaine")
CORG_35 = Ref("GN-CORG-35", "CORG du groupement de gendarmerie départementale d'Ille-et-Vilaine")
PP = Ref("PN-PP", "Préfecture de police – centre d'information et de commandement")
RENNES_PN = Ref("PN-35-commissariat-de-police-de-rennes", "Commissariat de police de Rennes")


@pytest.fixture(scope="module")
def index() -> JurisdictionIndex:
    return load_default_index()


def routes(index, code):
    """Return (insee, name, force, unit id) of every commune of a postal code."""
    return [(c.insee, c.name, c.force, c.unit and c.unit.id) for c in index.by_postal_code(code).communes]


def test_stats_count_the_whole_country_and_the_sample(index):
    assert index.stats() == IndexStats(communes=35011, postal_codes=6310, departments=109,
                                       communes_with_competence=922, units=140, competence_ignored=0)
    assert len(index.postal_codes()) == 6310


def test_code_with_one_commune(index):
    result = index.by_postal_code(" 35690 ")
    assert (result.postal_code, result.known, result.must_choose) == ("35690", True, False)
    (acigne,) = result.communes
    assert (acigne.insee, acigne.name, acigne.force) == ("35001", "Acigné", "GN")
    assert acigne.unit == Ref("1006079", "Gendarmerie - Brigade de Liffré")
    assert (acigne.department.code, acigne.department.name, acigne.centre) == ("35", "Ille-et-Vilaine", CORG_35)


def test_code_with_several_communes_of_one_unit_needs_no_choice(index):
    result = index.by_postal_code("35320")
    assert not result.must_choose
    assert len(result.communes) == 10
    assert {(c.force, c.unit.id, c.centre) for c in result.communes} == {("GN", "1006102", CORG_35)}
    names = [c.name for c in result.communes]
    assert names[0] == "Crevin" and names[-1] == "Tresbœuf"  # sorted by name, INSEE spelling


def test_code_with_one_force_but_two_brigades_must_choose(index):
    assert routes(index, "35111") == [("35116", "La Fresnais", "GN", "1006114"),
                                      ("35153", "Lillemer", "GN", "1006115")]
    assert index.by_postal_code("35111").must_choose


@pytest.mark.parametrize(
    ("code", "expected"),
    [("35760", [("35189", "Montgermont", "GN", "1006081"), ("35278", "Saint-Grégoire", "PN", RENNES_PN.id)]),
     ("91100", [("91174", "Corbeil-Essonnes", "PN", "PN-91-commissariat-d-agglomeration-d-evry-corbeil"),
                ("91659", "Villabé", "GN", "1003318")]),
     ("91430", [("91312", "Igny", "PN", "PN-91-commissariat-de-secteur-de-massy"),
                ("91635", "Vauhallan", "GN", "1003345")])],
)
def test_code_mixing_police_and_gendarmerie_must_choose(index, code, expected):
    result = index.by_postal_code(code)
    assert result.must_choose
    assert routes(index, code) == expected


def test_mixed_code_gives_each_commune_its_own_centre(index):
    centres = {c.insee: c.centre for c in index.by_postal_code("35760").communes}
    assert centres == {"35189": CORG_35, "35278": CIC_35}


def test_code_mixing_competence_and_none_must_choose(index):
    competence = load_sample_competence()
    del competence["35189"]  # Montgermont
    partial = index.with_competence(competence)
    assert partial.by_postal_code("35760").must_choose
    assert routes(partial, "35760") == [("35189", "Montgermont", None, None),
                                        ("35278", "Saint-Grégoire", "PN", RENNES_PN.id)]
    assert partial.stats().communes_with_competence == 921


@pytest.mark.parametrize("n", range(1, 21))
def test_paris_arrondissements_are_police_under_the_prefecture(index, n):
    result = index.by_postal_code(f"750{n:02d}")
    (arrondissement,) = result.communes
    assert arrondissement.insee == f"751{n:02d}"
    assert arrondissement.name.startswith(f"Paris {n}e" if n > 1 else "Paris 1er")
    assert (arrondissement.force, arrondissement.centre, arrondissement.department.code) == ("PN", PP, "75")


def test_paris_16th_has_two_codes_and_centre_shares_one_unit(index):
    assert routes(index, "75116") == routes(index, "75016")
    assert routes(index, "75116")[0][:2] == ("75116", "Paris 16e Arrondissement")
    centre = {index.resolve(f"7510{n}").unit.id for n in range(1, 5)}
    assert centre == {"PN-75-commissariat-de-police-de-paris-centre"}


@pytest.mark.parametrize(("parent", "first", "count"), [("75056", "75101", 20), ("69123", "69381", 9),
                                                         ("13055", "13201", 16)])
def test_paris_lyon_marseille_exist_only_by_arrondissement(index, parent, first, count):
    assert index.by_insee(parent) is None
    arrondissements = [index.by_insee(str(int(first) + i)) for i in range(count)]
    assert all(a is not None and a.department == parent[:2] for a in arrondissements)
    assert index.by_insee(str(int(first) + count)) is None


@pytest.mark.parametrize(("code", "insee", "name"), [("69001", "69381", "Lyon 1er Arrondissement"),
                                                     ("13016", "13216", "Marseille 16e Arrondissement")])
def test_lyon_marseille_are_known_but_unresolved(index, code, insee, name):
    assert routes(index, code) == [(insee, name, None, None)]
    resolution = index.resolve(insee)
    assert (resolution.resolved, resolution.reason, resolution.queue) == (False, "no_competence", "platform.triage")
    assert (resolution.commune_name, resolution.department.code) == (name, code[:2])


def test_corsica_codes_use_2a_2b_and_have_no_competence_in_the_sample(index):
    assert routes(index, "20000") == [("2A004", "Ajaccio", None, None)]
    assert [c.insee for c in index.by_postal_code("20167").communes] == [
        "2A001", "2A004", "2A006", "2A017", "2A103", "2A209", "2A271", "2A323", "2A336", "2A351"]
    assert [c.insee for c in index.by_postal_code("20200").communes] == ["2B033", "2B305", "2B309", "2B353"]
    assert {c.department.name for c in index.by_postal_code("20200").communes} == {"Haute-Corse"}
    assert not index.by_postal_code("20167").must_choose  # all go to triage alike
    assert index.resolve("2A004").reason == "no_competence"


@pytest.mark.parametrize(
    ("code", "insee", "force", "unit"),
    [("97400", "97411", "PN", "PN-974-commissariat-de-police-de-saint-denis"),
     ("97430", "97422", "GN", "1002325")],
)
def test_la_reunion_resolves(index, code, insee, force, unit):
    (commune,) = index.by_postal_code(code).communes
    resolution = index.resolve(commune.insee)
    assert (resolution.insee, resolution.force, resolution.unit.id) == (insee, force, unit)
    assert resolution.queue == {"PN": "platform.pn", "GN": "platform.gn"}[force]
    assert resolution.centre.id == f"{force}-{'CIC' if force == 'PN' else 'CORG'}-974"
    assert resolution.department.name == "La Réunion"


@pytest.mark.parametrize(
    ("code", "expected", "department"),
    [("97500", [("97501", "Miquelon-Langlade"), ("97502", "Saint-Pierre")], "Saint-Pierre-et-Miquelon"),
     ("97133", [("97701", "Saint-Barthélemy")], "Saint-Barthélemy"),
     ("97150", [("97801", "Saint-Martin")], "Saint-Martin"),
     ("98799", [("98901", "Île de Clipperton")], "Île de Clipperton")],
)
def test_overseas_collectivities_are_known_without_competence(index, code, expected, department):
    result = index.by_postal_code(code)
    assert [(c.insee, c.name) for c in result.communes] == expected
    assert {(c.department.name, c.force) for c in result.communes} == {(department, None)}


@pytest.mark.parametrize(("number", "by_postal", "by_insee"), [("97133", "Saint-Barthélemy", "Vieux-Fort"),
                                                                 ("97411", "Saint-Paul", "Saint-Denis")])
def test_a_number_can_be_a_postal_code_and_another_communes_insee_code(index, number, by_postal, by_insee):
    assert [c.name for c in index.by_postal_code(number).communes] == [by_postal]
    assert index.by_insee(number).name == by_insee
    assert number not in index.by_insee(number).postal_codes


@pytest.mark.parametrize("code", ["35999", "75021", "97999", "98400", "20999", "01999"])
def test_well_formed_unknown_code_is_unknown_not_malformed(index, code):
    result = index.by_postal_code(code)
    assert (result.postal_code, result.known, result.communes, result.must_choose) == (code, False, (), False)


@pytest.mark.parametrize(("raw", "kind"), [("98000", "foreign"), ("99123", "foreign"), ("3500", "malformed"),
                                           ("٣٥٠٠٠", "malformed"), ("35000 OR 1=1", "malformed"),
                                           ("", "malformed"), (None, "malformed"), ("9" * 100_000, "malformed")])
def test_malformed_or_foreign_code_raises(index, raw, kind):
    with pytest.raises(PostalCodeError) as caught:
        index.by_postal_code(raw)
    assert caught.value.kind == kind


def test_largest_code_lists_its_46_communes_in_name_order(index):
    communes = index.by_postal_code("51300").communes
    assert len(communes) == 46
    assert [c.name for c in communes][:3] == ["Bassu", "Bassuet", "Bignicourt-sur-Marne"]
    assert {c.department.code for c in communes} == {"51"}


def test_code_spanning_two_departments(index):
    departments = {c.insee: c.department.code for c in index.by_postal_code("05110").communes}
    assert departments == {"04058": "04", "04066": "04", "05013": "05", "05049": "05", "05071": "05",
                           "05078": "05", "05162": "05", "05184": "05"}
