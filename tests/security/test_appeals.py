"""The table of attacks on citizens' appeals (issue 27, cherkasy-1545).

Each row runs against a real vikno (REST channel and console on a real socket) on both storage adapters.
"""

from __future__ import annotations

from vikno.bots.keys import ENGINE
from vikno.flows import appeals as appeals_module
from vikno.flows.appeal_numbers import new_number
from vikno.flows.appeals import GLOBAL_ALERT_PER_HOUR, USER_ATTEMPTS
from vikno.flows.messages import Inbound

from tests.handoff.conftest import ConsoleSite
from tests.handoff.test_console_appeals import LINE, appeal, say
from tests.security.table import Attack, rows


async def guess_numbers(site: ConsoleSite) -> None:
    """A guesser types numbers (check digits right) from one chat, then from many accounts: after USER_ATTEMPTS
    even the right number gets only "too many attempts"; many accounts past the journal's alert lock no honest
    citizen out, and only the line's ceiling (lowered here to keep the row short) stops everyone."""
    number = await appeal(site, "citizen-g", lang="uk")
    guesser = site.agent()
    for _ in range(USER_ATTEMPTS):
        wrong = await say(guesser, "guesser", {"text": new_number()})
        assert wrong["replies"][0]["text"].startswith("Звернення з таким номером не знайдено")
    blocked = await say(guesser, "guesser", {"text": number})
    assert blocked["replies"][0]["text"].startswith("Забагато спроб") and number[-4:] not in str(blocked)
    engine = site.app[ENGINE]
    for n in range(GLOBAL_ALERT_PER_HOUR + 5):
        await engine.handle(Inbound(channel="telegram", user_id=f"8000{n}", text=new_number(), helpline=LINE))
    honest = await say(guesser, "honest", {"text": number})
    assert honest["replies"][0]["text"].startswith(f"Звернення № {number}: зареєстроване")
    ceiling = appeals_module.GLOBAL_ATTEMPTS_PER_HOUR
    appeals_module.GLOBAL_ATTEMPTS_PER_HOUR = 5  # below what was tried this hour already
    try:
        fresh = await say(guesser, "fresh", {"text": number})
    finally:
        appeals_module.GLOBAL_ATTEMPTS_PER_HOUR = ceiling
    assert fresh["replies"][0]["text"].startswith("Забагато спроб")


async def another_lines_staff(site: ConsoleSite) -> None:
    """An operator and a supervisor of another line open the appeal's page and API by its id, search its
    number, filter by its line and change its status: 404 and empty lists, nothing shown, nothing changed."""
    number = await appeal(site, "citizen-o")
    (stored,) = await site.store.appeals.of_helplines([LINE])
    for login, role in (("op-1620", "operator"), ("boss-1620", "supervisor")):
        await site.operator(login, role=role, helplines=["community-1620"])
        other = site.agent()
        await other.log_in(login)
        for path in (f"/console/appeals/{stored.id}", f"/console/api/appeals/{stored.id}"):
            resp = await other.get(path)
            assert resp.status == 404 and "Smilianska" not in await resp.text()
        for query in (f"number={number}", f"helpline={LINE}", "status=registered"):
            listed = await other.get(f"/console/api/appeals?{query}")
            assert listed.status == 200 and (await listed.json())["appeals"] == []
        changed = await other.post(f"/console/appeals/{stored.id}/status", {"status": "closed"}, json_reply=True)
        assert changed.status == 404
    after = await site.store.appeals.get(stored.id)
    assert after.status == "registered" and len(after.history) == 1


async def forged_status_changes(site: ConsoleSite) -> None:
    """The line's own operator sends a status that is none, markup, or no CSRF token: refused, nothing kept;
    the status a citizen is told is never an operator's name or note."""
    number = await appeal(site, "citizen-f")
    (stored,) = await site.store.appeals.of_helplines([LINE])
    await site.operator("taras", helplines=[LINE])
    op = site.agent()
    await op.log_in("taras")
    for status in ("deleted", "<script>alert(1)</script>", ""):
        refused = await op.post(f"/console/appeals/{stored.id}/status", {"status": status}, json_reply=True)
        assert refused.status == 422
    no_token = await op.post(f"/console/appeals/{stored.id}/status", {"status": "closed"}, csrf="", json_reply=True)
    assert no_token.status == 403
    assert (await site.store.appeals.get(stored.id)).history[-1]["status"] == "registered"
    note = "Taras: call back Olha 0671234567 <b>"
    assert (
        await op.post(f"/console/appeals/{stored.id}/status", {"status": "sent", "note": note}, json_reply=True)
    ).status == 200
    told = await say(site.agent(), "asker", {"text": number})
    for secret in ("Taras", "taras", "0671234567", "<b>"):
        assert secret not in str(told)


async def register_in_someone_elses_chat(site: ConsoleSite) -> None:
    """An operator of the line registers an appeal in a chat that is not theirs (waiting in the queue, or a
    colleague's): refused, no appeal made and nothing said to the person."""
    person = site.agent()
    await say(person, "caller", {"text": "Добрий день"})
    await say(person, "caller", {"button": "person"})
    await site.operator("ivan", helplines=[LINE])
    await site.operator("petro", helplines=[LINE])
    ivan, petro = site.agent(), site.agent()
    await ivan.log_in("ivan")
    await petro.log_in("petro")
    (waiting,) = (await ivan.queue())["queue"]
    form = {"topic": "communal", "text": "Немає води на вулиці Гоголя, прошу допомогти"}
    assert (await ivan.post(f"/console/c/{waiting['id']}/appeal", form, json_reply=True)).status == 403
    assert (await ivan.post(f"/console/c/{waiting['id']}/pick")).status == 303
    assert (await petro.post(f"/console/c/{waiting['id']}/appeal", form, json_reply=True)).status == 403
    assert await site.store.appeals.of_helplines([LINE]) == []
    history = await site.store.messages.history(waiting["id"], 100)
    assert not any("зареєстровано" in (m.text or "") for m in history)


ATTACKS = [
    Attack(
        id="guess-appeal-numbers",
        item="27.2",
        what="guess appeal numbers from one or many chats: limited per person, a limited guesser learns nothing, "
        "not even from a right number; many accounts lock no honest citizen out below the line's ceiling",
        run=guess_numbers,
    ),
    Attack(
        id="another-lines-appeal",
        item="27.3",
        what="an operator or supervisor of another line reads, finds by number or changes an appeal: 404, "
        "nothing shown, nothing changed",
        run=another_lines_staff,
    ),
    Attack(
        id="forged-appeal-status",
        item="27.4",
        what="a status that is none, markup or sent without the CSRF token: refused; the citizen is never told "
        "an operator's name or note",
        run=forged_status_changes,
    ),
    Attack(
        id="appeal-in-someone-elses-chat",
        item="27.5",
        what="register an appeal in a chat waiting in the queue or taken by a colleague: refused, nothing made, "
        "nothing told",
        run=register_in_someone_elses_chat,
    ),
]


@rows(ATTACKS)
async def test_appeals_attack(attack: Attack, any_site: ConsoleSite) -> None:
    await attack.run(any_site)
