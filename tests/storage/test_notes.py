"""Contract: operators' internal notes stay on the staff side (issue 20 item 1).

The person's history (what every channel reads) never holds a note, the
staff view asks for notes explicitly, and the outbox never holds one.
"""

from __future__ import annotations

from datetime import timedelta

from vikno.storage.models import Delivery, Direction, Message, Sender, utcnow
from vikno.storage.port import Store

CONV = "c-notes"


def _msg(text: str, direction: str, sender: str, **kw) -> Message:
    return Message(
        conversation_id=CONV, helpline="l1620", channel="telegram", direction=direction, sender=sender, text=text, **kw
    )


def note(text: str, **kw) -> Message:
    return _msg(text, Direction.INTERNAL, Sender.OPERATOR, kind="note", **kw)


async def test_the_persons_history_never_holds_a_note(any_store: Store) -> None:
    await any_store.messages.add_inbound(_msg("допоможіть", Direction.IN, Sender.USER))
    await any_store.messages.add_inbound(note("suspect is the stepfather"))
    await any_store.messages.add_inbound(_msg("Я поруч", Direction.OUT, Sender.OPERATOR))
    await any_store.messages.add_inbound(note("police informed"))
    person = await any_store.messages.history(CONV)
    assert [m.text for m in person] == ["допоможіть", "Я поруч"]
    # ``limit`` counts what the person may see: the newest one is the reply, not a note
    assert [m.text for m in await any_store.messages.history(CONV, 1)] == ["Я поруч"]
    assert [m.text for m in await any_store.messages.history(CONV, limit=2)] == ["допоможіть", "Я поруч"]
    staff = await any_store.messages.history(CONV, include_notes=True)
    assert [m.text for m in staff] == ["допоможіть", "suspect is the stepfather", "Я поруч", "police informed"]
    assert [m.text for m in await any_store.messages.history(CONV, 1, include_notes=True)] == ["police informed"]


async def test_a_note_is_never_a_reply_nor_pending_in_the_outbox(any_store: Store) -> None:
    inbound, _ = await any_store.messages.add_inbound(_msg("привіт", Direction.IN, Sender.USER))
    reply = _msg(
        "Вітаємо", Direction.OUT, Sender.BOT, id=f"{inbound.id}:0", reply_to=inbound.id, delivery=Delivery.PENDING
    )
    # a careless caller marks a note as a pending reply: it must still never go out
    stray = note("internal", id=f"{inbound.id}:1", reply_to=inbound.id, delivery=Delivery.PENDING)
    await any_store.messages.add_inbound(reply)
    await any_store.messages.add_inbound(stray)
    assert [m.text for m in await any_store.messages.replies_to(inbound.id)] == ["Вітаємо"]
    assert await any_store.messages.count_pending("telegram") == 1
    leased = await any_store.messages.lease_pending(
        "telegram", utcnow() + timedelta(seconds=1), timedelta(seconds=30), 10
    )
    assert [m.text for m in leased] == ["Вітаємо"]
    stored = await any_store.messages.get(stray.id)
    assert stored is not None and stored.delivery is None


async def test_the_persons_count_never_counts_a_note(any_store: Store) -> None:
    """The web chat compares the person's ``last_seen`` with this count: a note in it would show (finding 6)."""
    await any_store.messages.add_inbound(_msg("допоможіть", Direction.IN, Sender.USER))
    await any_store.messages.add_inbound(note("suspect is the stepfather"))
    await any_store.messages.add_inbound(_msg("Я поруч", Direction.OUT, Sender.OPERATOR))
    await any_store.messages.add_inbound(note("police informed"))
    assert await any_store.messages.count(CONV) == 2
    assert await any_store.messages.count() == 2
    assert await any_store.messages.count(CONV, include_notes=True) == 4
    assert await any_store.messages.count(include_notes=True) == 4
