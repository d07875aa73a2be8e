"""Waiting people are told when their place moves by a step that matters, and not flooded (both stores)."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest

from vikno.flows.channels import Abilities, Channel
from vikno.flows.engine import Engine
from vikno.flows.messages import Inbound, Kind
from vikno.flows.queue_news import QueueNews, worth_telling
from vikno.storage.models import Conversation, Message, State
from vikno.storage.port import Store

from .conftest import OPEN_HOUR, Clock, on_duty


def press(user: str, payload: str) -> Inbound:
    return Inbound(channel="rest", user_id=user, button=payload, kind=Kind.BUTTON)


class Outgoing:
    """What the composition root's delivery would be handed."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Message]] = []

    async def __call__(self, conv: Conversation, message: Message) -> None:
        self.sent.append((conv.id, message))


@pytest.fixture
def outgoing() -> Outgoing:
    return Outgoing()


@pytest.fixture
def news(any_store: Store, engine: Engine, clock: Clock, outgoing: Outgoing) -> QueueNews:
    return QueueNews(any_store, engine.helplines, on_outgoing=outgoing, channels=engine.channels, clock=clock)


async def queue_of(engine: Engine, n: int) -> list[str]:
    users = [f"p{i}" for i in range(1, n + 1)]
    for user in users:
        await engine.handle(press(user, "person"))
    return users


async def claim(store: Store, n: int, clock: Clock) -> None:
    for _ in range(n):
        assert (
            await store.conversations.claim_next(
                "op-1", helplines=["community-1620"], teams=None, languages=None, now=clock()
            )
            is not None
        )


async def said(store: Store, engine: Engine, user: str) -> list[str]:
    conv = await engine.find("rest", user)
    return [m.text or "" for m in await store.messages.history(conv.id) if m.sender == "system"]


async def test_reaching_the_front_at_once_halving_after_a_pause_and_never_twice(
    engine: Engine, any_store: Store, news: QueueNews, clock: Clock
) -> None:
    await on_duty(any_store)
    await queue_of(engine, 6)  # told places 1..6
    await claim(any_store, 3, clock)  # p4 is now 1st, p5 2nd, p6 3rd
    await news.sweep()
    (front,) = await said(any_store, engine, "p4")
    assert front.startswith("Ви наступні в черзі.")
    # halved, but they were told their place a moment ago: not yet
    assert await said(any_store, engine, "p5") == [] and await said(any_store, engine, "p6") == []

    clock.now += timedelta(minutes=3)
    await news.sweep()
    assert "тепер ваше місце — 2" in (await said(any_store, engine, "p5"))[0]
    assert "тепер ваше місце — 3" in (await said(any_store, engine, "p6"))[0]
    # nothing new has happened: nothing more is said
    clock.now += timedelta(minutes=10)
    await news.sweep()
    assert [len(await said(any_store, engine, u)) for u in ("p4", "p5", "p6")] == [1, 1, 1]


async def test_a_small_step_or_a_step_back_is_not_news(
    engine: Engine, any_store: Store, news: QueueNews, clock: Clock
) -> None:
    await on_duty(any_store)
    await queue_of(engine, 5)
    await claim(any_store, 1, clock)  # 5th to 4th, 3rd to 2nd: no halving
    clock.now += timedelta(minutes=5)
    await engine.handle(Inbound(channel="rest", user_id="crisis", text="не хочу більше жити"))  # all move back
    assert await news.sweep() == []


async def test_the_news_is_in_the_persons_language_with_an_honest_wait(
    engine: Engine, any_store: Store, news: QueueNews, clock: Clock
) -> None:
    await queue_of(engine, 1)
    await engine.handle(press("en", "lang:en"))
    await engine.handle(press("en", "person"))
    await claim(any_store, 1, clock)
    await news.sweep()
    (text,) = await said(any_store, engine, "en")
    # nobody is online any more (the one who took p1 was never marked online here)
    assert (
        text == "You are next in the queue. No specialist is online right now; "
        "the first one who comes online will answer you here."
    )


