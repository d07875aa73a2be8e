"""A real `vikno serve` with Telegram's replies in its outbox, stopped and started again.

Issue 20 items 10 and 11: after a restart, replies committed before it were
held back for a minute by leases the stopped process still had, and a stop
that cancelled a send between the platform and its mark sent it again.

The Bot API is the fake server (tests/bots/fake_telegram.py), here in the
test's own event loop, answering every ``sendMessage`` a little late, so a
stop always finds a send at the platform. People write from several chats
through the webhook; every answer is committed before the webhook's 200,
then waits in the outbox for its turn (one message a second per chat).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from vikno.storage.identity import IdentityVault, load_or_create_secret
from vikno.storage.models import Message, utcnow
from vikno.storage.sqlite.store import SqliteStore

from ..support import free_port
from .fake_telegram import Call, FakeTelegram

pytestmark = pytest.mark.slow

TOKEN = "424242:RESTART-token_for-the-fake"
SECRET = "restart-webhook-secret"
HELPLINE = "community-1620"
CHATS = range(7001, 7007)
#: What each person sends, one after the other: each turn commits one or more replies.
STEPS = ("Привіт", "menu", "topic:social_benefits", "menu")
#: The fake answers each sendMessage this late: a stop always catches one at the platform.
PLATFORM_DELAY = 0.3

_update_ids = itertools.count(1)


@dataclass
class Vikno:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])


def start(data_dir: Path, port: int, fake: FakeTelegram, log: Path) -> Vikno:
    environ = {
        **os.environ,
        "VIKNO_DATA_DIR": str(data_dir),
        "VIKNO_NLU": "none",
        "VIKNO_LOG_LEVEL": "WARNING",
        "VIKNO_TELEGRAM_TOKEN": TOKEN,
        "VIKNO_TELEGRAM_API": fake.url,
        "VIKNO_TELEGRAM_MODE": "webhook",
        "VIKNO_TELEGRAM_SECRET": SECRET,
        "VIKNO_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    environ.pop("MONGODB_URI", None)
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "vikno.bots", "serve", "--port", str(port)],
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Vikno(proc, port, log)


async def healthy(vikno: Vikno, session: aiohttp.ClientSession, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if vikno.proc.poll() is not None:
            raise AssertionError(f"vikno exited with {vikno.proc.returncode}:\n{vikno.tail()}")
        try:
            async with session.get(vikno.base + "/healthz") as resp:
                if resp.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError(f"/healthz did not answer 200 within {within} s:\n{vikno.tail()}")


def update(chat_id: int, step: str, n: int) -> dict:
    user = {"id": chat_id, "is_bot": False, "first_name": "Restart", "language_code": "uk"}
    chat = {"id": chat_id, "first_name": "Restart", "type": "private"}
    if ":" not in step and step != "menu":
        return {
            "update_id": next(_update_ids),
            "message": {"message_id": n, "from": user, "chat": chat, "date": int(time.time()), "text": step},
        }
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": user,
            "chat_instance": "1",
            "data": step,
            "message": {
                "message_id": 10_000 + n,
                "from": {"id": 424242, "is_bot": True, "first_name": "vikno"},
                "chat": chat,
                "date": int(time.time()),
                "text": "…",
            },
        },
    }


async def converse(vikno: Vikno, session: aiohttp.ClientSession) -> None:
    """Every person writes every step; each answer is committed before the 200."""

    async def person(chat_id: int) -> None:
        for n, step in enumerate(STEPS, 1):
            async with session.post(
                vikno.base + "/telegram/webhook",
                data=json.dumps(update(chat_id, step, n)),
                headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
            ) as resp:
                assert resp.status == 200, await resp.text()

    await asyncio.gather(*(person(chat_id) for chat_id in CHATS))


async def committed(data_dir: Path) -> dict[int, list[Message]]:
    """Each chat's outgoing Telegram messages as stored, oldest first."""
    vault = IdentityVault(load_or_create_secret(data_dir, None))
    store = SqliteStore(data_dir, writer="thread")
    await store.open()
    try:
        out: dict[int, list[Message]] = {}
        for chat_id in CHATS:
            conversation = await store.conversations.find_by_user(
                HELPLINE, "telegram", vault.user_key("telegram", str(chat_id))
            )
            assert conversation is not None
            out[chat_id] = [m for m in await store.messages.history(conversation.id) if m.delivery is not None]
        return out
    finally:
        await store.close()


async def delivered_all(fake: FakeTelegram, data_dir: Path, within: float = 60.0) -> dict[int, list[Message]]:
    """Wait until every committed reply reached the platform at least once; the committed replies."""
    deadline = time.monotonic() + within
    while True:
        replies = await committed(data_dir)
        if all(
            len(fake.sent_to(chat_id)) >= len(replies[chat_id]) and all(m.delivery == "sent" for m in replies[chat_id])
            for chat_id in CHATS
        ):
            return replies
        if time.monotonic() > deadline:
            raise AssertionError(
                "not every committed reply was delivered: "
                + json.dumps({chat_id: [len(fake.sent_to(chat_id)), len(replies[chat_id])] for chat_id in CHATS})
            )
        await asyncio.sleep(0.2)


