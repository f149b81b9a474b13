"""Operational centre per department and force, written into departments.json by derive_communes.py.

Names are generic per-department labels built by one naming rule, not an official directory: a deployment
replaces them with the names its dispatch consoles use. Ids are stable so that events and consoles can
refer to a centre while its label changes.
"""

# INSEE "type de nom en clair" (typeLiaison) -> the French "of" form used before the department's name.
OF_FORMS = {0: "de ", 1: "d'", 2: "du ", 3: "de la ", 4: "des ", 5: "de l'", 6: "des ", 7: "de las ", 8: "de los "}
VOWELS = "AEIOUYÂÉÈÊÎÏÔ"

# Paris and the inner suburbs: the Préfecture de police runs the police side of all four departments.
PREFECTURE_DE_POLICE = {"id": "PN-PP", "name": "Préfecture de police – centre d'information et de commandement"}
PP_DEPARTMENTS = {"75", "92", "93", "94"}

# Paris has no departmental gendarmerie group; the Île-de-France region's CORG covers it.
PARIS_GN = {"id": "GN-CORG-IDF", "name": "CORG de la région de gendarmerie d'Île-de-France"}

# Overseas, the gendarmerie is organised in "commandements", some covering several territories.
OVERSEAS_GN_COMMAND = {
    "971": "971", "972": "972", "973": "973", "974": "974", "975": "975", "976": "976",
    "977": "971", "978": "971",  # Saint-Barthélemy and Saint-Martin: the Guadeloupe command
    "986": "988",  # Wallis-et-Futuna: the New Caledonia command
    "987": "987", "988": "988",
}
OF_OVERRIDES = {"987": "de la Polynésie française", "988": "de la Nouvelle-Calédonie"}

# No police nationale public-safety service there (gendarmerie only) or no resident population at all.
NO_PN = {"977", "978", "984", "986", "989"}
NO_GN = {"984", "989"}


def of_name(code: str, name: str, liaison: int) -> str:
    """Return "de la Sarthe", "d'Ille-et-Vilaine", "du Nord": the department's name after "of"."""
    if code in OF_OVERRIDES:
        return OF_OVERRIDES[code]
    form = OF_FORMS.get(liaison, "de ")
    if liaison == 0 and name[:1].upper() in VOWELS:
        form = "d'"
    return form + name


def gn_centre(code: str, of: str, of_by_code: dict[str, str]) -> dict[str, str] | None:
    """Return the gendarmerie CORG of a department, or None where there is none."""
    if code in NO_GN:
        return None
    if code == "75":
        return PARIS_GN
    if code in OVERSEAS_GN_COMMAND:
        command = OVERSEAS_GN_COMMAND[code]
        return {"id": f"GN-CORG-{command}",
                "name": f"CORG du commandement de la gendarmerie {of_by_code[command]}"}
    return {"id": f"GN-CORG-{code}", "name": f"CORG du groupement de gendarmerie départementale {of}"}


def pn_centre(code: str, of: str) -> dict[str, str] | None:
    """Return the police command centre of a department, or None where there is none."""
    if code in NO_PN:
        return None
    if code in PP_DEPARTMENTS:
        return PREFECTURE_DE_POLICE
    return {"id": f"PN-CIC-{code}", "name": f"Centre d'information et de commandement de la police nationale {of}"}


def department_centres(department: dict, of_by_code: dict[str, str]) -> dict[str, dict[str, str] | None]:
    """Return {"GN": centre, "PN": centre} for one department record of departements.json."""
    code = department["code"]
    of = of_by_code[code]
    return {"GN": gn_centre(code, of, of_by_code), "PN": pn_centre(code, of)}


def of_names(departments: list[dict]) -> dict[str, str]:
    """Return the "of" form of every department's name, by department code."""
    return {d["code"]: of_name(d["code"], d["nom"], d.get("typeLiaison", 0)) for d in departments}
