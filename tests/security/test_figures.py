"""The figures page's table of attacks (issue 26): who may see a helpline's figures, and what a CSV carries.

Every row runs against a real vikno on a real socket, on SQLite and on
MongoDB, serving two helplines (the shipped line 1620 and a copy of it as
line 2000); line 1620 has a few days of generated traffic.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from vikno.bots.app import build_app
from vikno.bots.config import load_settings
from vikno.bots.demo_traffic import Batch, Spec, generate
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.storage.models import Event
from vikno.storage.port import Store

from tests.handoff.conftest import Agent, ConsoleSite, app_store

from .table import Attack, rows

OTHER_LINE = "line2000"
MARCH = "period=custom&from=2026-03-01&to=2026-03-31"


@pytest.fixture
async def figures_site(tmp_path: Path, any_store: Store, request: pytest.FixtureRequest) -> AsyncIterator[ConsoleSite]:
    other = tmp_path / OTHER_LINE
    shutil.copytree(shipped_helpline_folders()[0], other)
    spec = other / "helpline.yml"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("id: community-1620", f"id: {OTHER_LINE}"), encoding="utf-8"
    )
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none"})
    helplines = load_helplines([*shipped_helpline_folders(), other])
    app = build_app(settings, helplines, store=app_store(any_store, request))
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    site = ConsoleSite(server)
    records = Batch()
    for batch in generate(Spec.of(helplines["community-1620"], per_day=2), date(2026, 3, 10), 3):
        records.extend(batch)
    await site.store.insert_records(records.conversations, records.messages, records.events)
    try:
        yield site
    finally:
        for agent in site.agents:
            await agent.close()
        await server.close()


async def logged_in(site: ConsoleSite, login: str, lang: str = "en", **kw: object) -> Agent:
    await site.operator(login, **kw)
    agent = site.agent(lang)
    assert (await agent.log_in(login)).status == 303
    return agent


async def an_operator_asks_for_the_figures(site: ConsoleSite) -> None:
    olena = await logged_in(site, "olena")
    for path in (
        f"/console/figures?{MARCH}",
        f"/console/figures.csv?table=summary&{MARCH}",
        "/console/figures?helpline=community-1620",
    ):
        answer = await olena.get(path)
        assert answer.status == 403, path
        assert "Conversations" not in await answer.text()


async def a_stranger_asks_for_the_figures(site: ConsoleSite) -> None:
    stranger = site.agent("en")
    for path in (f"/console/figures?{MARCH}", f"/console/figures.csv?table=by_channel&{MARCH}"):
        answer = await stranger.get(path)
        assert answer.status == 303 and answer.headers["Location"] == "/console/login", path


async def a_supervisor_of_another_helpline_asks_for_this_one_s(site: ConsoleSite) -> None:
    theirs = await logged_in(site, "sup2000", role="supervisor", helplines=[OTHER_LINE])
    for path in (
        f"/console/figures?{MARCH}&helpline=community-1620",
        f"/console/figures.csv?table=summary&{MARCH}&helpline=community-1620",
    ):
        answer = await theirs.get(path)
        assert answer.status == 404, path
        assert "Conversations" not in await answer.text()
    own = await theirs.get(f"/console/figures?{MARCH}")  # their own line's page: line 1620 is not a choice
    body = await own.text()
    assert own.status == 200 and 'value="community-1620"' not in body and 'value="line2000" selected' in body
    summary = await theirs.get(f"/console/figures.csv?table=summary&{MARCH}")
    cells = list(csv.reader(io.StringIO((await summary.read()).decode("utf-8-sig"))))
    assert cells[1] == ["Conversations", "0"]  # line 1620's traffic is not counted in theirs


async def the_csv_starts_with_a_bom_and_cyrillic_comes_back(site: ConsoleSite) -> None:
    sofia = await logged_in(site, "sofia", lang="uk", role="supervisor")
    answer = await sofia.get(f"/console/figures.csv?table=by_weekday&{MARCH}&helpline=community-1620")
    assert answer.status == 200 and answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert answer.headers["Content-Disposition"].startswith(
        'attachment; filename="community-1620-by_weekday-2026-03-01'
    )
    raw = await answer.read()
    assert raw.startswith(b"\xef\xbb\xbf")
    cells = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert cells[0] == ["Що", "Кількість"]
    assert [row[0] for row in cells[1:]][:3] == ["Понеділок", "Вівторок", "Середа"]
    assert sum(int(row[1]) for row in cells[1:]) > 0


async def a_formula_in_the_data_stays_text_in_the_csv(site: ConsoleSite) -> None:
    """A value that came from outside (a district typed in a report) cannot become a spreadsheet formula."""
    await site.store.events.add(
        Event(
            helpline="community-1620",
            kind="report_made",
            conversation_id="c-formula",
            channel="rest",
            at=datetime(2026, 3, 12, 12, tzinfo=UTC),
            data={
                "report_id": "r1",
                "district": '=HYPERLINK("http://evil","x")',
                "about": "other",
                "urgency": "soon",
                "anonymous": True,
            },
        )
    )
    sofia = await logged_in(site, "sofia2", role="supervisor")
    answer = await sofia.get(f"/console/figures.csv?table=reports_by_district&{MARCH}&helpline=community-1620")
    cells = list(csv.reader(io.StringIO((await answer.read()).decode("utf-8-sig"))))
    assert ['\'=HYPERLINK("http://evil","x")'] == [row[0] for row in cells if "HYPERLINK" in row[0]]


async def a_decade_of_figures_or_nonsense_dates(site: ConsoleSite) -> None:
    sofia = await logged_in(site, "sofia3", role="supervisor")
    for query in (
        "period=custom&from=2016-01-01&to=2026-01-01",
        "period=custom&from=yesterday&to=today",
        "period=custom&from=2026-03-31&to=2026-03-01",
        "period=forever",
        f"{MARCH}&channel=fax",
    ):
        answer = await sofia.get(f"/console/figures?{query}")
        assert answer.status == 400, query


ATTACKS = [
    Attack(
        "operator-figures",
        "26.4",
        "an operator (not a supervisor) asks for the figures page or its CSV: 403",
        an_operator_asks_for_the_figures,
    ),
    Attack(
        "stranger-figures",
        "26.4",
        "someone without a session asks for the page or a CSV: sent to the login",
        a_stranger_asks_for_the_figures,
    ),
    Attack(
        "other-line-supervisor",
        "26.4",
        "a supervisor of another helpline asks for line 1620's figures or CSV: "
        "404, its name not shown, its traffic not in their own figures",
        a_supervisor_of_another_helpline_asks_for_this_one_s,
    ),
    Attack(
        "csv-bom-cyrillic",
        "26.4",
        "a spreadsheet opens the CSV: UTF-8 with BOM, Cyrillic comes back whole",
        the_csv_starts_with_a_bom_and_cyrillic_comes_back,
    ),
    Attack(
        "csv-formula",
        "26.4",
        "a district named like a formula is exported as text, not run by the spreadsheet",
        a_formula_in_the_data_stays_text_in_the_csv,
    ),
    Attack(
        "figures-range",
        "26.4",
        "a ten-year period, dates that are no dates, an unknown channel: 400, no query",
        a_decade_of_figures_or_nonsense_dates,
    ),
]


@rows(ATTACKS)
async def test_figures(attack: Attack, figures_site: ConsoleSite) -> None:
    await attack.run(figures_site)
