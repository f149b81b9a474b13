"""The escalation ladder as data: who must acknowledge an incident, by when, and where it climbs next.

Positions count from 0; the last step of a policy repeats, so position n-1, n, n+1… all target it. No I/O here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Literal

TARGETS: tuple[str, ...] = ("centre_dispatchers", "centre_supervisor", "national_supervision")
PRIORITIES = ("p1", "p2")


class PolicyError(ValueError):
    """A policy file that cannot be trusted to escalate every emergency."""


@dataclass(frozen=True)
class Step:
    target: str
    deadline_seconds: Mapping[str, float]


@dataclass(frozen=True)
class Policy:
    steps: tuple[Step, ...]
    repeat_seconds: Mapping[str, float]

    @property
    def last(self) -> int:
        return len(self.steps) - 1


@dataclass(frozen=True)
class Transition:
    """One move up the ladder: from a position to the next, and why."""

    from_step: int
    to_step: int
    target: str
    reason: Literal["deadline", "empty_step"]


@dataclass(frozen=True)
class Policies:
    default: Policy
    centres: Mapping[str, Policy]

    def for_centre(self, centre: str | None) -> Policy:
        """The centre's own policy, else the default one."""
        return self.centres.get(centre or "", self.default)


def parse_policy(data: Mapping) -> Policy:
    """A policy from its JSON form; refuses anything that could leave an emergency without a deadline."""
    try:
        steps = tuple(Step(s["target"], {p: float(s["deadline_seconds"][p]) for p in PRIORITIES})
                      for s in data["steps"])
        repeat = {p: float(data["repeat_seconds"][p]) for p in PRIORITIES}
    except (KeyError, TypeError, ValueError) as exc:
        raise PolicyError(f"malformed policy: {exc!r}") from exc
    if not steps:
        raise PolicyError("a policy needs at least one step")
    if any(s.target not in TARGETS for s in steps):
        raise PolicyError(f"unknown target; expected one of {TARGETS}")
    if steps[-1].target != "national_supervision":
        raise PolicyError("the last step must be national_supervision")
    if any(v <= 0 for s in steps for v in s.deadline_seconds.values()) or any(v <= 0 for v in repeat.values()):
        raise PolicyError("every deadline must be positive")
    return Policy(steps, repeat)


def parse_policies(data: Mapping) -> Policies:
    """The default policy and the overrides by operational centre id."""
    return Policies(parse_policy(data["default"]),
                    {centre: parse_policy(p) for centre, p in (data.get("centres") or {}).items()})


def load_policies(path: str | None = None) -> Policies:
    """From a file (tests, local overrides) or the packaged data/policies.json."""
    if path:
        with open(path, encoding="utf-8") as handle:
            return parse_policies(json.load(handle))
    text = resources.files("relais_escalation").joinpath("data/policies.json").read_text("utf-8")
    return parse_policies(json.loads(text))


def target_at(policy: Policy, position: int) -> str:
    """Who a position alerts; positions beyond the ladder repeat its last step."""
    return policy.steps[min(position, policy.last)].target


def deadline_of(policy: Policy, position: int, priority: str) -> float:
    """Seconds a position gives to acknowledge before climbing (repeats of the last step use repeat_seconds)."""
    if position <= policy.last:
        return policy.steps[position].deadline_seconds[priority]
    return policy.repeat_seconds[priority]


def settle(policy: Policy, position: int, staffed: Callable[[str], bool]) -> list[Transition]:
    """From `position`, skip at once every step nobody is on duty for; the last step is never skipped."""
    moves = []
    while position < policy.last and not staffed(target_at(policy, position)):
        moves.append(Transition(position, position + 1, target_at(policy, position + 1), "empty_step"))
        position += 1
    return moves


def on_deadline(policy: Policy, position: int, staffed: Callable[[str], bool]) -> list[Transition]:
    """A missed deadline: climb one position, then skip the empty steps after it."""
    first = Transition(position, position + 1, target_at(policy, position + 1), "deadline")
    return [first, *settle(policy, position + 1, staffed)]


def start_position(policy: Policy, resolved: bool) -> int:
    """Where an incident starts: its centre's first step, or national supervision when nobody knows the centre."""
    return 0 if resolved else policy.last
