"""`vikno operator add/list` against the embedded store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def vikno(tmp_path: Path, *args: str, password: str = "a-long-enough-password") -> subprocess.CompletedProcess:
    env = {**os.environ, "VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_OPERATOR_PASSWORD": password}
    env.pop("MONGODB_URI", None)
    return subprocess.run(
        [sys.executable, "-m", "vikno.bots", *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_add_and_list_operators(tmp_path: Path) -> None:
    done = vikno(
        tmp_path,
        "operator",
        "add",
        "olena",
        "--role",
        "supervisor",
        "--teams",
        "social,protection",
        "--languages",
        "uk,ru",
        "--capacity",
        "4",
    )
    assert done.returncode == 0, done.stderr
    assert "created supervisor olena" in done.stdout
    listed = vikno(tmp_path, "operator", "list")
    assert "olena\tsupervisor\tteams=social,protection\tlanguages=uk,ru\tcapacity=4" in listed.stdout
    again = vikno(tmp_path, "operator", "add", "olena")
    assert again.returncode == 2 and "exists already" in again.stderr
    weak = vikno(tmp_path, "operator", "add", "ivan", password="short")
    assert weak.returncode == 2 and "at least 10 characters" in weak.stderr
    team = vikno(tmp_path, "operator", "add", "ivan", "--teams", "nope")
    assert team.returncode == 2 and "unknown team" in team.stderr


def test_disable_passwd_and_remove_end_sessions_and_hand_chats_back(tmp_path: Path) -> None:
    """Item 16: the administrator's commands end the account's sessions at once."""
    import asyncio

    from vikno.handoff.accounts import current, log_in
    from vikno.storage.models import Conversation, State, utcnow
    from vikno.storage.sqlite.store import SqliteStore

    async def in_store(action):
        store = SqliteStore(tmp_path / "data", writer="thread")
        await store.open()
        try:
            return await action(store)
        finally:
            await store.close()

    async def logged_in_with_a_chat(store):
        olena = await store.operators.by_login("olena")
        conv = await store.conversations.create(Conversation(helpline="community-1620", channel="rest", user_key="u1"))
        conv.state, conv.priority, conv.enqueued_at = State.WAITING, "request", utcnow()
        await store.conversations.save(conv)
        assert await store.conversations.claim(conv.id, olena.id, utcnow()) is not None
        return (await log_in(store, "olena", "a-long-enough-password")).token

    async def alive(store, token):
        return await current(store, token) is not None

    assert vikno(tmp_path, "operator", "add", "olena").returncode == 0
    token = asyncio.run(in_store(logged_in_with_a_chat))
    done = vikno(tmp_path, "operator", "disable", "olena")
    assert done.returncode == 0, done.stderr
    assert "disabled olena: 1 session(s) ended, 1 chat(s) back in the queue" in done.stdout
    assert not asyncio.run(in_store(lambda s: alive(s, token)))
    assert "disabled" in vikno(tmp_path, "operator", "list").stdout
    assert asyncio.run(in_store(lambda s: s.conversations.count_waiting("community-1620"))) == 1
    assert vikno(tmp_path, "operator", "enable", "olena").returncode == 0
    token = asyncio.run(in_store(lambda s: log_in(s, "olena", "a-long-enough-password"))).token
    done = vikno(tmp_path, "operator", "passwd", "olena", password="another-long-password")
    assert done.returncode == 0 and "new password for olena: 1 session(s) ended" in done.stdout
    assert not asyncio.run(in_store(lambda s: alive(s, token)))
    assert asyncio.run(in_store(lambda s: log_in(s, "olena", "another-long-password"))).operator is not None
    done = vikno(tmp_path, "operator", "remove", "olena")
    assert done.returncode == 0 and "removed olena" in done.stdout
    assert "olena" not in vikno(tmp_path, "operator", "list").stdout
    missing = vikno(tmp_path, "operator", "disable", "olena")
    assert missing.returncode == 2 and "no operator 'olena'" in missing.stderr


def test_operator_help_lists_every_subcommand_and_explains_the_roles(tmp_path: Path) -> None:
    """Issue 25: the `admin` role was never explained."""
    done = vikno(tmp_path, "operator", "--help")
    assert done.returncode == 0
    assert "{add,list,disable,enable,passwd,remove}" in done.stdout
    roles = done.stdout.split("roles:", 1)[1]
    for role in ("operator", "supervisor", "admin"):
        assert f"\n  {role} " in roles, roles
    assert "the same as a supervisor" in roles
