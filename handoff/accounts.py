"""Operator accounts: creation, login with lock-out, console sessions.

A session cookie carries a random token; the store keeps only its SHA-256,
with a CSRF token for the forms of that session. Failed logins lock the
account for a growing time, so guessing passwords is slow while a real
operator who mistypes is back in a minute.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from vikno.storage.models import Operator, Role, Session, utcnow
from vikno.storage.port import Store

from .passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password

SESSION_LIFETIME = timedelta(hours=12)
FREE_FAILURES = 5
LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class AccountError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class LoginResult:
    operator: Operator | None
    token: str | None = None
    session: Session | None = None
    locked_until: datetime | None = None


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_operator(store: Store, login: str, password: str, *, display_name: str | None = None,
                          role: str = Role.OPERATOR, helplines: list[str] | None = None,
                          teams: list[str] | None = None, languages: list[str] | None = None,
                          capacity: int = 3) -> Operator:
    login = login.strip().lower()
    if not LOGIN_PATTERN.match(login):
        raise AccountError("a login is 2-64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit")
    if role not in set(Role):
        raise AccountError(f"role must be one of {', '.join(Role)}")
    if not 1 <= capacity <= 50:
        raise AccountError("capacity (parallel chats) must be between 1 and 50")
    operator = Operator(login=login, display_name=display_name or login, password_hash=hash_password(password),
                        role=role, helplines=helplines or [], teams=teams or [], languages=languages or [],
                        capacity=capacity)
    return await store.operators.create(operator)


def _lock_time(failures: int) -> timedelta:
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, failures - FREE_FAILURES)))


async def log_in(store: Store, login: str, password: str, now: datetime | None = None) -> LoginResult:
    now = now or utcnow()
    operator = await store.operators.by_login(login.strip().lower())
    if operator is None or operator.disabled:
        await asyncio.to_thread(verify_password, DUMMY_HASH, password)  # same cost as a real check
        return LoginResult(None)
    if operator.locked_until is not None and operator.locked_until > now:
        return LoginResult(None, locked_until=operator.locked_until)
    # argon2 is deliberately slow (tens of ms): keep it off the event loop
    if not await asyncio.to_thread(verify_password, operator.password_hash, password):
        operator.failed_logins += 1
        if operator.failed_logins >= FREE_FAILURES:
            operator.locked_until = now + _lock_time(operator.failed_logins)
        await store.operators.save(operator)
        return LoginResult(None, locked_until=operator.locked_until)
    operator.failed_logins, operator.locked_until, operator.last_seen_at = 0, None, now
    if needs_rehash(operator.password_hash):
        operator.password_hash = await asyncio.to_thread(hash_password, password)
    await store.operators.save(operator)
    token = secrets.token_urlsafe(32)
    session = Session(id=session_id(token), operator_id=operator.id, csrf_token=secrets.token_urlsafe(24),
                      expires_at=now + SESSION_LIFETIME, created_at=now)
    await store.sessions.create(session)
    return LoginResult(operator, token, session)


async def current(store: Store, token: str | None, now: datetime | None = None) -> tuple[Operator, Session] | None:
    if not token:
        return None
    session = await store.sessions.get(session_id(token), now or utcnow())
    if session is None:
        return None
    operator = await store.operators.get(session.operator_id)
    if operator is None or operator.disabled:
        return None
    return operator, session


async def log_out(store: Store, token: str) -> None:
    await store.sessions.delete(session_id(token))
