"""The supervisor's figures page in headless Chromium (issue 26): charts drawn, numbers, CSP, print, axe.

A month of generated traffic (bots/demo_traffic.py) in a real console; a
supervisor opens March 2026. The charts are drawn by plotly.js from the
installed ``plotly`` package under the console's CSP (no inline script or
style), every chart has an SVG, the tables below hold the numbers the store
computed, the print stylesheet hides the navigation and keeps charts and
tables inside an A4 page, and axe finds nothing critical or serious.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
import pytest_asyncio

from vikno.bots.demo_traffic import Batch, Spec, generate
from vikno.storage.figures import Period

from ..a11y import assert_no_blocking
from ..support import CHROMIUM, CHROMIUM_ARGS, require_browser
from .conftest import PASSWORD, ConsoleSite, console_app, serving

require_browser()
from playwright.async_api import Browser, Page, async_playwright  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]

TIMEOUT_MS = 20_000
MARCH = Period("community-1620", date(2026, 3, 1), date(2026, 3, 31), "Europe/Kyiv")
PAGE = "/console/figures?period=custom&from=2026-03-01&to=2026-03-31&helpline=community-1620"
#: A4's width less the print stylesheet's 12 mm margins, in CSS pixels (96 per inch).
A4_CONTENT_PX = (210 - 24) / 25.4 * 96


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def site(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ConsoleSite]:
    data: Path = tmp_path_factory.mktemp("figures-browser") / "data"
    async with serving(console_app(data)) as site:
        await site.operator("sofia", role="supervisor", display_name="Софія")
        await site.operator("olena", display_name="Олена")
        spec = Spec.of(site.handoff.helplines["community-1620"], per_day=15)
        records = Batch()
        for batch in generate(spec, date(2026, 2, 27), 34):
            records.extend(batch)
        await site.store.insert_records(records.conversations, records.messages, records.events)
        yield site


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        await b.close()


async def logged_in(browser: Browser, site: ConsoleSite, login: str, locale: str = "en-US") -> tuple[Page, list[str]]:
    ctx = await browser.new_context(base_url=site.base, locale=locale, viewport={"width": 1280, "height": 900})
    page = await ctx.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    # (the browser's own request for /favicon.ico is answered 404: vikno has no icon)
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.text} ({m.location.get('url')})")
            if m.type in ("error", "warning") and not m.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    await page.goto("/console/login")
    await page.locator("input[name=login]").fill(login)
    await page.locator("input[name=password]").fill(PASSWORD)
    await page.locator("form button[type=submit]").click()
    await page.wait_for_url("**/console/queue")
    return page, problems


async def test_the_charts_draw_under_the_csp_and_the_tables_hold_the_store_s_numbers(
    site: ConsoleSite, browser: Browser
) -> None:
    page, problems = await logged_in(browser, site, "sofia")
    violations: list[str] = []
    await page.expose_function("reportViolation", lambda text: violations.append(text))
    await page.add_init_script(
        "document.addEventListener('securitypolicyviolation', "
        "e => window.reportViolation(e.violatedDirective + ' ' + e.blockedURI))"
    )
    await page.goto(PAGE)
    charts = page.locator(".chart[data-table]")
    n = await charts.count()
    assert n >= 8
    for i in range(n):  # every chart has plotly's SVG in it
        await charts.nth(i).locator("svg.main-svg").first.wait_for()
    figures = await site.store.figures(MARCH)
    summary = page.locator("#t-summary tbody tr")
    assert await summary.nth(0).locator("td").inner_text() == str(figures.conversations)
    channels = {
        await r.locator("th").inner_text(): int(await r.locator("td").first.inner_text())
        for r in await page.locator("#t-by_channel tbody tr").all()
    }
    assert channels == {
        "Telegram": figures.by_channel["telegram"],
        "Viber": figures.by_channel["viber"],
        "Web chat": figures.by_channel["webchat"],
        "App (REST)": figures.by_channel["rest"],
    }
    bars = await page.locator("#c-by_hour .bars .point").count()  # one bar per hour of the table
    assert bars == 24
    days = await page.locator("#t-by_day tbody tr").count()
    assert days == 31
    assert violations == [] and problems == [], (violations, problems)
    await assert_no_blocking(page, "figures page")


async def test_the_printed_summary_hides_navigation_and_fits_a4(site: ConsoleSite, browser: Browser) -> None:
    page, _ = await logged_in(browser, site, "sofia")
    await page.goto(PAGE)
    await page.locator("#c-by_day svg.main-svg").first.wait_for()
    await page.emulate_media(media="print")
    await page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    await page.set_viewport_size({"width": round(A4_CONTENT_PX), "height": 1100})
    assert not await page.locator("header.top").is_visible()
    assert not await page.locator("form.fig-filters").is_visible()
    assert not await page.locator(".fig-table .csv").first.is_visible()
    widths = await page.evaluate("""() => [...document.querySelectorAll('.fig-table .chart, .fig-table table')]
        .map(e => e.getBoundingClientRect().width)""")
    assert widths and max(widths) <= A4_CONTENT_PX + 1, widths
    pdf = await page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


async def test_the_page_speaks_ukrainian_and_an_operator_is_refused(site: ConsoleSite, browser: Browser) -> None:
    page, _ = await logged_in(browser, site, "sofia", locale="uk-UA")
    await page.goto(PAGE)
    assert "Показники" in await page.locator("h1").inner_text()
    assert await page.locator("#h-by_weekday").inner_text() == "Звернення за днями тижня"
    operator, _ = await logged_in(browser, site, "olena")
    answer = await operator.goto(PAGE)
    assert answer is not None and answer.status == 403
    assert await operator.locator("a[href='/console/figures']").count() == 0
