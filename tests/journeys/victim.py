"""What the victim does with her phone, and what the chat officer does at the console, through their pages."""

from __future__ import annotations

from tests.journeys.people import sign_in


def come_back(platform, phone, receipt: str) -> None:
    """The come-back page, reached from the public page, with her receipt typed in."""
    phone.goto(platform.url("intake") + "/")
    phone.locator("#come-back").click()
    phone.locator("#f-receipt").fill(receipt)
    phone.locator("#see-report").click()
    phone.locator("#status").wait_for(timeout=15_000)


def talk_now(platform, phone, postal_code: str, category: str, commune: str | None = None) -> str:
    """From the public page to the receipt of a conversation; returns the receipt she notes."""
    phone.goto(platform.url("intake") + "/")
    phone.locator("#talk-now").click()
    phone.locator("#f-postal_code").fill(postal_code)
    phone.locator("#f-category").select_option(category)
    phone.locator("#talk-submit").click()
    if commune is not None:  # the code covers communes of both forces: she says which one is hers
        phone.locator("#f-insee").select_option(commune)
        phone.locator("#talk-submit").click()
    return phone.locator("#receipt").inner_text().replace(" ", "")


def open_chat(phone) -> None:
    """The start-chat button on an intake page: the chat page opens, connected."""
    phone.locator("#start-chat").click()
    phone.locator("#message").wait_for(timeout=15_000)


def write(phone, text: str) -> None:
    phone.locator("#message").fill(text)
    phone.locator("#send").click()
    phone.locator("#log li.msg.victim", has_text=text).wait_for(timeout=15_000)


class ChatOfficer:
    """An officer at the chat console in a browser of her own."""

    def __init__(self, platform, browser, person: dict):
        self.platform, self.person = platform, person
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        self.page = self.context.new_page()
        self.sign_in()

    def sign_in(self) -> None:
        sign_in(self.page, self.platform, self.platform.url("chat") + "/console", self.person)
        self.page.locator("#queue").wait_for(timeout=15_000)

    def waiting(self, level: str | None = None):
        selector = "#queue li.item" + (f"[data-level={level}]" if level else "")
        item = self.page.locator(selector).first
        item.wait_for(timeout=20_000)
        return item

    def claim(self) -> None:
        self.waiting().locator("button.claim").click()
        self.page.locator("#reply-text").wait_for(timeout=15_000)

    def reply(self, text: str) -> None:
        self.page.locator("#reply-text").fill(text)
        self.page.locator("#reply button[type=submit]").click()

    def sees(self, text: str) -> None:
        self.page.locator("#transcript li.msg", has_text=text).wait_for(timeout=15_000)

    def sees_nowhere(self, text: str) -> bool:
        """After signing in again: no trace of the text on the whole console."""
        self.sign_in()
        self.page.wait_for_timeout(1_000)
        return text not in self.page.content()

    def close(self) -> None:
        self.context.close()


def chat_from_come_back(platform, phone, receipt: str, browser, officer_person: dict, text: str) -> ChatOfficer:
    """She comes back with her receipt and talks; an officer of her force claims and reads her."""
    come_back(platform, phone, receipt)
    open_chat(phone)
    officer = ChatOfficer(platform, browser, officer_person)
    officer.claim()
    write(phone, text)
    officer.sees(text)
    return officer
