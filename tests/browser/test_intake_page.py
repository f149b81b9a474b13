"""The public reporting page in a real browser on a phone-sized screen: report, receipt, exit, keyboard."""

import re
import time

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.browser]

TEXT = "Il m'a menacée hier soir devant les enfants."
NO_TRACE = "[localStorage.length, sessionStorage.length, document.cookie]"
# Focusable, rendered controls in document order; a radio group is one stop (its checked radio, else its first).
EXPECTED_TAB_ORDER = """() => {
  const stops = [], groups = new Set();
  const all = document.querySelectorAll('a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]),'
    + ' select:not([disabled]), textarea:not([disabled]), summary');
  for (const el of all) {
    if (!el.checkVisibility({visibilityProperty: true})) continue;  // also false inside a closed <details>
    if (el.type === 'radio') {
      if (groups.has(el.name)) continue;
      groups.add(el.name);
      const checked = [...document.getElementsByName(el.name)].find(r => r.checked);
      stops.push((checked || el).id);
    } else stops.push(el.id || el.getAttribute('href'));
  }
  return stops;
}"""
FOCUSED = "() => { const el = document.activeElement; return [el.id || el.getAttribute('href'), " \
          "getComputedStyle(el).outlineStyle]; }"


def exits(site) -> int:
    return site.query("SELECT count(*) FROM exits")


def wait_for_exits(site, count: int, timeout: float = 10) -> int:
    deadline = time.monotonic() + timeout
    while exits(site) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return exits(site)


def fill_report(page):
    page.check("#f-role")
    page.select_option("#f-category", "domestic_violence")
    page.check("#f-occurred-this_week")
    page.fill("#f-postal_code", "35760")  # Montgermont (gendarmerie) and Saint-Grégoire (police): must choose
    page.wait_for_selector("#f-insee", state="visible")
    page.select_option("#f-insee", "35278")
    page.fill("#f-text", TEXT)
    assert page.inner_text("#text-counter") == f"{len(TEXT)} / 5000 caractères"
    page.check("#f-danger_now-yes")
    assert page.is_visible(".urgent") and page.is_visible(".urgent a[href='sms:114']")
    page.click("#f-danger_answers")
    page.check("#q-threats_to_kill")
    page.check("#f-channel-phone")
    page.fill("#f-phone", "06 12 34 56 78")
    page.fill("#f-safe_windows", "09:00")
    page.fill("#f-window1_end", "11:30")


def test_a_report_from_a_phone_gets_its_receipt_once_then_help(phone, site, shoot):
    phone.goto(site.url + "/")
    entries = phone.evaluate("history.length")
    shoot(phone, "01-form")
    phone.fill("#f-postal_code", "3576")
    phone.click("#submit")
    phone.wait_for_selector("#error-summary", state="visible")
    assert phone.evaluate("document.activeElement.id") == "error-summary"
    assert "Un code postal comporte exactement 5 chiffres" in phone.inner_text("#err-postal_code")
    assert "err-role" in phone.get_attribute("#f-role", "aria-describedby")
    shoot(phone, "02-errors")
    fill_report(phone)
    shoot(phone, "03-filled", full_page=True)
    phone.click("#submit")
    phone.wait_for_selector("#receipt-view", state="visible")
    code = phone.inner_text("#receipt-code [aria-hidden=true]")
    assert re.fullmatch(r"[0-9]{4} [0-9]{4} [0-9]{4} [0-9]{4}", code), code
    assert phone.inner_text("#receipt") == code
    assert phone.inner_text("#start-chat") == "Parler à un agent maintenant"  # the way to the chat, vouched for
    assert phone.input_value("#chat-form input[name=ticket]")
    assert phone.locator("#report-form").count() == 0  # the answers left the page with the report
    assert phone.is_hidden("#error-summary") or phone.locator("#error-summary").count() == 0
    shoot(phone, "04-receipt")
    phone.click("#noted")
    phone.wait_for_selector("#orientation-view", state="visible")
    assert phone.locator("#receipt-view").count() == 0 and code.replace(" ", "") not in phone.content()
    assert phone.inner_text("#national-list .number >> nth=0") == "17"
    assert phone.is_visible("#emergency-note")
    assert phone.is_visible("#start-chat")  # still at hand once the code is gone
    shoot(phone, "05-orientation", full_page=True)
    assert phone.evaluate("history.length") == entries  # the whole visit is one history entry
    assert phone.evaluate(NO_TRACE) == [0, 0, ""] and phone.context.cookies() == []
    before = exits(site)
    phone.keyboard.press("Shift")
    phone.keyboard.press("Shift")
    phone.keyboard.press("Shift")
    phone.wait_for_url(site.exit_url)
    assert wait_for_exits(site, before + 1) == before + 1
    report_id = site.query("SELECT id FROM reports ORDER BY created_at DESC LIMIT 1")
    assert site.query("SELECT count(*) FROM exits WHERE report_id = $1", report_id) == 1


def test_the_exit_button_leaves_at_once_and_leaves_nothing(phone, site, shoot):
    phone.goto(site.url + "/")
    phone.fill("#f-text", "Ce texte ne doit pas rester.")
    before = exits(site)
    shoot(phone, "06-before-exit")
    phone.click("#exit")
    phone.wait_for_url(site.exit_url)
    shoot(phone, "07-after-exit")
    assert wait_for_exits(site, before + 1) == before + 1
    phone.go_back()
    assert not phone.url.startswith(site.url)  # the form's history entry was replaced
    phone.goto(site.url + "/en")
    assert phone.evaluate(NO_TRACE) == [0, 0, ""] and phone.context.cookies() == []
    assert phone.input_value("#f-text") == ""


def test_shift_three_times_leaves_but_typing_capitals_does_not(phone, site):
    phone.goto(site.url + "/")
    phone.focus("#f-text")
    for letter in "JEM":  # Shift held for capitals, with another key in between: not an exit
        phone.keyboard.press(f"Shift+{letter}")
    assert phone.url.startswith(site.url) and phone.input_value("#f-text") == "JEM"
    for _ in range(3):
        phone.keyboard.press("Shift")
    phone.wait_for_url(site.exit_url)
    phone.go_back()
    assert not phone.url.startswith(site.url)


def test_the_keyboard_alone_reaches_every_control_in_order_with_visible_focus(phone, site, shoot):
    phone.goto(site.url + "/")
    # Checked without focusing them, so that Tab starts from the top: reveals the emergency numbers and the
    # phone details, which must be reachable too.
    phone.evaluate("['f-danger_now-yes', 'f-channel-phone'].forEach(id => document.getElementById(id).checked = true)")
    expected = phone.evaluate(EXPECTED_TAB_ORDER)
    assert expected[0] == "exit" and "f-safe_windows" in expected and "tel:3919" in expected
    reached = []
    for _ in range(3 * len(expected)):  # date and time inputs take one Tab per part (day, month, year…)
        phone.keyboard.press("Tab")
        stop = phone.evaluate(FOCUSED)
        if not reached or reached[-1][0] != stop[0]:
            reached.append(stop)
        if len(reached) == len(expected):
            break
    assert [stop for stop, _ in reached] == expected
    assert all(outline != "none" for _, outline in reached), reached  # as each control is entered
    phone.focus("#f-danger_answers")
    phone.keyboard.press("Enter")  # the safety questions open from the keyboard
    phone.keyboard.press("Tab")
    assert phone.evaluate(FOCUSED)[0] == "q-violence_escalating-unknown"
    phone.keyboard.press("ArrowLeft")
    assert phone.is_checked("#q-violence_escalating-no")
    shoot(phone, "08-keyboard-focus")
