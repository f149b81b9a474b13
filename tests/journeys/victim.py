"""What the victim does with her phone: come back with her receipt, talk with an officer."""

from __future__ import annotations


def come_back(platform, phone, receipt: str) -> None:
    """The come-back page, reached from the public page, with her receipt typed in."""
    phone.goto(platform.url("intake") + "/")
    phone.locator("#come-back").click()
    phone.locator("#f-receipt").fill(receipt)
    phone.locator("#see-report").click()
    phone.locator("#status").wait_for(timeout=15_000)


def chat_from_come_back(*args, **kwargs):
    raise NotImplementedError  # filled in once the chat side is known
