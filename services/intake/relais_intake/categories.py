"""Report categories a victim chooses from (their confidentiality level: relais_shared.confidentiality)."""

from typing import Literal

Category = Literal[
    "domestic_violence", "intra_family_violence", "rape", "sexual_assault", "sexual_harassment",
    "sexist_harassment", "cyber_harassment", "discrimination", "lgbt_phobic_violence", "other",
]
