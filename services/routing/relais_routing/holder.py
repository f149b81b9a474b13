"""The index in use by this process, swapped whole when a new competence file is imported."""

from __future__ import annotations

from dataclasses import dataclass

from relais_routing.jurisdiction import JurisdictionIndex


@dataclass
class IndexHolder:
    """Handlers read `index` once per call, so a swap never mixes two data versions in one answer."""

    index: JurisdictionIndex
    version: str = "empty"
