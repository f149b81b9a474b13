"""Parsing of the ministry's competence file, on the packaged sample and on broken files."""

from collections import Counter

import pytest

from relais_routing.competence_csv import (
    CompetenceFileError,
    CompetenceRow,
    competence_by_insee,
    department_of,
    parse_competence_csv,
    read_competence_csv,
    unit_id_for,
)
from relais_routing.reference_data import data_file

HEADER = "code_commune;libelle_commune;institution;id_service;service;code_postal;codes_postaux"
ACIGNE = '"35001";"Acigné";"GN";"1006079";"Gendarmerie - Brigade de Liffré";"35690";"35690"'
RENNES = '"35238";"Rennes";"PN";"";"Commissariat de police de Rennes";"35000";"35000-35200-35700"'
AJACCIO = '"2A004";"Ajaccio";"PN";"";"Commissariat de police d\'Ajaccio";"20000";"20000-20090-20167"'


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    """Build a competence file from its lines."""
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


def error_of(data: bytes) -> CompetenceFileError:
    """Parse a file that must fail and return the error."""
    with pytest.raises(CompetenceFileError) as caught:
        parse_competence_csv(data)
    return caught.value


@pytest.fixture(scope="module")
def sample() -> list[CompetenceRow]:
    return parse_competence_csv(data_file("competence-sample.csv").read_bytes())


def test_sample_has_the_documented_rows_per_department_and_force(sample):
    counts = Counter((department_of(r.insee), r.force) for r in sample)
    assert len(sample) == 922
    assert counts == {("35", "PN"): 10, ("35", "GN"): 322, ("72", "PN"): 3, ("72", "GN"): 349,
                      ("75", "PN"): 20, ("91", "PN"): 49, ("91", "GN"): 145, ("974", "PN"): 4, ("974", "GN"): 20}


def test_sample_first_row_is_read_field_by_field(sample):
    assert sample[0] == CompetenceRow("35001", "Acigné", "GN", "1006079", "1006079",
                                      "Gendarmerie - Brigade de Liffré", ("35690",))


def test_pn_rows_get_a_derived_unit_id_and_no_service_id(sample):
    rows = competence_by_insee(sample)
    assert rows["75116"].service_id is None
    assert rows["75116"].unit_id == "PN-75-commissariat-de-police-de-paris-16eme-arrondissement"
    assert rows["75116"].postal_codes == ("75016", "75116")
    assert rows["91174"].unit_id == "PN-91-commissariat-d-agglomeration-d-evry-corbeil"
    # Paris 1 to 4 share one commissariat, hence one unit.
    assert {rows[f"7510{n}"].unit_id for n in range(1, 5)} == {"PN-75-commissariat-de-police-de-paris-centre"}


def test_names_are_kept_as_published(sample):
    rows = competence_by_insee(sample)
    assert rows["97418"].unit_name == "Gendarmerie - Brigade de Sainte-Marie "  # trailing space kept
    assert rows["75110"].unit_name == "Commissariat de police de Paris 10ème arrondissement – BDEP"
    assert rows["91174"].unit_name == "Commissariat d’agglomération d'Evry-Corbeil"
    assert rows["35343"].label == "Tresboeuf"  # INSEE spells it Tresbœuf: join on codes, never names


def test_pn_unit_id_ignores_spacing_dashes_apostrophes_and_accents():
    published = unit_id_for("91174", "PN", None, "Commissariat d’agglomération d'Evry-Corbeil")
    variants = ["Commissariat d'agglomération d’Évry–Corbeil ", " COMMISSARIAT D AGGLOMERATION D EVRY CORBEIL"]
    assert {unit_id_for("91228", "PN", None, v) for v in variants} == {published}


def test_pn_unit_id_depends_on_the_department():
    name = "Commissariat de police de Saint Denis"
    assert unit_id_for("97411", "PN", None, name) == "PN-974-commissariat-de-police-de-saint-denis"
    assert unit_id_for("93066", "PN", None, name) == "PN-93-commissariat-de-police-de-saint-denis"


def test_gn_unit_id_is_the_brigade_number_and_required():
    assert unit_id_for("35001", "GN", "1006079", "Gendarmerie - Brigade de Liffré") == "1006079"
    with pytest.raises(ValueError, match="id_service"):
        unit_id_for("35001", "GN", None, "Gendarmerie - Brigade de Liffré")


def test_corsican_codes_bom_crlf_and_blank_lines_are_accepted():
    data = "\ufeff".encode() + csv_bytes(ACIGNE, RENNES, AJACCIO, "").replace(b"\n", b"\r\n")
    rows = parse_competence_csv(data)
    assert [r.insee for r in rows] == ["35001", "35238", "2A004"]
    assert rows[2].unit_id == "PN-2A-commissariat-de-police-d-ajaccio"
    assert rows[1].postal_codes == ("35000", "35200", "35700")


