"""The outbox pump on a real store, with a scripted platform on the other side."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from vikno.bots.outbox import OutboxPump, RetryAfter, Undeliverable
from vikno.storage.identity import IdentityVault
from vikno.storage.models import Conversation, Message, utcnow
from vikno.storage.port import Store
from vikno.storage.sqlite.store import SqliteStore

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
    conv = await store.conversations.create(
        Conversation(
            helpline="l",
            channel="telegram",
            user_key=VAULT.user_key("telegram", chat_id),
            address=VAULT.encrypt(chat_id),
        )
    )
    for t in texts:
        await store.messages.add_inbound(
            Message(
                conversation_id=conv.id,
                helpline="l",
                channel="telegram",
                direction="out",
                sender="bot",
                text=t,
                delivery="pending",
            )
        )
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


# --- restarts: lease little, renew while sending, give back on a stop, never repeat a finished send


class GatedPlatform(Platform):
    """Receives a message at once and answers only when the gate opens, as a slow platform does."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: list[str] = []
        self.gate = asyncio.Event()
        self.first = asyncio.Event()

    async def send(self, address: str, message: Message) -> None:
        self.arrived.append(message.text or "")
        self.first.set()
        await self.gate.wait()
        self.sent.append((address, message.text or ""))


async def test_a_graceful_stop_finishes_the_send_in_flight_and_gives_the_rest_back(
    any_store: Store, other: Store
) -> None:
    platform = GatedPlatform()
    await chat(any_store, "100", "a", "b", "c")
    p = pump(any_store, platform)
    p.start()
    await platform.first.wait()
    stopping = asyncio.create_task(p.stop())
    await asyncio.sleep(0.05)  # the stop is under way while "a" waits for the platform's answer
    platform.gate.set()
    await stopping
    assert platform.arrived == ["a"] and platform.sent == [("100", "a")]
    assert await any_store.messages.leases("telegram", utcnow()) == {}, "a stopped pump holds nothing"
    assert await any_store.messages.count_pending() == 2
    after = Platform()
    assert await pump(other, after).drain_once() == 2  # the next process, at once: nothing held back
    assert after.sent == [("100", "b"), ("100", "c")], "each message exactly once, in order"


async def test_a_send_that_never_answers_is_given_up_at_the_stop_timeout(any_store: Store, other: Store) -> None:
    platform = GatedPlatform()
    await chat(any_store, "100", "a", "b")
    p = pump(any_store, platform, stop_timeout=0.2)
    p.start()
    await platform.first.wait()
    await p.stop()  # the platform never answers: "a" really is in flight, and may arrive twice
    assert await any_store.messages.leases("telegram", utcnow()) == {}
    after = Platform()
    assert await pump(other, after).drain_once() == 2
    assert after.sent == [("100", "a"), ("100", "b")]


async def test_a_pump_leases_only_what_it_can_send_within_its_horizon(any_store: Store) -> None:
    platform = GatedPlatform()
    for n in range(100):
        await chat(any_store, str(1000 + n), "hello", "menu", "answer")
    # A long lease: what is counted is how much was leased, not renewal (a 5 s lease ran out before the count
    # on a machine at load 11, when the event loop stalled longer than a renewal period: "{}" held)
    p = pump(any_store, platform, per_chat_interval=1.0, per_second=30.0, lease=timedelta(seconds=120))
    p.start()
    try:
        await platform.first.wait()
        held = await any_store.messages.leases("telegram", utcnow())
        assert 0 < sum(held.values()) <= 30 * p.horizon.total_seconds(), held
    finally:
        platform.gate.set()
        await p.stop()
    assert await any_store.messages.leases("telegram", utcnow()) == {}


async def test_leases_are_renewed_while_a_send_takes_longer_than_the_lease(any_store: Store, other: Store) -> None:
    platform = GatedPlatform()
    await chat(any_store, "100", "slow")
    p = pump(any_store, platform, lease=timedelta(seconds=0.6))
    p.start()
    try:
        await platform.first.wait()
        await asyncio.sleep(1.5)  # longer than the lease: only renewal keeps it
        assert await other.messages.lease_pending("telegram", utcnow(), timedelta(seconds=30), 5) == []
    finally:
        platform.gate.set()
        await p.stop()
    assert platform.sent == [("100", "slow")]
    assert await any_store.messages.count_pending() == 0


async def test_a_new_pump_takes_over_what_a_dead_store_instance_held(sqlite_store: SqliteStore) -> None:
    await chat(sqlite_store, "100", "committed before the crash", "and this")
    crashed = SqliteStore(sqlite_store.path.parent, writer="thread")
    await crashed.open()
    assert len(await crashed.messages.lease_pending("telegram", utcnow(), timedelta(seconds=60), 10)) == 2
    await crashed.close()  # the process is gone, its leases are not given back
    platform = Platform()
    assert await pump(sqlite_store, platform).drain_once() == 2
    assert [t for _, t in platform.sent] == ["committed before the crash", "and this"]
