"""Operator accounts: hashed passwords, lock-out, sessions."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from vikno.handoff.accounts import (
    FREE_FAILURES,
    LOCK_QUIET,
    SESSION_LIFETIME,
    AccountError,
    LoginKeys,
    create_operator,
    current,
    disable,
    enable,
    log_in,
    log_out,
    remove,
    set_password,
)
from vikno.handoff.console.ratelimit import LoginSlots
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


async def test_wrong_passwords_lock_the_login_from_that_address_only(any_store: Store) -> None:
    await create_operator(any_store, "target", PASSWORD)
    now = utcnow()
    for n in range(1, FREE_FAILURES + 1):
        wrong = await log_in(any_store, "target", "guess-guess-guess", now, address="203.0.113.9")
        assert wrong.operator is None and not wrong.refused and wrong.attempt == n
    locked = await log_in(any_store, "target", PASSWORD, now, address="203.0.113.9")
    assert locked.operator is None and locked.refused  # not even checked
    # the operator at her own desk is not locked out by a stranger's guesses
    assert (await log_in(any_store, "target", PASSWORD, now, address="198.51.100.7")).operator is not None
    # the stranger's address stays refused while it keeps trying, and is let in after a quiet while
    assert (await log_in(any_store, "target", PASSWORD, now + LOCK_QUIET / 2, address="203.0.113.9")).refused
    later = now + LOCK_QUIET / 2 + LOCK_QUIET + timedelta(seconds=1)
    assert (await log_in(any_store, "target", PASSWORD, later, address="203.0.113.9")).operator is not None


async def test_a_stranger_keeping_a_logins_places_busy_does_not_shut_its_owner_out(any_store: Store) -> None:
    """Audit after issue 20: squatting the login's places from other addresses gave the owner 429s and a lock-out."""
    await create_operator(any_store, "olena", PASSWORD)
    slots = LoginSlots(per_login=2, wait=0.05)
    for n in range(2):  # a stranger holds both places, from two other addresses
        assert await slots.enter(f"203.0.113.{n}", "olena")
    for _ in range(FREE_FAILURES + 2):  # the owner waits in vain, again and again: refused, but never counted
        busy = await log_in(any_store, "olena", PASSWORD, address="198.51.100.7", slots=slots)
        assert busy.operator is None and busy.refused and busy.attempt == 0
    slots.leave("203.0.113.0", "olena")
    assert (await log_in(any_store, "olena", PASSWORD, address="198.51.100.7", slots=slots)).operator is not None
    # while places are busy the owner's attempt waits its turn instead of being refused
    waiting = LoginSlots(per_login=1, wait=5.0)
    assert await waiting.enter("203.0.113.5", "olena")
    attempt = asyncio.create_task(log_in(any_store, "olena", PASSWORD, address="198.51.100.7", slots=waiting))
    await asyncio.sleep(0.05)
    assert not attempt.done()
    waiting.leave("203.0.113.5", "olena")
    assert (await attempt).operator is not None


async def test_unknown_logins_are_counted_and_refused_the_same_way(any_store: Store) -> None:
    now = utcnow()
    results = [
        await log_in(any_store, "ghost", "guess-guess-guess", now, address="203.0.113.9")
        for _ in range(FREE_FAILURES + 1)
    ]
    assert [r.refused for r in results] == [False] * FREE_FAILURES + [True]


async def test_sessions_end_when_idle_and_after_twelve_hours(any_store: Store) -> None:
    await create_operator(any_store, "olena", PASSWORD)
    now = utcnow()
    idle = timedelta(minutes=30)
    result = await log_in(any_store, "olena", PASSWORD, now, idle=idle)
    assert await current(any_store, result.token, now + timedelta(minutes=29), idle=idle) is not None
    assert await current(any_store, result.token, now + timedelta(minutes=58), idle=idle) is not None  # used
    assert await current(any_store, result.token, now + timedelta(minutes=89), idle=idle) is None  # idle
    busy = await log_in(any_store, "olena", PASSWORD, now, idle=idle)
    t = now
    while t < now + SESSION_LIFETIME - timedelta(minutes=20):
        t += timedelta(minutes=20)
        assert await current(any_store, busy.token, t, idle=idle) is not None
    assert await current(any_store, busy.token, now + SESSION_LIFETIME, idle=idle) is None


async def test_disable_new_password_and_remove_end_sessions(any_store: Store) -> None:
    await create_operator(any_store, "olena", PASSWORD)
    first = await log_in(any_store, "olena", PASSWORD)
    _, ended = await disable(any_store, "olena")
    assert ended == 1 and await current(any_store, first.token) is None
    assert (await log_in(any_store, "olena", PASSWORD)).operator is None
    await enable(any_store, "olena")
    second = await log_in(any_store, "olena", PASSWORD)
    keys = LoginKeys(b"the deployment secret")
    for _ in range(FREE_FAILURES):
        await log_in(any_store, "olena", "guess-guess-guess", address="203.0.113.9", keys=keys)
    await set_password(any_store, "olena", "a brand new password", keys)
    assert await current(any_store, second.token) is None
    assert (await log_in(any_store, "olena", PASSWORD)).operator is None
    # the lock-outs of the old password are lifted with it
    assert (
        await log_in(any_store, "olena", "a brand new password", address="203.0.113.9", keys=keys)
    ).operator is not None
    third = await log_in(any_store, "olena", "a brand new password")
    await remove(any_store, "olena")
    assert await current(any_store, third.token) is None and await any_store.operators.by_login("olena") is None
    with pytest.raises(AccountError):
        await disable(any_store, "olena")


async def test_unknown_login_and_bad_input(any_store: Store) -> None:
    assert (await log_in(any_store, "ghost", PASSWORD)).operator is None
    with pytest.raises(WeakPassword):
        await create_operator(any_store, "short", "123")
    with pytest.raises(AccountError):
        await create_operator(any_store, "бад логін", PASSWORD)
    with pytest.raises(AccountError):
        await create_operator(any_store, "x1", PASSWORD, role="god")
