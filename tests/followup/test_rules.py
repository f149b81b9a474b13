"""The cell's rules as data: welfare checks, unsafe answers, urgency, the questionnaire and import lines."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from relais_followup.contacts import open_contact
from relais_followup.importer import parse
from relais_followup.questionnaire import load_questionnaire
from relais_followup.rules import (
    highest,
    import_window,
    load_rules,
    report_risk,
    unsafe_answer,
    urgency_key,
    welfare_after_attempts,
    welfare_at_window_end,
)
from relais_shared.crypto import Keyring
from relais_shared.sealing import seal_field

RULES = load_rules()
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.mark.parametrize(("outcomes", "patrol"), [
    ([], False), (["no_answer"], False), (["no_answer", "no_answer"], False),
    (["no_answer", "no_answer", "no_answer"], True), (["no_answer", "wrong_number", "no_answer"], True),
    (["no_answer", "unsafe_to_talk", "no_answer"], False), (["no_answer"] * 2 + ["unsafe_to_talk", "no_answer"], True),
    (["reached", "no_answer", "no_answer", "no_answer"], False), (["no_answer"] * 3 + ["reached"], False)])
def test_a_patrol_goes_after_three_failed_attempts_without_contact(outcomes, patrol):
    assert welfare_after_attempts(outcomes, RULES) is patrol


def test_the_threshold_and_the_outcomes_are_data():
    raw = json.loads((load_rules.__globals__["_packaged"])("rules.json"))
    raw["welfare_check"]["after_failed_attempts"] = 1
    assert welfare_after_attempts(["no_answer"], load_rules(json.dumps(raw)))
    raw["failed_outcomes"] = ["voicemail"]
    with pytest.raises(ValueError, match="unknown attempt outcomes"):
        load_rules(json.dumps(raw))


def test_at_the_window_end_without_contact_a_patrol_goes():
    end = NOW - timedelta(minutes=1)
    assert welfare_at_window_end([], end, NOW, RULES)
    assert welfare_at_window_end(["no_answer", "unsafe_to_talk"], end, NOW, RULES)
    assert not welfare_at_window_end(["reached"], end, NOW, RULES)
    assert not welfare_at_window_end([], NOW + timedelta(minutes=1), NOW, RULES)


def test_an_answer_that_she_is_not_safe_sends_a_patrol_at_once():
    assert unsafe_answer({"safe_now": "no"}, RULES)
    assert not unsafe_answer({"safe_now": "yes", "aggressor_in_home": "yes"}, RULES)
    assert not unsafe_answer({"safe_now": "declined"}, RULES)


def test_urgency_overdue_first_then_risk_then_window_end():
    a = dict(overdue=False, risk_level="severe", window_end=NOW)
    b = dict(overdue=True, risk_level="standard", window_end=NOW + timedelta(hours=5))
    c = dict(overdue=False, risk_level="severe", window_end=NOW - timedelta(hours=1))
    d = dict(overdue=False, risk_level="high", window_end=NOW - timedelta(hours=9))
    e = dict(overdue=True, risk_level="high", window_end=NOW + timedelta(hours=9))
    ordered = sorted([a, b, c, d, e], key=lambda x: urgency_key(**x))
    assert ordered == [e, b, c, a, d]


def test_a_past_case_gets_a_campaign_window_instead_of_an_immediate_patrol():
    old = datetime(2020, 1, 3, 10, tzinfo=UTC)
    start, end = import_window(old, "62", NOW, RULES)
    assert start == NOW and end - start == timedelta(days=14)
    recent = NOW - timedelta(hours=30)
    start, end = import_window(recent, "62", NOW, RULES)
    assert start == recent + timedelta(hours=24) and end == recent + timedelta(hours=48)


def test_the_questionnaire_is_data_in_french_and_english():
    questionnaire = load_questionnaire()
    assert questionnaire.ids() == ("safe_now", "aggressor_in_home", "wants_association", "complaint",
                                   "needs_shelter", "children_exposed")
    french, english = questionnaire.localized("fr"), questionnaire.localized("en")
    assert french["questions"][0]["text"] == "Êtes-vous en sécurité en ce moment ?"
    assert english["questions"][0]["text"] == "Are you safe right now?"
    assert questionnaire.problems({"safe_now": "yes", "complaint": "wants_to_file"}) == []
    assert [p[0] for p in questionnaire.problems({"safe_now": "maybe", "favourite_colour": "blue"})] == \
        ["safe_now", "favourite_colour"]


def test_a_questionnaire_without_english_is_refused():
    raw = {"version": 1, "questions": [{"id": "q", "options": ["yes"], "text": {"fr": "Q ?"}}],
           "options": {"yes": {"fr": "Oui", "en": "Yes"}}}
    with pytest.raises(ValueError, match="lacks"):
        load_questionnaire(json.dumps(raw))


HEADER = "case_reference,force,department,risk_level,intervention_at,phone,safe_hours,no_voicemail,address\n"


def test_a_good_file_gives_entries_with_local_times_and_safe_rules():
    data = (HEADER + "GN-62-1,GN,62,high,2026-11-22T18:00,06 12 34 56 78,09:00-11:30|18:00-19:00,oui,1 rue X\n"
            "PN-974-2,PN,974,standard,2026-11-22T18:00+04:00,,,non,\n").encode()
    parsed = parse(data, RULES, NOW)
    assert parsed.errors == []
    first, second = parsed.entries
    assert first.window_start == datetime(2026, 11, 23, 17, tzinfo=UTC)  # 18:00 Paris = 17:00 UTC, +24 h
    assert first.safe_hours == ["09:00-11:30", "18:00-19:00"] and first.no_voicemail
    assert first.contact == {"phone": "06 12 34 56 78", "address": "1 rue X"}
    assert second.window_start == datetime(2026, 11, 23, 14, tzinfo=UTC) and not second.no_voicemail


def test_bad_lines_are_named_by_line_number_and_column():
    data = (HEADER + "GN-1,GN,35,high,2026-11-22T18:00,,,,\n"
            "GN-2,XX,35,high,2026-11-22T18:00,,,,\n"
            "GN-3,GN,35,extreme,yesterday,abc,9h-10h,peut-être,\n"
            "\"GN-4\",GN,\"3\n5\",high,2026-11-22T18:00,,,,\n"
            "GN-1,GN,35,high,2026-11-22T18:00,,,,\n").encode()
    errors = parse(data, RULES, NOW).errors
    assert "line 3: force: expected PN or GN" in errors
    assert "line 4: risk_level: expected standard, high or severe" in errors
    assert "line 4: phone: expected digits, like 06 12 34 56 78" in errors
    assert "line 4: no_voicemail: expected yes or no" in errors
    assert any(e.startswith("line 4: safe_hours") for e in errors)
    assert any(e.startswith("line 4: intervention_at") for e in errors)
    assert "line 5: department: unknown department code" in errors  # a quoted value over lines 5 and 6
    assert "line 7: case_reference: already on line 2" in errors


def test_a_file_without_the_required_columns_or_not_utf8_is_refused_on_line_1():
    assert parse(b"case_reference;force\nX;GN\n", RULES, NOW).errors == [
        "line 1: missing column(s): department, risk_level, intervention_at"]
    assert parse("é".encode("latin-1"), RULES, NOW).errors == ["line 1: the file is not UTF-8 text"]


def test_the_case_takes_the_highest_danger_level_and_danger_now_is_severe():
    assert highest("standard", "high", None, "bogus") == "high"
    assert highest(None) == "standard"
    assert report_risk("standard", danger_now=True) == "severe"
    assert report_risk("high", danger_now=False) == "high"
    assert report_risk(None, danger_now=False) == "standard"


def test_intakes_contact_shape_gives_the_safe_contact_rules():
    ring, case_id = Keyring({"k": b"0" * 32}, "k"), uuid.uuid4()
    text = json.dumps({"channel": "trusted_person", "trusted_person_phone": "06 00 00 00 01", "no_voicemail": False,
                       "safe_windows": [{"start": "22:00", "end": "07:00"}, {"start": "09:00", "end": "09:00"}]})
    contact = open_contact(ring, seal_field(ring, text, context=f"followup.contact:{case_id}"), case_id=case_id)
    assert contact is not None and contact.details["trusted_person_phone"] == "06 00 00 00 01"
    # A stretch that starts where it ends cannot be computed with: it is dropped, not a broken list.
    assert contact.preferences() == {"channels": ["phone"], "safe_hours": ["22:00-07:00"], "no_voicemail": False,
                                     "via_trusted_person": True}
    other = seal_field(ring, text, context=f"followup.contact:{uuid.uuid4()}")
    assert open_contact(ring, other, case_id=case_id) is None
