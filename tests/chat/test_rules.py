"""Pure rules: no broker, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from relais_chat import frames
from relais_chat.rules import (
    OfficerLoad,
    estimate_wait,
    pick_officer,
    platform_of,
    queue_key,
    session_level,
    weight,
)
from relais_shared.socket_guard import TokenBucket


def test_queue_puts_severe_first_then_the_longest_wait():
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    waiting = [("standard", t0), ("high", t0 + timedelta(minutes=1)), ("severe", t0 + timedelta(minutes=5)),
               ("standard", t0 - timedelta(minutes=1))]
    ordered = sorted(waiting, key=lambda w: queue_key(*w))
    assert [w[0] for w in ordered] == ["severe", "high", "standard", "standard"]
    assert ordered[2][1] < ordered[3][1]


def test_wait_estimate_is_honest_about_too_few_samples():
    assert estimate_wait(1, [30.0, 40.0], available_officers=2) is None
    assert estimate_wait(1, [30.0, 60.0, 90.0], available_officers=2) == 60
    assert estimate_wait(5, [30.0, 60.0, 90.0], available_officers=2) == 180  # 4 ahead shared by 2 officers
    assert estimate_wait(3, [60.0] * 5, available_officers=0) == 180  # nobody available: one lane at best


def officer(sub, load, capacity=3, **kw):
    values = {"force": "GN", "orange_clearance": True, "available": True, "departments": ("*",)}
    return OfficerLoad(sub=sub, capacity=capacity, load=load, **{**values, **kw})


def test_a_severe_conversation_counts_as_more_than_one_slot():
    assert weight("severe", 2) == 2 and weight("high", 2) == 1
    # 2 of 3 slots used: a standard conversation fits, a severe one does not.
    assert pick_officer("GN", "35", "blue", "standard", [officer("a", 2)], 2) == "a"
    assert pick_officer("GN", "35", "blue", "severe", [officer("a", 2)], 2) is None


def test_assignment_picks_the_officer_with_most_room_who_may_take_it():
    team = [officer("busy", 2), officer("free", 0, capacity=2), officer("half", 1, capacity=4),
            officer("no-clearance", 0, orange_clearance=False), officer("away", 0, available=False),
            officer("police", 0, force="PN"), officer("elsewhere", 0, departments=("72",))]
    assert pick_officer("GN", "35", "orange", "standard", team, 2) == "free"
    assert pick_officer("GN", "72", "blue", "standard", team, 2) in {"free", "no-clearance", "elsewhere"}
    assert pick_officer("GN", "35", "orange", "standard", [officer("no", 0, orange_clearance=False)], 2) is None


def test_token_bucket_allows_a_burst_then_the_refill_rate():
    bucket = TokenBucket(burst=3, rate=1.0, now=0.0)
    assert [bucket.take(0.0) for _ in range(4)] == [True, True, True, False]
    assert bucket.take(0.5) is False
    assert bucket.take(1.1) is True


@pytest.mark.parametrize("raw", ["not json", "[1]", '{"type": "nope"}', '{"type": "send", "client_id": "x"}',
                                 b"\x00", None, '{"type": "send", "client_id": "<script>", "text": "a"}',
                                 '{"type": "ack", "seq": -1}'])
def test_malformed_victim_frames_are_refused(raw):
    with pytest.raises(frames.BadFrame):
        frames.victim_frame(raw)


def test_a_well_formed_message_keeps_its_text_verbatim():
    frame = frames.victim_frame('{"type": "send", "client_id": "abcdefgh12", "text": "<b>bonjour</b>"}')
    assert isinstance(frame, frames.Send) and frame.text == "<b>bonjour</b>"


def test_a_level_is_raised_by_the_category_never_lowered():
    assert session_level("blue", "rape") == "orange"  # whatever the ticket says
    assert session_level("blue", "sexual_assault") == "orange"
    assert session_level("orange", "cyber_harassment") == "orange"  # the report was marked orange
    assert session_level("blue", "cyber_harassment") == "blue"


def test_a_conversation_without_a_force_waits_in_national_triage():
    assert platform_of(None) == "platform.triage"
    assert platform_of("GN") == "platform.gn" and platform_of("PN") == "platform.pn"
