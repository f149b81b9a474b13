"""Accent- and case-insensitive forms of French names, for sorting and for stable identifiers."""

import re
import unicodedata

# NFKD splits "é" into "e" + an accent but leaves ligatures whole: "Tresbœuf" must fold to "tresboeuf".
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def fold(name: str) -> str:
    """Return the name without accents or ligatures, case-folded: "Écouen" -> "ecouen"."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def slug(name: str) -> str:
    """Return lowercase ASCII words joined by "-": every space, dash or apostrophe counts the same."""
    return _NOT_SLUG.sub("-", fold(name.strip())).strip("-")
