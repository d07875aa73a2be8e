"""The Azerbaijan Child Helpline's five-month report, as the figures page and its CSV give it (issue 27).

The line's article reports January to May: calls by topic (education, legal,
psychological, social, health, other), by age (child / adult) and by
gender. Five months of conversations are made through the real engine on
both stores (the greeting's optional questions answered or skipped, then a
topic), and a supervisor of the line reads the same table back: a row per
month and one for the whole period, a column per heading, numbers equal to
what was made.
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, datetime, time
from pathlib import Path

import pytest

from vikno.bots.app import build_app
from vikno.bots.config import load_settings
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.flows.engine import Engine
from vikno.flows.messages import Inbound, Kind
from vikno.storage.identity import IdentityVault
from vikno.storage.port import Store

from ..flows.conftest import Clock, ScriptedNLU
from .conftest import Agent, ConsoleSite, app_store, serving

LINE = "az-116111"
FIVE_MONTHS = "period=custom&from=2026-01-01&to=2026-05-31&helpline=az-116111"
#: The article's headings, and the topics the line counts under each (its helpline.yml, figures.topic_groups).
HEADINGS = {
    "Education": ["education"],
    "Legal": ["legal"],
    "Psychological": ["psychological_support", "domestic_violence"],
    "Social": ["social_support"],
    "Health": ["health"],
    "Other": ["for_parents", "anonymity", "other_question"],
}


@pytest.fixture
async def site(tmp_path: Path, any_store: Store, request: pytest.FixtureRequest) -> AsyncIterator[ConsoleSite]:
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none"})
    app = build_app(settings, load_helplines(shipped_helpline_folders()), store=app_store(any_store, request))
    async with serving(app) as s:
        yield s


def press(user: str, payload: str) -> Inbound:
    return Inbound(channel="rest", user_id=user, button=payload, kind=Kind.BUTTON, helpline=LINE)


async def five_months(engine: Engine) -> dict[str, Counter]:
    """Conversations from January to May, in Baku's time; what was made, per month and as "total"."""
    made: dict[str, Counter] = {}
    pick = random.Random(27)
    topics = [t for ids in HEADINGS.values() for t in ids]
    n = 0
    for month in range(1, 6):
        for i in range(1 + month):  # 2 in January ... 6 in May
            n += 1
            user = f"az-{n}"
            day = 1 + (i * 3) % 28
            engine.clock.now = datetime.combine(date(2026, month, day), time(12, 0), tzinfo=engine.helpline(LINE).zone)
            topic = pick.choice(topics)
            age = pick.choice(["child", "adult", "adult", None])
            gender = pick.choice(["female", "male", None]) if age else None
            hello = await engine.handle(Inbound(channel="rest", user_id=user, kind=Kind.START, helpline=LINE))
            assert hello.replies[-1].buttons[0].payload == "profile:age_group:child"
            if age is None:
                await engine.handle(press(user, "profile:skip"))  # a skip ends the questions
            else:
                await engine.handle(press(user, f"profile:age_group:{age}"))
                await engine.handle(press(user, f"profile:gender:{gender}" if gender else "profile:skip"))
            answer = await engine.handle(press(user, f"topic:{topic}"))
            assert answer.conversation.topic == topic
            heading = next(h for h, ids in HEADINGS.items() if topic in ids)
            for key in (f"2026-{month:02d}", "total"):
                counts = made.setdefault(key, Counter())
                counts.update(["conversations", heading, age or "age unknown", gender or "gender unknown"])
    return made


def grid(page: str, name: str) -> list[list[str]]:
    """A table of the figures page as rows of cell texts (its header row first)."""
    body = page.split(f'id="t-{name}"', 1)[1].split("</table>", 1)[0]
    return [re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


async def table(agent: Agent, name: str) -> list[list[str]]:
    answer = await agent.get(f"/console/figures.csv?table={name}&{FIVE_MONTHS}")
    assert answer.status == 200, name
    return list(csv.reader(io.StringIO((await answer.read()).decode("utf-8-sig"))))


async def test_five_generated_months_come_back_in_the_shape_of_the_article_s_table(
    site: ConsoleSite, any_store: Store
) -> None:
    engine = Engine(
        any_store,
        IdentityVault(b"test-secret-key-0123456789"),
        load_helplines(shipped_helpline_folders()),
        ScriptedNLU(),
        clock=Clock(),
    )
    made = await five_months(engine)
    await site.operator("aysel", role="supervisor", helplines=[LINE])
    agent = site.agent("en")
    assert (await agent.log_in("aysel")).status == 303
    months = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]

    topics = await table(agent, "months_by_topic")
    assert topics[0] == ["Month", "Conversations", *HEADINGS]
    assert [row[0] for row in topics[1:]] == [*months, "Whole period"]
    for row, key in zip(topics[1:], [*months, "total"], strict=True):
        assert [int(c) for c in row[1:]] == [made[key]["conversations"], *(made[key][h] for h in HEADINGS)], key

    page = await (await agent.get(f"/console/figures?{FIVE_MONTHS}")).text()  # the page shows the same tables
    assert grid(page, "months_by_topic") == topics
    ages = grid(page, "months_by_age_group")
    assert ages[0] == ["Month", "Conversations", "Child", "Adult", "not known"]
    for row, key in zip(ages[1:], [*months, "total"], strict=True):
        counts = made[key]
        want = [counts["conversations"], counts["child"], counts["adult"], counts["age unknown"]]
        assert [int(c) for c in row[1:]] == want, key
    genders = grid(page, "months_by_gender")
    assert genders[0] == ["Month", "Conversations", "Female", "Male", "Other", "not known"]
    for row, key in zip(genders[1:], [*months, "total"], strict=True):
        counts = made[key]
        want = [counts["conversations"], counts["female"], counts["male"], 0, counts["gender unknown"]]
        assert [int(c) for c in row[1:]] == want, key
    whole = grid(page, "by_topic_group")  # the period's own table of headings, with shares
    assert [(row[0], int(row[1])) for row in whole[1:]] == [(h, made["total"][h]) for h in HEADINGS]
    # one month is no month-by-month table
    march = await (await agent.get("/console/figures?period=custom&from=2026-03-01&to=2026-03-31")).text()
    assert 'id="t-months_by_topic"' not in march and 'id="t-by_topic_group"' in march
