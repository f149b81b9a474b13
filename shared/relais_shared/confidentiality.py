"""The confidentiality level a report starts at, from its category (the Le Mans colour board).

Orange reports (rape, sexual assault, domestic and intra-family violence) are readable only by cleared officers
(`Operator.orange_clearance`); intake sets the level and chat applies it again whatever a ticket says.
"""

from __future__ import annotations

from relais_shared.contracts import Level

ORANGE_CATEGORIES = frozenset({"domestic_violence", "intra_family_violence", "rape", "sexual_assault"})


def level_of(category: str | None) -> Level:
    """Orange for rape, sexual assault, domestic and intra-family violence; blue for the rest."""
    return "orange" if category in ORANGE_CATEGORIES else "blue"
