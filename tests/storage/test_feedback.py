"""Contract: operators' marks on messages ("crisis" / "not a crisis"), the labelled examples of issue 21.

One mark per message (a later mark replaces the earlier), read back per
conversation and for the export (since a date, by helpline, oldest first),
and deleted after the retention time. Both adapters.
"""

from __future__ import annotations

from datetime import timedelta

from vikno.storage.models import Feedback, FeedbackLabel, utcnow
from vikno.storage.port import Store
from vikno.storage.sqlite.store import SqliteStore


def mark(
    message_id: str,
    *,
    conversation_id: str = "c1",
    helpline: str = "line1620",
    at=None,
    label: str = FeedbackLabel.CRISIS,
    operator_id: str = "op1",
    **kw,
) -> Feedback:
    return Feedback(
        message_id=message_id,
        conversation_id=conversation_id,
        helpline=helpline,
        text=kw.pop("text", f"text of {message_id}"),
        label=label,
        operator_id=operator_id,
        marked_at=at or utcnow(),
        **kw,
    )


async def test_a_mark_is_kept_whole_and_read_back_per_conversation(any_store: Store) -> None:
    now = utcnow()
    kept = mark(
        "m1",
        text="мама сказала що мене вбʼє",
        language="uk",
        level="check",
        reasons=["rule:will_kill_me", "model:0.55"],
        at=now,
    )
    await any_store.feedback.mark(kept)
    await any_store.feedback.mark(mark("m2", conversation_id="c2", at=now))
    assert await any_store.feedback.of_conversation("c1") == [kept]
    assert [f.message_id for f in await any_store.feedback.of_conversation("c2")] == ["m2"]
    assert await any_store.feedback.of_conversation("nobody") == []


async def test_a_later_mark_on_the_same_message_replaces_the_earlier(any_store: Store) -> None:
    first = utcnow() - timedelta(minutes=5)
    await any_store.feedback.mark(mark("m1", label=FeedbackLabel.CRISIS, operator_id="olena", at=first))
    again = mark("m1", label=FeedbackLabel.NOT_CRISIS, operator_id="iryna", at=first + timedelta(minutes=1))
    await any_store.feedback.mark(again)
    assert await any_store.feedback.of_conversation("c1") == [again]
    assert await any_store.feedback.since() == [again]


async def test_since_filters_by_time_and_helpline_oldest_first(any_store: Store) -> None:
    now = utcnow()
    await any_store.feedback.mark(mark("new", at=now))
    await any_store.feedback.mark(mark("old", at=now - timedelta(days=10)))
    await any_store.feedback.mark(mark("other", helpline="line2000", at=now - timedelta(days=1)))
    assert [f.message_id for f in await any_store.feedback.since()] == ["old", "other", "new"]
    assert [f.message_id for f in await any_store.feedback.since(now - timedelta(days=2))] == ["other", "new"]
    assert [f.message_id for f in await any_store.feedback.since(now, helplines=["line1620"])] == ["new"]
    assert [f.message_id for f in await any_store.feedback.since(helplines=["line2000"])] == ["other"]
    assert await any_store.feedback.since(helplines=[]) == []


async def test_delete_older_forgets_marks_past_the_retention_time(any_store: Store) -> None:
    now = utcnow()
    await any_store.feedback.mark(mark("kept", at=now - timedelta(days=364)))
    await any_store.feedback.mark(mark("gone", at=now - timedelta(days=366)))
    assert await any_store.feedback.delete_older(now - timedelta(days=365)) == 1
    assert [f.message_id for f in await any_store.feedback.since()] == ["kept"]
    assert await any_store.feedback.delete_older(now - timedelta(days=365)) == 0


async def test_marks_survive_a_restart_of_the_store(any_store: Store, other: Store) -> None:
    """A second store instance on the same data (another process) reads what the first wrote."""
    await any_store.feedback.mark(mark("m1", language="en", level="crisis", reasons=["model:0.97"]))
    (read,) = await other.feedback.since()
    assert (read.text, read.language, read.level, read.reasons) == ("text of m1", "en", "crisis", ["model:0.97"])


async def test_a_data_folder_of_schema_2_gets_the_table_by_migration_3(tmp_path) -> None:
    """A SQLite file written before marks existed gets its feedback table, once, when vikno opens it."""
    import sqlite3

    store = SqliteStore(tmp_path / "data", writer="thread")
    await store.open()
    await store.close()
    with sqlite3.connect(store.path) as conn:  # as the vikno before marks left it
        conn.execute("DROP TABLE feedback")
        conn.execute("ALTER TABLE messages DROP COLUMN shown_name")  # migration 5's, later than marks
        conn.execute("DROP TABLE reports")  # and before reports (migration 6)
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    store = SqliteStore(tmp_path / "data", writer="thread")
    await store.open()
    try:
        assert store.migrated[:8] == [  # and the migrations of later tables after them
            "3: operators' crisis marks (feedback)",
            "4: indexes for the helpline's figures",
            "5: the name an operator's message is shown with",
            "6: reports about someone in danger",
            "7: a masked message's words kept sealed until delivered",
            "8: per-day tallies for the helpline's figures",
            "9: mobile brigades' visits",
            "10: citizens' appeals",
        ]
        await store.feedback.mark(mark("m1"))
        assert len(await store.feedback.since()) == 1
    finally:
        await store.close()
    again = SqliteStore(tmp_path / "data", writer="thread")
    await again.open()
    try:
        assert again.migrated == [] and len(await again.feedback.since()) == 1
    finally:
        await again.close()
