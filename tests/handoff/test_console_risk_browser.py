"""The risk panel in a real headless Chromium (issue 21 item 3): live, and marked with a click.

A possible crisis comes in while the operator has the chat open; the panel
appears by itself (the live socket), says why, and the operator's click on
"Crisis" keeps the mark and shows the chat as a crisis, without a reload
and without a script error or a CSP violation.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ..support import CHROMIUM, CHROMIUM_ARGS, require_browser
from .conftest import ConsoleSite, serving
from .test_console_browser import console_page
from .test_console_risk import CRISIS, MAYBE, MISSED, risk_app

require_browser()
from playwright.async_api import Browser, async_playwright, expect  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[ConsoleSite]:
    async with serving(risk_app(tmp_path / "data")) as s:
        yield s


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        await b.close()


async def test_a_click_marks_the_message_and_the_panel_follows_the_chat_live(
    site: ConsoleSite, browser: Browser
) -> None:
    await site.operator("olena", display_name="Olena")
    person = site.agent()
    await person.say("anna", MAYBE)  # a possible crisis: urgent in the queue
    page, problems = await console_page(browser, site, "olena")
    await expect(page.locator("#queue tr.item .badge")).to_have_text("Safety check")
    await page.locator("#take-next").click()
    await page.wait_for_url("**/console/c/*")
    panel = page.locator("#risk")
    await expect(panel).to_be_visible()
    await expect(page.locator("#risk-level")).to_have_text("Possible crisis: safety check")
    await expect(page.locator("#f-priority")).to_have_text("Safety check")
    flag = panel.locator(".flag")
    await expect(flag.locator(".reasons li")).to_have_text(
        ["Crisis rule: suicide or self-harm (want die)", "Crisis model: 55 % sure it is a crisis"]
    )
    await expect(flag.locator(".excerpt")).to_have_text(MAYBE)

    await flag.get_by_role("button", name="Crisis", exact=True).click()
    await expect(flag.locator(".marked")).to_contain_text("Marked “crisis” by Olena")
    await expect(page.locator("#f-priority")).to_have_text("Crisis")
    await expect(page.locator("#risk-check .escalated")).to_have_text(
        "Raised to crisis: an operator marked it a crisis"
    )
    (kept,) = await site.store.feedback.since()
    assert (kept.text, kept.label) == (MAYBE, "crisis")
    # the flag names the message, and the link finds it in the chat
    assert await flag.locator("a").get_attribute("href") == f"#m-{kept.message_id}"
    await expect(page.locator(f"#log li[data-id='{kept.message_id}'] .text")).to_have_text(MAYBE)

    # what the person writes next comes into the panel by itself, newest first; a plain message can be marked
    await person.say("anna", CRISIS)
    await expect(panel.locator(".flag")).to_have_count(2)
    await expect(panel.locator(".flag").first.locator(".badge")).to_have_text("Crisis")
    await person.say("anna", MISSED)
    missed = page.locator("#log li.from-user").last
    await expect(missed.locator(".text")).to_have_text(MISSED)
    await missed.locator("summary").click()
    await missed.get_by_role("button", name="Not a crisis").click()
    await expect(page.locator("#log li.from-user").last.locator(".marked")).to_contain_text(
        "Marked “not a crisis” by Olena"
    )
    assert sorted(f.label for f in await site.store.feedback.since()) == ["crisis", "not_crisis"]
    assert problems == []


async def test_in_danger_pressed_while_the_chat_is_open_shows_in_the_panel_live(
    site: ConsoleSite, browser: Browser
) -> None:
    """Attack on issue 21, B1: "in danger" with no question behind it; the panel must say why it is a crisis."""
    await site.operator("olena", display_name="Olena")
    person = site.agent()
    await person.say("bora", "де взяти крісло колісне")
    await person.say("bora", button="person")
    page, problems = await console_page(browser, site, "olena")
    await page.locator("#take-next").click()
    await page.wait_for_url("**/console/c/*")
    await expect(page.locator("#risk")).to_be_hidden()

    await person.say("bora", button="safety:danger")
    await expect(page.locator("#risk")).to_be_visible()
    await expect(page.locator("#risk-level")).to_have_text("Crisis")
    await expect(page.locator("#risk-check .escalated")).to_contain_text("The person pressed “I'm in danger now” at")
    assert problems == []


async def test_focus_on_a_flag_stays_there_when_the_person_writes(site: ConsoleSite, browser: Browser) -> None:
    """Session 16's outside attack: focus on a flag's "Not a crisis" button, or its "show" link, fell to <body>
    when the person wrote (the panel is rebuilt on every refresh), where a keyboard operator acts on crises."""
    await site.operator("olena", display_name="Olena")
    person = site.agent()
    await person.say("anna", MAYBE)
    page, problems = await console_page(browser, site, "olena")
    await page.locator("#take-next").click()
    await page.wait_for_url("**/console/c/*")
    flag = page.locator("#risk .flag").first
    await expect(flag).to_be_visible()
    await flag.get_by_role("button", name="Not a crisis").focus()
    await person.say("anna", "ви тут?")
    await expect(page.locator("#log li.from-user")).to_have_count(2)
    await expect(page.locator("#risk .flag").first.get_by_role("button", name="Not a crisis")).to_be_focused()

    link = page.locator("#risk .flag").first.locator("a")
    await link.focus()
    await person.say("anna", "алло")
    await expect(page.locator("#log li.from-user")).to_have_count(3)
    await expect(page.locator("#risk .flag").first.locator("a")).to_be_focused()
    assert problems == []
