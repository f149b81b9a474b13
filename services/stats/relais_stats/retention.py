"""What statistics keep, and for how long (applied by the shared daily purge and `relais purge stats`).

The event log, the read model built from it and the publications are kept: they hold no person (minimised
fields, join keys that are keyed hashes, cut for good on erasure) and the published figures must stay
rebuildable. Time-bound are only the erasure tombstones and the operators' ended duties.
"""

from __future__ import annotations

from relais_shared.retention import PurgeRule
from relais_stats import duties, erasure
from relais_stats.settings import StatsSettings


def rules(_settings: StatsSettings) -> tuple[PurgeRule, ...]:
    return erasure.RETENTION + duties.RETENTION
