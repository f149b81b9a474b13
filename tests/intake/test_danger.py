"""The danger assessment: levels at each threshold, items severe on their own, unknown answers, the data file."""

import json
from importlib.resources import files

import pytest

from relais_intake.danger import (
    Questionnaire,
    QuestionnaireError,
    UnknownQuestionError,
    assess,
    load_questionnaire,
    parse_questionnaire,
)

RAW = json.loads((files("relais_intake") / "data" / "danger_assessment.json").read_text(encoding="utf-8"))
SEVERE_ALONE = {"strangulation", "weapon_used_or_threatened", "fears_for_life"}


def question(qid: str, weight: int, **extra) -> dict:
    return {"id": qid, "label_fr": f"{qid} ?", "label_en": f"{qid}?", "weight": weight, "rationale": "test", **extra}


def small(**overrides) -> dict:
    """A questionnaire with round numbers: high at 4, severe at 8."""
    data = {"thresholds": {"high": 4, "severe": 8},
            "questions": [question("a", 1), question("b", 3), question("c", 4), question("d", 2),
                          question("e", 1, severe_alone=True), question("f", 1), question("g", 1)],
            "severe_together": [{"ids": ["f", "g"], "rationale": "test"}]}
    return {**data, **overrides}


@pytest.mark.parametrize(("yes", "score", "level"), [
    ((), 0, "standard"),
    (("b",), 3, "standard"),            # one below high
    (("a", "b"), 4, "high"),            # exactly high
    (("a", "c"), 5, "high"),            # above high
    (("b", "c"), 7, "high"),            # one below severe
    (("a", "b", "c"), 8, "severe"),     # exactly severe
    (("a", "b", "c", "d"), 10, "severe"),
    (("e",), 1, "severe"),              # severe on its own, whatever the score
    (("f",), 1, "standard"),
    (("f", "g"), 2, "severe"),          # severe together
])
def test_levels_around_the_thresholds(yes, score, level):
    q = parse_questionnaire(small())
    answers = {qid: qid in yes for qid in "abcdefg"}
    result = assess(answers, q)
    assert (result.level, result.score) == (level, score)
    assert result.reasons == tuple(sorted(yes))  # questionnaire order, which is alphabetical here


def test_no_counts_like_unanswered():
    q = parse_questionnaire(small())
    assert assess({"a": False, "b": False, "c": False}, q) == assess({}, q)
    assert assess({}, q).reasons == ()


@pytest.mark.parametrize("qid", sorted(SEVERE_ALONE))
def test_each_severe_alone_item_of_the_packaged_file_is_severe_by_itself(qid):
    result = assess({qid: True})
    assert result.level == "severe" and result.reasons == (qid,)


def test_packaged_levels_on_realistic_answers():
    assert assess({}).level == "standard"
    assert assess({"substance_abuse": True}).level == "standard"
    assert assess({"threats_to_kill": True}).level == "high"
    assert assess({"threats_to_kill": True, "weapon_access": True}).level == "severe"
    assert assess({"weapon_access": True}).level == "standard"  # a hunting gun alone is common
    escalating = assess({"violence_escalating": True, "separation": True, "jealousy_control": True,
                         "threats_to_kill": True})
    assert escalating.level == "severe" and escalating.score == 12
    everything = assess({q.id: True for q in load_questionnaire().questions})
    assert everything.level == "severe" and everything.score == sum(q["weight"] for q in RAW["questions"])


def test_unknown_answer_ids_are_refused_by_name():
    with pytest.raises(UnknownQuestionError) as caught:
        assess({"strangulation": True, "zz_unknown": False, "aa_unknown": True})
    assert caught.value.ids == ("aa_unknown", "zz_unknown")
    assert isinstance(caught.value, ValueError)


def test_non_boolean_answers_are_refused():
    with pytest.raises(TypeError):
        assess({"strangulation": "yes"})


def test_the_packaged_file_is_valid_and_loaded_once():
    q = load_questionnaire()
    assert isinstance(q, Questionnaire) and q is load_questionnaire()
    assert 12 <= len(q.questions) <= 14
    assert (q.high, q.severe) == (RAW["thresholds"]["high"], RAW["thresholds"]["severe"]) and 0 < q.high < q.severe
    assert len(q.ids) == len(q.questions) and all(question.weight > 0 for question in q.questions)
    assert {question.id for question in q.questions if question.severe_alone} == SEVERE_ALONE
    assert "practitioners" in q.source_note and "Campbell" in q.source_note


def test_every_question_has_both_languages_and_a_reason():
    for item in RAW["questions"]:
        assert item["label_fr"].strip().endswith("?") and item["label_en"].strip().endswith("?"), item["id"]
        assert item["label_fr"] != item["label_en"] and item["rationale"].strip(), item["id"]
        assert len(item["label_fr"]) < 160, f"{item['id']}: too long to read on a phone"


def test_the_well_known_risk_factors_are_asked():
    expected = {"violence_escalating", "threats_to_kill", "strangulation", "weapon_used_or_threatened",
                "weapon_access", "separation", "pregnancy", "children_exposed_or_threatened", "jealousy_control",
                "suicide_threats", "forced_sex", "substance_abuse", "protection_order_violated", "fears_for_life"}
    assert load_questionnaire().ids == expected


@pytest.mark.parametrize(("change", "message"), [
    ({"questions": [question("a", 1), question("a", 2)]}, "unique"),
    ({"questions": [question("a", 0), question("b", 9)]}, "positive"),
    ({"questions": [question("a", -1), question("b", 9)]}, "positive"),
    ({"questions": [question("a", True), question("b", 9)]}, "positive"),
    ({"questions": [question("Bad-Id", 1)]}, "bad question id"),
    ({"questions": [{**question("a", 1), "label_en": " "}]}, "label_en"),
    ({"questions": [{**question("a", 1), "rationale": ""}]}, "rationale"),
    ({"thresholds": {"high": 8, "severe": 4}}, "thresholds"),
    ({"thresholds": {"high": 4, "severe": 4}}, "thresholds"),
    ({"thresholds": {"high": 0, "severe": 4}}, "thresholds"),
    ({"thresholds": {"high": 4}}, "thresholds"),
    ({"thresholds": {"high": 4, "severe": 99}}, "cannot be reached"),
    ({"severe_together": [{"ids": ["a", "nope"]}]}, "severe_together"),
    ({"severe_together": [{"ids": ["a"]}]}, "severe_together"),
])
def test_an_inconsistent_file_is_refused_at_load(change, message):
    with pytest.raises(QuestionnaireError, match=message):
        parse_questionnaire(small(**change))