def texts(calls: list[Call]) -> list[str]:
    return [c.params["text"] for c in calls]


async def stop(vikno: Vikno, how: signal.Signals) -> None:
    vikno.proc.send_signal(how)
    await asyncio.to_thread(vikno.proc.wait, 30)


@pytest.fixture
async def fake() -> FakeTelegram:
    fake = FakeTelegram(token=TOKEN)
    await fake.start()
    fake.slow("sendMessage", PLATFORM_DELAY)
    yield fake
    await fake.close()


async def test_a_graceful_restart_delivers_every_reply_exactly_once_and_holds_none_back(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    data_dir, port = tmp_path / "data", free_port()
    async with aiohttp.ClientSession() as session:
        vikno = start(data_dir, port, fake, tmp_path / "vikno.log")
        try:
            await healthy(vikno, session)
            await converse(vikno, session)
            await fake.wait_for("sendMessage", 1, timeout=30)
        finally:
            await stop(vikno, signal.SIGTERM)  # a deploy: sends are at the platform right now
        assert vikno.proc.returncode == 0, vikno.tail()

        # what the stopped process left: its finished sends marked, the rest due at once, nothing leased
        replies = await committed(data_dir)
        waiting = [m for chat in replies.values() for m in chat if m.delivery == "pending"]
        assert waiting, "the stop came after everything was sent: the test proves nothing"
        assert all(m.deliver_after is None or m.deliver_after <= utcnow() for m in waiting), (
            "a stopped process still holds replies back"
        )
        before = len(fake.of("sendMessage"))
        sent = [m for chat in replies.values() for m in chat if m.delivery == "sent"]
        assert before == len(sent), "a reply reached the platform but is not marked sent (it would be repeated)"

        vikno = start(data_dir, port, fake, tmp_path / "vikno.log")
        try:
            await healthy(vikno, session)
            replies = await delivered_all(fake, data_dir)
        finally:
            await stop(vikno, signal.SIGTERM)
    for chat_id in CHATS:
        assert texts(fake.sent_to(chat_id)) == [m.text for m in replies[chat_id]], (
            f"chat {chat_id}: every reply exactly once, in order"
        )


async def test_after_kill_9_nothing_committed_is_lost_and_only_what_was_in_flight_repeats(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    data_dir, port = tmp_path / "data", free_port()
    async with aiohttp.ClientSession() as session:
        vikno = start(data_dir, port, fake, tmp_path / "vikno.log")
        try:
            await healthy(vikno, session)
            await converse(vikno, session)
            await fake.wait_for("sendMessage", 3, timeout=30)
        finally:
            await stop(vikno, signal.SIGKILL)
        killed_at = time.monotonic()
        owners = data_dir / "vikno.sqlite3.owners"
        dead = {p.name for p in owners.iterdir()}
        assert dead, "the killed process held no leases: the test proves nothing"
        # In flight: every send the platform saw that the store had not marked sent at the kill (a chat's
        # replies go one at a time, in order). That is wider than "not yet answered": a send answered a moment
        # before the kill whose mark had not committed is at-least-once territory too, and on a loaded machine
        # that moment is long. A send marked sent and repeated is still caught below.
        at_kill = await committed(data_dir)
        in_flight = [
            call
            for chat_id in CHATS
            for call in fake.sent_to(chat_id)[sum(m.delivery == "sent" for m in at_kill[chat_id]) :]
        ]

        vikno = start(data_dir, port, fake, tmp_path / "vikno.log")
        try:
            await healthy(vikno, session)
            # well inside the minute a stale lease used to hold them back (the speed is bench/'s business)
            replies = await delivered_all(fake, data_dir, within=30.0)
        finally:
            await stop(vikno, signal.SIGTERM)
    assert not dead & {p.name for p in owners.iterdir()}, "the dead process's leases were not taken over"
    flying = {id(c) for c in in_flight}
    repeated = 0
    for chat_id in CHATS:
        calls = fake.sent_to(chat_id)
        # a repeat: sent after the restart right behind the same message, which was at the platform at the kill
        repeats = {
            n
            for n in range(1, len(calls))
            if calls[n].at > killed_at
            and id(calls[n - 1]) in flying
            and calls[n].params["text"] == calls[n - 1].params["text"]
        }
        once = [c for n, c in enumerate(calls) if n not in repeats]
        assert texts(once) == [m.text for m in replies[chat_id]], f"chat {chat_id}: nothing lost, order kept"
        repeated += len(repeats)
    assert repeated <= len(in_flight), "only messages at the platform at the kill may arrive twice"
