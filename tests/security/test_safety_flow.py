"""The safety flow's table of attacks (the outside attack after issue 21).

A7: a crisis written to an operator left the conversation's priority and
team as they were, so when the operator went offline the stated plan came
back as an ordinary request of one team, at the bottom of the queue. A3b:
"cancel waiting", the only button shown after a typed "ні", took a flagged
conversation out of the queue altogether. Every row runs against a real
vikno on a real socket (crisis rules only, no model), on SQLite and on
MongoDB (``any_site``). The typed answers and the further risk signal need
the learned model's "check" level: their rows are in
tests/bots/test_risk_e2e.py, which runs the shipped model.
"""

from __future__ import annotations

from tests.handoff.conftest import CRISIS_TEXT, ConsoleSite

from .table import Attack, rows

SUBSIDY = "Доброго дня, як оформити субсидію на оплату комуналки?"  # a topic of the social team


async def crisis_told_to_an_operator_who_leaves(site: ConsoleSite) -> None:
    await site.operator("social", teams=["social"])
    person = site.agent()
    await person.say("anna", SUBSIDY)
    await person.say("anna", button="person")
    op = site.agent()
    assert (await op.log_in("social")).status == 303
    taken = await op.post("/console/take-next", json_reply=True)
    assert taken.status == 200, await taken.text()
    cid = (await taken.json())["conversation_id"]
    await person.say("later", CRISIS_TEXT)  # another crisis waits meanwhile
    answer = await person.say("anna", CRISIS_TEXT)
    (reply,) = answer["replies"]
    assert reply["text"].index("☎ 112") < reply["text"].index("Фахівець, з яким ви листуєтеся")
    assert "кличу фахівця" not in reply["text"]
    assert (await op.post("/console/presence", {"presence": "offline"}, json_reply=True)).status == 200
    conv = await site.store.conversations.get(cid)
    assert conv is not None and (conv.state, conv.priority, conv.team) == ("waiting", "crisis", None)
    # every team sees it, and it is the first to be taken
    await site.operator("protector", teams=["protection"])
    other = site.agent()
    assert (await other.log_in("protector")).status == 303
    assert [c["id"] for c in (await other.queue())["queue"]][0] == cid
    again = await other.post("/console/take-next", json_reply=True)
    assert again.status == 200 and (await again.json())["conversation_id"] == cid


async def cancel_waiting_on_a_crisis(site: ConsoleSite) -> None:
    await site.operator("olena")
    person = site.agent()
    first = await person.say("anna", CRISIS_TEXT)
    assert all(b["payload"] != "cancel_waiting" for r in first["replies"] for b in r["buttons"])
    for _ in range(2):  # pressed from an old message, or forged: the place is kept
        answer = await person.say("anna", button="cancel_waiting")
        (reply,) = answer["replies"]
        assert "фахівець обовʼязково прочитає" in reply["text"] and "☎ 112" in reply["text"]
        conv = answer["conversation"]
        assert (conv["state"], conv["priority"], conv["queue_position"]) == ("waiting", "crisis", 1)
    assert await site.store.events.count_by("kind", kind="handoff_cancelled") == {}


ATTACKS = [
    Attack(
        id="crisis-told-to-an-operator-who-leaves",
        item="21.A7",
        what="a request of the social team is taken, the person then writes a crisis and the operator goes "
        "offline: the numbers at once (no 'calling a specialist'), and the chat comes back as a crisis "
        "for every team, first in the queue",
        run=crisis_told_to_an_operator_who_leaves,
    ),
    Attack(
        id="cancel-waiting-on-a-crisis",
        item="21.A3b",
        what="'cancel waiting' is not offered to a crisis, and the payload sent anyway keeps its place at the "
        "top of the queue, with a kind word and the numbers",
        run=cancel_waiting_on_a_crisis,
    ),
]


@rows(ATTACKS)
async def test_safety_flow_attack(attack: Attack, any_site: ConsoleSite) -> None:
    await attack.run(any_site)
