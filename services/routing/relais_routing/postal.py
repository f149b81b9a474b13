"""Validation of a postal code typed by a person: five ASCII digits of the French range, or a clear error."""

import re
from typing import Literal

from relais_shared.bilingual import Bilingual

# Checked before any other processing so that a hostile megabyte costs nothing.
MAX_INPUT_LENGTH = 32
# [0-9], never \d: \d would accept Arabic-Indic or full-width digits that no French code uses.
_FIVE_ASCII_DIGITS = re.compile(r"[0-9]{5}")
# Metropolitan departments 01-95 (Corsica is 20), overseas 97 and 98; 980xx belongs to Monaco.
_FRENCH_PREFIXES = frozenset(f"{n:02d}" for n in range(1, 96)) | {"97", "98"}
_MONACO_PREFIX = "980"

Kind = Literal["malformed", "foreign", "unknown"]

_MESSAGES: dict[str, Bilingual] = {
    "empty": Bilingual(fr="Veuillez saisir un code postal.", en="Please enter a postal code."),
    "malformed": Bilingual(fr="Un code postal comporte exactement 5 chiffres, par exemple 35000.",
                           en="A postal code has exactly 5 digits, for example 35000."),
    "monaco": Bilingual(
        fr="{code} est un code postal de Monaco, qui n'est pas un territoire français. En cas de danger, "
           "appelez le 112 ; sinon, contactez la police de Monaco (Sûreté publique).",
        en="{code} is a postal code of Monaco, which is not French territory. In danger, call 112; "
           "otherwise contact the Monaco police (Sûreté publique).",
    ),
    "foreign": Bilingual(fr="{code} n'est pas un code postal français. En cas de danger, appelez le 112.",
                         en="{code} is not a French postal code. In danger, call 112."),
    "unknown": Bilingual(fr="Aucune commune n'a le code postal {code}. Veuillez le vérifier.",
                         en="No commune uses the postal code {code}. Please check it."),
}


class PostalCodeError(ValueError):
    """A postal code that cannot be used, with a message in French and in English."""

    def __init__(self, kind: Kind, text: Bilingual, code: str | None = None) -> None:
        super().__init__(text.en)
        self.kind = kind
        self.text = text
        # Only a normalized, all-digit code is kept: raw input is never echoed back to a page.
        self.code = code

    @property
    def message(self) -> str:
        return self.text.en

    @property
    def message_fr(self) -> str:
        return self.text.fr

    @classmethod
    def of(cls, kind: Kind, template: str, code: str | None = None) -> "PostalCodeError":
        """Build the error of one kind from the message templates above."""
        return cls(kind, _MESSAGES[template].format(code=code), code)

    @classmethod
    def unknown(cls, code: str) -> "PostalCodeError":
        """Build the error for a well-formed French code that no commune uses."""
        return cls.of("unknown", "unknown", code)


def normalize_postal_code(raw: object) -> str:
    """Return the 5-ASCII-digit code of `raw` or raise PostalCodeError (malformed or foreign)."""
    if not isinstance(raw, str):
        raise PostalCodeError.of("malformed", "empty" if raw is None else "malformed")
    if len(raw) > MAX_INPUT_LENGTH:
        raise PostalCodeError.of("malformed", "malformed")
    code = raw.strip()
    if not code:
        raise PostalCodeError.of("malformed", "empty")
    if not _FIVE_ASCII_DIGITS.fullmatch(code):
        raise PostalCodeError.of("malformed", "malformed")
    if code.startswith(_MONACO_PREFIX):
        raise PostalCodeError.of("foreign", "monaco", code)
    if code[:2] not in _FRENCH_PREFIXES:
        raise PostalCodeError.of("foreign", "foreign", code)
    return code
