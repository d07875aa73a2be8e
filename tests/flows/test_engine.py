"""The dialogue engine end to end on both stores."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from vikno.flows.channels import Abilities, Channel
from vikno.flows.engine import ConversationExists, Engine
from vikno.flows.messages import Inbound, Kind, Turn
from vikno.storage.models import State

from ..first_menu import FULL_LIST, SHORT_MENU
from .conftest import CLOSED_HOUR, Clock, on_duty


def text(user: str, body: str, **kw) -> Inbound:
    return Inbound(channel="rest", user_id=user, text=body, **kw)


def press(user: str, payload: str, **kw) -> Inbound:
    return Inbound(channel="rest", user_id=user, button=payload, kind=Kind.BUTTON, **kw)


def payloads(turn: Turn) -> list[str]:
    return [b.payload for r in turn.replies for b in r.buttons]


async def test_greeting_menu_answer_in_ukrainian_and_everything_is_stored(engine: Engine) -> None:
    hello = await engine.handle(text("ann", "Добрий день"))
    assert hello.conversation.state == "bot" and hello.conversation.language == "uk"
    assert "Служба підтримки 1620" in hello.replies[0].text
    assert "topic:disability" in payloads(hello) and "person" in payloads(hello)

    menu = await engine.handle(press("ann", "menu"))
    assert menu.replies[0].text.startswith("Оберіть тему")
    assert payloads(hello) == payloads(menu) == SHORT_MENU
    answer = await engine.handle(press("ann", "topic:disability"))
    assert "крісел колісних" in answer.replies[0].text
    assert answer.conversation.topic == "disability"

    conv = await engine.find("rest", "ann")
    history = await engine.history(conv)
    assert [(m.direction, m.sender) for m in history][:2] == [("in", "user"), ("out", "bot")]
    assert len(history) == 3 + 1 + 1 + 2  # 3 inbound, greeting, menu, answer + follow-up
    assert all(m.handled for m in history if m.direction == "in")


async def test_other_topics_gives_the_full_list_a_way_back_and_its_topics_answer(engine: Engine) -> None:
    """Issue 24: the greeting's short menu, every topic one step away, and back."""
    hello = await engine.handle(text("menu-1", "Добрий день"))
    assert payloads(hello) == SHORT_MENU
    titles = [b.title for b in hello.replies[0].buttons]
    assert titles[5:7] == ["📋 Інші теми", "🙋 Поговорити з людиною"]
    full = await engine.handle(press("menu-1", "topics"))
    assert full.replies[0].text.startswith("Оберіть тему") and payloads(full) == FULL_LIST
    answer = await engine.handle(press("menu-1", "topic:housing_compensation"))
    assert "компенсац" in answer.replies[0].text and answer.conversation.topic == "housing_compensation"
    back = await engine.handle(press("menu-1", "menu"))
    assert payloads(back) == SHORT_MENU
    english = await engine.handle(press("menu-1", "lang:en"))
    assert english.replies[1].buttons[5].title == "📋 Other topics"


async def test_a_helpline_without_first_menu_greets_with_every_topic(engine: Engine) -> None:
    """Other helpline folders (no first_menu) keep today's long menu, and no "other topics" in it."""
    line = engine.helplines["community-1620"]
    line.settings = line.settings.model_copy(update={"first_menu": []})
    hello = await engine.handle(text("menu-2", "Добрий день"))
    assert payloads(hello) == FULL_LIST[:-1] and "topics" not in payloads(hello)


async def test_free_text_reaches_the_topic_through_nlu(engine: Engine) -> None:
    await engine.handle(text("bo", "привіт"))
    turn = await engine.handle(text("bo", "де взяти крісло колісне"))
    assert turn.conversation.topic == "disability"
    assert "крісел колісних" in turn.replies[0].text


async def test_first_message_with_a_clear_topic_is_answered_at_once(engine: Engine) -> None:
    turn = await engine.handle(text("cy", "де взяти крісло колісне"))
    assert "Вітаємо" in turn.replies[0].text and "крісел колісних" in turn.replies[1].text


async def test_detected_language_wins_until_the_person_chooses(engine: Engine) -> None:
    turn = await engine.handle(text("di", "I need a wheelchair"))
    assert turn.conversation.language == "en" and "wheelchairs" in turn.replies[1].text
    chosen = await engine.handle(press("di", "lang:uk"))
    assert chosen.conversation.language == "uk" and "українською" in chosen.replies[0].text
    again = await engine.handle(text("di", "I need a wheelchair"))
    assert again.conversation.language == "uk" and "крісел колісних" in again.replies[0].text


