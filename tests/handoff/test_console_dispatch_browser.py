"""The mobile brigades' dispatch in a real headless Chromium: an operator dispatches a zhytomyr-1550 chat from
its page, the district's brigade member finds the visit in their list and moves it on through its card, with
no CSP violation or script error on any page (issue 27)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from ..support import CHROMIUM, CHROMIUM_ARGS, require_browser
from .conftest import ConsoleSite
from .test_console_browser import console_page
from .test_console_dispatch import ADDRESS, LINE, a_survivor_waits, told

require_browser()
from playwright.async_api import Browser, async_playwright, expect  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        await b.close()


async def test_an_operator_dispatches_from_the_chat_page_and_the_brigade_works_the_visit(
    browser: Browser, site: ConsoleSite
) -> None:
    person, cid = await a_survivor_waits(site, "survivor-browser")
    psy = await site.operator("psy", teams=["psychologists"], helplines=[LINE])
    await site.operator("kor", teams=["brigades_korosten"], helplines=[LINE])
    await site.handoff.pick(psy, cid)  # taking a chat is test_console_browser's; here: what comes after
    page, problems = await console_page(browser, site, "psy")
    await page.goto(f"/console/c/{cid}")
    form = page.locator("#dispatch-form")
    await form.get_by_label("The person's district").select_option("korostenskyi")
    await form.get_by_label("Community or address, as the person gave it").fill(ADDRESS)
    await form.get_by_label("Urgency").select_option("soon")
    await form.get_by_label("not asked").check()
    await form.get_by_role("button", name="Dispatch").click()
    await expect(page.locator("#flash")).to_contain_text("no visit without the person's consent")
    await form.get_by_label("the person agreed").check()
    await form.get_by_role("button", name="Dispatch").click()
    await expect(page.locator("#chat-visits")).to_contain_text("Korosten district: assigned")
    assert not page.url.endswith("#")
    assert any(w.startswith("Ми передали ваше звернення") for w in await told(person, "survivor-browser"))

    brigade, brigade_problems = await console_page(browser, site, "kor")
    await brigade.get_by_role("link", name="Visits").click()
    await brigade.wait_for_url("**/console/visits")
    await expect(brigade.locator("#visits tbody tr")).to_have_count(1)
    await brigade.get_by_role("link", name="Open the visit").click()
    await expect(brigade.locator("#visit-address")).to_have_text(ADDRESS)
    move = brigade.locator("#visit-move-form")
    await move.get_by_label("New status").select_option("on_the_way")
    await move.get_by_role("button", name="Save").click()
    await expect(brigade.locator("#visit-status")).to_have_text("on the way")
    await move.get_by_label("New status").select_option("visited")
    await move.get_by_label("Outcome").select_option("helped")
    await move.get_by_label("Psychological help").check()
    await move.get_by_label("People helped").fill("3")
    await move.get_by_role("button", name="Save").click()
    await expect(brigade.locator("#visit-status")).to_have_text("visit made")
    await expect(brigade.locator("#visit-people")).to_have_text("3")
    await expect(brigade.locator("#visit-history li")).to_have_count(3)
    assert problems == [] and brigade_problems == []
