"""The table of attacks on the mobile brigades' dispatch and visits (issue 27, zhytomyr-1550).

Each row runs against a real vikno (REST channel and console on a real
socket) on both storage adapters. A visit holds an address: only its
district's brigade and the line's supervisors may see or move it, whatever
id, form or header anyone else sends.
"""

from __future__ import annotations

from vikno.storage.models import Visit

from tests.handoff.conftest import Agent, ConsoleSite
from tests.handoff.test_console_dispatch import ADDRESS, LINE, a_survivor_waits, logged_in
from tests.security.table import Attack, rows


async def _visit(site: ConsoleSite, key: str = "survivor-sec") -> tuple[str, Visit, Agent]:
    """A survivor's chat dispatched with consent to the Korosten brigade: the chat, the visit, the dispatcher."""
    _, cid = await a_survivor_waits(site, key)
    psy = await logged_in(site, f"psy-{key}", teams=["psychologists"], helplines=[LINE])
    assert (await psy.post(f"/console/c/{cid}/pick")).status == 303
    sent = await psy.post(
        f"/console/c/{cid}/dispatch",
        {"district": "korostenskyi", "address": ADDRESS, "urgency": "soon", "consent": "yes"},
        json_reply=True,
    )
    assert sent.status == 200, await sent.text()
    visit = await site.store.visits.get((await sent.json())["visit_id"])
    assert visit is not None
    return cid, visit, psy


async def _unchanged(site: ConsoleSite, visit: Visit) -> None:
    stored = await site.store.visits.get(visit.id)
    assert stored is not None and stored.status == visit.status and stored.history == visit.history


async def other_district_moves_by_id(site: ConsoleSite) -> None:
    """A brigade member of another district (Zhytomyr) sends the Korosten visit's id to every status form
    and read: 404 each time (not even that it exists), and the visit is as it was."""
    _, visit, _ = await _visit(site)
    zhy = await logged_in(site, "zhy-brigade", teams=["brigades_zhytomyr"], helplines=[LINE])
    for status in ("on_the_way", "visited", "closed", "assigned"):
        form = {"status": status, "outcome": "helped", "help": "crisis_intervention", "people": "1"}
        moved = await zhy.post(f"/console/visits/{visit.id}/status", form, json_reply=True)
        assert moved.status == 404, status
        plain = await zhy.post(f"/console/visits/{visit.id}/status", form)  # a plain form, no script
        assert plain.status == 404 and ADDRESS not in await plain.text()
    for path in (f"/console/visits/{visit.id}", f"/console/api/visits/{visit.id}"):
        answer = await zhy.get(path)
        assert answer.status == 404 and ADDRESS not in await answer.text(), path
    assert visit.id not in await (await zhy.get("/console/api/visits")).text()
    await _unchanged(site, visit)


async def same_team_name_in_another_line(site: ConsoleSite) -> None:
    """An operator of another helpline (community-1620) whose teams list the very team name of the Korosten
    brigade (and a supervisor of that line) reads and moves nothing: a team is of its helpline."""
    _, visit, _ = await _visit(site)
    twin = await logged_in(site, "twin", teams=["brigades_korosten"], helplines=["community-1620"])
    boss = await logged_in(site, "boss-1620", role="supervisor", helplines=["community-1620"])
    for agent in (twin, boss):
        assert (await (await agent.get("/console/api/visits")).json())["visits"] == []
        assert (await agent.get(f"/console/api/visits/{visit.id}")).status == 404
        moved = await agent.post(f"/console/visits/{visit.id}/status", {"status": "on_the_way"}, json_reply=True)
        assert moved.status == 404
    await _unchanged(site, visit)


