"""The mobile brigades of zhytomyr-1550 end to end (issue 27), on both storage adapters: a conversation
about violence is dispatched to the brigade of the person's district with their consent, that brigade's
member works the visit through to closed, nobody else sees or changes it, the person is told only that a
team comes, and the figures count the visit by district and kind of help."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from vikno.bots.app import build_app
from vikno.bots.config import load_settings
from vikno.bots.keys import ENGINE
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.storage.figures import Period
from vikno.storage.models import utcnow
from vikno.storage.port import Store

from .conftest import Agent, ConsoleSite, app_store, serving
from .test_console_reports import CODE

LINE = "zhytomyr-1550"
ADDRESS = "с. Ушомир, вул. Шевченка, 5"


@pytest.fixture
async def any_site(tmp_path: Path, any_store: Store, request: pytest.FixtureRequest) -> AsyncIterator[ConsoleSite]:
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none"})
    app = build_app(settings, load_helplines(shipped_helpline_folders()), store=app_store(any_store, request))
    async with serving(app) as site:
        yield site


async def say(person: Agent, key: str, text: str | None = None, button: str | None = None) -> dict[str, Any]:
    """A person on the REST channel of zhytomyr-1550."""
    body: dict[str, Any] = {"helpline": LINE, **({"text": text} if text is not None else {"button": button})}
    resp = await person.http.post(
        person.url(f"/api/v1/conversations/{key}/messages"), json=body, headers=person.rest_headers(key)
    )
    assert resp.status == 200, await resp.text()
    answer = await resp.json()
    if "token" in answer:
        person.tokens[key] = answer["token"]
    return answer


async def told(person: Agent, key: str) -> list[str]:
    resp = await person.http.get(
        person.url(f"/api/v1/conversations/{key}?helpline={LINE}"), headers=person.rest_headers(key)
    )
    assert resp.status == 200, await resp.text()
    return [m["text"] or "" for m in (await resp.json())["messages"] if m["direction"] == "out"]


async def a_survivor_waits(site: ConsoleSite, key: str = "survivor-1") -> tuple[Agent, str]:
    """A person of zhytomyr-1550 writes about violence and asks for a person: the chat's id."""
    person = site.agent()
    await say(person, key, "Добрий день")
    await say(person, key, button="topic:domestic_violence")
    await say(person, key, button="person")
    conv = await site.store.conversations.find_by_user(LINE, "rest", site.app[ENGINE].vault.user_key("rest", key))
    assert conv is not None and conv.state == "waiting"
    return person, conv.id


async def logged_in(site: ConsoleSite, login: str, **kw: Any) -> Agent:
    await site.operator(login, **kw)
    agent = site.agent()
    assert (await agent.log_in(login)).status == 303
    return agent


async def dispatched(site: ConsoleSite, caplog: pytest.LogCaptureFixture) -> tuple[Agent, str, str]:
    person, cid = await a_survivor_waits(site)
    psy = await logged_in(site, "psy", teams=["psychologists"], helplines=[LINE])
    assert (await psy.post(f"/console/c/{cid}/pick")).status == 303
    page = await (await psy.get(f"/console/c/{cid}")).text()
    assert 'id="dispatch-form"' in page and "Коростенський район" in page
    form = {"district": "korostenskyi", "address": ADDRESS, "urgency": "soon"}
    refused = await psy.post(f"/console/c/{cid}/dispatch", {**form, "consent": "not_asked"}, json_reply=True)
    assert refused.status == 422 and "без згоди" in (await refused.json())["error"]
    assert await site.store.visits.of_conversation(cid) == []
    with caplog.at_level(logging.DEBUG):
        sent = await psy.post(f"/console/c/{cid}/dispatch", {**form, "consent": "yes"}, json_reply=True)
    assert sent.status == 200, await sent.text()
    visit_id = (await sent.json())["visit_id"]
    return person, cid, visit_id


