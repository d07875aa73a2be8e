"""Contract: operators and console sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from vikno.storage.errors import AlreadyExists
from vikno.storage.models import Operator, Session, utcnow
from vikno.storage.port import Store


def op(login: str = "olena", **kw) -> Operator:
    return Operator(login=login, display_name="Олена", password_hash="$argon2id$x", **kw)


async def test_operator_roundtrip_and_unique_login(any_store: Store) -> None:
    o = await any_store.operators.create(
        op(teams=["social"], languages=["uk", "ru"], capacity=4, locked_until=utcnow())
    )
    assert await any_store.operators.get(o.id) == o
    assert await any_store.operators.by_login("olena") == o
    with pytest.raises(AlreadyExists):
        await any_store.operators.create(op())
    o.presence, o.failed_logins = "online", 2
    await any_store.operators.save(o)
    assert (await any_store.operators.get(o.id)).presence == "online"
    await any_store.operators.create(op("andriy"))
    assert [x.login for x in await any_store.operators.all()] == ["andriy", "olena"]
    assert await any_store.operators.by_login("nobody") is None


async def test_sessions_expire(any_store: Store) -> None:
    now = utcnow()
    s = Session(id="h1", operator_id="o1", csrf_token="c", expires_at=now + timedelta(hours=8), created_at=now)
    await any_store.sessions.create(s)
    assert await any_store.sessions.get("h1", now) == s
    assert await any_store.sessions.get("h1", now + timedelta(hours=9)) is None
    await any_store.sessions.create(
        Session(id="old", operator_id="o1", csrf_token="c", expires_at=now - timedelta(seconds=1))
    )
    await any_store.sessions.delete_expired(now)  # MongoDB's TTL monitor may have been first
    assert await any_store.sessions.get("old", now - timedelta(hours=1)) is None  # gone, not just expired
    assert await any_store.sessions.get("h1", now) == s
    await any_store.sessions.delete("h1")
    assert await any_store.sessions.get("h1", now) is None


async def test_sessions_slide_and_end_with_their_operator(any_store: Store) -> None:
    """Item 16: an idle timeout moves a session's end; disabling or removing an operator ends all of theirs."""
    now = utcnow()
    for sid, operator_id in (("a1", "o1"), ("a2", "o1"), ("b1", "o2")):
        await any_store.sessions.create(
            Session(
                id=sid, operator_id=operator_id, csrf_token="c", expires_at=now + timedelta(minutes=30), created_at=now
            )
        )
    await any_store.sessions.touch("a1", now + timedelta(minutes=50))
    assert (await any_store.sessions.get("a1", now + timedelta(minutes=40))) is not None
    assert (await any_store.sessions.get("a2", now + timedelta(minutes=40))) is None
    assert await any_store.sessions.delete_of("o1") == 2
    assert await any_store.sessions.get("a1", now) is None and await any_store.sessions.get("a2", now) is None
    assert await any_store.sessions.get("b1", now) is not None


async def test_an_operator_can_be_removed(any_store: Store) -> None:
    o = await any_store.operators.create(op())
    assert await any_store.operators.delete(o.id) is True
    assert await any_store.operators.get(o.id) is None and await any_store.operators.by_login("olena") is None
    assert await any_store.operators.delete(o.id) is False
    await any_store.operators.create(op())  # the login is free again


# --- login attempts: counted atomically before a password is checked (issue 20, item 3) --------


async def test_forty_attempts_at_once_each_get_their_own_number(any_store: Store) -> None:
    import asyncio

    now = utcnow()
    window = timedelta(minutes=15)
    numbers = await asyncio.gather(*(any_store.login_attempts.hit("pair-1", "login-1", now, window) for _ in range(40)))
    assert sorted(numbers) == list(range(1, 41))
    assert await any_store.login_attempts.count("pair-1", now, window) == 40
    assert await any_store.login_attempts.count("pair-2", now, window) == 0


async def test_login_attempts_are_forgotten_after_a_quiet_while_or_cleared(any_store: Store) -> None:
    now = utcnow()
    window = timedelta(minutes=15)
    hit = any_store.login_attempts.hit
    for n in range(1, 4):
        assert await hit("pair-1", "login-1", now + timedelta(minutes=10 * n), window) == n  # each within 15 min
    later = now + timedelta(minutes=30 + 16)
    assert await any_store.login_attempts.count("pair-1", later, window) == 0
    assert await hit("pair-1", "login-1", later, window) == 1  # starts again
    await hit("pair-2", "login-1", later, window)
    await hit("pair-3", "login-2", later, window)
    await any_store.login_attempts.clear("pair-2")
    assert await any_store.login_attempts.count("pair-2", later, window) == 0
    assert await any_store.login_attempts.clear_login("login-1") == 1  # pair-1 (pair-2 is gone already)
    assert await any_store.login_attempts.count("pair-1", later, window) == 0
    assert await any_store.login_attempts.count("pair-3", later, window) == 1
    assert await any_store.login_attempts.forget_older(later + timedelta(seconds=1)) == 1
    assert await any_store.login_attempts.count("pair-3", later, window) == 0
