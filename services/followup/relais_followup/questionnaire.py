"""The call-back questionnaire, read from data/questionnaire.json (French and English), and answer checks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from relais_shared.bilingual import Bilingual, Problem

NOT_A_QUESTION = Bilingual(fr="Cette question ne fait pas partie du questionnaire.",
                           en="This question is not in the questionnaire.")
NOT_OFFERED = Bilingual(fr="Choisissez l'une des réponses proposées.", en="Choose one of the proposed answers.")


@dataclass(frozen=True)
class Question:
    id: str
    options: tuple[str, ...]
    text: dict[str, str]


@dataclass(frozen=True)
class Questionnaire:
    version: int
    questions: tuple[Question, ...]
    option_labels: dict[str, dict[str, str]]

    def ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)

    def localized(self, lang: str) -> dict:
        """The questions and option labels in one language, for the page."""
        lang = lang if lang in ("fr", "en") else "fr"
        return {"version": self.version, "questions": [
            {"id": q.id, "text": q.text[lang],
             "options": [{"value": o, "label": self.option_labels[o][lang]} for o in q.options]}
            for q in self.questions]}

    def problems(self, answers: dict[str, str]) -> list[Problem]:
        """A problem for every unknown question or answer not offered."""
        known = {q.id: q for q in self.questions}
        found = []
        for question_id, answer in answers.items():
            question = known.get(question_id)
            if question is None:
                found.append(Problem(question_id, NOT_A_QUESTION))
            elif answer not in question.options:
                found.append(Problem(question_id, NOT_OFFERED))
        return found


def load_questionnaire(text: str | None = None) -> Questionnaire:
    """Parse questionnaire.json (the packaged file when no text is given); every label in both languages."""
    raw = json.loads(text if text is not None else
                     resources.files("relais_followup.data").joinpath("questionnaire.json").read_text("utf-8"))
    questions = tuple(Question(q["id"], tuple(q["options"]), dict(q["text"])) for q in raw["questions"])
    labels = raw["options"]
    for q in questions:
        missing = [o for o in q.options if not {"fr", "en"} <= set(labels.get(o, {}))]
        if missing or not {"fr", "en"} <= set(q.text):
            raise ValueError(f"questionnaire.json: {q.id} lacks a French or English label")
    return Questionnaire(int(raw["version"]), questions, labels)
