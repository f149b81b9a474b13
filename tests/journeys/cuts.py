"""Joints that can be cut, to see each journey fail without the joint it crosses (never in a normal run).

    RELAIS_JOURNEYS_CUT=emergency-contact ./dev test tests/journeys/test_emergency_case.py   # expect failures

With a cut requested, the journey platform puts cut_hook/ on the services' PYTHONPATH; its sitecustomize
applies the cut in every process as it starts, before the service runs.
"""

from __future__ import annotations

import os

ENV = "RELAIS_JOURNEYS_CUT"
CUTS: dict = {}


def cut(name: str):
    def register(fn):
        CUTS[name] = fn
        return fn

    return register


def requested() -> list[str]:
    names = [n for n in os.environ.get(ENV, "").split(",") if n]
    unknown = set(names) - set(CUTS)
    if unknown:
        raise SystemExit(f"{ENV}: unknown cut(s) {sorted(unknown)}; known: {sorted(CUTS)}")
    return names


def apply(names: list[str]) -> None:
    for name in names:
        CUTS[name]()
