"""MongoDB's indexes come back when the database is recreated under a running vikno (issue 20 item 18).

Before: indexes were made once per process, so after the database was
dropped a platform's retry was stored twice, and the next start failed on
``DuplicateKeyError: Index build failed``. Now the de-duplicating write
cannot succeed without its unique index (it is hinted at it), the indexes
are built again when it is missing, and an index build that fails stops
the start with one line saying what to do.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from vikno.bots.cli import main as cli_main
from vikno.storage.errors import ConfigurationError, Duplicate
from vikno.storage.models import Conversation, Message
from vikno.storage.mongo.store import MongoStore

from ..conftest import TEST_SECRET

pytestmark = pytest.mark.mongo


@pytest.fixture
async def database(mongo_uri: str) -> AsyncIterator[str]:
    name = f"vikno_test_{uuid.uuid4().hex[:12]}"
    yield name
    cleanup = MongoStore(mongo_uri, name, secret=TEST_SECRET)
    await cleanup.client.drop_database(name)
    await cleanup.close()


def inbound(platform_id: str, conversation_id: str = "c1", text: str = "привіт") -> Message:
    return Message(
        conversation_id=conversation_id,
        helpline="line1620",
        channel="telegram",
        direction="in",
        sender="user",
        text=text,
        platform_id=platform_id,
    )


async def _index_names(store: MongoStore) -> set[str]:
    return {ix["name"] async for ix in await store.db["messages"].list_indexes()}


async def test_a_database_dropped_under_a_running_store_still_refuses_a_duplicate(
    mongo_uri: str, database: str
) -> None:
    store = MongoStore(mongo_uri, database, secret=TEST_SECRET)
    await store.open()
    try:
        await store.messages.add_inbound(inbound("42:1"))
        await store.client.drop_database(database)  # an admin recreates the database; vikno runs on
        first, new = await store.messages.add_inbound(inbound("42:7"))
        again, new_again = await store.messages.add_inbound(inbound("42:7", text="the platform's retry"))
        assert new and not new_again and again.id == first.id
        assert await store.messages.count() == 1
        assert "dedup" in await _index_names(store)  # built again

        await store.client.drop_database(database)  # and through a whole turn (the engine's path)
        conv = await store.conversations.create(Conversation(helpline="line1620", channel="telegram", user_key="k"))
        await store.commit_turn(conv, inbound("42:9", conv.id), [], [])
        with pytest.raises(Duplicate):
            await store.commit_turn(conv, inbound("42:9", conv.id, "retry"), [], [])
        assert await store.messages.count(conv.id) == 1
    finally:
        await store.close()

    restarted = MongoStore(mongo_uri, database, secret=TEST_SECRET)  # and the next start works
    await restarted.open()
    await restarted.close()


async def _with_duplicates(mongo_uri: str, database: str) -> None:
    """A database written without its indexes: the same Telegram message twice."""
    raw = MongoStore(mongo_uri, database, secret=TEST_SECRET)
    for n in (1, 2):
        doc = {
            "_id": f"m{n}",
            "conversation_id": "c1",
            "helpline": "line1620",
            "channel": "telegram",
            "direction": "in",
            "sender": "user",
            "text": "привіт",
            "platform_id": "#" + "a" * 40,
        }
        await raw.db["messages"].insert_one(doc)
    await raw.db["meta"].insert_one({"_id": "schema", "version": MongoStore.schema_version})
    await raw.close()


async def test_an_index_build_that_fails_stops_the_start_with_what_to_do(mongo_uri: str, database: str) -> None:
    await _with_duplicates(mongo_uri, database)
    store = MongoStore(mongo_uri, database, secret=TEST_SECRET)
    try:
        with pytest.raises(ConfigurationError) as caught:
            await store.open()
    finally:
        await store.close()
    why = str(caught.value)
    assert "duplicates" in why and "remove the duplicate documents of messages" in why and "\n" not in why


def test_vikno_says_it_in_one_line(
    mongo_uri: str, database: str, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    import asyncio

    asyncio.run(_with_duplicates(mongo_uri, database))
    for name, value in {
        "MONGODB_URI": mongo_uri,
        "VIKNO_MONGODB_DATABASE": database,
        "VIKNO_SECRET_KEY": TEST_SECRET.decode(),
        "VIKNO_DATA_DIR": str(tmp_path / "data"),
        "VIKNO_NLU": "none",
    }.items():
        monkeypatch.setenv(name, value)
    assert cli_main(["store", "migrate"]) == 2
    where, *err = capsys.readouterr().err.strip().splitlines()
    assert where.startswith("vikno: data folder ") and "store: MongoDB" in where  # every command says this first
    assert len(err) == 1 and "duplicates" in err[0] and "start vikno again" in err[0], err
