"""Operator accounts: hashed passwords, lock-out, sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from vikno.handoff.accounts import AccountError, create_operator, current, log_in, log_out
from vikno.handoff.passwords import WeakPassword
from vikno.storage.models import utcnow
from vikno.storage.port import Store

PASSWORD = "correct horse battery"


async def test_password_is_hashed_and_login_gives_a_session(any_store: Store) -> None:
    o = await create_operator(any_store, "Olena", PASSWORD, role="supervisor", teams=["social"])
    assert o.login == "olena" and PASSWORD not in o.password_hash and o.password_hash.startswith("$argon2")
    result = await log_in(any_store, "olena", PASSWORD)
    assert result.operator and result.token and result.session.csrf_token
    assert result.session.id != result.token  # only the token's hash is stored
    found = await current(any_store, result.token)
    assert found is not None and found[0].id == o.id
    await log_out(any_store, result.token)
    assert await current(any_store, result.token) is None


async def test_wrong_passwords_lock_the_account_for_a_while(any_store: Store) -> None:
    await create_operator(any_store, "target", PASSWORD)
    now = utcnow()
    for _ in range(5):
        assert (await log_in(any_store, "target", "guess-guess-guess", now)).operator is None
    locked = await log_in(any_store, "target", PASSWORD, now)
    assert locked.operator is None and locked.locked_until > now
    assert (await log_in(any_store, "target", PASSWORD, now + timedelta(minutes=2))).operator is not None


async def test_unknown_login_and_bad_input(any_store: Store) -> None:
    assert (await log_in(any_store, "ghost", PASSWORD)).operator is None
    with pytest.raises(WeakPassword):
        await create_operator(any_store, "short", "123")
    with pytest.raises(AccountError):
        await create_operator(any_store, "бад логін", PASSWORD)
    with pytest.raises(AccountError):
        await create_operator(any_store, "x1", PASSWORD, role="god")
