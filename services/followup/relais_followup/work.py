"""What the agent holding an entry does: record attempts, answers and the outcome (inside one transaction)."""

from __future__ import annotations

import uuid

import asyncpg

from relais_followup import claims
from relais_followup.emergencies import raise_once
from relais_followup.metrics import ATTEMPTS, CLOSED
from relais_followup.rules import Rules, unsafe_answer, welfare_after_attempts
from relais_followup.store import open_answers, seal_answers
from relais_shared import contracts, outbox
from relais_shared.crypto import Keyring


async def record_attempt(conn: asyncpg.Connection, ring: Keyring, rules: Rules, *, entry_id: uuid.UUID,
                         claim_id: uuid.UUID, agent_sub: str, outcome: str) -> dict:
    """Store one attempt; after N failed ones without contact, send a patrol (once)."""
    entry = await claims.hold(conn, entry_id, claim_id, agent_sub)
    n = entry["attempts"] + 1
    await conn.execute(
        "INSERT INTO attempts (entry_id, n, outcome, claim_id, agent_sub) VALUES ($1, $2, $3, $4, $5)",
        entry_id, n, outcome, claim_id, agent_sub)
    entry = await conn.fetchrow(
        """UPDATE entries SET attempts = $2, failed_attempts = failed_attempts + $3::int,
                              contacted = contacted OR $4 WHERE id = $1 RETURNING *""",
        entry_id, n, int(outcome in rules.failed_outcomes), outcome in rules.contact_outcomes)
    await outbox.add(conn, contracts.FollowupAttemptRecorded(entry_id=entry_id, outcome=outcome, attempt=n))
    ATTEMPTS.labels(outcome).inc()
    outcomes = await conn.fetch("SELECT outcome FROM attempts WHERE entry_id = $1 ORDER BY n", entry_id)
    welfare = welfare_after_attempts([r["outcome"] for r in outcomes], rules) and await raise_once(
        conn, ring, rules, entry, kind="welfare_check", reason="failed_attempts")
    return {"attempt": n, "welfare_check_raised": bool(welfare)}


async def save_answers(conn: asyncpg.Connection, ring: Keyring, rules: Rules, *, entry_id: uuid.UUID,
                       claim_id: uuid.UUID, agent_sub: str, answers: dict[str, str]) -> dict:
    """Merge answers into the sealed questionnaire; an answer that she is not safe sends a patrol at once."""
    entry = await claims.hold(conn, entry_id, claim_id, agent_sub)
    merged = {**open_answers(ring, entry_id, entry["answers_sealed"]), **answers}
    await conn.execute("UPDATE entries SET answers_sealed = $2 WHERE id = $1", entry_id,
                       seal_answers(ring, entry_id, merged))
    raised = unsafe_answer(answers, rules) and await raise_once(
        conn, ring, rules, entry, kind="unsafe_answer", reason="unsafe_answer")
    return {"answers": merged, "unsafe_answer_raised": bool(raised)}


async def close(conn: asyncpg.Connection, *, entry_id: uuid.UUID, claim_id: uuid.UUID, agent_sub: str,
                outcome: str) -> None:
    """Close the entry with an outcome and free it."""
    entry = await claims.hold(conn, entry_id, claim_id, agent_sub)
    await conn.execute("UPDATE entries SET status = 'closed', outcome = $2, closed_at = now() WHERE id = $1",
                       entry_id, outcome)
    await claims.end_claim(conn, entry_id, claim_id, "closed")
    await outbox.add(conn, contracts.FollowupEntryClosed(entry_id=entry_id, outcome=outcome,
                                                         department=entry["department"]))
    CLOSED.labels(outcome).inc()
