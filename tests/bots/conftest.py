"""A real vikno aiohttp application on a real socket, on the embedded store; the shipped NLU, trained once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from vikno.bots.app import build_app
from vikno.bots.config import load_settings
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.nlu.builtin import BuiltinNLU, shipped_data_dir, train_model
from vikno.nlu.crisis_model import load_or_train_crisis_model
from vikno.nlu.risk import RiskTriage


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient]:
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none"})
    app = build_app(settings, load_helplines(shipped_helpline_folders()))
    async with TestClient(TestServer(app)) as c:
        yield c


@pytest.fixture(scope="session")
def shipped_nlu() -> BuiltinNLU:
    """The built-in NLU as ``vikno serve`` builds it from the shipped data: intents and the learned crisis model.

    Trained once per test session (some ten seconds), so that end-to-end
    tests can prove the whole chain with the real model, not a scripted one.
    """
    return BuiltinNLU(train_model(), RiskTriage(model=load_or_train_crisis_model(None, shipped_data_dir())))
