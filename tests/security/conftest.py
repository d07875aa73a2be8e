"""A real vikno (channels and console) on a real socket, on either storage adapter.

``any_site`` is the console test site of ``tests/handoff`` built on the
``any_store`` of the root conftest, so storage-related attacks run against
SQLite and MongoDB alike.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from vikno.bots.app import build_app
from vikno.bots.config import load_settings
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.storage.mongo.store import MongoStore
from vikno.storage.port import Store

from tests.conftest import TEST_SECRET
from tests.handoff.conftest import ConsoleSite


@pytest.fixture
async def any_site(tmp_path: Path, any_store: Store, request: pytest.FixtureRequest) -> AsyncIterator[ConsoleSite]:
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none"})
    store = any_store
    if isinstance(any_store, MongoStore):
        # the app closes its store when it stops; the fixture's client must stay open to drop the database
        store = MongoStore(request.getfixturevalue("mongo_uri"), any_store.db.name, secret=TEST_SECRET)
    app = build_app(settings, load_helplines(shipped_helpline_folders()), store=store)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    site = ConsoleSite(server)
    try:
        yield site
    finally:
        for agent in site.agents:
            await agent.close()
        await server.close()
