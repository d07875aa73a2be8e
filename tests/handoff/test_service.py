"""Operators working the queue, on both stores, with real engine conversations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from vikno.flows.channels import Abilities, Channel, ChannelRegistry
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.flows.engine import Engine
from vikno.flows.messages import Inbound, Kind
from vikno.handoff.accounts import create_operator
from vikno.handoff.service import Handoff, HandoffError
from vikno.storage.identity import IdentityVault
from vikno.storage.models import Operator
from vikno.storage.port import Store

from ..flows.conftest import Clock, ScriptedNLU, intent


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(any_store: Store, clock: Clock) -> Engine:
    nlu = ScriptedNLU(dict([intent("не хочу більше жити", "nlu_fallback", crisis=True, crisis_score=0.99)]))
    return Engine(
        any_store,
        IdentityVault(b"handoff-test-secret-000"),
        load_helplines(shipped_helpline_folders()),
        nlu,
        clock=clock,
        channels=ChannelRegistry([Channel("telegram", Abilities(pushes=True))]),
    )


@pytest.fixture
def outgoing() -> list:
    return []


@pytest.fixture
def changes() -> list:
    return []


@pytest.fixture
def handoff(any_store: Store, engine: Engine, clock: Clock, outgoing: list, changes: list) -> Handoff:
    async def on_outgoing(conv, message) -> None:
        outgoing.append((conv.id, message.sender, message.text))

    async def on_change(event) -> None:
        changes.append(event)

    return Handoff(
        any_store, engine.helplines, channels=engine.channels, on_outgoing=on_outgoing, on_change=on_change, clock=clock
    )


async def operator(store: Store, login: str, **kw) -> Operator:
    o = await create_operator(store, login, "correct horse battery", **kw)
    o.presence = "online"
    return await store.operators.save(o)


async def ask_for_person(engine: Engine, user: str, channel: str = "rest") -> str:
    await engine.handle(Inbound(channel=channel, user_id=user, button="person", kind=Kind.BUTTON))
    return (await engine.find(channel, user)).id


async def test_take_next_reply_close_and_the_bot_is_back(
    engine: Engine, handoff: Handoff, any_store: Store, outgoing: list
) -> None:
    olena = await operator(any_store, "olena", display_name="Олена")
    cid = await ask_for_person(engine, "anna")
    conv = await handoff.take_next(olena)
    assert conv.id == cid and conv.state == "with_operator"
    assert outgoing[-1] == (cid, "system", "До розмови приєднався фахівець: Олена.")
    # the person writes: the bot stays silent, the operator will see it
    turn = await engine.handle(Inbound(channel="rest", user_id="anna", text="дякую що відповіли"))
    assert turn.replies == () and turn.conversation.state == "with_operator"
    await handoff.reply(olena, cid, "Добрий день, чим можу допомогти?")
    await handoff.note(olena, cid, "сусідка, потрібен соцпрацівник")
    history = await any_store.messages.history(cid, include_notes=True)  # the staff view
    assert [m.sender for m in history][-3:] == ["user", "operator", "operator"]
    assert history[-1].direction == "internal"
    with pytest.raises(HandoffError, match="category"):
        await handoff.close(olena, cid, category="made_up", outcome="resolved")
    closed = await handoff.close(olena, cid, category="topic:elderly_care", outcome="referred", note="передано")
    assert closed.state == "closed" and closed.data["wrapup"]["outcome"] == "referred"
    survey = outgoing[-1]
    assert survey[1] == "system" and survey[2] == "Чи допомогла вам ця розмова?"
    answer = await engine.handle(Inbound(channel="rest", user_id="anna", button="survey:yes", kind=Kind.BUTTON))
    assert "Дякуємо за відповідь" in answer.replies[0].text and answer.conversation.state == "bot"
    await engine.handle(Inbound(channel="rest", user_id="anna", button="survey:no", kind=Kind.BUTTON))
    assert await any_store.events.count_by("kind", kind="survey_answered") == {"survey_answered": 1}
    back = await engine.handle(Inbound(channel="rest", user_id="anna", text="ще питання"))
    assert back.conversation.state == "bot" and back.replies
    kinds = await any_store.events.count_by("kind")
    assert kinds["claimed"] == 1 and kinds["operator_reply"] == 1 and kinds["closed"] == 1


async def test_crisis_is_served_first_and_others_cannot_take_a_claimed_chat(
    engine: Engine, handoff: Handoff, any_store: Store
) -> None:
    a, b = await operator(any_store, "op-a"), await operator(any_store, "op-b")
    routine = await ask_for_person(engine, "early")
    await engine.handle(Inbound(channel="rest", user_id="late", text="не хочу більше жити"))
    crisis = (await engine.find("rest", "late")).id
    assert (await handoff.take_next(a)).id == crisis
    with pytest.raises(HandoffError, match="no longer waiting"):
        await handoff.pick(b, crisis)
    assert (await handoff.pick(b, routine)).operator_id == b.id
    with pytest.raises(HandoffError, match="not yours"):
        await handoff.reply(b, crisis, "hi")


async def test_capacity_presence_and_teams(engine: Engine, handoff: Handoff, any_store: Store) -> None:
    o = await operator(any_store, "solo", capacity=1, teams=["protection"])
    await ask_for_person(engine, "p1")
    assert await handoff.take_next(o) is None  # the request routes to the social team
    social = await operator(any_store, "social", capacity=1, teams=["social"])
    await ask_for_person(engine, "p2")
    assert await handoff.take_next(social) is not None
    with pytest.raises(HandoffError, match="capacity"):
        await handoff.take_next(social)
    away = await operator(any_store, "away")
    await handoff.set_presence(away, "away")
    with pytest.raises(HandoffError, match="online"):
        await handoff.take_next(away)


async def test_going_offline_puts_chats_back_at_the_head(
    engine: Engine, handoff: Handoff, any_store: Store, clock: Clock
) -> None:
    o = await operator(any_store, "leaver")
    first = await ask_for_person(engine, "first")
    await handoff.take_next(o)
    second = await ask_for_person(engine, "second")
    await handoff.set_presence(o, "offline")
    queue = [c.id for c in await any_store.conversations.waiting(["community-1620"])]
    assert queue == [first, second]  # the released chat keeps its place in line


async def test_unanswered_chats_are_released(engine: Engine, handoff: Handoff, any_store: Store, clock: Clock) -> None:
    o = await operator(any_store, "slow")
    cid = await ask_for_person(engine, "waiting-long")
    answered = await ask_for_person(engine, "answered")
    await handoff.take_next(o)
    await handoff.take_next(o)
    await handoff.reply(o, answered, "Добрий день!")
    assert await handoff.release_unanswered(timedelta(minutes=5)) == []
    clock.now += timedelta(minutes=6)
    released = await handoff.release_unanswered(timedelta(minutes=5))
    assert [c.id for c in released] == [cid]  # the answered chat stays with the operator
    await engine.handle(Inbound(channel="rest", user_id="answered", text="ви тут?"))
    clock.now += timedelta(minutes=6)
    assert [c.id for c in await handoff.release_unanswered(timedelta(minutes=5))] == [answered]


async def test_transfer_to_team_and_to_operator(engine: Engine, handoff: Handoff, any_store: Store) -> None:
    a, b = await operator(any_store, "ta"), await operator(any_store, "tb", teams=["protection"])
    cid = await ask_for_person(engine, "t")
    await handoff.take_next(a)
    moved = await handoff.transfer(a, cid, to_team="protection", note="насильство в сімʼї")
    assert moved.state == "waiting" and moved.team == "protection"
    assert (await handoff.take_next(b)).id == cid
    direct = await handoff.transfer(b, cid, to_operator=a)
    assert direct.operator_id == a.id and direct.state == "with_operator"


async def test_operator_replies_on_push_channels_wait_in_the_outbox(
    engine: Engine, handoff: Handoff, any_store: Store
) -> None:
    o = await operator(any_store, "tg")
    await engine.handle(Inbound(channel="telegram", user_id="777", button="person", kind=Kind.BUTTON))
    pending_before = await any_store.messages.count_pending("telegram")
    conv = await handoff.take_next(o)
    await handoff.reply(o, conv.id, "Вітаю!")
    assert await any_store.messages.count_pending("telegram") == pending_before + 2  # joined + reply


async def test_blocked_users_get_a_neutral_message_and_no_queue(
    engine: Engine, handoff: Handoff, any_store: Store, clock: Clock
) -> None:
    o = await operator(any_store, "blocker")
    cid = await ask_for_person(engine, "abuser")
    await handoff.take_next(o)
    await handoff.block(o, cid, clock.now + timedelta(hours=1))
    turn = await engine.handle(Inbound(channel="rest", user_id="abuser", button="person", kind=Kind.BUTTON))
    assert turn.conversation.state == "closed" and "недоступна" in turn.replies[0].text
    crisis = await engine.handle(Inbound(channel="rest", user_id="abuser", text="не хочу більше жити"))
    assert "112" in crisis.replies[0].text and crisis.conversation.state == "closed"
    clock.now += timedelta(hours=2)
    later = await engine.handle(Inbound(channel="rest", user_id="abuser", button="person", kind=Kind.BUTTON))
    assert later.conversation.state == "waiting"


# --- issue 20: capacity under concurrency, one rule for access, one commit per reply ----------


async def test_five_take_next_at_once_with_capacity_one_give_one_chat(
    engine: Engine, handoff: Handoff, any_store: Store
) -> None:
    """Item 12: five tabs pressing "Take next" at once; the capacity holds in the claim itself."""
    import asyncio

    o = await operator(any_store, "tabs", capacity=1)
    for n in range(5):
        await ask_for_person(engine, f"person{n}")
    results = await asyncio.gather(*(handoff.take_next(o) for _ in range(5)), return_exceptions=True)
    taken = [r for r in results if not isinstance(r, BaseException) and r is not None]
    assert len(taken) == 1, results
    assert all(isinstance(r, HandoffError) or r is None for r in results if r is not taken[0])
    assert len(await any_store.conversations.assigned_to(o.id)) == 1
    assert await any_store.conversations.count_waiting("community-1620") == 4


async def test_an_operator_cannot_pick_or_act_on_another_teams_conversation(
    engine: Engine, handoff: Handoff, any_store: Store
) -> None:
    """Item 5: the pick and every action follow the same rule as the queue (team, language, helpline)."""
    protection = await operator(any_store, "prot", teams=["protection"])
    english = await operator(any_store, "eng", languages=["en"])
    social = await operator(any_store, "soc", teams=["social"])
    cid = await ask_for_person(engine, "social-person")  # routed to the social team, in Ukrainian
    for outsider in (protection, english):
        with pytest.raises(HandoffError) as refused:
            await handoff.pick(outsider, cid)
        assert refused.value.status == 403
    assert (await any_store.conversations.get(cid)).state == "waiting"
    assert (await handoff.pick(social, cid)).operator_id == social.id
    supervisor = await operator(any_store, "sup", role="supervisor", teams=["protection"])
    await handoff.note(supervisor, cid, "a supervisor sees every team")
    with pytest.raises(HandoffError):
        await handoff.reply(protection, cid, "not mine")
    other_line = await operator(any_store, "elsewhere", helplines=["line1552"])
    with pytest.raises(HandoffError) as unknown:
        await handoff.pick(other_line, cid)
    assert unknown.value.status == 404


class _ColleagueWritesFirst:
    """A real store where, before every write of one conversation, a colleague's real write lands.

    Not a stub: the conflicts come from the store itself (optimistic
    versions), exactly as when the person writes while the operator replies
    and the compare-and-set keeps losing.
    """

    def __init__(self, store: Store, conversation_id: str) -> None:
        self._store, self._cid = store, conversation_id
        outer = self

        class Conversations:
            def __getattr__(self, name: str):
                return getattr(store.conversations, name)

            async def save(self, conversation):
                await outer._meddle(conversation.id)
                return await store.conversations.save(conversation)

        self.conversations = Conversations()

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    async def _meddle(self, conversation_id: str) -> None:
        if conversation_id == self._cid:
            current = await self._store.conversations.get(conversation_id)
            current.data["touched"] = current.data.get("touched", 0) + 1
            await self._store.conversations.save(current)

    async def commit_turn(self, conversation, inbound, replies, events):
        await self._meddle(conversation.id)
        return await self._store.commit_turn(conversation, inbound, replies, events)


async def test_a_reply_that_cannot_be_committed_leaves_nothing_to_send(
    engine: Engine, any_store: Store, clock: Clock
) -> None:
    """Item 9: message, conversation and event are one commit; a failed update sends nothing."""
    o = await operator(any_store, "busy")
    await engine.handle(Inbound(channel="telegram", user_id="555", button="person", kind=Kind.BUTTON))
    plain = Handoff(any_store, engine.helplines, channels=engine.channels, clock=clock)
    conv = await plain.take_next(o)
    before = [m.id for m in await any_store.messages.history(conv.id)]
    pending = await any_store.messages.count_pending("telegram")
    racing = Handoff(
        _ColleagueWritesFirst(any_store, conv.id),
        engine.helplines,  # type: ignore[arg-type]
        channels=engine.channels,
        clock=clock,
    )
    with pytest.raises(HandoffError):
        await racing.reply(o, conv.id, "Ця відповідь не має піти")
    assert [m.id for m in await any_store.messages.history(conv.id)] == before
    assert await any_store.messages.count_pending("telegram") == pending
    assert await any_store.events.count_by("kind", kind="operator_reply") == {}
    # and when it goes through, all three are there at once
    message = await plain.reply(o, conv.id, "Вітаю!")
    stored = await any_store.messages.get(message.id)
    assert stored is not None and stored.delivery == "pending"
    assert "first_reply_at" in (await any_store.conversations.get(conv.id)).data
    assert await any_store.events.count_by("kind", kind="operator_reply") == {"operator_reply": 1}
