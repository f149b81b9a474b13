"""Accepting a report: checks a person can act on, then state, receipt and events in one transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from relais_intake import chat_link, danger
from relais_intake.orientation import orientation_for
from relais_intake.partners import get_active_partner
from relais_intake.receipts import hasher_for, new_receipt
from relais_intake.routing_client import PostalCodeRejected, RoutingClient, RoutingUnavailable
from relais_intake.schemas import ReportAccepted, ReportIn
from relais_intake.settings import IntakeSettings
from relais_intake.store import insert_report, raises_emergency
from relais_shared.bilingual import Bilingual, Problem
from relais_shared.confidentiality import level_of
from relais_shared.contracts import Jurisdiction
from relais_shared.crypto import Keyring
from relais_shared.ratelimit import Ceiling
from relais_shared.runtime import ServiceRuntime

UNKNOWN_QUESTIONS = Bilingual(fr="Certaines réponses portent sur des questions inconnues.",
                              en="Some answers refer to unknown questions.")
NOT_THIS_COMMUNE = Bilingual(fr="Cette commune n'a pas ce code postal.",
                             en="This commune does not have this postal code.")
CHOOSE_COMMUNE = Bilingual(fr="Ce code postal couvre plusieurs communes : choisissez la vôtre.",
                           en="This postal code covers several communes: choose yours.")


class ReportProblems(Exception):
    """The report cannot be accepted as sent; each problem names its field and says what to do."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.field for p in problems))
        self.problems = problems


class Intake:
    """What the API and the pages share: one way to accept a report, find communes and partners."""

    def __init__(self, settings: IntakeSettings, runtime: ServiceRuntime):
        self.settings, self.runtime = settings, runtime
        self.keyring: Keyring = settings.keyring()
        self.hasher = hasher_for(settings)  # bounded by the settings' memory budget
        self.routing = RoutingClient(settings.routing_url, settings.routing_timeout_seconds)
        self.questionnaire = danger.load_questionnaire()
        self.exit_url = settings.exit_url
        self.ceiling = Ceiling("intake", "emergencies", settings.emergency_ceiling_department,
                               settings.emergency_ceiling_national, settings.emergency_ceiling_window_seconds)

    async def partner_is_active(self, slug: str) -> bool:
        async with self.runtime.pool.acquire() as conn:
            return await get_active_partner(conn, slug) is not None

    async def communes(self, postal_code: str):
        return await self.routing.communes(postal_code)

    async def accept(self, report: ReportIn) -> ReportAccepted:
        """Store the report with its events; once this returns, nothing can lose it."""
        # One question to routing: its answer checks the commune and is stamped on the events.
        commune_problems, jurisdiction = await self._commune(report)
        problems = report.contact.problems() + _date_problems(report) + commune_problems
        try:
            assessment = danger.assess(report.danger_answers, self.questionnaire)
        except danger.UnknownQuestionError:
            problems.append(Problem("danger_answers", UNKNOWN_QUESTIONS))
        if problems:
            raise ReportProblems(problems)
        if report.partner and not await self.partner_is_active(report.partner):
            report = report.model_copy(update={"partner": None})  # a revoked partner is simply not recorded
        receipt = new_receipt()
        report_id = uuid.uuid4()
        receipt_hash = await self.hasher.hash(receipt)
        burst = await self._burst(report, assessment, jurisdiction)
        emergency = await insert_report(self, report_id, report, assessment, receipt_hash, jurisdiction, burst=burst)
        department = jurisdiction.department if jurisdiction else _department_guess(report.postal_code)
        orientation = orientation_for(report.category, department, report.lang)
        level = level_of(report.category)
        ticket = chat_link.ticket_at_receipt(self.keyring, report_id, report.category, level, assessment.level,
                                             jurisdiction, report.lang)
        return ReportAccepted(id=report_id, receipt=receipt, level=level, danger_level=assessment.level,
                              emergency=emergency, orientation=orientation, chat_ticket=ticket)

    async def _burst(self, report: ReportIn, assessment: danger.Assessment, jurisdiction: Jurisdiction | None) -> bool:
        """Past the department's or the country's ceiling of emergencies: kept all the same, marked as a burst."""
        if not raises_emergency(report, assessment):
            return False
        department = jurisdiction.department if jurisdiction else _department_guess(report.postal_code)
        return await self.ceiling.passed(self.runtime.pool, department) is not None

    async def _commune(self, report: ReportIn) -> tuple[list[Problem], Jurisdiction | None]:
        """Problems with the place, and who is competent there when routing could tell."""
        try:
            answer = await self.routing.communes(report.postal_code)
        except RoutingUnavailable:
            return [], None  # never refuse a report because routing is down: routing catches up from the outbox
        except PostalCodeRejected as rejected:
            return [Problem("postal_code", rejected.text)], None
        if report.insee is not None and not answer.has(report.insee):
            return [Problem("insee", NOT_THIS_COMMUNE)], None
        if report.insee is None and answer.must_choose:
            return [Problem("insee", CHOOSE_COMMUNE)], None
        return [], answer.jurisdiction(report.insee)

    async def close(self) -> None:
        await self.routing.close()


def _date_problems(report: ReportIn) -> list[Problem]:
    if report.occurred_on is not None and report.occurred_on > datetime.now(UTC).date():
        return [Problem("occurred_on", Bilingual(fr="Cette date est dans le futur.", en="This date is in the future."))]
    return []


def _department_guess(postal_code: str) -> str:
    """The department a postal code most likely belongs to (for orientation only, never for routing)."""
    if postal_code.startswith("97") or postal_code.startswith("98"):
        return postal_code[:3]
    if postal_code.startswith("20"):
        return "2A" if postal_code < "20200" else "2B"
    return postal_code[:2]
