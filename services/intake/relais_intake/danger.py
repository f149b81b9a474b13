"""Danger assessment: weighted yes/no risk factors to a level (standard, high, severe); reads only its data file."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, Literal

Level = Literal["standard", "high", "severe"]
QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]{0,60}$")


class QuestionnaireError(ValueError):
    """The questionnaire data is inconsistent; the service must not start with it."""


class UnknownQuestionError(ValueError):
    """Answers name questions the questionnaire does not have."""

    def __init__(self, ids):
        self.ids = tuple(sorted(ids))
        super().__init__(f"unknown danger questions: {', '.join(self.ids)}")


@dataclass(frozen=True)
class Question:
    """One yes/no risk factor, its weight, and whether a yes alone makes the level severe."""

    id: str
    label_fr: str
    label_en: str
    weight: int
    severe_alone: bool = False
    rationale: str = ""

    def label(self, lang: str) -> str:
        """The question in French, or in English when asked for."""
        return self.label_en if lang == "en" else self.label_fr


@dataclass(frozen=True)
class Questionnaire:
    """The questions, the score thresholds and the pairs of answers that are severe together."""

    version: int
    questions: tuple[Question, ...]
    high: int
    severe: int
    severe_together: tuple[frozenset[str], ...] = ()
    source_note: str = ""

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(q.id for q in self.questions)


@dataclass(frozen=True)
class Assessment:
    """The outcome: a level, the score behind it, and the factors that counted."""

    level: Level
    score: int
    reasons: tuple[str, ...]  # ids answered yes, in questionnaire order


def _question(item: Mapping[str, Any]) -> Question:
    """Build one question, refusing anything a reviewer could not trust."""
    qid = item.get("id", "")
    if not isinstance(qid, str) or not QUESTION_ID.match(qid):
        raise QuestionnaireError(f"bad question id: {qid!r}")
    for field in ("label_fr", "label_en", "rationale"):
        if not isinstance(item.get(field), str) or not item[field].strip():
            raise QuestionnaireError(f"{qid}: {field} missing")
    weight = item.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, int) or weight <= 0:
        raise QuestionnaireError(f"{qid}: weight must be a positive integer")
    return Question(qid, item["label_fr"], item["label_en"], weight, item.get("severe_alone") is True,
                    item["rationale"])


def parse_questionnaire(data: Mapping[str, Any]) -> Questionnaire:
    """Validate the data file's content: unique ids, positive weights, ordered and reachable thresholds."""
    questions = tuple(_question(item) for item in data.get("questions", ()))
    ids = [q.id for q in questions]
    if not questions or len(ids) != len(set(ids)):
        raise QuestionnaireError("questions must be present and their ids unique")
    high, severe = data.get("thresholds", {}).get("high"), data.get("thresholds", {}).get("severe")
    if not all(isinstance(t, int) and not isinstance(t, bool) for t in (high, severe)) or not 0 < high < severe:
        raise QuestionnaireError("thresholds must be integers with 0 < high < severe")
    if severe > sum(q.weight for q in questions):
        raise QuestionnaireError("the severe threshold cannot be reached")
    together = tuple(frozenset(group["ids"]) for group in data.get("severe_together", ()))
    if any(len(group) < 2 or not group <= set(ids) for group in together):
        raise QuestionnaireError("severe_together groups need two or more known ids")
    return Questionnaire(data.get("version", 1), questions, high, severe, together, data.get("source_note", ""))


@cache
def load_questionnaire() -> Questionnaire:
    """The packaged questionnaire, read and validated once."""
    text = (files("relais_intake") / "data" / "danger_assessment.json").read_text(encoding="utf-8")
    return parse_questionnaire(json.loads(text))


def assess(answers: Mapping[str, bool], questionnaire: Questionnaire | None = None) -> Assessment:
    """Score the yes answers; an unanswered question counts as no (the person may skip any)."""
    q = questionnaire or load_questionnaire()
    unknown = set(answers) - q.ids
    if unknown:
        raise UnknownQuestionError(unknown)
    if any(not isinstance(value, bool) for value in answers.values()):
        raise TypeError("danger answers must be booleans")
    yes = tuple(question for question in q.questions if answers.get(question.id) is True)
    score = sum(question.weight for question in yes)
    yes_ids = frozenset(question.id for question in yes)
    if score >= q.severe or any(question.severe_alone for question in yes) or any(
            group <= yes_ids for group in q.severe_together):
        level: Level = "severe"
    else:
        level = "high" if score >= q.high else "standard"
    return Assessment(level, score, tuple(question.id for question in yes))