def test_read_from_disk(tmp_path):
    path = tmp_path / "competence.csv"
    path.write_bytes(csv_bytes(ACIGNE, RENNES))
    assert [r.force for r in read_competence_csv(path)] == ["GN", "PN"]


@pytest.mark.parametrize(
    "header",
    [HEADER.replace(";", ","), HEADER.replace("institution", "force"), HEADER + ";extra",
     "code_commune;libelle_commune;institution;id_service;service;code_postal"],
)
def test_wrong_header_is_line_1(header):
    error = error_of(csv_bytes(ACIGNE, header=header))
    assert error.line_number == 1
    assert error.message.startswith("header must be code_commune;libelle_commune;")


BAD_ROWS = {
    "too few fields": ('"35002";"Amanlis";"GN";"1006144";"Brigade";"35150"', "expected 7 fields"),
    "too many fields": (ACIGNE.replace("35001", "35002") + ';"x"', "expected 7 fields"),
    "comma separated": (ACIGNE.replace('";"', ",").replace("35001", "35002"), "expected 7 fields"),
    "stray quote": (ACIGNE.replace(";", ",").replace("35001", "35002"), "malformed CSV"),
    "4-digit INSEE": (ACIGNE.replace("35001", "3501"), "code_commune must be an INSEE code"),
    "6-digit INSEE": (ACIGNE.replace("35001", "350010"), "code_commune must be an INSEE code"),
    "lowercase Corsica": (ACIGNE.replace("35001", "2a004"), "code_commune must be an INSEE code"),
    "2C Corsica": (ACIGNE.replace("35001", "2C004"), "code_commune must be an INSEE code"),
    "padded INSEE": (ACIGNE.replace("35001", " 35002"), "code_commune must be an INSEE code"),
    "municipal police": (ACIGNE.replace('"GN"', '"PM"').replace("35001", "35002"), "institution must be PN or GN"),
    "lowercase force": (ACIGNE.replace('"GN"', '"gn"').replace("35001", "35002"), "institution must be PN or GN"),
    "GN without id": (ACIGNE.replace("1006079", "").replace("35001", "35002"), "a GN row needs a numeric id_service"),
    "GN non-numeric id": (ACIGNE.replace("1006079", "B-1006079").replace("35001", "35002"), "numeric id_service"),
    "PN with id": (RENNES.replace('"PN";""', '"PN";"42"'), "a PN row has no id_service"),
    "empty service": (ACIGNE.replace("Gendarmerie - Brigade de Liffré", " ").replace("35001", "35002"),
                      "must not be empty"),
    "bad postal code": (ACIGNE.replace('"35690";"35690"', '"35690";"35690-3569"').replace("35001", "35002"),
                        "postal codes must be 5 digits"),
    "bad code_postal": (ACIGNE.replace('"35690";"35690"', '"3569O";"35690"').replace("35001", "35002"),
                        "postal codes must be 5 digits"),
    "duplicate commune": (ACIGNE, "commune 35001 already given on line 2"),
    "unclosed quote": ('"35002";"Amanlis;"GN";"1006144";"Brigade";"35150";"35150"', "malformed CSV"),
}


@pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
def test_bad_row_names_its_line_and_reason(case):
    line, reason = BAD_ROWS[case]
    error = error_of(csv_bytes(ACIGNE, RENNES, line, AJACCIO.replace("Ajaccio\"", "Ajaccio ")))
    assert error.line_number == 4
    assert reason in error.message
    assert str(error).startswith("line 4: ")


def test_unclosed_quote_names_the_line_where_the_record_starts():
    error = error_of(csv_bytes(ACIGNE, '"35002";"Amanlis', RENNES, AJACCIO))
    assert error.line_number == 3


def test_first_bad_line_is_reported_when_there_are_several():
    error = error_of(csv_bytes(ACIGNE, ACIGNE.replace('"GN"', '"XX"'), RENNES.replace("35238", "999")))
    assert (error.line_number, error.message) == (3, "institution must be PN or GN")


def test_non_utf8_byte_names_its_line():
    data = csv_bytes(ACIGNE, RENNES) + '"35002";"Amanlis";"GN";"1006144";"Brigade de Janzé";"35150";"35150"\n'.encode(
        "latin-1")
    error = error_of(data)
    assert (error.line_number, error.message) == (4, "not valid UTF-8")


@pytest.mark.parametrize("char", ["\x00", "\t", "\r", "\x1b"])
def test_control_characters_are_rejected(char):
    error = error_of(csv_bytes(ACIGNE, RENNES.replace("Rennes\"", f"Ren{char}nes\"")))
    assert error.line_number == 3
    assert error.message == "a field contains a control character (NUL, tab, line break)"


@pytest.mark.parametrize(("data", "line"), [(b"", 1), (HEADER.encode(), 2), (csv_bytes(""), 2)])
def test_empty_file_or_header_only_is_rejected(data, line):
    error = error_of(data)
    assert error.line_number == line
    assert error.message in {"no data row after the header", "header must be " + HEADER}
