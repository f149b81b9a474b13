"""The checker itself, without servers: it must see a loss and a double effect wherever they are."""

from tests.faults.verdict import Observed, judge


def seen(**overrides) -> Observed:
    values = {"status": {"a": "routed", "b": "unroutable"}, "routing_events": {"a": 1, "b": 1},
              "results_claimed": {"a": 1, "b": 1}, "incidents": {"b": 1}}
    return Observed(**{**values, **overrides})


def test_a_settled_run_passes():
    verdict = judge({"a": False, "b": True}, seen())
    assert verdict.ok and str(verdict).startswith("2 accepted (1 in danger now): lost 0")


def test_a_report_never_routed_or_an_emergency_without_incident_is_lost():
    assert judge({"a": False, "b": True}, seen(status={"a": "received", "b": "routed"})).lost == ("a",)
    assert judge({"a": False, "b": True}, seen(incidents={})).lost == ("b",)
    assert judge({"c": False}, seen()).lost == ("c",)


def test_any_effect_recorded_twice_is_caught():
    assert judge({"a": False, "b": True}, seen(routing_events={"a": 2, "b": 1})).twice == ("a",)
    assert judge({"a": False, "b": True}, seen(results_claimed={"a": 1, "b": 2})).twice == ("b",)
    assert judge({"a": False, "b": True}, seen(incidents={"b": 2})).twice == ("b",)
