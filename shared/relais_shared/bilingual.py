"""One text in French and English: the one type every service uses for words a person reads outside a page table.

French first, as on every page. Fields are named at construction (`Bilingual(fr="…", en="…")`): the services used
to hold such pairs as (English, French) here, (French, English) there and one joined string elsewhere, and a pair
in the wrong order reads just as well to a type checker. A `Problem` is one field's problem in these words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True, slots=True, kw_only=True)
class Bilingual:
    fr: str
    en: str

    def for_lang(self, lang: str | None) -> str:
        """The version for `lang`; French for anything but English, as the pages do."""
        return self.en if lang == "en" else self.fr

    def format(self, **values: object) -> Bilingual:
        """Both versions with their `{placeholders}` filled in."""
        return Bilingual(fr=self.fr.format(**values), en=self.en.format(**values))

    def joined(self) -> str:
        """`English / Français`: the one-line form of an API error's `detail`, as clients have always read it."""
        return f"{self.en} / {self.fr}"

    def as_message(self) -> dict[str, str]:
        """The `message` (English) and `message_fr` fields of an API answer."""
        return {"message": self.en, "message_fr": self.fr}

    @staticmethod
    def join(texts: Iterable[Bilingual], separator: str = " ") -> Bilingual:
        """Several texts as one, each language with its own."""
        found = list(texts)
        return Bilingual(fr=separator.join(t.fr for t in found), en=separator.join(t.en for t in found))


class Problem(NamedTuple):
    """What is wrong with one field of a request, and how to put it right (pure: rules return these)."""

    field: str
    text: Bilingual

    def as_json(self) -> dict[str, str]:
        return {"field": self.field, **self.text.as_message()}


class Refusal(Exception):
    """A rule said no, in words a person reads; the entry point that catches it chooses the answer's status."""

    def __init__(self, text: Bilingual) -> None:
        super().__init__(text.en)
        self.text = text
