"""The escalation ladder as pure rules: no broker, no database."""

import itertools
import json

import pytest

from relais_escalation import ladder
from relais_escalation.ladder import PolicyError, Transition

THREE = {"steps": [{"target": "centre_dispatchers", "deadline_seconds": {"p1": 30, "p2": 120}},
                   {"target": "centre_supervisor", "deadline_seconds": {"p1": 60, "p2": 300}},
                   {"target": "national_supervision", "deadline_seconds": {"p1": 60, "p2": 300}}],
         "repeat_seconds": {"p1": 45, "p2": 240}}
POLICY = ladder.parse_policy(THREE)
ALL = set(ladder.TARGETS)


def staffed(*targets):
    return set(targets).__contains__


def test_the_packaged_policies_load_and_end_with_national_supervision():
    policies = ladder.load_policies()
    assert policies.default.steps[0].target == "centre_dispatchers"
    assert all(p.steps[-1].target == "national_supervision" for p in [policies.default, *policies.centres.values()])


def test_a_centre_override_wins_and_other_centres_get_the_default(tmp_path):
    data = {"default": THREE, "centres": {"GN-CORG-35": {**THREE, "repeat_seconds": {"p1": 5, "p2": 6}}}}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data))
    policies = ladder.load_policies(str(path))
    assert policies.for_centre("GN-CORG-35").repeat_seconds["p1"] == 5
    assert policies.for_centre("PN-CIC-75") is policies.default
    assert policies.for_centre(None) is policies.default


@pytest.mark.parametrize("position,priority,seconds", [
    (0, "p1", 30), (0, "p2", 120), (1, "p1", 60), (1, "p2", 300), (2, "p1", 60), (2, "p2", 300),
    (3, "p1", 45), (3, "p2", 240), (17, "p1", 45)])
def test_the_deadline_of_each_position(position, priority, seconds):
    assert ladder.deadline_of(POLICY, position, priority) == seconds


def test_positions_past_the_ladder_repeat_its_last_step():
    assert [ladder.target_at(POLICY, p) for p in range(6)] == [
        "centre_dispatchers", "centre_supervisor", "national_supervision", "national_supervision",
        "national_supervision", "national_supervision"]


def test_a_missed_deadline_climbs_one_step_when_the_next_is_staffed():
    assert ladder.on_deadline(POLICY, 0, staffed(*ALL)) == [Transition(0, 1, "centre_supervisor", "deadline")]


def test_empty_steps_after_a_missed_deadline_are_skipped_at_once():
    assert ladder.on_deadline(POLICY, 0, staffed("national_supervision")) == [
        Transition(0, 1, "centre_supervisor", "deadline"), Transition(1, 2, "national_supervision", "empty_step")]


def test_the_last_step_repeats_and_is_never_skipped_even_when_empty():
    assert ladder.on_deadline(POLICY, 2, staffed()) == [Transition(2, 3, "national_supervision", "deadline")]
    assert ladder.on_deadline(POLICY, 3, staffed()) == [Transition(3, 4, "national_supervision", "deadline")]
    assert ladder.settle(POLICY, 2, staffed()) == []


def test_an_incident_for_an_unstaffed_centre_starts_at_national_supervision():
    assert ladder.settle(POLICY, 0, staffed()) == [Transition(0, 1, "centre_supervisor", "empty_step"),
                                                   Transition(1, 2, "national_supervision", "empty_step")]
    assert ladder.settle(POLICY, 0, staffed("centre_dispatchers")) == []


def test_an_unresolved_jurisdiction_starts_at_the_last_step():
    assert ladder.start_position(POLICY, resolved=True) == 0
    assert ladder.start_position(POLICY, resolved=False) == 2


@pytest.mark.parametrize("on_duty", [set(c) for n in range(4) for c in itertools.combinations(ladder.TARGETS, n)])
@pytest.mark.parametrize("position", range(5))
def test_every_climb_is_one_step_at_a_time_and_lands_on_somebody_or_on_the_last_step(on_duty, position):
    moves = ladder.on_deadline(POLICY, position, on_duty.__contains__)
    assert moves[0].reason == "deadline" and all(m.reason == "empty_step" for m in moves[1:])
    assert [m.from_step for m in moves] == list(range(position, position + len(moves)))
    assert all(m.to_step == m.from_step + 1 for m in moves)
    landed = moves[-1].to_step
    assert ladder.target_at(POLICY, landed) in on_duty or landed >= POLICY.last
    skipped = [ladder.target_at(POLICY, m.from_step) for m in moves[1:]]
    assert not set(skipped) & on_duty


@pytest.mark.parametrize("broken,message", [
    ({"steps": [], "repeat_seconds": {"p1": 1, "p2": 1}}, "at least one step"),
    ({**THREE, "steps": THREE["steps"][:2]}, "last step must be national_supervision"),
    ({**THREE, "steps": [{"target": "mayor", "deadline_seconds": {"p1": 1, "p2": 1}}]}, "unknown target"),
    ({**THREE, "repeat_seconds": {"p1": 0, "p2": 1}}, "positive"),
    ({**THREE, "repeat_seconds": {"p1": 1}}, "malformed"),
    ({"steps": [{"target": "national_supervision"}]}, "malformed"),
])
def test_a_policy_that_could_lose_an_emergency_is_refused(broken, message):
    with pytest.raises(PolicyError, match=message):
        ladder.parse_policy(broken)
