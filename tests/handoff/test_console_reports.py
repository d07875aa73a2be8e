"""A report reaches the console as a structured card (issue 26): routed by the helpline's rules,
the contact shown only to the report's team, what was done recorded and told to the reporter as a status."""

from __future__ import annotations

import re

from vikno.flows.report_codes import ALPHABET

from .conftest import ConsoleSite

CODE = re.compile(r"[" + ALPHABET + r"]{4}-[" + ALPHABET + r"]{4}-[" + ALPHABET + r"]{4}")


async def report(
    site: ConsoleSite,
    key: str,
    *,
    about: str = "elderly",
    urgency: str = "soon",
    phone: str | None = None,
    what: str = "Прошу, щоб до сусідки зайшли соціальні працівники",
) -> str:
    """A person makes a report through the REST channel; the code they were given."""
    person = site.agent()
    said = [await person.say(key, "Добрий день")]
    for button in ("topic:report_person_in_need", f"report:about:{about}", "report:place:north"):
        said.append(await person.say(key, button=button))
    said.append(await person.say(key, what))
    said.append(await person.say(key, button=f"report:urgency:{urgency}"))
    if phone:
        said.append(await person.say(key, button="report:contact:yes"))
        said.append(await person.say(key, phone))
    else:
        said.append(await person.say(key, button="report:contact:no"))
    found = CODE.search(said[-1]["replies"][0]["text"])
    assert found, [(r["replies"][0]["text"][:50], r["conversation"]["priority"]) for r in said][-3:]
    return found.group(0)


async def test_a_report_is_a_card_an_operator_takes_and_records_what_was_done(site: ConsoleSite) -> None:
    code = await report(site, "neighbour-1")
    await site.operator("olena", teams=["social"])
    op = site.agent()
    await op.log_in("olena")
    (item,) = (await op.queue())["queue"]
    assert item["channel"] == "report" and item["priority"] == "urgent_report" and item["team"] == "social"
    assert (await op.post(f"/console/c/{item['id']}/pick")).status == 303
    page = await (await op.get(f"/console/c/{item['id']}")).text()
    assert 'id="report-card"' in page and "Анонімне повідомлення" in page
    assert "Літня людина" in page and "Північний район" in page and "Прошу, щоб до сусідки" in page
    assert 'id="reply-form"' not in page and "report-show-contact" not in page  # no chat, no contact
    chat = await (await op.get(f"/console/api/c/{item['id']}")).json()
    assert chat["report"]["anonymous"] is True and chat["report"]["urgency"] == "soon"
    refused = await op.post(f"/console/c/{item['id']}/reply", {"text": "Добрий день"}, json_reply=True)
    assert refused.status == 422

    done = await op.post(
        f"/console/c/{item['id']}/report/outcome",
        {"outcome": "referred", "referred_to": "Територіальний центр", "note": "Олена М. знає"},
        json_reply=True,
    )
    assert done.status == 200 and (await done.json())["status"] == "referred"
    stored = await site.store.reports.by_conversation(item["id"])
    assert stored.status == "referred" and stored.outcomes[-1]["referred_to"] == "Територіальний центр"
    page = await (await op.get(f"/console/c/{item['id']}")).text()
    assert "Передано службі — Територіальний центр" in page
    events = await site.store.events.count_by("kind", helpline="community-1620", kind="report_outcome")
    assert events == {"report_outcome": 1}

    # the reporter, with the code from elsewhere: the status in plain words, never the note or a name
    asker = site.agent()
    answer = await asker.say("later-1", code)
    assert answer["replies"][0]["text"] == "Ваше повідомлення: передано службі, яка може допомогти."
    assert "Олена" not in str(answer) and "Територіальний" not in str(answer)


async def test_violence_is_routed_to_the_protection_team_by_the_helplines_rule(site: ConsoleSite) -> None:
    await report(site, "neighbour-2", about="violence")
    await site.operator("social-only", teams=["social"])
    await site.operator("protector", teams=["protection"])
    social, protector = site.agent(), site.agent()
    await social.log_in("social-only")
    await protector.log_in("protector")
    assert (await social.queue())["queue"] == []
    (item,) = (await protector.queue())["queue"]
    assert item["team"] == "protection"
    stored = await site.store.reports.by_conversation(item["id"])
    assert stored.team == "protection"


async def test_the_contact_is_shown_on_demand_to_the_reports_team_only(site: ConsoleSite) -> None:
    await report(site, "neighbour-3", about="violence", phone="0671234567")
    await site.operator("protector", teams=["protection"])
    await site.operator("boss", role="supervisor", teams=["social"])
    protector, boss = site.agent(), site.agent()
    await protector.log_in("protector")
    await boss.log_in("boss")
    (item,) = (await protector.queue())["queue"]
    cid = item["id"]
    await protector.post(f"/console/c/{cid}/pick")
    page = await (await protector.get(f"/console/c/{cid}")).text()
    assert "0671234567" not in page and "report-show-contact" in page and "просить зателефонувати" in page
    shown = await protector.post(f"/console/c/{cid}/report/contact", json_reply=True)
    assert shown.status == 200 and (await shown.json())["contact"] == "0671234567"
    assert shown.headers["Cache-Control"] == "no-store"
    rendered = await (await protector.post(f"/console/c/{cid}/report/contact")).text()
    assert "0671234567" in rendered

    boss_page = await (await boss.get(f"/console/c/{cid}")).text()  # a supervisor reads the card...
    assert 'id="report-card"' in boss_page and "report-show-contact" not in boss_page
    denied = await boss.post(f"/console/c/{cid}/report/contact", json_reply=True)  # ...not another team's contact
    assert denied.status == 403 and "0671234567" not in await denied.text()
    looks = await site.store.events.count_by("kind", helpline="community-1620", kind="report_contact_shown")
    assert looks == {"report_contact_shown": 2}


async def test_a_crisis_added_with_the_code_shows_on_the_card_as_danger_now(site: ConsoleSite) -> None:
    """Session 18's attack: after "мій код X, він зараз її б'є" the report's card still said "In the next few
    days" above the added words; the danger is now, whatever the reporter chose at first."""
    code = await report(site, "neighbour-4", about="violence", urgency="soon")
    person = site.agent()
    told = await person.say("later-4", f"мій код {code}, він зараз її б'є ножем")
    assert told["conversation"]["priority"] == "crisis"
    await site.operator("protector", teams=["protection"])
    op = site.agent()
    await op.log_in("protector")
    from vikno.bots.keys import ENGINE

    stored = await site.store.reports.by_code("community-1620", site.app[ENGINE].vault.code_hash(code))
    assert (await op.post(f"/console/c/{stored.conversation_id}/pick")).status == 303
    chat = await (await op.get(f"/console/api/c/{stored.conversation_id}")).json()
    assert chat["report"]["urgency"] == "now", chat
    assert chat["report"]["urgency_label"] == "Небезпека зараз (криза в доданій пізніше інформації)"
    assert [a["crisis"] for a in chat["report"]["additions"]] == [True]
    assert code not in str(chat)
    # the card's risk panel says why (it said "no risk found": session 18's second attack)
    assert chat["risk"]["level"] == "crisis" and chat["risk"]["flags"][0]["reasons"], chat["risk"]
