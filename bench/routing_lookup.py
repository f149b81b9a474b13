"""Benchmark of the routing jurisdiction index: load time, memory, lookups per second.

Run from the repository root: `uv run python bench/routing_lookup.py [--passes 5]`. Not a test.
"""

import argparse
import gc
import platform
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

from relais_routing.competence_csv import CompetenceRow
from relais_routing.jurisdiction import JurisdictionIndex, load_default_index
from relais_routing.reference_data import load_communes


def rss_bytes() -> int:
    """Return the resident set size now (Linux), or the peak elsewhere."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)


def timed_load() -> tuple[JurisdictionIndex, float, int]:
    """Load the default index once; return it, the seconds taken and the RSS growth."""
    gc.collect()
    before = rss_bytes()
    start = time.perf_counter()
    index = load_default_index()
    elapsed = time.perf_counter() - start
    gc.collect()
    return index, elapsed, rss_bytes() - before


def traced_load() -> tuple[int, int]:
    """Load a second index under tracemalloc; return the bytes it keeps and the peak while loading."""
    gc.collect()
    tracemalloc.start()
    index = load_default_index()
    gc.collect()
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del index
    return kept, peak


def full_country_competence() -> dict[str, CompetenceRow]:
    """Synthetic competence for every commune (one brigade per 9 communes), to size a real import."""
    rows = {}
    for n, commune in enumerate(load_communes()):
        unit_id = str(1_000_000 + n // 9)
        rows[commune.insee] = CompetenceRow(commune.insee, commune.name, "GN", unit_id, unit_id,
                                            f"Gendarmerie - Brigade n° {unit_id}", commune.postal_codes)
    return rows


def traced_full_country(index: JurisdictionIndex) -> int:
    """Return the bytes kept by an index with competence for every commune, beyond the default one."""
    competence = full_country_competence()
    gc.collect()
    tracemalloc.start()
    full = index.with_competence(competence)
    gc.collect()
    kept, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del full
    return kept


def rate(operation: Callable[[str], object], keys: Sequence[str], passes: int) -> tuple[float, float]:
    """Return operations per second and mean microseconds per operation over several passes."""
    operation(keys[0])  # warm-up
    start = time.perf_counter()
    for _ in range(passes):
        for key in keys:
            operation(key)
    elapsed = time.perf_counter() - start
    count = passes * len(keys)
    return count / elapsed, elapsed / count * 1e6


def lookup_rows(index: JurisdictionIndex, passes: int) -> list[tuple[str, str, str]]:
    """Time every lookup over every key it can take."""
    codes = index.postal_codes()
    insees = [c.insee for c in load_communes()]
    rows = []
    for label, operation, keys in [("by_postal_code", index.by_postal_code, codes),
                                   ("by_insee", index.by_insee, insees),
                                   ("resolve", index.resolve, insees),
                                   ("route (postal code only)", index.route, codes)]:
        per_second, micros = rate(operation, keys, passes)
        rows.append((f"{label}: {len(keys):,} keys x {passes} passes", f"{per_second:,.0f} /s",
                     f"{micros:.2f} µs each"))
    return rows


def main() -> None:
    """Measure and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=5)
    passes = parser.parse_args().passes
    load_communes()  # first read of the packaged files, so the timed load measures parsing, not disk
    index, load_seconds, rss_growth = timed_load()
    kept, peak = traced_load()
    stats = index.stats()
    rows = [("load_default_index()", f"{load_seconds * 1000:.0f} ms", ""),
            ("memory kept by the index (tracemalloc)", f"{kept / 2**20:.1f} MiB",
             f"peak while loading {peak / 2**20:.1f} MiB"),
            ("RSS growth after load", f"{rss_growth / 2**20:.1f} MiB", ""),
            ("extra memory with competence for all communes", f"{traced_full_country(index) / 2**20:.1f} MiB",
             "synthetic, ~3,900 units; without the rows themselves"),
            *lookup_rows(index, passes)]
    print(f"Python {platform.python_version()} on {platform.machine()}; {stats.communes:,} communes, "
          f"{stats.postal_codes:,} postal codes, {stats.communes_with_competence:,} with competence\n")
    print("| measure | value | note |\n|---|---:|---|")
    for measure, value, note in rows:
        print(f"| {measure} | {value} | {note} |")


if __name__ == "__main__":
    main()
