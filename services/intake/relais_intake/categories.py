"""Report categories and the confidentiality level each one starts at (the Le Mans colour board)."""

from typing import Literal

Category = Literal[
    "domestic_violence", "intra_family_violence", "rape", "sexual_assault", "sexual_harassment",
    "sexist_harassment", "cyber_harassment", "discrimination", "lgbt_phobic_violence", "other",
]
ORANGE_CATEGORIES = frozenset({"domestic_violence", "intra_family_violence", "rape", "sexual_assault"})


def level_of(category: str) -> Literal["orange", "blue"]:
    """Orange for rape, sexual assault, domestic and intra-family violence; blue for the rest."""
    return "orange" if category in ORANGE_CATEGORIES else "blue"