async def forged_ids(site: ConsoleSite) -> None:
    """The district's own brigade member sends forged visit ids (none, unknown, another line's, odd
    characters, very long) to the card, its JSON and the status form: 404, never a 500, nothing moved."""
    _, visit, _ = await _visit(site)
    other_line = Visit(
        helpline="community-1620",
        district="north",
        team="brigades_korosten",
        urgency="soon",
        consent="yes",
        conversation_id="elsewhere",
        dispatched_by="x",
    )
    await site.store.visits.add(other_line)
    member = await logged_in(site, "kor-brigade", teams=["brigades_korosten"], helplines=[LINE])
    for forged in ("0" * 32, other_line.id, visit.id.upper(), "%2e%2e%2fqueue", "x" * 5000, visit.id + "'--"):
        for path in (f"/console/visits/{forged}", f"/console/api/visits/{forged}"):
            assert (await member.get(path)).status == 404, (forged[:40], path)
        moved = await member.post(f"/console/visits/{forged}/status", {"status": "on_the_way"}, json_reply=True)
        assert moved.status == 404, forged[:40]
    await _unchanged(site, visit)
    assert (await site.store.visits.get(other_line.id)).status == "assigned"


async def missing_csrf(site: ConsoleSite) -> None:
    """The right brigade member's session, but the status form without the CSRF token, with a wrong one,
    or from another site (a forged form in the member's browser): 403, nothing moved; the same for a
    dispatch, which creates nothing."""
    cid, visit, psy = await _visit(site)
    member = await logged_in(site, "kor-csrf", teams=["brigades_korosten"], helplines=[LINE])
    path = f"/console/visits/{visit.id}/status"
    assert (await member.post(path, {"status": "on_the_way"}, csrf="", json_reply=True)).status == 403
    assert (await member.post(path, {"status": "on_the_way"}, csrf="forged-token", json_reply=True)).status == 403
    evil = await member.post(
        path, {"status": "on_the_way"}, json_reply=True, headers={"Origin": "https://evil.example"}
    )
    assert evil.status == 403
    await _unchanged(site, visit)
    form = {"district": "korostenskyi", "address": "інша адреса", "urgency": "now", "consent": "yes"}
    assert (await psy.post(f"/console/c/{cid}/dispatch", form, csrf="", json_reply=True)).status == 403
    assert (await psy.post(f"/console/c/{cid}/dispatch", form, csrf="forged", json_reply=True)).status == 403
    assert len(await site.store.visits.of_conversation(cid)) == 1


async def logged_out(site: ConsoleSite) -> None:
    """Nobody logged in asks for the list, a card, or moves a visit: the login (401 for the API), nothing shown."""
    _, visit, _ = await _visit(site)
    stranger = site.agent()
    assert (await stranger.get("/console/visits")).status == 303
    for path in ("/console/api/visits", f"/console/api/visits/{visit.id}"):
        answer = await stranger.get(path)
        assert answer.status == 401 and ADDRESS not in await answer.text()
    moved = await stranger.post(f"/console/visits/{visit.id}/status", {"status": "closed"}, json_reply=True)
    assert moved.status == 401
    await _unchanged(site, visit)


async def forged_dispatch_forms(site: ConsoleSite) -> None:
    """The chat's own operator sends dispatch forms no page offers: a district of another line, an unknown
    consent, "no" consent with a blank reason, an empty address, an unknown urgency: 422, no visit."""
    _, cid = await a_survivor_waits(site, "survivor-forms")
    psy = await logged_in(site, "psy-forms", teams=["psychologists"], helplines=[LINE])
    await psy.post(f"/console/c/{cid}/pick")
    good = {"district": "korostenskyi", "address": ADDRESS, "urgency": "soon", "consent": "yes"}
    for bad in (
        {"district": "north"},
        {"district": "../zhytomyrskyi"},
        {"consent": "maybe"},
        {"consent": "no", "reason": "   "},
        {"consent": "not_asked"},
        {"address": "   "},
        {"urgency": "yesterday"},
    ):
        answer = await psy.post(f"/console/c/{cid}/dispatch", {**good, **bad}, json_reply=True)
        assert answer.status == 422, bad
    assert await site.store.visits.of_conversation(cid) == []


