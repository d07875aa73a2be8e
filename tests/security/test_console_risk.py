"""The risk panel's and the operator's marks' table of attacks (issue 21 item 3).

A mark turns a person's words into a labelled example that a helpline
exports, and "crisis" changes a chat's priority: so who may mark, which
message, and what the panel shows of a stranger's text are attacks on a
running vikno. Every row runs against a real vikno on a real socket
(crisis rules only, no model), on SQLite and on MongoDB (``any_site``).
"""

from __future__ import annotations

from html import unescape
from typing import Any

from tests.handoff.conftest import CRISIS_TEXT, Agent, ConsoleSite

from .table import Attack, rows

XSS = "<img src=x onerror=alert(1)><script>alert(2)</script>"


async def logged_in(site: ConsoleSite, login: str, **kw: Any) -> Agent:
    await site.operator(login, **kw)
    agent = site.agent("en")
    assert (await agent.log_in(login)).status == 303
    return agent


async def crisis_chat(
    site: ConsoleSite, key: str = "anna", text: str = CRISIS_TEXT, login: str = "olena", **kw: Any
) -> tuple[Agent, str, str]:
    """A person in crisis (the rules flag it), taken by an operator: (operator, conversation id, message id)."""
    await site.agent().say(key, text)
    op = await logged_in(site, login, **kw)
    resp = await op.post("/console/take-next", json_reply=True)
    assert resp.status == 200, await resp.text()
    cid = (await resp.json())["conversation_id"]
    (mid,) = [m.id for m in await site.store.messages.history(cid) if m.direction == "in" and m.text == text]
    return op, cid, mid


async def nothing_kept(site: ConsoleSite) -> None:
    assert await site.store.feedback.since() == []
    assert await site.store.events.count_by("kind", kind="risk_marked") == {}


async def mark_a_chat_of_another_team(site: ConsoleSite) -> None:
    _, cid, mid = await crisis_chat(site, teams=["social"])
    for login, teams in (("prot", ["protection"]), ("colleague", ["social"])):
        outsider = await logged_in(site, login, teams=teams)
        resp = await outsider.post(
            f"/console/c/{cid}/mark", {"message_id": mid, "label": "not_crisis"}, json_reply=True
        )
        assert resp.status == 403, await resp.text()
        assert (await outsider.get(f"/console/api/c/{cid}")).status == 403  # nor read why it was flagged
    await nothing_kept(site)


async def mark_another_persons_message_through_my_chat(site: ConsoleSite) -> None:
    """The message id names a message of another conversation: its words must not become my example."""
    op, cid, _ = await crisis_chat(site)
    await site.agent().say("stranger", "мої таємні слова")
    other = await site.conversation_id("stranger")
    (theirs,) = [m.id for m in await site.store.messages.history(other) if m.direction == "in"]
    resp = await op.post(f"/console/c/{cid}/mark", {"message_id": theirs, "label": "crisis"}, json_reply=True)
    assert resp.status == 404, await resp.text()
    await nothing_kept(site)


async def mark_without_the_form_token_or_from_another_site(site: ConsoleSite) -> None:
    op, cid, mid = await crisis_chat(site)
    for csrf in ("", "forged-token"):
        resp = await op.post(f"/console/c/{cid}/mark", {"message_id": mid, "label": "not_crisis"}, csrf=csrf)
        assert resp.status == 403
    resp = await op.post(
        f"/console/c/{cid}/mark", {"message_id": mid, "label": "not_crisis"}, headers={"Origin": "https://evil.example"}
    )
    assert resp.status == 403
    await nothing_kept(site)


async def markup_in_a_flagged_message(site: ConsoleSite) -> None:
    """The panel quotes the flagged message: a stranger's markup must stay text."""
    op, cid, mid = await crisis_chat(site, text=f"{CRISIS_TEXT} {XSS}")
    page = await (await op.get(f"/console/c/{cid}")).text()
    assert XSS not in page and "<script>alert(2)" not in page
    assert f"{CRISIS_TEXT} {XSS}" in unescape(page)  # shown, as text
    risk = (await (await op.get(f"/console/api/c/{cid}")).json())["risk"]
    assert risk["flags"][0]["message_id"] == mid and risk["flags"][0]["excerpt"] == f"{CRISIS_TEXT} {XSS}"


async def forged_in_danger_on_a_fresh_conversation(site: ConsoleSite) -> None:
    """Attack on issue 21, B1: a bare "safety:danger" on a new key is a crisis ("in danger" is never doubted),
    and the panel then said "no risk found". It must say the person pressed "in danger", and when."""
    answer = await site.agent().say("forger", button="safety:danger")
    assert answer["conversation"]["priority"] == "crisis"
    op = await logged_in(site, "olena")
    cid = (await (await op.post("/console/take-next", json_reply=True)).json())["conversation_id"]
    risk = (await (await op.get(f"/console/api/c/{cid}")).json())["risk"]
    assert (risk["level"], risk["level_label"]) == ("crisis", "Crisis")
    assert risk["danger"]["text"].startswith("The person pressed “I'm in danger now” at ")
    assert risk["danger"]["times"] == 1 and risk["check"] is None
    assert risk["danger"]["text"] in unescape(await (await op.get(f"/console/c/{cid}")).text())


ATTACKS = [
    Attack(
        "mark-a-chat-of-another-team",
        "21.3",
        "an operator of another team, or of the same team without the chat, marks a flagged message or reads "
        "the panel: 403, nothing kept",
        mark_a_chat_of_another_team,
    ),
    Attack(
        "mark-another-persons-message",
        "21.3",
        "an operator marks another conversation's message through their own chat's address: 404, its words "
        "never become an example",
        mark_another_persons_message_through_my_chat,
    ),
    Attack(
        "mark-without-csrf-or-cross-site",
        "21.3",
        "a mark without the form token, with a forged one, or from another site's page: 403, nothing kept",
        mark_without_the_form_token_or_from_another_site,
    ),
    Attack(
        "markup-in-a-flagged-message",
        "21.3",
        "a person's message with markup is flagged: the risk panel shows it as text, never as markup",
        markup_in_a_flagged_message,
    ),
    Attack(
        "forged-in-danger-without-a-question",
        "21.3",
        "a client sends the 'in danger' button on a conversation that was never asked: a crisis, and the "
        "panel says crisis because the person pressed 'in danger' (with the time), never 'no risk found'",
        forged_in_danger_on_a_fresh_conversation,
    ),
]


@rows(ATTACKS)
async def test_console_risk_attack(attack: Attack, any_site: ConsoleSite) -> None:
    await attack.run(any_site)
