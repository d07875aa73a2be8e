"""An operator at the console of a running vikno, for the channel tables' join / write / close rows."""

from __future__ import annotations

from aiohttp import web

from vikno.bots.keys import ENGINE
from vikno.handoff.accounts import create_operator
from vikno.storage.models import Operator, Presence, utcnow


async def operator_on_duty(app: web.Application, login: str = "olena", name: str = "Олена") -> Operator:
    store = app[ENGINE].store
    operator = await create_operator(store, login, "a long enough password 1", display_name=name)
    operator.presence, operator.last_seen_at = Presence.ONLINE, utcnow()
    return await store.operators.save(operator)
