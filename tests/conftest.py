"""Fixtures shared by the whole suite.

``any_store`` runs a test against both adapters: SQLite in a temporary
folder, and MongoDB through the real driver over TCP, against the mongoeco
wire-protocol server (started once per session on a free port, a fresh
database per test) or against the real MongoDB named by ``MONGODB_URI``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from vikno.nlu.builtin import BuiltinNLU, shipped_data_dir, train_model
from vikno.nlu.crisis_model import load_or_train_crisis_model
from vikno.nlu.risk import RiskTriage
from vikno.storage.mongo.store import MongoStore
from vikno.storage.port import Store
from vikno.storage.sqlite.store import SqliteStore

#: The secret key of stores made by tests (platform ids are stored keyed-hashed with it).
TEST_SECRET = b"the tests' own secret, never a real one"


@pytest.fixture(scope="session")
def mongo_uri() -> Iterator[str]:
    real = os.environ.get("MONGODB_URI")
    if real:
        yield real
        return
    from vikno.storage.mongo.testserver import MongoTestServer

    server = MongoTestServer()
    uri = server.start()
    yield uri
    server.stop()


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    store = SqliteStore(tmp_path / "data")
    await store.open()
    yield store
    await store.close()


@pytest.fixture
async def mongo_store(mongo_uri: str) -> AsyncIterator[MongoStore]:
    name = f"vikno_test_{uuid.uuid4().hex[:12]}"
    store = MongoStore(mongo_uri, name, secret=TEST_SECRET)
    await store.open()
    yield store
    await store.close()  # the app under test may have closed it already
    cleanup = MongoStore(mongo_uri, name, secret=TEST_SECRET)
    await cleanup.client.drop_database(name)
    await cleanup.close()


@pytest.fixture(params=["sqlite", pytest.param("mongo", marks=pytest.mark.mongo)])
def any_store(request: pytest.FixtureRequest) -> Store:
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture
async def other(any_store: Store, request: pytest.FixtureRequest) -> AsyncIterator[Store]:
    """A second store instance on ``any_store``'s data, as a second vikno process would open it."""
    if isinstance(any_store, SqliteStore):
        second: Store = SqliteStore(any_store.path.parent, writer="thread")
    else:
        assert isinstance(any_store, MongoStore)
        second = MongoStore(request.getfixturevalue("mongo_uri"), any_store.db.name, secret=TEST_SECRET)
    await second.open()
    yield second
    await second.close()


@pytest.fixture(scope="session")
def shipped_nlu() -> BuiltinNLU:
    """The built-in NLU as ``vikno serve`` builds it from the shipped data: intents and the learned crisis model.

    Trained once per test session (some ten seconds), so that end-to-end
    tests can prove the whole chain with the real model, not a scripted one.
    """
    return BuiltinNLU(train_model(), RiskTriage(model=load_or_train_crisis_model(None, shipped_data_dir())))
