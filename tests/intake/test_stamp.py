"""Pure rules of what intake stamps and vouches for: routing's answer to a jurisdiction, the chat ticket's
jurisdiction, the chat's origin for the pages' policy."""

import uuid

import pytest

from relais_intake.chat_link import chat_action, jurisdiction_of, other_origin, ticket_for
from relais_intake.routing_client import CommuneOption, CommunesAnswer
from relais_shared import tickets
from relais_shared.crypto import Keyring
from relais_shared.notrace import PAGE_HEADERS, page_headers


def commune(insee, force="GN", department="35", centre="corg-35", unit="1006114"):
    return CommuneOption.from_answer({
        "insee": insee, "name": f"Commune {insee}", "department": {"code": department, "name": "Ille-et-Vilaine"},
        "force": force, "unit": {"id": unit, "name": f"Brigade {unit}"} if unit else None,
        "operational_centre": {"id": centre, "name": "Centre"} if centre else None, "platform_queue": "platform.gn"})


def answer(*communes):
    return CommunesAnswer("35111", len({(c.force, c.unit_id, c.centre) for c in communes}) > 1, communes)


def test_the_commune_she_chose_or_the_only_one_is_stamped_in_full():
    mixed = answer(commune("35189"), commune("35278", force="PN", centre="dipn-35", unit="pn-rennes"))
    chosen = mixed.jurisdiction("35278")
    assert (chosen.force, chosen.department, chosen.operational_centre, chosen.unit_id, chosen.insee) == (
        "PN", "35", "dipn-35", "pn-rennes", "35278")
    assert mixed.jurisdiction(None) is None  # a code mixing forces: routing or triage decide
    assert mixed.jurisdiction("75101") is None
    only = answer(commune("35001")).jurisdiction(None)
    assert only.insee == "35001" and only.unit_name == "Brigade 1006114"


def test_communes_agreeing_on_force_department_and_centre_give_a_stamp_without_a_commune():
    same_unit = answer(commune("35116"), commune("35153")).jurisdiction(None)
    assert (same_unit.force, same_unit.department, same_unit.unit_id, same_unit.insee) == ("GN", "35", "1006114", None)
    other_units = answer(commune("35116"), commune("35153", unit="1006115")).jurisdiction(None)
    assert other_units.operational_centre == "corg-35" and other_units.unit_id is None
    assert answer(commune("35116"), commune("53001", department="53")).jurisdiction(None) is None


def test_a_commune_without_competence_gets_no_stamp():
    assert answer(commune("2A004", force=None, department="2A", centre=None, unit=None)).jurisdiction(None) is None


def test_the_ticket_says_what_the_row_says_now():
    ring = Keyring.from_config('{"k1": "' + "A" * 43 + '="}', "k1")
    row = {"id": uuid.uuid4(), "category": "sexual_harassment", "level": "orange", "danger_level": "high",
           "status": "routed", "jurisdiction": {"force": "GN", "department": "35", "operational_centre": "corg-35",
                                                "unit_id": None, "unit_name": None, "insee": None},
           "routing": {"force": "PN", "department": "35", "operational_centre": "dipn-35", "unit_id": "u1",
                       "unit_name": "Commissariat", "insee": "35278", "platform_queue": "platform.pn",
                       "assigned_by": "triage"}}
    ticket = tickets.redeem(ring, ticket_for(ring, row, "en"))
    assert (ticket.report_id, ticket.level, ticket.danger_level, ticket.lang) == (row["id"], "orange", "high", "en")
    assert ticket.jurisdiction.force == "PN" and ticket.jurisdiction.unit_id == "u1"  # routing's later answer wins
    assert jurisdiction_of({**row, "status": "received", "routing": None}).force == "GN"  # else the stamp
    assert jurisdiction_of({**row, "status": "unroutable", "routing": {"reason": "no_competence"}}) is None
    assert jurisdiction_of({**row, "status": "received", "routing": None, "jurisdiction": None}) is None


def test_the_chat_origin_joins_the_form_action_policy_only_when_it_is_another_host():
    assert chat_action("http://127.0.0.1:8003/") == "http://127.0.0.1:8003/chat" and chat_action("") == "/chat"
    assert other_origin("http://127.0.0.1:8003") == "http://127.0.0.1:8003" and other_origin("") is None
    policy = dict(page_headers(("http://127.0.0.1:8003",)))[b"content-security-policy"]
    assert b"form-action 'self' http://127.0.0.1:8003;" in policy
    assert b"form-action 'self';" in dict(PAGE_HEADERS)[b"content-security-policy"]  # others unchanged
    with pytest.raises(ValueError):
        page_headers(("http://x; script-src *",))
