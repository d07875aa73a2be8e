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
    o = await any_store.operators.create(op(teams=["social"], languages=["uk", "ru"], capacity=4,
                                            locked_until=utcnow()))
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
    await any_store.sessions.create(Session(id="old", operator_id="o1", csrf_token="c",
                                            expires_at=now - timedelta(seconds=1)))
    await any_store.sessions.delete_expired(now)  # MongoDB's TTL monitor may have been first
    assert await any_store.sessions.get("old", now - timedelta(hours=1)) is None  # gone, not just expired
    assert await any_store.sessions.get("h1", now) == s
    await any_store.sessions.delete("h1")
    assert await any_store.sessions.get("h1", now) is None
