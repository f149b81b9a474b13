"""Orientation: emergency numbers first, national help by category, local help by department, the data file."""

import copy
import json
from importlib.resources import files
from typing import get_args

import pytest

from relais_intake.categories import Category
from relais_intake.orientation import OrientationDataError, load_orientation, orientation_for, parse_orientation
from relais_intake.schemas import Orientation

RAW = json.loads((files("relais_intake") / "data" / "orientation.json").read_text(encoding="utf-8"))
CATEGORIES = get_args(Category)
EMERGENCY = ["17", "112", "114"]
DEPARTMENTS = ["35", "72", "75", "91", "974"]


def numbers(resources) -> list[str | None]:
    return [r.number for r in resources]


@pytest.mark.parametrize("category", CATEGORIES)
def test_emergency_numbers_come_first_for_every_category(category):
    result = orientation_for(category, None, "fr")
    assert isinstance(result, Orientation)
    assert numbers(result.national)[:3] == EMERGENCY
    assert not set(EMERGENCY) & set(numbers(result.national)[3:])
    assert "116 006" in numbers(result.national)  # victim support is for every category
    assert "arretonslesviolences.gouv.fr" in [r.name for r in result.national]


def test_national_help_is_filtered_by_category():
    domestic = numbers(orientation_for("domestic_violence", None, "fr").national)
    rape = numbers(orientation_for("rape", None, "fr").national)
    discrimination = numbers(orientation_for("discrimination", None, "fr").national)
    lgbt = orientation_for("lgbt_phobic_violence", None, "fr").national
    assert "3919" in domestic and "119" in domestic and "0 800 05 95 95" not in domestic
    assert "0 800 05 95 95" in rape and "3919" in rape
    assert "3919" not in discrimination and "119" not in discrimination
    assert "FLAG!" in [r.name for r in lgbt] and "3919" not in numbers(lgbt)


def test_the_national_numbers_are_the_real_ones():
    listed = {r["number"]: r["name"] for r in RAW["national"]}
    assert set(listed) == {"17", "112", "114", "3919", "119", "116 006", "0 800 05 95 95", None}
    assert "Violences Femmes Info" in listed["3919"] and "Allô Enfance en Danger" in listed["119"]
    assert "France Victimes" in listed["116 006"] and listed["0 800 05 95 95"] == "Viols Femmes Informations"


@pytest.mark.parametrize("department", DEPARTMENTS)
def test_each_covered_department_has_local_help(department):
    local = orientation_for("domestic_violence", department, "fr").local
    names = [r.name for r in local]
    assert len(local) >= 4 and any("CIDFF" in n for n in names) and "Bureau d'aide aux victimes" in names
    assert all(r.description for r in local)


def test_local_help_follows_the_category_and_the_department():
    domestic = [r.name for r in orientation_for("domestic_violence", "35", "fr").local]
    cyber = [r.name for r in orientation_for("cyber_harassment", "35", "fr").local]
    assert "Accueil de jour" in domestic and "Accueil de jour" not in cyber
    assert "CIDFF d'Ille-et-Vilaine" in domestic
    reunion = orientation_for("rape", "974", "fr").local
    assert reunion[0].name.startswith("Association réunionnaise") and reunion[0].number == "116 006"


@pytest.mark.parametrize("department", [None, "", "23", "2A", "976"])
def test_a_department_without_local_entries_gets_only_national_help(department):
    result = orientation_for("rape", department, "fr")
    assert result.local == [] and numbers(result.national)[:3] == EMERGENCY


def test_english_is_available_and_french_is_the_default():
    fr = orientation_for("domestic_violence", "72", "fr")
    en = orientation_for("domestic_violence", "72", "en")
    assert numbers(fr.national) == numbers(en.national)
    assert fr.national[0].name == "17 – Police secours" and en.national[0].name == "17 – Police emergency"
    assert fr.national[0].hours == "24 h/24, 7 j/7" and en.national[0].hours == "24/7"
    assert "Sarthe" in fr.local[1].name and "the Sarthe" in en.local[1].name


@pytest.mark.parametrize(("category", "lang"), [("burglary", "fr"), ("", "fr"), ("rape", "de")])
def test_an_unknown_category_or_language_is_refused(category, lang):
    with pytest.raises(ValueError):
        orientation_for(category, None, lang)


def all_raw_resources() -> list[dict]:
    return RAW["national"] + [r for d in RAW["local"].values() for r in d["resources"]]


def test_every_resource_speaks_both_languages():
    for resource in all_raw_resources():
        assert resource["description_fr"].strip() and resource["description_en"].strip(), resource["id"]
        assert resource["description_fr"] != resource["description_en"], resource["id"]
        assert (resource["hours_fr"] is None) == (resource["hours_en"] is None), resource["id"]


def test_no_local_entry_carries_an_invented_number():
    national = {r["number"] for r in RAW["national"] if r["number"]}
    for code, department in RAW["local"].items():
        for resource in department["resources"]:
            assert resource["number"] is None or resource["number"] in national, (code, resource["id"])
            assert "@" not in json.dumps(resource) and "rue " not in resource["description_fr"].lower()


def test_the_file_says_who_maintains_it_and_when():
    data = load_orientation()
    assert data is load_orientation()
    assert "operators" in data.maintained_by and data.updated.isoformat() == RAW["updated"]
    assert set(DEPARTMENTS) <= set(data.local)


def broken(edit) -> dict:
    data = copy.deepcopy(RAW)
    edit(data)
    return data


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["national"][3].pop("description_en"), "description_en"),
    (lambda d: d["national"][3].update(categories=["burglary"]), "categories"),
    (lambda d: d["national"][3].update(categories=[]), "categories"),
    (lambda d: d["national"][3].update(number="+33 call us"), "malformed number"),
    (lambda d: d["national"][3].update(hours_en=None), "both languages"),
    (lambda d: d["national"][0].update(number=None), "emergency"),
    (lambda d: d["national"].append(d["national"][0]), "duplicate"),
    (lambda d: d["local"].update({"Paris": d["local"]["75"]}), "department code"),
    (lambda d: d.pop("maintained_by"), "maintained_by"),
    (lambda d: d.update(updated="last week"), "ISO date"),
])
def test_an_inconsistent_file_is_refused_at_load(edit, message):
    with pytest.raises(OrientationDataError, match=message):
        parse_orientation(broken(edit))
