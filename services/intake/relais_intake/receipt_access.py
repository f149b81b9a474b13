"""What a reporter can do with her receipt: see the status, exchange messages, erase the report."""

from __future__ import annotations

import uuid

import asyncpg

from relais_intake import receipts
from relais_intake.chat_link import COLUMNS
from relais_intake.schemas import MessageOut, ReceiptView
from relais_shared import contracts, outbox
from relais_shared.crypto import Keyring


def message_context(report_id: uuid.UUID) -> str:
    return f"intake.report_messages:{report_id}"


async def find_report(conn: asyncpg.Connection, receipt_hash: bytes) -> asyncpg.Record | None:
    """The report a receipt opens; every look-up by receipt, page or API, goes through here."""
    report = await conn.fetchrow(
        f"SELECT {COLUMNS}, created_at FROM reports WHERE receipt_hash = $1 AND erased_at IS NULL", receipt_hash)
    if report is None:
        receipts.lookup_failed()  # guessing from many networks at once shows here, not in a per-network limit
    return report


async def view(conn: asyncpg.Connection, keyring: Keyring, receipt_hash: bytes) -> ReceiptView | None:
    """The report's status and its conversation with the unit, or None when no report has this receipt."""
    found = await lookup(conn, keyring, receipt_hash)
    return found[1] if found else None


async def lookup(conn: asyncpg.Connection, keyring: Keyring,
                 receipt_hash: bytes) -> tuple[asyncpg.Record, ReceiptView] | None:
    """The report's row (for a chat ticket) and what its holder may see."""
    report = await find_report(conn, receipt_hash)
    if report is None:
        return None
    rows = await conn.fetch("SELECT author, body_sealed, created_at FROM report_messages WHERE report_id = $1 "
                            "ORDER BY id", report["id"])
    context = message_context(report["id"])
    messages = [MessageOut(author=r["author"], text=keyring.open(r["body_sealed"], context=context).decode(),
                           at=r["created_at"].isoformat(timespec="minutes")) for r in rows]
    routing = report["routing"] or {}
    return report, ReceiptView(status=report["status"], received_on=report["created_at"].date(),
                               force=routing.get("force"), unit_name=routing.get("unit_name"), messages=messages)


async def add_message(conn: asyncpg.Connection, keyring: Keyring, receipt_hash: bytes, text: str) -> bool:
    """Add the reporter's message to her report; False when no report has this receipt."""
    report = await find_report(conn, receipt_hash)
    if report is None:
        return False
    await conn.execute("INSERT INTO report_messages (report_id, author, body_sealed) VALUES ($1, 'reporter', $2)",
                       report["id"], keyring.seal(text, context=message_context(report["id"])))
    return True


async def erase(conn: asyncpg.Connection, receipt_hash: bytes) -> bool:
    """Erase on request: content, contact and messages go; the receipt stops working. Codes stay for counts.

    report.erased leaves in the same transaction, so every other service forgets the case too.
    """
    async with conn.transaction():
        report = await find_report(conn, receipt_hash)
        if report is None:
            return False
        await conn.execute("DELETE FROM report_messages WHERE report_id = $1", report["id"])
        await conn.execute(
            """UPDATE reports SET text_sealed = NULL, location_sealed = NULL, contact_sealed = NULL,
                   danger_answers = '{}', receipt_hash = NULL, status = 'erased', erased_at = now() WHERE id = $1""",
            report["id"])
        await outbox.add(conn, contracts.ReportErased(report_id=report["id"]))
    return True


async def record_exit(conn: asyncpg.Connection, report_id: uuid.UUID | None) -> None:
    """Remember that someone left by the emergency exit (and from which report, if one was sent)."""
    async with conn.transaction():
        await conn.execute("INSERT INTO exits (report_id) VALUES ($1)", report_id)
        if report_id is not None:
            await conn.execute("UPDATE reports SET left_by_exit_at = now() WHERE id = $1", report_id)