async def test_a_dispatched_visit_is_worked_by_its_districts_brigade_and_counted(
    any_site: ConsoleSite, caplog: pytest.LogCaptureFixture
) -> None:
    site = any_site
    person, cid, visit_id = await dispatched(site, caplog)
    (visit,) = await site.store.visits.of_conversation(cid)
    assert visit.id == visit_id and visit.team == "brigades_korosten" and visit.status == "assigned"
    assert visit.consent == "yes" and visit.override is None
    assert visit.address and ADDRESS not in visit.address  # kept encrypted

    words = await told(person, "survivor-1")
    assert any(w.startswith("Ми передали ваше звернення мобільній бригаді вашого району") for w in words)
    assert not any("Ушомир" in w for w in words)

    member = await logged_in(site, "kor", display_name="Оксана Бригадна", teams=["brigades_korosten"], helplines=[LINE])
    listed = await (await member.get("/console/api/visits")).json()
    assert [v["id"] for v in listed["visits"]] == [visit_id] and "address" not in listed["visits"][0]
    assert 'id="nav-visits"' in await (await member.get("/console/queue")).text()
    card = await (await member.get(f"/console/visits/{visit_id}")).text()
    assert ADDRESS in card and "Коростенський район" in card
    for move in (
        {"status": "on_the_way"},
        {
            "status": "visited",
            "outcome": "helped",
            "help": "crisis_intervention",
            "people": "2",
            "note": "Оксана, батьки поруч",
        },
    ):
        moved = await member.post(f"/console/visits/{visit_id}/status", move, json_reply=True)
        assert moved.status == 200, await moved.text()
        assert (await moved.json())["status"] == move["status"]
    words = await told(person, "survivor-1")
    assert any(w.startswith("Дякуємо, що зустрілися з фахівцями мобільної бригади") for w in words)
    for secret in ("Оксана", "батьки", "Ушомир", "kor"):  # never a member's name, a note or the address
        assert not any(secret in w for w in words), secret

    closed = await member.post(f"/console/visits/{visit_id}/status", {"status": "closed"}, json_reply=True)
    assert closed.status == 200
    again = await member.post(f"/console/visits/{visit_id}/status", {"status": "on_the_way"}, json_reply=True)
    assert again.status == 409
    stored = await site.store.visits.get(visit_id)
    assert [h["status"] for h in stored.history] == ["assigned", "on_the_way", "visited", "closed"]
    assert [h["operator"] for h in stored.history][1:] == [stored.history[1]["operator"]] * 3
    assert all(h.get("at") for h in stored.history)
    assert stored.outcome == "helped" and stored.help == ["crisis_intervention"] and stored.people == 2
    assert (await (await member.get("/console/api/visits")).json())["visits"] == []
    closed_list = await (await member.get("/console/api/visits?closed=1")).json()
    assert [v["id"] for v in closed_list["visits"]] == [visit_id]

    boss = await logged_in(site, "boss", role="supervisor", helplines=[LINE])
    boss_card = await (await boss.get(f"/console/api/visits/{visit_id}")).json()
    assert boss_card["visit"]["address"] == ADDRESS and len(boss_card["visit"]["history"]) == 4
    today = utcnow().astimezone(site.app[ENGINE].helplines[LINE].zone).date()
    figures = await site.store.figures(Period(LINE, today - timedelta(days=1), today, "Europe/Kyiv"))
    assert figures.visits_dispatched == 1 and figures.visits == 1 and figures.people_helped == 2
    assert figures.visits_by_district == {"korostenskyi": {"visits": 1, "people": 2}}
    assert figures.visits_by_help == {"crisis_intervention": 1}
    csv = await boss.get(f"/console/figures.csv?helpline={LINE}&table=visits_by_district")
    assert csv.status == 200
    rows = (await csv.text()).splitlines()
    assert "Коростенський район,1,2" in rows and "Бердичівський район,0,0" in rows
    help_csv = await (await boss.get(f"/console/figures.csv?helpline={LINE}&table=visits_by_help")).text()
    assert "Екстрене кризове втручання,1" in help_csv
    page = await (await boss.get(f"/console/figures?helpline={LINE}")).text()
    assert "Здійснено виїздів" in page and "Виїзди мобільних бригад за районами" in page

    assert ADDRESS not in caplog.text and "Ушомир" not in caplog.text  # never in the journal


async def test_another_districts_brigade_and_another_lines_staff_neither_see_nor_change_a_visit(
    any_site: ConsoleSite, caplog: pytest.LogCaptureFixture
) -> None:
    site = any_site
    _, cid, visit_id = await dispatched(site, caplog)
    outsiders = [
        await logged_in(site, "zhy", teams=["brigades_zhytomyr"], helplines=[LINE]),
        await logged_in(site, "psy-no-brigade", teams=["psychologists"], helplines=[LINE]),
        await logged_in(site, "olena-1620", teams=["social"], helplines=["community-1620"]),
        await logged_in(site, "boss-1620", role="supervisor", helplines=["community-1620"]),
    ]
    for outsider in outsiders:
        assert (await (await outsider.get("/console/api/visits")).json())["visits"] == []
        assert (await (await outsider.get("/console/api/visits?closed=1")).json())["visits"] == []
        for path in (f"/console/visits/{visit_id}", f"/console/api/visits/{visit_id}"):
            answer = await outsider.get(path)
            assert answer.status == 404 and ADDRESS not in await answer.text(), path
        moved = await outsider.post(f"/console/visits/{visit_id}/status", {"status": "on_the_way"}, json_reply=True)
        assert moved.status == 404
        redispatch = await outsider.post(
            f"/console/c/{cid}/dispatch",
            {"district": "zhytomyrskyi", "address": "x", "urgency": "now", "consent": "yes"},
            json_reply=True,
        )
        assert redispatch.status in (403, 404)
    assert 'id="nav-visits"' not in await (await outsiders[2].get("/console/queue")).text()
    stored = await site.store.visits.get(visit_id)
    assert stored.status == "assigned" and len(stored.history) == 1
    assert len(await site.store.visits.of_conversation(cid)) == 1