async def test_language_menu_and_locale_hint(engine: Engine) -> None:
    turn = await engine.handle(text("ed", "hi there", locale="en"))
    assert turn.conversation.language == "en" and "Hello!" in turn.replies[0].text
    langs = await engine.handle(press("ed", "language"))
    assert payloads(langs) == ["lang:uk", "lang:ru", "lang:az", "lang:en"]


async def test_talk_to_a_person_queues_with_position(engine: Engine, any_store) -> None:
    await on_duty(any_store)
    await engine.handle(text("q1", "привіт"))
    first = await engine.handle(press("q1", "person"))
    assert first.conversation.state == "waiting" and first.conversation.priority == "request"
    assert first.conversation.queue_position == 1 and "Ваше місце в черзі — 1" in first.replies[0].text
    second = await engine.handle(text("q2", "хочу поговорити з людиною"))
    assert second.conversation.queue_position == 2
    # while waiting, messages are for the operator, the bot only confirms
    waiting = await engine.handle(text("q2", "я ще тут"))
    assert waiting.conversation.state == "waiting" and "збережено для фахівця" in waiting.replies[0].text
    left = await engine.handle(press("q1", "cancel_waiting"))
    assert left.conversation.state == "bot" and left.conversation.queue_position is None
    assert (await engine.handle(text("q2", "?"))).conversation.queue_position == 1


async def test_crisis_overtakes_the_queue_with_emergency_contacts_first(engine: Engine) -> None:
    for user in ("r1", "r2"):
        await engine.handle(press(user, "person"))
    crisis = await engine.handle(text("r3", "не хочу більше жити"))
    assert crisis.conversation.state == "waiting" and crisis.conversation.priority == "crisis"
    assert crisis.conversation.queue_position == 1
    assert "112" in crisis.replies[0].text and "7333" in crisis.replies[0].text
    assert (await engine.view(await engine.find("rest", "r1"))).queue_position == 2


async def test_crisis_while_waiting_raises_priority(engine: Engine) -> None:
    await engine.handle(press("w0", "person"))
    await engine.handle(press("w1", "person"))
    turn = await engine.handle(text("w1", "не хочу більше жити"))
    assert turn.conversation.priority == "crisis" and turn.conversation.queue_position == 1
    assert "112" in turn.replies[0].text


async def test_crisis_with_an_operator_alerts_instead_of_queueing(engine: Engine, any_store) -> None:
    await engine.handle(press("op", "person"))
    conv = await engine.find("rest", "op")
    conv.state, conv.operator_id = State.WITH_OPERATOR, "operator-1"
    await any_store.conversations.save(conv)
    quiet = await engine.handle(text("op", "дякую"))
    assert quiet.replies == ()  # the operator answers, not the bot
    turn = await engine.handle(text("op", "не хочу більше жити"))
    assert turn.conversation.state == "with_operator" and "112" in turn.replies[0].text
    assert (await any_store.events.count_by("kind", kind="crisis_alert")) == {"crisis_alert": 1}


async def test_out_of_hours_request_waits_for_the_next_shift(engine: Engine, clock: Clock) -> None:
    clock.now = CLOSED_HOUR
    turn = await engine.handle(press("night", "person"))
    assert turn.conversation.state == "waiting"
    assert "не працюють" in turn.replies[0].text and "112" in turn.replies[0].text
    crisis = await engine.handle(text("night2", "не хочу більше жити"))
    assert crisis.conversation.priority == "crisis" and crisis.conversation.queue_position == 1
    # nobody online at night: the numbers, and no "1st in the queue" as if someone were coming
    assert "112" in crisis.replies[0].text and len(crisis.replies) == 1
    assert "немає онлайн" in crisis.replies[0].text and "в черзі" not in crisis.replies[0].text


async def test_a_retried_platform_message_is_processed_once(engine: Engine, any_store) -> None:
    first = await engine.handle(text("dup", "привіт", platform_id="m-1"))
    again = await engine.handle(text("dup", "привіт", platform_id="m-1"))
    assert again.duplicate and [r.text for r in again.replies] == [r.text for r in first.replies]
    assert [b.payload for b in again.replies[0].buttons] == payloads(first)
    conv = await engine.find("rest", "dup")
    assert await any_store.messages.count(conv.id) == 2


