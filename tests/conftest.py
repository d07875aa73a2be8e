"""Fixtures shared by the whole suite.

``any_store`` runs a test against both adapters: SQLite in a temporary
folder, and MongoDB through the real driver over TCP, against the mongoeco
wire-protocol server (started once per session on a free port, a fresh
database per test) or against the real MongoDB named by ``MONGODB_URI``.

Operators' passwords are hashed at argon2id's lowest cost in the tests' own
processes (``cheap_password_hashing``); the models of the shipped data are
trained once per run (tests/models.py).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from vikno.handoff import accounts, passwords
from vikno.nlu.builtin import BuiltinNLU, shipped_data_dir
from vikno.nlu.classifier import IntentClassifier
from vikno.nlu.crisis_model import CrisisModel, remember_crisis_model, train_crisis_model
from vikno.nlu.risk import RiskTriage
from vikno.storage.mongo.store import MongoStore
from vikno.storage.port import Store
from vikno.storage.sqlite.store import SqliteStore

from tests.models import TrainedFile, data_hash, run_folder, trained_by_the_command, trained_once

#: The secret key of stores made by tests (platform ids are stored keyed-hashed with it).
TEST_SECRET = b"the tests' own secret, never a real one"

#: argon2id at the lowest cost the library accepts: one pass over 8 KiB in one lane.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[PasswordHasher]:
    """Operators' passwords hashed and checked by real argon2id at its lowest cost in the tests' own process.

    vikno hashes at the library's defaults (handoff/passwords.py: 64 MiB, three passes, four lanes), some 0.2 s of
    CPU a hash or a check, deliberately. The suite makes hundreds: every console test creates operators and logs
    them in, the attacks guess by the dozen (tests/security, tests/flows and tests/storage alone: 335, 82 s of
    CPU). What the tests check (who gets in, what is counted, refused and locked out) is the same at any cost,
    and no test times anything. The ``vikno`` processes that tests start still hash at the defaults, and
    tests/handoff/test_passwords.py checks that the defaults are what ships. Yields the shipped hasher.
    """
    shipped = passwords._hasher
    dummy = CHEAP_HASHER.hash("not-a-real-password-0f9e8d7c")  # an unknown login costs what a known one does
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", CHEAP_HASHER)
        patch.setattr(passwords, "DUMMY_HASH", dummy)
        patch.setattr(accounts, "DUMMY_HASH", dummy)
        yield shipped


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
def shipped_intents_file(tmp_path_factory: pytest.TempPathFactory) -> TrainedFile:
    """The intent model of the shipped data as ``vikno nlu train`` makes it, and what the command said.

    Trained once per test run for every worker (tests/models.py): some twenty seconds that several files
    used to spend each. The command's defaults are ``vikno serve``'s (``train_model`` at ``CATCH_DEFAULT``); it
    is the trainer so that tests/nlu/test_cli.py checks what it prints without training the same model again.
    """
    data = shipped_data_dir()
    return trained_by_the_command(run_folder(tmp_path_factory), f"intents-{data_hash(data)}.pkl")


@pytest.fixture(scope="session")
def shipped_intents(shipped_intents_file: TrainedFile) -> IntentClassifier:
    """The intent model ``vikno serve`` trains on the shipped data (default settings), loaded from its file."""
    return IntentClassifier.load(shipped_intents_file.path)


@pytest.fixture(scope="session")
def shipped_crisis_model(tmp_path_factory: pytest.TempPathFactory) -> CrisisModel:
    """The learned crisis model trained on the shipped corpus, loaded from its file (trained once per run).

    It is also remembered for this process as ``load_or_train_crisis_model`` remembers the one it trains, so
    code under test that asks for the shipped corpus's model gets this one, as it would in ``vikno serve``.
    """
    data = shipped_data_dir()

    def train(path: Path) -> None:
        model = train_crisis_model(data)
        assert model is not None, "the shipped data has a crisis corpus"
        model.save(path)

    model = trained_once(run_folder(tmp_path_factory), f"crisis-{data_hash(data)}.pkl", train, CrisisModel.load)
    remember_crisis_model(data, model)
    return model


@pytest.fixture(scope="session")
def shipped_nlu(shipped_intents: IntentClassifier, shipped_crisis_model: CrisisModel) -> BuiltinNLU:
    """The built-in NLU as ``vikno serve`` builds it from the shipped data: intents and the learned crisis model.

    So that end-to-end tests can prove the whole chain with the real model, not a scripted one.
    """
    return BuiltinNLU(shipped_intents, RiskTriage(model=shipped_crisis_model))
