"""Contract: messages, de-duplication and history order."""

from __future__ import annotations

import asyncio

from vikno.storage.models import Direction, Message, Sender
from vikno.storage.port import Store


def msg(text: str, conversation_id: str = "c1", **kw) -> Message:
    kw.setdefault("direction", Direction.IN)
    kw.setdefault("sender", Sender.USER)
    return Message(conversation_id=conversation_id, helpline="l1620", channel="rest", text=text, **kw)


async def test_inbound_is_stored_once_per_platform_id(any_store: Store) -> None:
    first, new = await any_store.messages.add_inbound(msg("привіт", platform_id="tg-1"))
    assert new
    again, new_again = await any_store.messages.add_inbound(msg("привіт (retry)", platform_id="tg-1"))
    assert not new_again
    assert again.id == first.id and again.text == "привіт"
    assert await any_store.messages.count("c1") == 1


async def test_same_platform_id_on_another_channel_is_another_message(any_store: Store) -> None:
    await any_store.messages.add_inbound(msg("a", platform_id="42"))
    other = Message(
        conversation_id="c2",
        helpline="l1620",
        channel="viber",
        direction="in",
        sender="user",
        text="b",
        platform_id="42",
    )
    _, new = await any_store.messages.add_inbound(other)
    assert new


async def test_messages_without_platform_id_never_collide(any_store: Store) -> None:
    await asyncio.gather(*(any_store.messages.add_inbound(msg(str(i))) for i in range(20)))
    assert await any_store.messages.count("c1") == 20


async def test_history_is_in_order_and_limit_keeps_the_newest(any_store: Store) -> None:
    for i in range(12):
        await any_store.messages.add_inbound(msg(f"m{i}"))
    history = await any_store.messages.history("c1")
    assert [m.text for m in history] == [f"m{i}" for i in range(12)]
    assert [m.text for m in await any_store.messages.history("c1", limit=3)] == ["m9", "m10", "m11"]
    assert await any_store.messages.history("other") == []


async def test_odd_text_roundtrips_exactly(any_store: Store) -> None:
    odd = ["", "😀" * 2000, "مرحبا بالعالم", "a\x00b\x1fc", "<script>alert(1)</script>", "ґїєі ə ğ ı ş"]
    for t in odd:
        m, _ = await any_store.messages.add_inbound(msg(t, buttons=[{"title": "✓", "payload": "x"}]))
        got = await any_store.messages.get(m.id)
        assert got.text == t and got.buttons == [{"title": "✓", "payload": "x"}]


async def test_the_name_an_operators_message_is_shown_with_roundtrips(any_store: Store) -> None:
    """Issue 24: a reconnect shows each specialist's words under the name they were written with."""
    named = Message(
        conversation_id="c1",
        helpline="line1620",
        channel="webchat",
        direction=Direction.OUT,
        sender=Sender.OPERATOR,
        text="Я Марія.",
        shown_name="Марія",
    )
    plain = Message(
        conversation_id="c1",
        helpline="line1620",
        channel="webchat",
        direction=Direction.OUT,
        sender=Sender.OPERATOR,
        text="Добрий день.",
    )
    for m in (named, plain):
        await any_store.messages.add_inbound(m)
    assert [(m.text, m.shown_name) for m in await any_store.messages.history("c1")] == [
        ("Я Марія.", "Марія"),
        ("Добрий день.", None),
    ]
