"""A helpline renamed in its content keeps its stored records (issue 27: line1620 became community-1620).

The records of the old id move to the new one on both adapters: the person's conversation (so they go on
in it), its messages, the events the figures count, the crisis marks, the reports (their codes still work)
and the operators admitted to the line.
"""

from __future__ import annotations

from vikno.storage.models import Conversation, Event, Feedback, Message, Operator, Report, utcnow
from vikno.storage.port import Store

OLD, NEW = "line1620", "community-1620"


async def _old_records(store: Store) -> Conversation:
    conv = await store.conversations.create(Conversation(helpline=OLD, channel="telegram", user_key="person-1"))
    await store.messages.add_inbound(
        Message(
            conversation_id=conv.id,
            helpline=OLD,
            channel="telegram",
            direction="in",
            sender="user",
            text="Допоможіть з документами",
        )
    )
    await store.events.add(Event(helpline=OLD, kind="conversation_started", conversation_id=conv.id))
    await store.feedback.mark(
        Feedback(
            message_id="m1",
            conversation_id=conv.id,
            helpline=OLD,
            text="t",
            label="crisis",
            operator_id="op",
            marked_at=utcnow(),
        )
    )
    await store.reports.add(
        Report(
            helpline=OLD,
            code_hash="c" * 64,
            about="elderly",
            place="north",
            what="Сусідка",
            urgency="soon",
            team="social",
            priority="urgent_report",
            channel="telegram",
            language="uk",
            conversation_id="queue-1",
        )
    )
    await store.operators.create(
        Operator(login="olena", display_name="Олена", password_hash="$argon2id$x", helplines=[OLD, "other-line"])
    )
    await store.operators.create(
        Operator(login="petro", display_name="Петро", password_hash="$argon2id$x", helplines=[OLD, NEW])
    )
    return conv


async def test_every_stored_record_of_the_former_id_moves_to_the_new_one(any_store: Store) -> None:
    conv = await _old_records(any_store)
    moved = await any_store.rename_helpline(OLD, NEW)
    assert moved >= 7
    found = await any_store.conversations.find_by_user(NEW, "telegram", "person-1")
    assert found is not None and found.id == conv.id  # the person goes on in their conversation
    assert await any_store.conversations.find_by_user(OLD, "telegram", "person-1") is None
    assert [m.helpline for m in await any_store.messages.history(conv.id)] == [NEW]
    assert await any_store.events.count_by("kind", helpline=NEW) == {"conversation_started": 1}
    assert await any_store.events.count_by("kind", helpline=OLD) == {}
    assert [f.conversation_id for f in await any_store.feedback.since(helplines=[NEW])] == [conv.id]
    report = await any_store.reports.by_code(NEW, "c" * 64)  # a reporter's code still finds the report
    assert report is not None and report.helpline == NEW
    olena, petro = await any_store.operators.by_login("olena"), await any_store.operators.by_login("petro")
    assert olena is not None and olena.helplines == [NEW, "other-line"]
    assert petro is not None and petro.helplines == [NEW]  # not twice
    assert await any_store.rename_helpline(OLD, NEW) == 0  # done once: the next start finds nothing


async def test_a_person_with_a_conversation_under_both_ids_keeps_the_newer(any_store: Store) -> None:
    old = await any_store.conversations.create(Conversation(helpline=OLD, channel="rest", user_key="k"))
    new = await any_store.conversations.create(Conversation(helpline=NEW, channel="rest", user_key="k"))
    other = await any_store.conversations.create(Conversation(helpline=OLD, channel="rest", user_key="k2"))
    await any_store.rename_helpline(OLD, NEW)
    assert (await any_store.conversations.find_by_user(NEW, "rest", "k")).id == new.id
    assert (await any_store.conversations.find_by_user(OLD, "rest", "k")).id == old.id  # left where it was
    assert (await any_store.conversations.find_by_user(NEW, "rest", "k2")).id == other.id
