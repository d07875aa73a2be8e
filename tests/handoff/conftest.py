"""A real vikno application with the operator console, and people to use it.

``console_server`` runs build_app (embedded store, no NLU model: crisis rules
only) plus setup_console on a real socket. ``Agent`` is one browser-less
client with its own cookie jar: an operator who logs in, or a person
writing through the REST channel.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from vikno.bots.app import build_app
from vikno.bots.config import ConsoleSettings, load_settings
from vikno.bots.keys import ENGINE, HANDOFF, STORE
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.handoff.accounts import create_operator
from vikno.handoff.console import setup_console
from vikno.storage.models import Operator, utcnow
from vikno.storage.port import Store

PASSWORD = "correct horse battery"
CRISIS_TEXT = "не хочу більше жити"
_HIDDEN_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]*)"')


def console_app(data_dir: Path, console: dict[str, Any] | None = None, **env: str) -> web.Application:
    """build_app plus the console; ``console`` holds setup_console's keyword arguments."""
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(data_dir), "VIKNO_NLU": "none", **env})
    if console:  # build_app mounts the console with the settings' release timing
        settings = settings.model_copy(update={"console": ConsoleSettings(**console)})
    app = build_app(settings, load_helplines(shipped_helpline_folders()))
    setup_console(app)  # harmless: build_app did it already
    return app


class Agent:
    """One client with its own cookies (one operator, or one person on REST).

    ``lang`` is sent as Accept-Language on every request; without it the
    console answers in its default language (Ukrainian).
    """

    def __init__(self, base: str, lang: str | None = None, tokens: dict[str, str] | None = None) -> None:
        self.base = base.rstrip("/")
        headers = {"Accept-Language": lang} if lang else None
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), headers=headers)
        self.csrf = ""
        #: REST conversation key -> the token its first answer carried (shared by a site's agents)
        self.tokens = {} if tokens is None else tokens

    async def close(self) -> None:
        await self.http.close()

    def url(self, path: str) -> str:
        return self.base + path

    async def get(self, path: str, **kw: Any) -> aiohttp.ClientResponse:
        return await self.http.get(self.url(path), allow_redirects=False, **kw)

    async def post(
        self,
        path: str,
        data: dict[str, str] | None = None,
        *,
        csrf: str | None = None,
        json_reply: bool = False,
        headers: dict[str, str] | None = None,
        **kw: Any,
    ) -> aiohttp.ClientResponse:
        form = dict(data or {})
        form.setdefault("csrf", self.csrf if csrf is None else csrf)
        if csrf == "":
            form.pop("csrf")
        headers = {**({"Accept": "application/json"} if json_reply else {}), **(headers or {})}
        return await self.http.post(self.url(path), data=form, headers=headers, allow_redirects=False, **kw)

    async def log_in(self, login: str, password: str = PASSWORD) -> aiohttp.ClientResponse:
        page = await (await self.get("/console/login")).text()
        token = _HIDDEN_CSRF.search(page)
        assert token, page
        resp = await self.http.post(
            self.url("/console/login"),
            allow_redirects=False,
            data={"csrf": token.group(1), "login": login, "password": password},
        )
        if resp.status == 303:
            queue = await (await self.get("/console/queue")).text()
            found = _META_CSRF.search(queue)
            assert found
            self.csrf = found.group(1)
        return resp

    async def queue(self) -> dict[str, Any]:
        resp = await self.get("/console/api/queue")
        assert resp.status == 200, await resp.text()
        return await resp.json()

    # --- a person on the REST channel -------------------------------------------

    async def say(self, key: str, text: str | None = None, button: str | None = None) -> dict[str, Any]:
        body = {"text": text} if text is not None else {"button": button}
        resp = await self.http.post(
            self.url(f"/api/v1/conversations/{key}/messages"), json=body, headers=self.rest_headers(key)
        )
        assert resp.status == 200, await resp.text()
        answer = await resp.json()
        if "token" in answer:
            self.tokens[key] = answer["token"]
        return answer

    async def history(self, key: str) -> list[dict[str, Any]]:
        resp = await self.http.get(self.url(f"/api/v1/conversations/{key}"), headers=self.rest_headers(key))
        assert resp.status == 200, await resp.text()
        return (await resp.json())["messages"]

    def rest_headers(self, key: str) -> dict[str, str]:
        """The REST channel's credential: the token of the conversation's first answer."""
        token = self.tokens.get(key)
        return {"Authorization": f"Bearer {token}"} if token else {}


class ConsoleSite:
    def __init__(self, server: TestServer) -> None:
        self.server = server
        self.app = server.app
        self.base = str(server.make_url("/")).rstrip("/")
        self.agents: list[Agent] = []
        self.tokens: dict[str, str] = {}

    @property
    def store(self) -> Store:
        return self.app[STORE]

    @property
    def handoff(self) -> Any:
        return self.app[HANDOFF]

    def agent(self, lang: str | None = None) -> Agent:
        agent = Agent(self.base, lang, self.tokens)
        self.agents.append(agent)
        return agent

    async def operator(self, login: str, *, online: bool = True, **kw: Any) -> Operator:
        o = await create_operator(self.store, login, PASSWORD, **kw)
        if online:  # and the console open: seen just now
            o.presence, o.last_seen_at = "online", utcnow()
            o = await self.store.operators.save(o)
        return o

    async def conversation_id(self, key: str) -> str:
        conv = await self.store.conversations.find_by_user(
            "community-1620", "rest", self.app[ENGINE].vault.user_key("rest", key)
        )
        assert conv is not None
        return conv.id


@contextlib.asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[ConsoleSite]:
    """``app`` on a real socket as a ConsoleSite; its agents and the server are closed afterwards."""
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    s = ConsoleSite(server)
    try:
        yield s
    finally:
        for agent in s.agents:
            await agent.close()
        await server.close()


def app_store(any_store: Store, request: pytest.FixtureRequest) -> Store:
    """The store to hand an app: the app closes its store when it stops, so a MongoDB test gets the app its
    own client on the same database (the fixture's client must stay open to drop it)."""
    from vikno.storage.mongo.store import MongoStore

    from tests.conftest import TEST_SECRET

    if isinstance(any_store, MongoStore):
        return MongoStore(request.getfixturevalue("mongo_uri"), any_store.db.name, secret=TEST_SECRET)
    return any_store


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[ConsoleSite]:
    async with serving(console_app(tmp_path / "data")) as s:
        yield s