async def test_without_consent_a_visit_goes_only_with_the_reason_written_and_the_card_says_so(
    any_site: ConsoleSite,
) -> None:
    site = any_site
    _, cid = await a_survivor_waits(site, "survivor-2")
    psy = await logged_in(site, "psy2", teams=["psychologists"], helplines=[LINE])
    await psy.post(f"/console/c/{cid}/pick")
    sent = await psy.post(
        f"/console/c/{cid}/dispatch",
        {
            "district": "berdychivskyi",
            "address": "Бердичів, гуртожиток на Житомирській",
            "urgency": "now",
            "consent": "not_asked",
            "reason": "чути крики, людина перестала відповідати",
        },
        json_reply=True,
    )
    assert sent.status == 200, await sent.text()
    visit = await site.store.visits.get((await sent.json())["visit_id"])
    assert visit.override == "чути крики, людина перестала відповідати" and visit.consent == "not_asked"
    member = await logged_in(site, "ber", teams=["brigades_berdychiv"], helplines=[LINE])
    card = await (await member.get(f"/console/api/visits/{visit.id}")).json()
    assert card["visit"]["override"] == visit.override and card["visit"]["urgency"] == "now"
    chat = await (await psy.get(f"/console/api/c/{cid}")).json()  # the dispatcher sees where it stands, not more
    assert chat["visits"][0]["status"] == "assigned" and chat["visits"][0]["address"] is None
    assert chat["visits"][0]["override"] is None


async def test_a_report_about_violence_is_dispatched_from_its_card_and_its_reporter_sees_it_handled(
    any_site: ConsoleSite,
) -> None:
    site = any_site
    reporter = site.agent()
    key = "neighbour-zh"
    for step in (
        {"text": "Добрий день"},
        {"button": "topic:report_person_in_need"},
        {"button": "report:about:violence"},
        {"button": "report:place:zviahelskyi"},
        {"text": "Сусід б'є дружину, чути щовечора"},
        {"button": "report:urgency:soon"},
    ):
        await say(reporter, key, **step)
    made = await say(reporter, key, button="report:contact:no")
    code = CODE.search(made["replies"][0]["text"])
    assert code is not None
    member = await logged_in(site, "zv", teams=["brigades_zviahel"], helplines=[LINE])
    (item,) = (await member.queue())["queue"]
    assert item["channel"] == "report"
    await member.post(f"/console/c/{item['id']}/pick")
    page = await (await member.get(f"/console/c/{item['id']}")).text()
    assert '<option value="zviahelskyi" selected>' in page
    sent = await member.post(
        f"/console/c/{item['id']}/dispatch",
        {"district": "zviahelskyi", "address": "Звягель", "urgency": "soon", "consent": "not_asked", "reason": "x"},
        json_reply=True,
    )
    assert sent.status == 200, await sent.text()
    report = await site.store.reports.by_conversation(item["id"])
    assert report.status == "in_progress" and report.outcomes[-1]["outcome"] == "visit_planned"
    visit = await site.store.visits.get((await sent.json())["visit_id"])
    assert visit.report_id == report.id
    later = site.agent()  # the reporter, with the code, hears only the status in plain words
    status = (await say(later, "later-zh", code.group(0)))["replies"][0]["text"]
    assert status.startswith("Ваше повідомлення:") and "Звягель" not in status and "zv" not in status


@pytest.mark.parametrize("outcome", ["not_met", "declined"])
async def test_a_person_nobody_met_is_not_thanked_for_meeting_the_brigade(
    any_site: ConsoleSite, caplog: pytest.LogCaptureFixture, outcome: str
) -> None:
    """An outside attack found "thank you for meeting" sent after a visit that met nobody (issue 27)."""
    site = any_site
    person, _, visit_id = await dispatched(site, caplog)
    member = await logged_in(site, "kor", teams=["brigades_korosten"], helplines=[LINE])
    for move in ({"status": "on_the_way"}, {"status": "visited", "outcome": outcome, "people": "0"}):
        moved = await member.post(f"/console/visits/{visit_id}/status", move, json_reply=True)
        assert moved.status == 200, await moved.text()
    words = await told(person, "survivor-1")
    assert not any(w.startswith("Дякуємо, що зустрілися") for w in words)
    assert any(w.startswith("Ми передали ваше звернення мобільній бригаді") for w in words)
