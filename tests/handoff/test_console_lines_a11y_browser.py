"""The console pages the lines' own work added (issue 27), measured as the other console pages are (issue 24):
axe-core's WCAG A/AA rules over zhytomyr-1550's visits list and a visit's card (as the district's brigade
member sees them, address and history included) and cherkasy-1545's appeals list and an appeal's card,
in English and Ukrainian, on a desktop and on a phone's width; the forms' fields and focus rings at 3:1.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from ..a11y import assert_no_blocking, field_border_problems, ring_problems, tab_through
from ..support import require_browser
from .conftest import ConsoleSite, console_app, serving
from .test_console_appeals import LINE as APPEALS_LINE
from .test_console_appeals import appeal
from .test_console_dispatch import ADDRESS
from .test_console_dispatch import LINE as VISITS_LINE
from .test_console_dispatch import a_survivor_waits

require_browser()
from playwright.async_api import Browser, expect  # noqa: E402

from .test_console_a11y_browser import DESKTOP, Console, browser, logged_in  # noqa: E402, F401  (the fixture)

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]

PHONE = {"width": 390, "height": 844}


class Lines(Console):
    def __init__(self, site: ConsoleSite, visit_id: str, appeal_id: str) -> None:
        super().__init__(site, chat_id="")
        self.visit_id, self.appeal_id = visit_id, appeal_id


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def lines(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Lines]:
    """A visit dispatched and on its way in Korosten district; an appeal registered and sent, with a note."""
    data: Path = tmp_path_factory.mktemp("lines-a11y") / "data"
    async with serving(console_app(data)) as site:
        psy = await site.operator("psy", teams=["psychologists"], helplines=[VISITS_LINE])
        await site.operator("kor", teams=["brigades_korosten"], helplines=[VISITS_LINE])
        await site.operator("cher", helplines=[APPEALS_LINE])
        _, cid = await a_survivor_waits(site, "survivor-a11y")
        await site.handoff.pick(psy, cid)
        staff = site.agent()
        assert (await staff.log_in("psy")).status == 303
        form = {"district": "korostenskyi", "address": ADDRESS, "urgency": "soon", "consent": "yes"}
        sent = await staff.post(f"/console/c/{cid}/dispatch", form, json_reply=True)
        assert sent.status == 200, await sent.text()
        visit_id = (await sent.json())["visit_id"]
        brigade = site.agent()
        assert (await brigade.log_in("kor")).status == 303
        moved = await brigade.post(f"/console/visits/{visit_id}/status", {"status": "on_the_way"}, json_reply=True)
        assert moved.status == 200, await moved.text()

        await appeal(site, "citizen-a11y")
        (stored,) = await site.store.appeals.of_helplines([APPEALS_LINE])
        clerk = site.agent()
        assert (await clerk.log_in("cher")).status == 303
        note = {"status": "sent", "note": "sent to the city council's housing department"}
        changed = await clerk.post(f"/console/appeals/{stored.id}/status", note, json_reply=True)
        assert changed.status == 200, await changed.text()
        yield Lines(site, visit_id, stored.id)


@pytest.mark.parametrize("locale", ["en-US", "uk-UA"])
async def test_axe_finds_no_serious_problem_on_the_visits_and_appeals_pages(
    lines: Lines,
    browser: Browser,  # noqa: F811  (the imported fixture)
    locale: str,
) -> None:
    counts: dict[str, dict[str, int]] = {}
    for viewport, width in ((DESKTOP, "desktop"), (PHONE, "390 wide")):
        member = await logged_in(browser, lines, "kor", viewport, locale)
        await member.goto("/console/visits")
        await expect(member.locator("#visits tbody tr")).to_have_count(1)
        counts[f"visits, {width}"] = await assert_no_blocking(member, f"visits list ({width}, {locale})")
        await member.goto(f"/console/visits/{lines.visit_id}")
        await expect(member.locator("#visit-address")).to_have_text(ADDRESS)
        await expect(member.locator("#visit-history li")).to_have_count(2)
        counts[f"visit card, {width}"] = await assert_no_blocking(member, f"visit card ({width}, {locale})")

        clerk = await logged_in(browser, lines, "cher", viewport, locale)
        await clerk.goto("/console/appeals")
        counts[f"appeals, {width}"] = await assert_no_blocking(clerk, f"appeals list ({width}, {locale})")
        await clerk.goto(f"/console/appeals/{lines.appeal_id}")
        await expect(clerk.get_by_text("sent to the city council's housing department")).to_be_visible()
        counts[f"appeal card, {width}"] = await assert_no_blocking(clerk, f"appeal card ({width}, {locale})")
    print("visits/appeals axe counts (all impacts):", counts)


@pytest.mark.parametrize(("login", "where"), [("kor", "visits"), ("cher", "appeals")])
async def test_the_cards_forms_have_visible_fields_and_focus_rings(
    lines: Lines,
    browser: Browser,  # noqa: F811  (the imported fixture)
    login: str,
    where: str,
) -> None:
    page = await logged_in(browser, lines, login, DESKTOP, "en-US")
    card = lines.visit_id if where == "visits" else lines.appeal_id
    await page.goto(f"/console/{where}/{card}")
    # check boxes and radio buttons are drawn by the browser itself (Chromium's at 4.5:1), not by a CSS border
    fields = "textarea, select, input:not([type=hidden]):not([type=checkbox]):not([type=radio])"
    assert await field_border_problems(page, fields) == []
    ring = await tab_through(page, 25)
    assert len({f["tag"] for f in ring}) >= 3
    assert ring_problems(ring) == []
