"""The cell's rules, read from data/rules.json: welfare checks, unsafe answers, windows, urgency (pure)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources

from relais_followup.windows import callback_window

RISK_RANK = {"severe": 3, "high": 2, "standard": 1}
ATTEMPT_OUTCOMES = ("reached", "no_answer", "wrong_number", "unsafe_to_talk")


@dataclass(frozen=True)
class Rules:
    """What the cell has agreed: when to send a patrol, what counts as contact, how to close."""

    windows_hours: dict[str, tuple[int, int]]
    import_campaign_days: int
    failed_outcomes: frozenset[str]
    contact_outcomes: frozenset[str]
    welfare_after_failed: int
    welfare_at_window_end: bool
    welfare_priority: str
    unsafe_answers: frozenset[tuple[str, str]]
    unsafe_priority: str
    close_outcomes: tuple[str, ...]

    def window(self, source: str) -> tuple[timedelta, timedelta]:
        opens, closes = self.windows_hours[source]
        return timedelta(hours=opens), timedelta(hours=closes)


def load_rules(text: str | None = None) -> Rules:
    """Parse rules.json (the packaged file when no text is given)."""
    raw = json.loads(text if text is not None else _packaged("rules.json"))
    welfare, unsafe = raw["welfare_check"], raw["unsafe_answer"]
    rules = Rules(
        windows_hours={k: (v["opens_after"], v["closes_after"]) for k, v in raw["windows_hours"].items()},
        import_campaign_days=int(raw["import_campaign_days"]),
        failed_outcomes=frozenset(raw["failed_outcomes"]), contact_outcomes=frozenset(raw["contact_outcomes"]),
        welfare_after_failed=int(welfare["after_failed_attempts"]),
        welfare_at_window_end=bool(welfare["at_window_end_without_contact"]), welfare_priority=welfare["priority"],
        unsafe_answers=frozenset((a["question"], a["answer"]) for a in unsafe["answers"]),
        unsafe_priority=unsafe["priority"], close_outcomes=tuple(raw["close_outcomes"]),
    )
    unknown = (rules.failed_outcomes | rules.contact_outcomes) - set(ATTEMPT_OUTCOMES)
    if unknown or rules.welfare_after_failed < 1:
        raise ValueError(f"rules.json: unknown attempt outcomes {sorted(unknown)} or a threshold below 1")
    return rules


def _packaged(name: str) -> str:
    return resources.files("relais_followup.data").joinpath(name).read_text("utf-8")


def welfare_after_attempts(outcomes: list[str], rules: Rules) -> bool:
    """After N failed attempts and no contact, a patrol must go and see her."""
    if any(o in rules.contact_outcomes for o in outcomes):
        return False
    return sum(o in rules.failed_outcomes for o in outcomes) >= rules.welfare_after_failed


def welfare_at_window_end(outcomes: list[str], window_end: datetime, now: datetime, rules: Rules) -> bool:
    """At the window's end without contact, a patrol must go and see her."""
    if not rules.welfare_at_window_end or now < window_end:
        return False
    return not any(o in rules.contact_outcomes for o in outcomes)


def unsafe_answer(answers: dict[str, str], rules: Rules) -> bool:
    """An answer that she is not safe sends a patrol at once."""
    return any((question, answer) in rules.unsafe_answers for question, answer in answers.items())


def highest(*levels: str | None) -> str:
    """The case's danger level: the highest any of its sources gave (unknown levels ignored)."""
    known = [level for level in levels if level in RISK_RANK]
    return max(known, key=RISK_RANK.__getitem__) if known else "standard"


def report_risk(danger_level: str | None, danger_now: bool) -> str:
    """A report of danger now is severe whatever the questionnaire scored."""
    return highest(danger_level, "severe" if danger_now else None)


def is_overdue(window_end: datetime, now: datetime) -> bool:
    return now >= window_end


def urgency_key(*, overdue: bool, risk_level: str, window_end: datetime) -> tuple:
    """Sort key: overdue first, then the highest risk, then the earliest window end."""
    return (0 if overdue else 1, -RISK_RANK.get(risk_level, 0), window_end)


def import_window(intervention_at: datetime, department: str, now: datetime, rules: Rules) -> tuple[datetime, datetime]:
    """A past case whose window has gone by gets a campaign window from now: re-examined, not a patrol storm."""
    opens, closes = rules.window("import")
    start, end = callback_window(intervention_at, department, opens_after=opens, closes_after=closes)
    if end > now:
        return start, end
    return callback_window(now, department, opens_after=timedelta(0),
                           closes_after=timedelta(days=rules.import_campaign_days))
