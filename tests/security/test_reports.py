"""The table of attacks on anonymous reports (issue 26).

Each row runs against a real vikno (REST channel and console on a real
socket) on both storage adapters.
"""

from __future__ import annotations

import json

from vikno.bots.keys import ENGINE
from vikno.flows.messages import Inbound
from vikno.flows import reports as reports_module
from vikno.flows.reports import GLOBAL_ALERT_PER_HOUR, USER_ATTEMPTS

from tests.handoff.conftest import ConsoleSite
from tests.handoff.test_console_reports import report
from tests.security.table import Attack, rows

REPORTER = "reporter-key-5f1c9e"


async def guess_codes(site: ConsoleSite) -> None:
    """A guesser types codes from one REST conversation, then from many: after USER_ATTEMPTS (per person)
    even the right code gets only "too many tries"; guesses from many accounts past the journal's alert
    lock no honest reporter out, and only the helpline's ceiling (GLOBAL_ATTEMPTS_PER_HOUR, here lowered
    to keep the row short) stops everyone."""
    code = await report(site, REPORTER)
    guesser = site.agent()
    for n in range(USER_ATTEMPTS):
        wrong = await guesser.say("guesser", f"2222-2222-{n + 2}{n + 2}{n + 2}{n + 2}")
        assert wrong["replies"][0]["text"].startswith("Не вдалося знайти")
    blocked = await guesser.say("guesser", code)
    assert blocked["replies"][0]["text"].startswith("Забагато спроб")
    engine = site.app[ENGINE]  # many accounts (REST limits new chats per address: Telegram accounts here)
    for n in range(GLOBAL_ALERT_PER_HOUR + 5):
        await engine.handle(Inbound(channel="telegram", user_id=f"9000{n}", text="3333-3333-3333"))
    honest = await guesser.say("honest-person", code)
    assert honest["replies"][0]["text"].startswith("Ваше повідомлення:")
    ceiling = reports_module.GLOBAL_ATTEMPTS_PER_HOUR
    reports_module.GLOBAL_ATTEMPTS_PER_HOUR = 5  # below the ten guesses that follow, whatever the hour
    try:
        for n in range(10):
            await engine.handle(Inbound(channel="telegram", user_id=f"9100{n}", text="3333-3333-3333"))
        fresh = await guesser.say("fresh-person", code)
    finally:
        reports_module.GLOBAL_ATTEMPTS_PER_HOUR = ceiling
    assert fresh["replies"][0]["text"].startswith("Забагато спроб")


async def another_teams_contact(site: ConsoleSite) -> None:
    """An operator of another team (online, free) can neither take a violence report from the queue,
    nor open its card, nor ask for its contact by its id."""
    await report(site, REPORTER, about="violence", phone="0930001122")
    await site.operator("social", teams=["social"])
    op = site.agent()
    await op.log_in("social")
    assert (await op.queue())["queue"] == []
    queued = await site.store.conversations.waiting(["community-1620"])
    cid = queued[0].id
    assert (await op.post(f"/console/c/{cid}/pick", json_reply=True)).status == 403
    for path in (f"/console/c/{cid}", f"/console/api/c/{cid}"):
        page = await op.get(path)
        assert page.status in (403, 404) and "0930001122" not in await page.text()
    contact = await op.post(f"/console/c/{cid}/report/contact", json_reply=True)
    assert contact.status in (403, 404) and "0930001122" not in await contact.text()
    outcome = await op.post(f"/console/c/{cid}/report/outcome", {"outcome": "closed"}, json_reply=True)
    assert outcome.status in (403, 404)
    assert (await site.store.reports.by_conversation(cid)).outcomes == []


async def reporter_id_in_console(site: ConsoleSite) -> None:
    """An anonymous report, read by a supervisor through every console page and API answer, carries
    nothing of the reporter: not their key, its keyed pseudonym, their chat's id or pseudonym."""
    await report(site, REPORTER)
    await site.operator("boss", role="supervisor")
    boss = site.agent()
    await boss.log_in("boss")
    engine = site.app[ENGINE]
    user_key = engine.vault.user_key("rest", REPORTER)
    reporter_chat = await site.store.conversations.find_by_user("community-1620", "rest", user_key)
    marks = [REPORTER, user_key, reporter_chat.id, engine.vault.pseudonym(user_key)]
    queued = (await site.store.conversations.waiting(["community-1620"]))[0]
    answers = []
    for path in (
        "/console/queue",
        "/console/api/queue",
        "/console/supervisor",
        "/console/api/supervisor",
        f"/console/c/{queued.id}",
        f"/console/api/c/{queued.id}",
    ):
        resp = await boss.get(path)
        assert resp.status == 200, path
        answers.append(await resp.text())
    answers.append(
        await (
            await boss.post(f"/console/c/{queued.id}/report/outcome", {"outcome": "visit_planned"}, json_reply=True)
        ).text()
    )
    for answer in answers:
        for mark in marks:
            assert mark not in answer, mark
    assert "Анонімне повідомлення" in answers[4]


async def reporter_chat_in_console(site: ConsoleSite) -> None:
    """The reporter then asks for a person: the operator who takes the reporter's own chat reads neither what
    the report says, nor the contact given, nor the code (an outside attack found all three there, tying the
    anonymous report to the reporter's channel); placeholders say that answers went into a report."""
    code = await report(site, REPORTER, phone="0930001122", what="Сусід б'є дружину щовечора, квартира 14")
    person = site.agent()
    await person.say(REPORTER, button="person")
    await site.operator("olena", teams=["social"])
    op = site.agent()
    await op.log_in("olena")
    reporter_chat = await site.store.conversations.find_by_user(
        "community-1620", "rest", site.app[ENGINE].vault.user_key("rest", REPORTER)
    )
    assert (await op.post(f"/console/c/{reporter_chat.id}/pick")).status == 303
    answers = [
        await (await op.get(path)).text()
        for path in (f"/console/c/{reporter_chat.id}", f"/console/api/c/{reporter_chat.id}")
    ]
    for answer in answers:
        for mark in (code, code.replace("-", ""), "Сусід б'є", "квартира 14", "0930001122"):
            assert mark not in answer, mark
    shown = [m["text"] for m in json.loads(answers[1])["messages"]]
    assert any("••••-••••-••••" in t for t in shown)
    # whom, where, what, urgency, contact, number
    assert sum("збережена лише в картці повідомлення" in t for t in shown) == 6


ATTACKS = [
    Attack(
        id="guess-report-codes",
        item="26.3",
        what="guess reference codes from one or many chats: limited "
        "per person, a limited guesser learns nothing, not even from a right code; many accounts' guesses "
        "lock no honest reporter out below the helpline's ceiling",
        run=guess_codes,
    ),
    Attack(
        id="another-teams-report-contact",
        item="26.4",
        what="an operator of another team takes, reads, "
        "reveals the contact of or records an outcome on a report: refused, nothing shown",
        run=another_teams_contact,
    ),
    Attack(
        id="reporter-id-in-console",
        item="26.2",
        what="look for the anonymous reporter's id, keyed "
        "pseudonym or chat in every console page and API answer about the report: none",
        run=reporter_id_in_console,
    ),
    Attack(
        id="reporter-chat-in-console",
        item="26.2",
        what="an operator takes the reporter's own chat (they asked "
        "for a person) and looks for what the report says, its contact or its code: none, only placeholders",
        run=reporter_chat_in_console,
    ),
]


@rows(ATTACKS)
async def test_reports(attack: Attack, any_site: ConsoleSite) -> None:
    await attack.run(any_site)
