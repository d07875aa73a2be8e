"""Operator accounts: creation, login with lock-out, console sessions, and the administrator's commands.

A session cookie carries a random token; the store keeps only its SHA-256,
with a CSRF token for the forms of that session. A session ends when it is
not used for the idle timeout, 12 hours after the login at the latest, at
logout, and when its account is disabled, removed or gets a new password.

Guessing passwords is slowed per (client address, login): every attempt is
counted in the store *before* its password is checked, atomically, so that
parallel guesses cannot all slip in; after ``FREE_FAILURES`` the pair is
refused unverified until it has been quiet for ``LOCK_QUIET``. Counting by
pair, not by account, means that a stranger guessing a login locks out only
themselves, and that one noisy address (an office behind one NAT, a proxy)
does not lock out every operator. Unknown logins are counted the same way,
so the answers never tell which logins exist. The console adds a cap on
attempts in flight (``LoginSlots``) and a per-address limit (ratelimit.py).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from vikno.storage.models import Operator, Role, Session, utcnow
from vikno.storage.port import Store

from .passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password

#: The longest a console session lives, however busy.
SESSION_LIFETIME = timedelta(hours=12)
#: A session nobody used for this long ends (``ConsoleSettings.idle_timeout`` overrides it).
IDLE_TIMEOUT = timedelta(minutes=30)
#: A used session's end is moved at most this often (one write a minute, not one per request).
TOUCH_EVERY = timedelta(minutes=1)
#: An operator's ``last_seen_at`` is written at most this often. The console's socket re-checks
#: its session every 15 s, so an open console keeps it well inside flows.outlook.SEEN_WITHIN
#: (whether the operator counts as there to answer).
SEEN_EVERY = timedelta(seconds=10)
#: Attempts per (address, login) that are checked; later ones are refused unchecked...
FREE_FAILURES = 5
#: ...until the pair has been quiet this long (every refused attempt counts and starts the wait again).
LOCK_QUIET = timedelta(minutes=15)
LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class AccountError(ValueError):
    pass


class LoginKeys:
    """Keyed pseudonyms of logins and (address, login) pairs: for the store's counters and for logs.

    A failed login's text is often a password typed in the wrong field, and
    addresses are personal data: neither is stored or logged in clear. The
    key comes from the deployment's secret, so that every worker (and the
    ``vikno operator`` command) computes the same pseudonyms.
    """

    def __init__(self, secret: bytes | None = None) -> None:
        self._key = hashlib.sha256(b"vikno console logins\x00" + (secret or secrets.token_bytes(32))).digest()

    def _hash(self, *parts: str) -> str:
        return hmac.new(self._key, "\x00".join(parts).encode(), "sha256").hexdigest()

    def login(self, login: str) -> str:
        return self._hash("login", normal_login(login))[:32]

    def pair(self, address: str, login: str) -> str:
        return self._hash("pair", address, normal_login(login))[:40]

    def pseudonym(self, login: str) -> str:
        """Short and stable: the same login gives the same name in every log line."""
        return "login#" + self.login(login)[:10]


class LoginSlots(Protocol):
    """Caps on logins being checked at once (the console's, in memory): ``enter`` False means refuse now."""

    def address_busy(self, address: str) -> bool: ...

    async def enter(self, address: str, login: str) -> bool: ...

    def leave(self, address: str, login: str) -> None: ...


@dataclass(frozen=True, slots=True)
class LoginResult:
    operator: Operator | None
    token: str | None = None
    session: Session | None = None
    #: True when the attempt was refused without checking the password (too many attempts, or in flight).
    refused: bool = False
    #: The attempt's number for this (address, login) pair.
    attempt: int = 0


def normal_login(login: str) -> str:
    return login.strip().lower()


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_operator(
    store: Store,
    login: str,
    password: str,
    *,
    display_name: str | None = None,
    role: str = Role.OPERATOR,
    helplines: list[str] | None = None,
    teams: list[str] | None = None,
    languages: list[str] | None = None,
    capacity: int = 3,
) -> Operator:
    login = normal_login(login)
    if not LOGIN_PATTERN.match(login):
        raise AccountError("a login is 2-64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit")
    if role not in set(Role):
        raise AccountError(f"role must be one of {', '.join(Role)}")
    if not 1 <= capacity <= 50:
        raise AccountError("capacity (parallel chats) must be between 1 and 50")
    operator = Operator(
        login=login,
        display_name=display_name or login,
        password_hash=hash_password(password),
        role=role,
        helplines=helplines or [],
        teams=teams or [],
        languages=languages or [],
        capacity=capacity,
    )
    return await store.operators.create(operator)


_DEFAULT_KEYS = LoginKeys()


async def log_in(
    store: Store,
    login: str,
    password: str,
    now: datetime | None = None,
    *,
    address: str = "unknown",
    keys: LoginKeys | None = None,
    slots: LoginSlots | None = None,
    idle: timedelta = IDLE_TIMEOUT,
) -> LoginResult:
    """Count the attempt, then (if it may be checked) check the password and open a session."""
    now = now or utcnow()
    keys = keys or _DEFAULT_KEYS
    login = normal_login(login)
    pair = keys.pair(address, login)
    if slots is not None and slots.address_busy(address):  # one address sending many at once: each counts
        attempt = await store.login_attempts.hit(pair, keys.login(login), now, LOCK_QUIET)
        return LoginResult(None, refused=True, attempt=attempt)
    # A place for this login first, then the count: an attempt that waited in vain (a stranger keeping
    # the login's places busy from other addresses) must not count towards its owner's lock-out. The
    # count still comes before the check, atomically, so parallel guesses are each counted.
    if slots is not None and not await slots.enter(address, login):
        return LoginResult(None, refused=True)
    try:
        attempt = await store.login_attempts.hit(pair, keys.login(login), now, LOCK_QUIET)
        if attempt > FREE_FAILURES:
            return LoginResult(None, refused=True, attempt=attempt)
        operator = await store.operators.by_login(login)
        # argon2 is deliberately slow (tens of ms): keep it off the event loop. An unknown or
        # disabled login costs the same check, so timing does not tell which logins exist.
        usable = operator is not None and not operator.disabled
        stored = operator.password_hash if operator is not None and usable else DUMMY_HASH
        checked = await asyncio.to_thread(verify_password, stored, password)
    finally:
        if slots is not None:
            slots.leave(address, login)
    if not usable or not checked:
        return LoginResult(None, attempt=attempt)
    assert operator is not None
    await store.login_attempts.clear(pair)
    operator.last_seen_at = now
    if needs_rehash(operator.password_hash):
        operator.password_hash = await asyncio.to_thread(hash_password, password)
    await store.operators.save(operator)
    token = secrets.token_urlsafe(32)
    session = Session(
        id=session_id(token),
        operator_id=operator.id,
        csrf_token=secrets.token_urlsafe(24),
        expires_at=now + min(idle, SESSION_LIFETIME),
        created_at=now,
    )
    await store.sessions.create(session)
    return LoginResult(operator, token, session, attempt=attempt)


async def current(
    store: Store, token: str | None, now: datetime | None = None, *, idle: timedelta = IDLE_TIMEOUT
) -> tuple[Operator, Session] | None:
    """The operator and session of a cookie's token, if the session still lives; using it keeps it alive."""
    if not token:
        return None
    now = now or utcnow()
    session = await store.sessions.get(session_id(token), now)
    if session is None:
        return None
    if now >= session.created_at + SESSION_LIFETIME:
        await store.sessions.delete(session.id)
        return None
    operator = await store.operators.get(session.operator_id)
    if operator is None or operator.disabled:
        return None
    until = min(now + idle, session.created_at + SESSION_LIFETIME)
    if until - session.expires_at >= TOUCH_EVERY:
        await store.sessions.touch(session.id, until)
        session.expires_at = until
    if operator.last_seen_at is None or now - operator.last_seen_at >= SEEN_EVERY:
        await store.operators.seen(operator.id, now)
        operator.last_seen_at = now
    return operator, session


async def log_out(store: Store, token: str) -> None:
    await store.sessions.delete(session_id(token))


# --- the administrator's commands (vikno operator ...) -------------------------------------


async def _existing(store: Store, login: str) -> Operator:
    operator = await store.operators.by_login(normal_login(login))
    if operator is None:
        raise AccountError(f"no operator {normal_login(login)!r}; see `vikno operator list`")
    return operator


async def disable(store: Store, login: str) -> tuple[Operator, int]:
    """Disable an account and end its sessions at once; (the operator, sessions ended)."""
    operator = await _existing(store, login)
    operator.disabled, operator.presence = True, "offline"
    await store.operators.save(operator)
    return operator, await store.sessions.delete_of(operator.id)


async def enable(store: Store, login: str) -> Operator:
    operator = await _existing(store, login)
    operator.disabled = False
    return await store.operators.save(operator)


async def set_password(store: Store, login: str, password: str, keys: LoginKeys | None = None) -> tuple[Operator, int]:
    """A new password: every session of the old one ends, and the login's lock-outs are lifted."""
    operator = await _existing(store, login)
    operator.password_hash = hash_password(password)
    await store.operators.save(operator)
    ended = await store.sessions.delete_of(operator.id)
    await store.login_attempts.clear_login((keys or _DEFAULT_KEYS).login(operator.login))
    return operator, ended


async def remove(store: Store, login: str) -> tuple[Operator, int]:
    """Remove an account; its sessions end. (Its chats are the caller's to hand back to the queue first.)"""
    operator = await _existing(store, login)
    ended = await store.sessions.delete_of(operator.id)
    await store.operators.delete(operator.id)
    return operator, ended
