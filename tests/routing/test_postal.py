"""Validation of postal codes typed by a person."""

import pytest

from relais_routing.postal import MAX_INPUT_LENGTH, PostalCodeError, normalize_postal_code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("35000", "35000"), ("  75116 ", "75116"), ("\t20167\n", "20167"), ("01100", "01100"),
     ("97133", "97133"), ("98799", "98799"), ("\u00a035690\u00a0", "35690")],
)
def test_valid_codes_are_trimmed_and_returned(raw, expected):
    assert normalize_postal_code(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["3500", "350000", "35 000", "35-000", "3500O", "AB123", "2A004", "+35000", "35000.0", "-3500",
     "1e404", "35000\x00", "3500\u200b0"],
)
def test_malformed_codes_are_rejected(raw):
    with pytest.raises(PostalCodeError) as caught:
        normalize_postal_code(raw)
    assert caught.value.kind == "malformed"
    assert caught.value.message == "A postal code has exactly 5 digits, for example 35000."
    assert caught.value.message_fr == "Un code postal comporte exactement 5 chiffres, par exemple 35000."
    assert caught.value.code is None


@pytest.mark.parametrize(
    "raw",
    ["\u0663\u0665\u0660\u0660\u0660",  # Arabic-Indic ٣٥٠٠٠
     "\uff13\uff15\uff10\uff10\uff10",  # full-width ３５０００
     "\u06f3\u06f5\u06f0\u06f0\u06f0",  # extended Arabic-Indic (Persian)
     "\u0969\u096b\u0966\u0966\u0966",  # Devanagari
     "3500\u0660", "\U0001d7d1\U0001d7d3\U0001d7ce\U0001d7ce\U0001d7ce"],  # mixed; mathematical bold
)
def test_non_ascii_digits_are_rejected_not_converted(raw):
    assert raw.isdigit()  # Python itself would call these digits
    with pytest.raises(PostalCodeError) as caught:
        normalize_postal_code(raw)
    assert caught.value.kind == "malformed"


@pytest.mark.parametrize(
    "raw",
    ["' OR 1=1 --", "35000'; DROP TABLE communes; --", "<script>alert(1)</script>", "<b>35000</b>",
     "{{7*7}}", "../../etc/passwd", "%33%35%30%30%30", "35000\r\nSet-Cookie: x=1"],
)
def test_hostile_fragments_are_malformed_and_never_echoed(raw):
    with pytest.raises(PostalCodeError) as caught:
        normalize_postal_code(raw)
    assert caught.value.kind == "malformed"
    assert raw not in caught.value.message and raw not in caught.value.message_fr


@pytest.mark.parametrize("raw", ["", "   ", "\t\n", None])
def test_empty_or_missing_input_asks_for_a_code(raw):
    with pytest.raises(PostalCodeError) as caught:
        normalize_postal_code(raw)
    assert caught.value.kind == "malformed"
    assert caught.value.message == "Please enter a postal code."
    assert caught.value.message_fr == "Veuillez saisir un code postal."


@pytest.mark.parametrize("raw", [35000, 35000.0, b"35000", ["35000"], {"code": "35000"}, True])
def test_non_string_input_is_malformed(raw):
    with pytest.raises(PostalCodeError) as caught:
        normalize_postal_code(raw)
    assert caught.value.kind == "malformed"


def test_very_long_input_is_capped_before_processing():
    padded = " " * MAX_INPUT_LENGTH + "35000"
    with pytest.raises(PostalCodeError) as caught:
        normalize_postal_code(padded)
    assert caught.value.kind == "malformed"
    with pytest.raises(PostalCodeError):
        normalize_postal_code("3" * 10_000_000)


def test_length_cap_still_allows_reasonable_padding():
    assert normalize_postal_code(" " * (MAX_INPUT_LENGTH - 5) + "35000") == "35000"


@pytest.mark.parametrize("raw", ["98000", " 98000 ", "98025"])
def test_monaco_is_foreign_with_its_own_message(raw):
    with pytest.raises(PostalCodeError) as caught:
        normalize_postal_code(raw)
    error = caught.value
    assert error.kind == "foreign"
    assert error.code == raw.strip()
    assert "Monaco, which is not French territory" in error.message and "112" in error.message
    assert "Monaco, qui n'est pas un territoire français" in error.message_fr and "112" in error.message_fr


@pytest.mark.parametrize("raw", ["00000", "00123", "96000", "99000", "99999"])
def test_codes_outside_the_french_range_are_foreign(raw):
    with pytest.raises(PostalCodeError) as caught:
        normalize_postal_code(raw)
    assert caught.value.kind == "foreign"
    assert caught.value.message == f"{raw} is not a French postal code. In danger, call 112."
    assert str(caught.value) == caught.value.message


def test_unknown_error_names_the_normalized_code():
    error = PostalCodeError.unknown("35999")
    assert (error.kind, error.code) == ("unknown", "35999")
    assert error.message == "No commune uses the postal code 35999. Please check it."
    assert error.message_fr == "Aucune commune n'a le code postal 35999. Veuillez le vérifier."
