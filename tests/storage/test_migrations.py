"""Platform ids are stored only as keyed hashes, and versioned migrations get old databases there
(issue 20 item 4), on both adapters.

``fixtures/schema1.sqlite3`` was written by vikno before versioned migrations
(tests/storage/fixtures/README.md): Telegram, web chat, REST and Viber
messages with their platform ids in clear, and a note. The MongoDB database
of that time is rebuilt here with the documents that code wrote (its
``message_doc``, field for field), through the raw driver.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from dataclasses import asdict
from pathlib import Path

import pytest

from vikno.bots.cli import main as cli_main
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.flows.engine import Engine
from vikno.flows.messages import Inbound
from vikno.flows.renamed_lines import move_renamed_lines
from vikno.storage.errors import ConfigurationError
from vikno.storage.identity import HASHED_PLATFORM_ID, IdentityVault, PlatformIds
from vikno.storage.models import Conversation, Message
from vikno.storage.mongo.store import MongoStore
from vikno.storage.port import Store
from vikno.storage.sqlite.store import FILENAME, SqliteStore

FIXTURE = Path(__file__).parent / "fixtures" / "schema1.sqlite3"
#: The secret the fixture's conversations were made with (their user keys; platform ids were clear then).
FIXTURE_SECRET = b"fixture secret, not a real one"
WEBCHAT_KEY = "Qm9Yb3hLZXlGb3JUZXN0czEyMw"
#: What the fixture holds in clear: a Telegram chat id, the web chat key, the REST key.
CLEAR = ["380501234567", WEBCHAT_KEY, "app-key-secret-7", "4912661846655238145", "4382bfdwdsb323b2d9"]
RETRY = Inbound(channel="telegram", user_id="380501234567", text="привіт", platform_id="380501234567:17")


def _engine(store: Store) -> Engine:
    return Engine(store, IdentityVault(FIXTURE_SECRET), load_helplines(shipped_helpline_folders()))


def _sqlite_platform_ids(path: Path) -> dict[str, str | None]:
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT id, platform_id FROM messages"))
    finally:
        conn.close()


def _schema_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])
    finally:
        conn.close()


def _old_data_folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(FIXTURE, data / FILENAME)
    assert _schema_version(data / FILENAME) == 1
    before = _sqlite_platform_ids(data / FILENAME)
    assert "380501234567:17" in before.values() and f"{WEBCHAT_KEY}:m1" in before.values()
    return data


async def test_sqlite_a_database_of_schema_1_is_migrated_once_and_dedup_still_works(tmp_path: Path) -> None:
    data = _old_data_folder(tmp_path)
    store = SqliteStore(data, secret=FIXTURE_SECRET)
    await store.open()
    assert [m.split(":")[0] for m in store.migrated] == ["2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]
    await store.close()
    first = _sqlite_platform_ids(data / FILENAME)
    stored = [p for p in first.values() if p is not None]
    assert len(stored) == 5 and all(HASHED_PLATFORM_ID.fullmatch(p) for p in stored)
    assert _schema_version(data / FILENAME) == SqliteStore.schema_version == 12
    raw = b"".join(p.read_bytes() for p in data.iterdir() if p.name.startswith(FILENAME))
    for clear in CLEAR:  # not in a row, not in a freed page, not in the WAL
        assert clear.encode() not in raw, clear

    again = SqliteStore(data, secret=FIXTURE_SECRET)  # the second run: nothing to do, nothing changed
    await again.open()
    try:
        assert again.migrated == []
        assert _sqlite_platform_ids(data / FILENAME) == first
        await _dedup_and_client_ids_work(again)
    finally:
        await again.close()


async def _dedup_and_client_ids_work(store: Store) -> None:
    """After the migration a platform's retry is still recognised, and found by the platform's own id.

    The old database's conversations say "line1620"; the shipped line is community-1620 now, and the
    start moves them (``former_ids``, as ``vikno serve`` does) before anyone writes.
    """
    engine = _engine(store)
    moved = await move_renamed_lines(store, engine.helplines)
    assert len(moved) == 1 and "of helpline 'line1620' moved to 'community-1620'" in moved[0]
    count = await store.messages.count()
    retry = await engine.handle(RETRY)
    assert retry.duplicate is True and await store.messages.count() == count
    found = await store.messages.by_platform_id("telegram", "380501234567:17")
    assert found is not None and found.text == "привіт" and HASHED_PLATFORM_ID.fullmatch(found.platform_id)
    conv = await engine.find("webchat", WEBCHAT_KEY)
    assert conv is not None
    inbound = [m for m in await store.messages.history(conv.id) if m.direction == "in"]
    assert [(m.text, m.client_id) for m in inbound] == [("мені страшно", "m1")]  # the web chat's id is kept
    later = Inbound(channel="rest", user_id="app-key-secret-7", text="ще", platform_id="app-key-secret-7:c2")
    assert (await engine.handle(later)).duplicate is False
    assert (await engine.handle(later)).duplicate is True


def test_vikno_store_migrate_runs_on_a_copy_and_again(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _old_data_folder(tmp_path)
    monkeypatch.setenv("VIKNO_DATA_DIR", str(data))
    monkeypatch.setenv("VIKNO_SECRET_KEY", FIXTURE_SECRET.decode())
    monkeypatch.setenv("VIKNO_NLU", "none")
    monkeypatch.delenv("MONGODB_URI", raising=False)
    assert cli_main(["store", "migrate"]) == 0
    out = capsys.readouterr().out
    assert "schema version 12" in out and "4: indexes for the helpline's figures" in out
    assert "2: platform message ids" in out and "3: operators' crisis marks" in out
    assert "5: the name an operator's message is shown with" in out
    assert "6: reports about someone in danger" in out
    assert "8: per-day tallies for the helpline's figures" in out
    assert "9: mobile brigades' visits" in out
    assert "10: citizens' appeals" in out
    assert "11: one report per draft" in out and "12: one appeal per draft" in out
    after = _sqlite_platform_ids(data / FILENAME)
    assert all(p is None or HASHED_PLATFORM_ID.fullmatch(p) for p in after.values())
    assert cli_main(["store", "migrate"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert _sqlite_platform_ids(data / FILENAME) == after


async def test_sqlite_a_database_of_a_newer_vikno_is_refused(tmp_path: Path) -> None:
    data = _old_data_folder(tmp_path)
    conn = sqlite3.connect(data / FILENAME)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    store = SqliteStore(data, secret=FIXTURE_SECRET, writer="thread")
    with pytest.raises(ConfigurationError, match="newer vikno"):
        await store.open()
    await store.close()


# --- MongoDB ------------------------------------------------------------------------------


def _old_message_doc(m: Message) -> dict:
    """A message document as vikno wrote it before versioned migrations (platform id in clear)."""
    doc = asdict(m)
    doc.pop("client_id")
    doc["_id"] = doc.pop("id")
    return doc


async def _old_mongo_database(mongo_uri: str, name: str) -> tuple[str, dict[str, str]]:
    """The fixture's conversations and messages, written the old way; the web chat conversation's id."""
    raw = MongoStore(mongo_uri, name, secret=FIXTURE_SECRET)
    conn = sqlite3.connect(FIXTURE)
    conn.row_factory = sqlite3.Row
    try:
        from vikno.storage.mongo.documents import conversation_doc
        from vikno.storage.sqlite.conversations import from_row as conversation_from_row
        from vikno.storage.sqlite.messages import _COLUMNS
        from vikno.storage.sqlite.schema import dt, loads

        convs = [conversation_from_row(r) for r in conn.execute("SELECT * FROM conversations")]
        await raw.db["conversations"].insert_many([conversation_doc(c) for c in convs])
        docs = []
        old_columns = ", ".join(c for c in _COLUMNS.split(", ") if c not in ("client_id", "shown_name", "sealed"))
        for r in conn.execute(f"SELECT {old_columns} FROM messages"):
            m = Message(
                id=r["id"],
                seq=r["seq"],
                conversation_id=r["conversation_id"],
                helpline=r["helpline"],
                channel=r["channel"],
                direction=r["direction"],
                sender=r["sender"],
                kind=r["kind"],
                text=r["text"],
                buttons=loads(r["buttons"]) or [],
                platform_id=r["platform_id"],
                reply_to=r["reply_to"],
                handled=bool(r["handled"]),
                created_at=dt(r["created_at"]),
                delivery=r["delivery"],
                attempts=r["attempts"],
                deliver_after=dt(r["deliver_after"]),
            )
            docs.append(_old_message_doc(m))
        await raw.db["messages"].insert_many(docs)
        clear = {d["_id"]: d["platform_id"] for d in docs}
    finally:
        conn.close()
        await raw.close()
    return name, clear


async def test_mongo_a_database_of_schema_1_is_migrated_once_and_dedup_still_works(mongo_uri: str) -> None:
    name = f"vikno_test_{uuid.uuid4().hex[:12]}"
    _, clear = await _old_mongo_database(mongo_uri, name)
    assert "380501234567:17" in clear.values()
    store = MongoStore(mongo_uri, name, secret=FIXTURE_SECRET)
    try:
        await store.open()
        assert [m.split(":")[0] for m in store.migrated] == ["2"]
        first = {d["_id"]: d["platform_id"] async for d in store.db["messages"].find({}, {"platform_id": 1})}
        for message_id, old in clear.items():
            if old.startswith("local:"):
                assert first[message_id] == old  # our own stand-in, no identifier: kept
            else:
                assert HASHED_PLATFORM_ID.fullmatch(first[message_id]), old
                assert first[message_id] == PlatformIds(FIXTURE_SECRET)(old)
        dump = str([d async for d in store.db["messages"].find({})])
        for value in CLEAR:
            assert value not in dump, value
        assert (await store.db["meta"].find_one({"_id": "schema"}))["version"] == 2
        await store.close()

        store = MongoStore(mongo_uri, name, secret=FIXTURE_SECRET)  # the second run changes nothing
        await store.open()
        assert store.migrated == []
        assert {d["_id"]: d["platform_id"] async for d in store.db["messages"].find({}, {"platform_id": 1})} == first
        await _dedup_and_client_ids_work(store)
    finally:
        await store.client.drop_database(name)
        await store.close()


# --- both adapters: what is stored from now on ------------------------------------------------


async def test_a_platform_id_is_stored_only_as_its_keyed_hash(any_store: Store, tmp_path: Path) -> None:
    conv = await any_store.conversations.create(Conversation(helpline="line1620", channel="webchat", user_key="k"))
    m = Message(
        conversation_id=conv.id,
        helpline="line1620",
        channel="webchat",
        direction="in",
        sender="user",
        text="привіт",
        platform_id=f"{WEBCHAT_KEY}:m7",
        client_id="m7",
    )
    stored, new = await any_store.messages.add_inbound(m)
    assert new
    again, new_again = await any_store.messages.add_inbound(
        Message(
            conversation_id=conv.id,
            helpline="line1620",
            channel="webchat",
            direction="in",
            sender="user",
            text="привіт",
            platform_id=f"{WEBCHAT_KEY}:m7",
        )
    )
    assert not new_again and again.id == m.id
    read = await any_store.messages.get(m.id)
    assert read.client_id == "m7" and HASHED_PLATFORM_ID.fullmatch(read.platform_id)
    assert WEBCHAT_KEY not in read.platform_id
    assert (await any_store.messages.by_platform_id("webchat", f"{WEBCHAT_KEY}:m7")).id == m.id
    assert (await any_store.messages.by_platform_id("webchat", read.platform_id)).id == m.id
    if isinstance(any_store, SqliteStore):
        assert WEBCHAT_KEY not in str(_sqlite_platform_ids(any_store.path))
    else:
        assert WEBCHAT_KEY not in str([d async for d in any_store.db["messages"].find({})])


async def test_sqlite_a_new_database_is_made_at_the_latest_schema_not_migrated(tmp_path: Path) -> None:
    """The first start of a new line said "migrated the SQLite store to schema 2/3" as warnings."""
    store = SqliteStore(tmp_path, writer="thread")
    await store.open()
    try:
        assert store.migrated == []
    finally:
        await store.close()
    with sqlite3.connect(tmp_path / FILENAME) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(
            SqliteStore.schema_version
        )
