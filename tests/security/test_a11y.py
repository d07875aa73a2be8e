"""The table of attacks on who-is-writing (issue 24, outside review item 2).

A person in the web chat is passed from one specialist to another through the
console on a real socket, on both storage adapters: the live socket and the
history a reconnect brings must say that someone else now reads (a join line
for each specialist, each specialist's words under their own label where the
helpline shows names) and must carry neither an operator's login nor the note
left for the colleague.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from vikno.bots.app import build_app
from vikno.bots.config import load_settings
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.storage.port import Store

from tests.handoff.conftest import ConsoleSite, app_store, serving
from tests.security.table import Attack, rows
from tests.security.test_privacy import _frame, _hello

NOTE = "she asked for a woman; the stepfather is at home"
OLENA_SAYS = "Добрий день, я Олена, я поруч."
PETRO_SAYS = "Добрий день, мене звати Петро."
LOGINS = ("olena.k", "petro.v", "night.shift")


async def _taking(site: ConsoleSite, login: str, **kw: Any) -> Any:
    await site.operator(login, **kw)
    agent = site.agent()
    assert (await agent.log_in(login)).status == 303
    return agent


async def _until(ws: aiohttp.ClientWebSocketResponse, text: str, into: list[dict[str, Any]]) -> None:
    while True:
        frame = await _frame(ws)
        into.append(frame)
        if frame.get("message", {}).get("text") == text:
            return


async def passed_on_in_the_webchat(site: ConsoleSite) -> None:
    """Olena (shown by name) takes the chat, writes a note for her colleague and passes it to another team;
    Petro takes it from the queue and writes; then it goes straight to a colleague without a display name,
    who then goes offline. Live and on reconnect: each one's join line, Olena's and Petro's words under their
    own names, the colleague joined as "a specialist", the chat back in the queue said so; no login, no note."""
    olena = await _taking(site, "olena.k", display_name="Олена", teams=["social"])
    petro = await _taking(site, "petro.v", display_name="Петро", teams=["protection"])
    await _taking(site, "night.shift", teams=["protection"])  # no display name: the login is shown nowhere
    async with aiohttp.ClientSession() as http:
        ws, welcome = await _hello(http, site, None)
        await ws.send_json({"type": "button", "id": "b1", "payload": "person"})
        while (await _frame(ws))["type"] != "conversation":
            pass
        taken = await olena.post("/console/take-next", json_reply=True)
        assert taken.status == 200, await taken.text()
        cid = (await taken.json())["conversation_id"]
        assert (await olena.post(f"/console/c/{cid}/reply", {"text": OLENA_SAYS})).status == 303
        moved = await olena.post(f"/console/c/{cid}/transfer", {"target": "team:protection", "note": NOTE})
        assert moved.status == 303, await moved.text()
        assert (await petro.post(f"/console/c/{cid}/pick", json_reply=True)).status == 200
        assert (await petro.post(f"/console/c/{cid}/reply", {"text": PETRO_SAYS})).status == 303
        night_id = (await site.store.operators.by_login("night.shift")).id  # type: ignore[union-attr]
        moved = await petro.post(f"/console/c/{cid}/transfer", {"target": f"operator:{night_id}"})
        assert moved.status == 303, await moved.text()
        await site.handoff.set_presence(await site.store.operators.get(night_id), "offline")
        live: list[dict[str, Any]] = []
        await _until(
            ws, "Фахівець вийшов із розмови. Ви знову в черзі: вам відповість наступний вільний фахівець.", live
        )
        await ws.close()
        ws2, again = await _hello(http, site, welcome["key"])
        await ws2.close()
    said = [m for m in (f["message"] for f in live if "message" in f) if m["direction"] == "out"]
    for shown in (said, again["history"]):
        people = [(m["sender"], m["text"], m.get("name")) for m in shown if m["sender"] in ("operator", "system")]
        assert people == [
            ("system", "До розмови приєднався фахівець: Олена.", None),
            ("operator", OLENA_SAYS, "Олена"),
            ("system", "Фахівець передає розмову колезі. Зачекайте, будь ласка: вам відповість інший фахівець.", None),
            ("system", "До розмови приєднався фахівець: Петро.", None),
            ("operator", PETRO_SAYS, "Петро"),
            ("system", "Фахівець передає розмову колезі. Зачекайте, будь ласка: вам відповість інший фахівець.", None),
            ("system", "До розмови приєднався фахівець.", None),
            (
                "system",
                "Фахівець вийшов із розмови. Ви знову в черзі: вам відповість наступний вільний фахівець.",
                None,
            ),
        ], shown
    everything = json.dumps([live, again], ensure_ascii=False)
    assert NOTE not in everything
    assert not [login for login in LOGINS if login in everything]


ATTACKS = [
    Attack(
        id="passed-on-webchat-names-no-login",
        item="24.2",
        run=passed_on_in_the_webchat,
        what="a chat passed between specialists reaches the person's web chat (live or on reconnect) without "
        "a join line for the new one, with every specialist labelled alike, or with a login or the note",
    ),
]


@pytest.fixture
async def named_site(tmp_path: Path, any_store: Store, request: pytest.FixtureRequest) -> AsyncIterator[ConsoleSite]:
    """``any_site`` of a helpline that shows specialists by name (helpline.yml ``specialist_label: name``)."""
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none"})
    helplines = load_helplines(shipped_helpline_folders())
    for line in helplines.values():
        line.settings = line.settings.model_copy(update={"specialist_label": "name"})
    async with serving(build_app(settings, helplines, store=app_store(any_store, request))) as site:
        yield site


@rows(ATTACKS)
async def test_who_writes(attack: Attack, named_site: ConsoleSite) -> None:
    await attack.run(named_site)
