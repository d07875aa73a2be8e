"""The table of attacks on privacy and storage (issue 20 items 1, 4, 17).

Each row runs against a real vikno (REST, web chat socket and console on a
real socket) on both storage adapters.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from vikno.bots.keys import ENGINE, STORE

from tests.handoff.conftest import ConsoleSite
from tests.security.table import Attack, rows

NOTE = "suspect is the stepfather, police informed"
REPLY = "Добрий день, я поруч."


async def _frame(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    msg = await ws.receive(timeout=10)
    assert msg.type == aiohttp.WSMsgType.TEXT, (msg.type, msg.data)
    return json.loads(msg.data)


async def _hello(
    http: aiohttp.ClientSession, site: ConsoleSite, key: str | None
) -> tuple[aiohttp.ClientWebSocketResponse, dict[str, Any]]:
    ws = await http.ws_connect(site.base + "/chat/ws")
    await ws.send_json({"type": "hello", "key": key, "lang": "uk", "helpline": None, "last_seen": None})
    welcome = await _frame(ws)
    assert welcome["type"] == "welcome", welcome
    return ws, welcome


async def _operator_holding(site: ConsoleSite, login: str = "olena") -> Any:
    await site.operator(login)
    op = site.agent()
    assert (await op.log_in(login)).status == 303
    resp = await op.post("/console/take-next", json_reply=True)
    assert resp.status == 200, await resp.text()
    return op, (await resp.json())["conversation_id"]


async def note_after_webchat_reconnect(site: ConsoleSite) -> None:
    """A child on the web chat asks for a person; the operator writes an internal note and
    replies; neither the live socket nor the history on reconnect carries the note."""
    async with aiohttp.ClientSession() as http:
        ws, welcome = await _hello(http, site, None)
        key = welcome["key"]
        await ws.send_json({"type": "button", "id": "b1", "payload": "person"})
        while (await _frame(ws))["type"] != "conversation":
            pass
        op, cid = await _operator_holding(site)
        assert (await op.post(f"/console/c/{cid}/note", {"text": NOTE})).status == 303
        assert (await op.post(f"/console/c/{cid}/reply", {"text": REPLY})).status == 303
        live = []
        while True:  # everything the socket is sent up to the operator's reply, in order
            frame = await _frame(ws)
            live.append(frame)
            if frame["type"] == "operator_message" and frame["message"]["text"] == REPLY:
                break
        assert NOTE not in json.dumps(live, ensure_ascii=False)
        await ws.close()
        ws2, again = await _hello(http, site, key)
        await ws2.close()
    texts = [m.get("text") for m in again["history"]]
    assert REPLY in texts  # the history is there...
    assert NOTE not in json.dumps(again, ensure_ascii=False)  # ...without the note
    assert all(m["direction"] in ("in", "out") for m in again["history"])
    # the console still shows it to staff
    chat = await (await op.get(f"/console/api/c/{cid}")).json()
    assert NOTE in [m["text"] for m in chat["messages"]]


async def note_in_rest_history(site: ConsoleSite) -> None:
    """An app resumes a REST conversation after an operator's note: GET never shows the
    note, and ``limit`` counts only what the person may see."""
    person = site.agent()
    await person.say("anna-app-1", button="person")
    op, cid = await _operator_holding(site)
    assert (await op.post(f"/console/c/{cid}/reply", {"text": REPLY})).status == 303
    for n in range(3):
        assert (await op.post(f"/console/c/{cid}/note", {"text": f"{NOTE} {n}"})).status == 303
    resp = await person.http.get(
        person.url("/api/v1/conversations/anna-app-1?limit=1"), headers=person.rest_headers("anna-app-1")
    )
    body = await resp.text()
    assert resp.status == 200 and NOTE not in body
    assert [m["text"] for m in json.loads(body)["messages"]] == [REPLY]
    assert NOTE not in json.dumps(await person.history("anna-app-1"), ensure_ascii=False)


async def note_never_in_the_persons_history_query(site: ConsoleSite) -> None:
    """A new channel that reads a person's history through the engine cannot get a note
    by forgetting a filter: the port's person-history leaves notes out."""
    person = site.agent()
    await person.say("anna-app-2", button="person")
    op, cid = await _operator_holding(site)
    assert (await op.post(f"/console/c/{cid}/note", {"text": NOTE})).status == 303
    engine, store = site.app[ENGINE], site.app[STORE]
    conv = await store.conversations.get(cid)
    assert NOTE not in [m.text for m in await engine.history(conv)]
    assert NOTE not in [m.text for m in await store.messages.history(cid)]
    assert NOTE not in [m.text for m in await store.messages.history(cid, 1)]
    assert NOTE in [m.text for m in await store.messages.history(cid, include_notes=True)]


async def _probe(http: aiohttp.ClientSession, site: ConsoleSite, key: str, last_seen: int) -> tuple[bool, bool, int]:
    ws = await http.ws_connect(site.base + "/chat/ws")
    await ws.send_json({"type": "hello", "key": key, "lang": "uk", "helpline": None, "last_seen": last_seen})
    welcome = await _frame(ws)
    await ws.close()
    assert welcome["type"] == "welcome", welcome
    return welcome["reset"], welcome["complete"], len(welcome["history"])


async def note_count_by_last_seen(site: ConsoleSite) -> None:
    """The person (or anyone with their key) probes ``last_seen`` on reconnect: which values
    reset, how much history comes back. Notes written meanwhile must change none of it, or
    the probe counts the notes and sees when one is written (attack report finding B6)."""
    async with aiohttp.ClientSession() as http:
        ws, welcome = await _hello(http, site, None)
        key = welcome["key"]
        await ws.send_json({"type": "button", "id": "b1", "payload": "person"})
        while (await _frame(ws))["type"] != "conversation":
            pass
        await ws.close()
        op, cid = await _operator_holding(site)
        assert (await op.post(f"/console/c/{cid}/reply", {"text": REPLY})).status == 303
        _, full = await _hello(http, site, key)
        visible = len(full["history"])
        probes = range(visible + 6)
        before = [await _probe(http, site, key, n) for n in probes]
        assert before[visible][0] is False and before[visible + 1][0] is True  # the edge is what the person sees
        for n in range(4):
            assert (await op.post(f"/console/c/{cid}/note", {"text": f"{NOTE} {n}"})).status == 303
        after = [await _probe(http, site, key, n) for n in probes]
    assert after == before


ATTACKS = [
    Attack(
        id="note-on-webchat-reconnect",
        item="20.1",
        run=note_after_webchat_reconnect,
        what="an operator's internal note reaches the person's web chat live or on reconnect",
    ),
    Attack(
        id="note-in-rest-get",
        item="20.1",
        run=note_in_rest_history,
        what="REST GET of a conversation returns the operators' internal notes",
    ),
    Attack(
        id="note-in-person-history",
        item="20.1",
        run=note_never_in_the_persons_history_query,
        what="the person's history query of the storage port returns notes unless a channel filters them",
    ),
    Attack(
        id="note-count-by-last-seen",
        item="20.1",
        run=note_count_by_last_seen,
        what="probing the web chat's hello.last_seen tells how many internal notes exist and when one is written",
    ),
]


@rows(ATTACKS)
async def test_privacy(attack: Attack, any_site: ConsoleSite) -> None:
    await attack.run(any_site)
