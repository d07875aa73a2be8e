"""The outbox pump on a real store, with a scripted platform on the other side."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from vikno.bots.outbox import OutboxPump, RetryAfter, Undeliverable
from vikno.storage.identity import IdentityVault
from vikno.storage.models import Conversation, Message, utcnow
from vikno.storage.port import Store

VAULT = IdentityVault(b"outbox-test-secret-0123")


class Platform:
    """Records what was sent; fails as told."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.failures: list[Exception] = []

    async def send(self, address: str, message: Message) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((address, message.text or ""))


async def chat(store: Store, chat_id: str, *texts: str) -> Conversation:
    conv = await store.conversations.create(Conversation(
        helpline="l", channel="telegram", user_key=VAULT.user_key("telegram", chat_id),
        address=VAULT.encrypt(chat_id)))
    for t in texts:
        await store.messages.add_inbound(Message(conversation_id=conv.id, helpline="l", channel="telegram",
                                                 direction="out", sender="bot", text=t, delivery="pending"))
    return conv


def pump(store: Store, platform: Platform, **kw) -> OutboxPump:
    kw.setdefault("per_chat_interval", 0)
    return OutboxPump(store, VAULT, "telegram", platform.send, **kw)


async def test_delivers_in_order_and_marks_sent(any_store: Store) -> None:
    platform = Platform()
    await chat(any_store, "100", "a", "b", "c")
    await chat(any_store, "200", "x")
    assert await pump(any_store, platform).drain_once() == 4
    assert [t for a, t in platform.sent if a == "100"] == ["a", "b", "c"]
    assert ("200", "x") in platform.sent
    assert await any_store.messages.count_pending() == 0


async def test_429_keeps_the_message_and_its_followers_for_later(any_store: Store) -> None:
    platform = Platform()
    platform.failures = [RetryAfter(30)]
    await chat(any_store, "100", "first", "second")
    p = pump(any_store, platform)
    assert await p.drain_once() == 0
    assert platform.sent == [] and await any_store.messages.count_pending() == 2
    p.clock = lambda: utcnow() + timedelta(seconds=31)
    assert await p.drain_once() == 2
    assert [t for _, t in platform.sent] == ["first", "second"]


async def test_network_errors_retry_and_permanent_refusals_give_up(any_store: Store) -> None:
    platform = Platform()
    platform.failures = [ConnectionResetError("boom")]
    await chat(any_store, "100", "hello")
    p = pump(any_store, platform)
    assert await p.drain_once() == 0 and await any_store.messages.count_pending() == 1
    p.clock = lambda: utcnow() + timedelta(minutes=10)
    assert await p.drain_once() == 1
    platform.failures = [Undeliverable("bot was blocked by the user")]
    await chat(any_store, "300", "lost cause", "also")
    assert await p.drain_once() == 1  # the refused one is marked failed, the next goes
    assert await any_store.messages.count_pending() == 0


async def test_per_chat_interval_and_global_rate(sqlite_store: Store) -> None:
    platform = Platform()
    await chat(sqlite_store, "100", "1", "2", "3")
    p = pump(sqlite_store, platform, per_chat_interval=0.2)
    loop = asyncio.get_running_loop()
    began = loop.time()
    await p.drain_once()
    assert loop.time() - began >= 0.4  # three messages to one chat, 0.2 s apart


@pytest.mark.parametrize("crash_after", [0, 1])
async def test_a_crash_mid_batch_loses_nothing(sqlite_store: Store, crash_after: int) -> None:
    platform = Platform()
    await chat(sqlite_store, "100", "a", "b")

    class Crash(BaseException):
        pass

    async def crashing_send(address: str, message: Message) -> None:
        if len(platform.sent) == crash_after:
            raise Crash()
        await platform.send(address, message)

    p = OutboxPump(sqlite_store, VAULT, "telegram", crashing_send, per_chat_interval=0, lease=timedelta(seconds=5))
    with pytest.raises(Crash):
        await p.drain_once()
    restarted = pump(sqlite_store, platform, clock=lambda: utcnow() + timedelta(seconds=6))
    await restarted.drain_once()
    assert [t for _, t in platform.sent] == ["a", "b"]
