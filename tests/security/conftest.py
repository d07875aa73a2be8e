"""A real vikno (channels and console) on a real socket, on either storage adapter.

``any_site`` is the console test site of ``tests/handoff`` built on the
``any_store`` of the root conftest, so storage-related attacks run against
SQLite and MongoDB alike.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from vikno.bots.app import build_app
from vikno.bots.config import load_settings
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.storage.port import Store

from tests.handoff.conftest import ConsoleSite, app_store, serving


@pytest.fixture
async def any_site(tmp_path: Path, any_store: Store, request: pytest.FixtureRequest) -> AsyncIterator[ConsoleSite]:
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none"})
    app = build_app(settings, load_helplines(shipped_helpline_folders()), store=app_store(any_store, request))
    async with serving(app) as site:
        yield site