async def test_a_retry_after_the_conversation_moved_on_changes_nothing(engine: Engine, any_store) -> None:
    # The commit is the de-duplication point: the step runs again for the retry,
    # but nothing of it is stored and the person gets the first answer again.
    first = await engine.handle(text("moved", "привіт", platform_id="m-1"))
    await engine.handle(press("moved", "topic:disability", platform_id="m-2"))
    conv = await engine.find("rest", "moved")
    messages_before = await any_store.messages.count(conv.id)
    events_before = sum((await any_store.events.count_by("kind")).values())
    again = await engine.handle(text("moved", "привіт", platform_id="m-1"))
    assert again.duplicate and [r.text for r in again.replies] == [r.text for r in first.replies]
    after = await engine.find("rest", "moved")
    assert after.version == conv.version and after.topic == conv.topic == "disability"
    assert await any_store.messages.count(conv.id) == messages_before
    assert sum((await any_store.events.count_by("kind")).values()) == events_before


async def test_a_message_kept_unanswered_is_answered_by_its_retry(engine: Engine, any_store, monkeypatch) -> None:
    await engine.handle(text("kept", "привіт", platform_id="k-1"))
    import vikno.flows.engine as engine_module

    async def broken_step(_ctx):
        raise RuntimeError("a bug in a step")

    monkeypatch.setattr(engine_module, "run_step", broken_step)
    try:
        await engine.handle(press("kept", "topic:disability", platform_id="k-2"))
    except RuntimeError:
        pass
    conv = await engine.find("rest", "kept")
    stored = await any_store.messages.by_platform_id("rest", "k-2")
    assert stored is not None and not stored.handled  # kept for the operators
    monkeypatch.undo()
    retry = await engine.handle(press("kept", "topic:disability", platform_id="k-2"))
    assert not retry.duplicate and retry.conversation.topic == "disability"
    history = await engine.history(conv)
    inbound = [m for m in history if m.direction == "in"]
    assert len(inbound) == 2 and all(m.handled for m in inbound)
    assert sum(m.reply_to == stored.id for m in history) == len(retry.replies)


async def test_two_copies_at_once_are_answered_once(engine: Engine, any_store) -> None:
    await engine.handle(text("both", "привіт", platform_id="b-1"))
    turns = await asyncio.gather(
        *(engine.handle(press("both", "topic:disability", platform_id="b-2")) for _ in range(2))
    )
    assert sorted(t.duplicate for t in turns) == [False, True]
    assert [r.text for r in turns[0].replies] == [r.text for r in turns[1].replies]
    conv = await engine.find("rest", "both")
    assert await any_store.messages.count(conv.id) == 2 + 1 + len(turns[0].replies)


async def test_racing_messages_of_one_person_are_all_answered(engine: Engine, any_store) -> None:
    await engine.handle(text("race", "привіт"))
    turns = await asyncio.gather(*(engine.handle(press("race", "topic:disability")) for _ in range(6)))
    assert all(t.replies for t in turns)
    conv = await engine.find("rest", "race")
    history = await engine.history(conv)
    assert sum(m.direction == "in" for m in history) == 7
    assert all(m.handled for m in history if m.direction == "in")
    assert conv.version == 7


async def test_clarifying_question_then_queue_after_repeated_misunderstanding(engine: Engine) -> None:
    await engine.handle(text("lost", "привіт"))
    clarify = await engine.handle(text("lost", "щось про гроші і житло"))
    assert payloads(clarify)[:2] == ["topic:social_benefits", "topic:housing_compensation"]
    await engine.handle(text("lost", "абракадабра"))
    third = await engine.handle(text("lost", "ще раз абракадабра"))
    assert third.conversation.state == "waiting" and third.conversation.priority == "routine"


async def test_stickers_and_unknown_buttons_get_a_polite_answer(engine: Engine) -> None:
    await engine.handle(text("st", "привіт"))
    sticker = await engine.handle(Inbound(channel="rest", user_id="st", kind=Kind.STICKER))
    assert "лише текст" in sticker.replies[0].text
    odd = await engine.handle(press("st", "topic:does-not-exist"))
    assert "не зовсім розумію" in odd.replies[0].text
    empty = await engine.handle(text("st", "   "))
    assert empty.replies and empty.conversation.state == "bot"