async def forged_status_forms(site: ConsoleSite) -> None:
    """The district's brigade member sends status forms no page offers: a kind of help or outcome not on
    the line's lists, people helped negative, huge or not a number, a status that does not exist or a move
    the visit cannot make: refused, the visit as it was, no figure counts it."""
    _, visit, _ = await _visit(site)
    member = await logged_in(site, "kor-forms", teams=["brigades_korosten"], helplines=[LINE])
    path = f"/console/visits/{visit.id}/status"
    visited = {"status": "visited", "outcome": "helped", "help": "psychological_help", "people": "1"}
    for bad in (
        {"help": "admin"},
        {"outcome": "deleted"},
        {"outcome": ""},
        {"people": "-5"},
        {"people": "1000000000"},
        {"people": "two"},
        {"status": "archived"},
        {"status": "assigned"},
    ):
        answer = await member.post(path, {**visited, **bad}, json_reply=True)
        assert answer.status in (409, 422), bad
    await _unchanged(site, visit)
    assert await site.store.events.count_by("kind", helpline=LINE, kind="visit_status") == {}


async def address_only_on_the_card(site: ConsoleSite) -> None:
    """The address typed in the dispatch form is nowhere but the card of those the rule admits: not in the
    dispatcher's chat page or its JSON, not in the brigade's list, not in the person's chat, not in the
    stored document in clear."""
    cid, visit, psy = await _visit(site, "survivor-addr")
    for path in (f"/console/c/{cid}", f"/console/api/c/{cid}", "/console/queue", "/console/api/queue"):
        assert ADDRESS not in await (await psy.get(path)).text(), path
    member = await logged_in(site, "kor-addr", teams=["brigades_korosten"], helplines=[LINE])
    for path in ("/console/visits", "/console/api/visits"):
        assert ADDRESS not in await (await member.get(path)).text(), path
    assert ADDRESS in await (await member.get(f"/console/visits/{visit.id}")).text()
    assert visit.address is not None and ADDRESS not in visit.address


ATTACKS = [
    Attack(
        id="other-district-moves-visit-by-id",
        item="27.1",
        what="a brigade member of another district reads or moves a visit by its id: 404, nothing changes",
        run=other_district_moves_by_id,
    ),
    Attack(
        id="same-team-name-other-line",
        item="27.1",
        what="an operator or supervisor of another line, even one listing the brigade's team name, reads or "
        "moves a visit: nothing listed, 404",
        run=same_team_name_in_another_line,
    ),
    Attack(
        id="forged-visit-ids",
        item="27.1",
        what="forged visit ids (unknown, another line's, odd, long) to the card, its JSON and the status form: "
        "404, no 500, nothing moved",
        run=forged_ids,
    ),
    Attack(
        id="visit-status-without-csrf",
        item="27.2",
        what="a status change or a dispatch without the CSRF token, with a wrong one or from another site: "
        "403, nothing moved or made",
        run=missing_csrf,
    ),
    Attack(
        id="visits-logged-out",
        item="27.1",
        what="no session: the list, a card and the status form answer the login or 401, nothing shown or moved",
        run=logged_out,
    ),
    Attack(
        id="forged-dispatch-forms",
        item="27.3",
        what="dispatch forms no page offers (another line's district, no consent without a reason, unknown "
        "values): 422, no visit",
        run=forged_dispatch_forms,
    ),
    Attack(
        id="forged-status-forms",
        item="27.3",
        what="status forms no page offers (help or outcome off the lists, odd numbers of people, impossible "
        "moves): refused, nothing counted",
        run=forged_status_forms,
    ),
    Attack(
        id="address-only-on-the-card",
        item="27.4",
        what="look for the address typed in the dispatch everywhere but the admitted card (chat page and JSON, "
        "queue, the brigade's list, the stored document): not there",
        run=address_only_on_the_card,
    ),
]


@rows(ATTACKS)
async def test_dispatch(attack: Attack, any_site: ConsoleSite) -> None:
    await attack.run(any_site)
