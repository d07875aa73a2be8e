"""The operator console in a real headless Chromium (Debian's), driven by Playwright.

People write through the REST channel (an app); operators use the console
as they would: log in, watch the queue change by itself, take a chat,
reply, close with a wrap-up. Every page is also checked for CSP violations
and script errors, and the crisis alert (beep, notification) is observed
through stand-ins for the browser's audio and notification objects.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from ..support import CHROMIUM, CHROMIUM_ARGS, require_browser
from .conftest import CRISIS_TEXT, PASSWORD, ConsoleSite, console_app, serving

TIMEOUT_MS = 10_000
XSS = "<img src=x onerror=alert(1)><script>alert(2)</script>"

require_browser()
from playwright.async_api import Browser, Page, async_playwright, expect  # noqa: E402

#: The tests, their consoles and the one Chromium of the file share the file's event loop.
pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]

#: Stand-ins that record what the console asks of the browser's alert APIs.
ALERT_PROBES = """
window.__beeps = 0; window.__notes = [];
(function () {
  var Real = window.AudioContext;
  if (Real) {
    var create = Real.prototype.createOscillator;
    Real.prototype.createOscillator = function () { window.__beeps += 1; return create.call(this); };
  }
  function FakeNotification(title, options) { window.__notes.push([title, (options || {}).body]); }
  FakeNotification.permission = "granted";
  FakeNotification.requestPermission = function () { return Promise.resolve("granted"); };
  window.Notification = FakeNotification;
})();
"""


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def chromium() -> AsyncIterator[Browser]:
    """One Chromium for the file (a launch is a second or so); each test opens contexts of its own in it."""
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        await b.close()


@pytest_asyncio.fixture(loop_scope="module")
async def browser(chromium: Browser) -> AsyncIterator[Browser]:
    """The file's Chromium; every context a test opened is closed after it, so that no console page of an earlier
    test goes on polling or reconnecting its socket."""
    yield chromium
    for context in chromium.contexts:
        await context.close()


@pytest_asyncio.fixture(loop_scope="module")
async def site(tmp_path: Path) -> AsyncIterator[ConsoleSite]:
    """A fresh console for each test, as tests/handoff/conftest.py's ``site``, in the file's event loop (the one
    the shared Chromium lives in)."""
    async with serving(console_app(tmp_path / "data")) as s:
        yield s


async def console_page(
    browser: Browser, site: ConsoleSite, login: str, locale: str = "en-US"
) -> tuple[Page, list[str]]:
    """A fresh browser context (English unless ``locale`` says otherwise), logged in through the login form.

    Returns the page with its problems list. The labels used to log in are English, so ``locale``
    is for English-speaking browsers; test_the_console_speaks_ukrainian_by_default covers the rest.
    """
    ctx = await browser.new_context(base_url=site.base, locale=locale)
    await ctx.add_init_script(ALERT_PROBES)
    page = await ctx.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("dialog", lambda d: problems.append("dialog: " + d.message))
    await page.goto("/console/login")
    await page.get_by_label("Login").fill(login)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url("**/console/queue")
    await expect(page.locator("#offline")).to_be_hidden()
    return page, problems


def rows(page: Page) -> Any:
    return page.locator("#queue tr.item")


async def test_a_request_appears_live_is_taken_answered_closed_and_the_bot_is_back(
    site: ConsoleSite, browser: Browser
) -> None:
    await site.operator("olena", display_name="Олена")
    page, problems = await console_page(browser, site, "olena")
    await expect(rows(page)).to_have_count(0)
    await page.evaluate("window.__sameDocument = true")
    person = site.agent()
    await person.say("anna", button="person")
    await expect(rows(page)).to_have_count(1)  # live, no reload
    assert await page.evaluate("window.__sameDocument === true")
    await expect(rows(page).first.locator(".pseudonym")).to_have_text(await pseudonym(site, "anna"))
    await rows(page).first.get_by_role("button", name="Take").click()
    await page.wait_for_url("**/console/c/*")
    await expect(page.locator("#log .from-system").last).to_contain_text("Олена")
    await page.locator("#reply-text").fill("Добрий день! Я вас слухаю.")
    await page.get_by_role("button", name="Send").click()
    await expect(page.locator("#log .from-operator .text").last).to_have_text("Добрий день! Я вас слухаю.")
    await expect(page.locator("#reply-text")).to_have_value("")
    assert "Добрий день! Я вас слухаю." in [m["text"] for m in await person.history("anna")]
    await page.evaluate("window.__sameDocument = true")
    await person.say("anna", text="Мені потрібна допомога з оформленням субсидії")
    await expect(page.locator("#log .from-user .text").last).to_have_text(
        "Мені потрібна допомога з оформленням субсидії"
    )  # live in the open chat
    assert await page.evaluate("window.__sameDocument === true")
    await page.locator("#close-form select[name=category]").select_option("topic:social_benefits")
    await page.locator("#close-form select[name=outcome]").select_option("resolved")
    await page.locator("#close-form textarea[name=note]").fill("explained how to apply")
    await page.get_by_role("button", name="Close chat").click()
    await page.wait_for_url("**/console/queue")
    await expect(page.locator("#mine .mine-item")).to_have_count(0)
    again = await person.say("anna", text="дякую")
    assert again["conversation"]["state"] == "bot" and again["replies"]
    assert problems == []


async def test_closing_without_a_wrap_up_is_refused_in_place(site: ConsoleSite, browser: Browser) -> None:
    await site.operator("olena")
    await site.agent().say("anna", button="person")
    page, problems = await console_page(browser, site, "olena")
    await page.get_by_role("button", name="Take next").click()
    await page.wait_for_url("**/console/c/*")
    # the browser's own "required" check is bypassed to show the server's answer
    await page.locator("#close-form").evaluate("f => f.noValidate = true")
    await page.get_by_role("button", name="Close chat").click()
    await expect(page.locator("#flash")).to_contain_text("category")
    assert "/console/c/" in page.url
    assert problems == []


async def test_a_crisis_overtakes_routine_chats_live_with_an_alert_and_text_stays_text(
    site: ConsoleSite, browser: Browser
) -> None:
    await site.operator("olena")
    person = site.agent()
    await person.say("early", text=XSS)
    await person.say("early", button="person")
    await person.say("second", button="person")
    page, problems = await console_page(browser, site, "olena")
    await expect(rows(page)).to_have_count(2)
    await page.get_by_role("button", name="Enable crisis alerts").click()
    await expect(page.locator("#alerts")).to_have_attribute("aria-pressed", "true")
    beeps_before = await page.evaluate("window.__beeps")
    await person.say("late", text=CRISIS_TEXT)
    crisis_id = await site.conversation_id("late")
    await expect(rows(page)).to_have_count(3)
    first = rows(page).first
    await expect(first).to_have_attribute("data-id", crisis_id)
    await expect(first).to_have_class("item p-crisis crisis")
    await expect(first.locator(".badge")).to_have_text("Crisis")
    await page.wait_for_function(f"window.__beeps > {beeps_before}")
    notes = await page.evaluate("window.__notes")
    assert notes and notes[-1][0] == "Crisis in the queue"
    assert await page.title() == "(!) Queue · vikno"
    # the person who wrote markup: shown as text in the chat view, nothing runs
    early = await site.conversation_id("early")
    await page.locator(f"#queue tr[data-id='{early}']").get_by_role("button", name="Take").click()
    await page.wait_for_url(f"**/console/c/{early}")
    await expect(page.locator("#log .from-user .text").first).to_have_text(XSS)
    await page.locator("#reply-text").fill("ok")  # any live re-render uses the DOM path too
    await page.get_by_role("button", name="Send").click()
    await expect(page.locator("#log .from-operator .text").last).to_have_text("ok")
    await expect(page.locator("#log .from-user .text").first).to_have_text(XSS)
    assert await page.locator("#log img, #log script").count() == 0
    assert problems == []


async def test_a_second_operator_cannot_take_a_chat_already_taken(site: ConsoleSite, browser: Browser) -> None:
    await site.operator("olena")
    await site.operator("petro")
    await site.agent().say("anna", button="person")
    first, first_problems = await console_page(browser, site, "olena")
    second, second_problems = await console_page(browser, site, "petro")
    await expect(rows(first)).to_have_count(1)
    await expect(rows(second)).to_have_count(1)
    # petro's view goes stale (a slow network): his page cannot re-read the queue
    await second.route("**/console/api/queue", lambda route: route.abort())
    await rows(first).first.get_by_role("button", name="Take").click()
    await first.wait_for_url("**/console/c/*")
    await rows(second).first.get_by_role("button", name="Take").click()
    await expect(second.locator("#flash")).to_contain_text("another operator has taken it")
    assert second.url.endswith("/console/queue")
    assert first_problems == [] and second_problems == []


async def test_without_the_socket_the_queue_still_refreshes_by_polling(site: ConsoleSite, browser: Browser) -> None:
    await site.operator("olena")
    page, problems = await console_page(browser, site, "olena")
    await page.route_web_socket("**/console/ws", lambda ws: ws.close(code=1011))  # a proxy that drops sockets
    await page.reload()
    await expect(page.locator("#offline")).to_be_visible()
    await site.agent().say("anna", button="person")
    await expect(rows(page)).to_have_count(1, timeout=8_000)  # the 4 s poll, not a nudge
    assert [p for p in problems if "WebSocket" not in p] == []


async def test_the_console_speaks_ukrainian_by_default_and_the_switch_sticks(
    site: ConsoleSite, browser: Browser
) -> None:
    await site.operator("olena")
    ctx = await browser.new_context(base_url=site.base, locale="uk-UA")
    await ctx.add_init_script(ALERT_PROBES)
    page = await ctx.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    await page.goto("/console/login")
    await expect(page.locator("html")).to_have_attribute("lang", "uk")
    await page.get_by_label("Логін").fill("olena")
    await page.get_by_label("Пароль").fill(PASSWORD)
    await page.get_by_role("button", name="Увійти").click()
    await page.wait_for_url("**/console/queue")
    await expect(page.get_by_role("button", name="Взяти наступний")).to_be_visible()
    # words the script writes come from the page's catalogue strings
    await expect(page.locator("#alerts")).to_have_text("Увімкнути сповіщення про кризу")
    await page.locator("#alerts").click()
    await expect(page.locator("#alerts")).to_have_text("Сповіщення про кризу ввімкнено")
    await site.agent().say("anna", text=CRISIS_TEXT)
    await expect(rows(page)).to_have_count(1)  # a row built by console.js
    await expect(rows(page).first.get_by_role("button", name="Взяти")).to_be_visible()
    await expect(rows(page).first.locator(".badge")).to_have_text("Криза")
    await expect(rows(page).first.locator(".wait")).to_have_text(re.compile(r"^\d+ (с|хв)$"))
    await page.wait_for_function("window.__notes.length > 0")
    assert (await page.evaluate("window.__notes"))[-1][0] == "Криза в черзі"
    # the switch: English from now on, in this browser, whatever it asks for
    await page.get_by_role("link", name="EN").click()
    await page.wait_for_url("**/console/queue")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.get_by_role("button", name="Take next")).to_be_visible()
    await expect(rows(page).first.locator(".badge")).to_have_text("Crisis")
    await expect(page.locator("#alerts")).to_have_text("Crisis alerts on")
    await page.goto("/console/queue")
    await expect(page.get_by_role("button", name="Take next")).to_be_visible()
    cookie = next(c for c in await ctx.cookies() if c["name"] == "vikno_console_lang")
    assert cookie["value"] == "en" and cookie["path"] == "/console" and cookie["sameSite"] == "Strict"
    assert problems == []
    await ctx.close()


async def pseudonym(site: ConsoleSite, key: str) -> str:
    from vikno.storage.identity import IdentityVault

    conv = await site.store.conversations.get(await site.conversation_id(key))
    return IdentityVault.pseudonym(conv.user_key)
