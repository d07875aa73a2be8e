"""An anonymous report made in the web chat, in real headless Chromium (issue 26), and its code used later
in a fresh browser to read the status and add information."""

from __future__ import annotations

import re

import pytest

from vikno.bots.keys import STORE
from vikno.flows.report_codes import ALPHABET

from ..support import require_browser

require_browser()

from playwright.async_api import Browser, expect  # noqa: E402

from .test_webchat_browser import (  # noqa: E402,F401
    GREETING,
    TIMEOUT_MS,
    Sites,
    bubbles,
    browser,
    chromium,
    key_of,
    open_page,
    say,
    sites,
)

#: The fixtures above live in the file's event loop (tests/bots/test_webchat_browser.py)
pytestmark = pytest.mark.asyncio(loop_scope="module")

expect.set_options(timeout=TIMEOUT_MS)  # a busy machine: the same patience as the pages' own timeout

CODE = re.compile(r"[" + ALPHABET + r"]{4}-[" + ALPHABET + r"]{4}-[" + ALPHABET + r"]{4}")


async def click(page, title: str) -> None:
    await page.locator(".vk-quick-btn", has_text=title).last.click()


async def test_an_anonymous_report_by_buttons_and_words_then_its_code_in_a_fresh_browser(
    sites: Sites,  # noqa: F811 (the fixtures imported above)
    browser: Browser,  # noqa: F811
) -> None:
    page, problems = await open_page(browser, sites.chat.url + "/chat")
    await say(page, "Добрий день")
    await expect(bubbles(page, GREETING)).to_have_count(1)
    await click(page, "Повідомити про людину")
    await expect(bubbles(page, "Про кого ви хочете повідомити?")).to_have_count(1)
    await click(page, "Дитина")
    await expect(bubbles(page, "Де це?")).to_have_count(1)
    await click(page, "Південний район")
    await expect(bubbles(page, "Що відбувається?")).to_have_count(1)
    await say(page, "Малий довго гуляє сам у дворі, вечорами, без куртки")
    await expect(bubbles(page, "Наскільки це терміново?")).to_have_count(1)
    await click(page, "Може зачекати")
    await expect(bubbles(page, "зателефонував")).to_have_count(1)
    await click(page, "Ні, анонімно")
    made = bubbles(page, "Ваш код:")
    await expect(made).to_have_count(1)
    code = CODE.search(await made.inner_text())
    assert code, await made.inner_text()
    key = await key_of(page)
    assert key

    # the same browser after a reload: the history keeps neither the answers nor the code (shown once)
    await page.reload()
    await expect(bubbles(page, "Ваш код: ••••-••••-••••")).to_have_count(1)
    await expect(bubbles(page, "у чаті її не збережено")).to_have_count(5)  # whom, where, what, urgency, contact
    assert await bubbles(page, "Малий довго гуляє").count() == 0 and await bubbles(page, code.group(0)).count() == 0

    store = sites.chat.runner.app[STORE]
    (queued,) = await store.conversations.waiting(["community-1620"])
    report = await store.reports.by_conversation(queued.id)
    assert report.anonymous and report.channel == "webchat" and report.about == "child"
    assert report.place == "south" and report.urgency == "can_wait" and key not in repr(report)

    # later, another browser (nothing shared with the first): the code, as typed on a phone
    later, more_problems = await open_page(browser, sites.chat.url + "/chat")
    await say(later, code.group(0).lower())
    await expect(bubbles(later, "Ваше повідомлення: отримано")).to_have_count(1)
    await click(later, "Додати подробиці")
    await say(later, "Сьогодні знову був сам до ночі")
    await expect(bubbles(later, "ми додали це до вашого повідомлення")).to_have_count(1)
    report = await store.reports.by_conversation(queued.id)
    assert [a["text"] for a in report.additions] == ["Сьогодні знову був сам до ночі"]
    assert problems == [] and more_problems == []