async def test_push_channels_get_it_through_the_outbox(
    engine: Engine, any_store: Store, news: QueueNews, clock: Clock, outgoing: Outgoing
) -> None:
    engine.channels.add(Channel("telegram", Abilities(pushes=True)))
    await queue_of(engine, 1)
    await engine.handle(Inbound(channel="telegram", user_id="42", button="person", kind=Kind.BUTTON))
    await claim(any_store, 1, clock)
    (message,) = await news.sweep()
    assert message.channel == "telegram" and message.delivery == "pending"
    assert [m.id for _, m in outgoing.sent] == [message.id]
    assert await any_store.messages.count_pending("telegram") == 2  # the bot's reply to "person", and the news


async def test_two_sweeps_at_once_tell_once(engine: Engine, any_store: Store, news: QueueNews, clock: Clock) -> None:
    await queue_of(engine, 2)
    await claim(any_store, 1, clock)
    results = await asyncio.gather(news.sweep(), news.sweep(), news.sweep())
    assert sum(len(r) for r in results) == 1
    assert len(await said(any_store, engine, "p2")) == 1


async def test_leaving_the_queue_forgets_the_place(
    engine: Engine, any_store: Store, news: QueueNews, clock: Clock
) -> None:
    await queue_of(engine, 2)
    await engine.handle(press("p2", "cancel_waiting"))
    conv = await engine.find("rest", "p2")
    assert conv.state == State.BOT and "queue_told" not in conv.data
    await claim(any_store, 1, clock)
    assert await news.sweep() == []


def test_what_counts_as_a_step_that_matters() -> None:
    at = OPEN_HOUR.isoformat()
    later = OPEN_HOUR + timedelta(minutes=3)
    gap = timedelta(minutes=3)
    assert worth_telling({"position": 2, "at": at}, 1, OPEN_HOUR, gap)  # the front: at once
    assert not worth_telling({"position": 10, "at": at}, 5, OPEN_HOUR, gap)  # halved, too soon
    assert worth_telling({"position": 10, "at": at}, 5, later, gap)
    assert not worth_telling({"position": 10, "at": at}, 6, later, gap)  # not halved
    assert not worth_telling({"position": 3, "at": at}, 4, later, gap)  # moved back
    assert not worth_telling(None, 1, later, gap) and not worth_telling({"position": "x"}, 1, later, gap)
    assert not worth_telling({"position": 4}, 2, later, gap)  # when it was told is unknown: keep quiet


async def test_a_child_on_the_child_s_path_is_told_its_place_in_ti_not_vy(
    engine: Engine, any_store: Store, news: QueueNews, clock: Clock
) -> None:
    """Kharkiv's child path speaks to the child in "ти" (its topic's own texts); the queue's news said
    "Ви наступні в черзі" in the shared words (native reading, issue 27)."""
    await on_duty(any_store, helplines=["kharkiv-1552"])
    children = [f"child{i}" for i in range(1, 4)]
    for child in children:
        await engine.handle(
            Inbound(channel="rest", user_id=child, button="topic:child_help", kind=Kind.BUTTON, helpline="kharkiv-1552")
        )
    for _ in range(2):
        taken = await any_store.conversations.claim_next(
            "op-1", helplines=["kharkiv-1552"], teams=None, languages=None, now=clock()
        )
        assert taken is not None
    await news.sweep()
    conv = await engine.find("rest", "child3", "kharkiv-1552")
    told = [m.text or "" for m in await any_store.messages.history(conv.id) if m.sender == "system"]
    assert told[-1] == "Твоя розмова тепер перша в черзі. Фахівець відповість тобі тут."
    assert not any(re.search(r"\b(ви|вам|ваш\w*)\b", text, re.IGNORECASE) for text in told[1:])