async def test_hours_thanks_and_events_for_figures(engine: Engine, any_store) -> None:
    await engine.handle(text("fg", "привіт"))
    hours = await engine.handle(text("fg", "коли ви працюєте"))
    assert "08:00–17:00" in hours.replies[0].text and "1620" in hours.replies[0].text
    await engine.handle(press("fg", "topic:elderly_care"))
    thanks = await engine.handle(text("fg", "дякую"))
    assert "Будь ласка" in thanks.replies[0].text
    kinds = await any_store.events.count_by("kind")
    assert kinds["conversation_started"] == 1 and kinds["topic_answered"] == 1 and kinds["hours_asked"] == 1
    assert await any_store.events.count_by("topic", kind="topic_answered") == {"elderly_care": 1}


async def test_channel_ids_are_never_stored_in_clear(engine: Engine, any_store) -> None:
    raw_id = "380501234567"
    await engine.handle(Inbound(channel="telegram", user_id=raw_id, text="привіт"))
    conv = await engine.find("telegram", raw_id)
    assert raw_id not in conv.user_key and raw_id not in (conv.address or "")
    assert engine.vault.decrypt(conv.address) == raw_id
    view = await engine.view(conv)
    assert raw_id not in view.pseudonym and view.pseudonym.startswith("#")
    if any_store.kind == "sqlite":
        any_store_path = any_store.path
        await any_store.close()
        for f in any_store_path.parent.iterdir():
            assert raw_id.encode() not in f.read_bytes(), f.name
        await any_store.open()


async def test_after_close_the_bot_takes_over_again(engine: Engine, any_store, clock: Clock) -> None:
    await engine.handle(press("cl", "person"))
    conv = await engine.find("rest", "cl")
    conv.state = State.CLOSED
    await any_store.conversations.save(conv)
    clock.now += timedelta(minutes=5)
    turn = await engine.handle(text("cl", "привіт"))
    assert turn.conversation.state == "bot" and "Вітаємо" in turn.replies[0].text


async def test_replies_on_push_channels_wait_in_the_outbox(engine: Engine, any_store) -> None:
    engine.channels.add(Channel("telegram", Abilities(pushes=True)))
    await engine.handle(Inbound(channel="telegram", user_id="42", text="привіт", platform_id="u1"))
    await engine.handle(text("rest-user", "привіт"))
    await engine.handle(Inbound(channel="telegram", user_id="43", kind=Kind.START, direct_reply=True))
    assert await any_store.messages.count_pending("telegram") == 1
    assert await any_store.messages.count_pending("rest") == 0


def test_setting_the_old_push_channels_fails_loudly(engine: Engine) -> None:
    """A branch written before the registry set engine.push_channels: silently, its replies were never queued."""
    with pytest.raises(AttributeError, match="engine.channels"):
        engine.push_channels = frozenset({"telegram"})


def test_recent_conversations_hand_out_private_copies() -> None:
    """A caller changing its copy (flow data included) must not change what the cache holds."""
    from vikno.flows.engine import RecentConversations
    from vikno.storage.models import Conversation

    recent = RecentConversations(size=2)
    conv = Conversation("community-1620", "rest", "k1", data={"menu": ["a"], "n": 1}, language="uk")
    recent.remember(conv)
    conv.data["menu"].append("changed")
    conv.language = "en"
    copy = recent.get(("community-1620", "rest", "k1"))
    assert copy is not None and copy is not conv
    assert copy.data == {"menu": ["a"], "n": 1} and copy.language == "uk" and copy.id == conv.id
    copy.data["menu"].append("again")
    assert recent.get(("community-1620", "rest", "k1")).data == {"menu": ["a"], "n": 1}
    recent.remember(Conversation("community-1620", "rest", "k2"))
    recent.remember(Conversation("community-1620", "rest", "k3"))
    assert recent.get(("community-1620", "rest", "k1")) is None  # the oldest went when the cache was full


async def test_of_racing_first_messages_only_the_one_the_store_created_it_for_started_it(engine: Engine) -> None:
    """``created`` comes from the store's atomic create, not from a read before the turn."""
    answers = await asyncio.gather(
        *(engine.handle(text("racer", f"перше {n}"), only_new=True) for n in range(4)), return_exceptions=True
    )
    started = [a for a in answers if isinstance(a, Turn)]
    assert len(started) == 1 and started[0].created, answers
    assert all(isinstance(a, ConversationExists) for a in answers if a is not started[0])
    conv = await engine.find("rest", "racer")
    inbound = [m.text for m in await engine.history(conv) if m.direction == "in"]
    assert len(inbound) == 1  # the refused ones stored nothing
    later = await engine.handle(text("racer", "далі"))
    assert not later.created
