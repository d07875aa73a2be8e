"""An operator at the console of a running vikno, for the channel tables' join / write / close rows."""

from __future__ import annotations

import secrets
from datetime import timedelta

from aiohttp import web

from vikno.bots.keys import ENGINE
from vikno.handoff.accounts import create_operator
from vikno.storage.models import Operator, Presence, Session, utcnow
from vikno.storage.port import Store


async def logged_in(store: Store, operator: Operator) -> Operator:
    """A live console session for the operator, as a person at the console has: the console's upkeep sets operators
    online without one offline and puts their chats back in the queue (a browser test's specialist "left" when the
    upkeep's tick fell inside it)."""
    now = utcnow()
    session = Session(secrets.token_hex(16), operator.id, secrets.token_hex(8), now + timedelta(hours=1), now)
    await store.sessions.create(session)
    return operator


async def operator_on_duty(app: web.Application, login: str = "olena", name: str = "Олена") -> Operator:
    store = app[ENGINE].store
    operator = await create_operator(store, login, "a long enough password 1", display_name=name)
    operator.presence, operator.last_seen_at = Presence.ONLINE, utcnow()
    return await logged_in(store, await store.operators.save(operator))
