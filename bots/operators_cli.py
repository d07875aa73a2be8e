"""``vikno operator add|list|disable|enable|passwd|remove``: accounts for the console, from the shell.

Disabling, a new password and removal end the account's sessions at once
(a console socket still open notices at its next session check, within
seconds); disabling and removal also hand the account's open chats back to
the queue, at the head of their priority.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from vikno.flows.channels import ChannelRegistry
from vikno.flows.content import Helpline
from vikno.handoff import accounts
from vikno.handoff.accounts import AccountError, LoginKeys, create_operator
from vikno.handoff.passwords import WeakPassword
from vikno.handoff.service import Handoff
from vikno.storage.errors import AlreadyExists, StoreUnavailable
from vikno.storage.port import Store

from .config import Settings
from .stores import deployment_secret, store_for


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _password() -> str:
    given = os.environ.get("VIKNO_OPERATOR_PASSWORD")
    if given:
        return given
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password (at least 10 characters): ")
    if getpass.getpass("again: ") != first:
        raise AccountError("the two passwords differ")
    return first


async def _change(command: str, login: str, store: Store, settings: Settings, helplines: dict[str, Helpline]) -> int:
    if command == "enable":
        operator = await accounts.enable(store, login)
        print(f"enabled {operator.login}")
        return 0
    if command == "passwd":
        operator, ended = await accounts.set_password(store, login, _password(), LoginKeys(deployment_secret(settings)))
        print(f"new password for {operator.login}: {ended} session(s) ended")
        return 0
    found = await store.operators.by_login(accounts.normal_login(login))
    if found is None:
        raise AccountError(f"no operator {accounts.normal_login(login)!r}; see `vikno operator list`")
    # their chats go back to the queue first: nobody must be left talking to an account that is gone
    handoff = Handoff(store, helplines, channels=ChannelRegistry())
    released = await handoff.release(found.id, command)
    operator, ended = await (accounts.disable if command == "disable" else accounts.remove)(store, login)
    done = "disabled" if command == "disable" else "removed"
    print(f"{done} {operator.login}: {ended} session(s) ended, {len(released)} chat(s) back in the queue")
    return 0


def run_operator_command(args: argparse.Namespace, settings: Settings, helplines: dict[str, Helpline]) -> int:
    return asyncio.run(_run(args, settings, helplines))


async def _run(args: argparse.Namespace, settings: Settings, helplines: dict[str, Helpline]) -> int:
    store = store_for(settings)
    try:
        await store.open()
        if args.operator_command == "list":
            for o in await store.operators.all():
                print(
                    f"{o.login}\t{o.role}\tteams={','.join(o.teams) or '*'}\t"
                    f"languages={','.join(o.languages) or '*'}\tcapacity={o.capacity}"
                    + ("\tdisabled" if o.disabled else "")
                )
            return 0
        if args.operator_command in ("disable", "enable", "passwd", "remove"):
            return await _change(args.operator_command, args.name, store, settings, helplines)
        unknown = [h for h in _split(args.helplines) if h not in helplines]
        if unknown:
            print(f"vikno: unknown helpline(s) {', '.join(unknown)}; known: {', '.join(helplines)}", file=sys.stderr)
            return 2
        teams = {t.id for line in helplines.values() for t in line.settings.teams}
        bad_teams = [t for t in _split(args.teams) if t not in teams]
        if bad_teams:
            print(f"vikno: unknown team(s) {', '.join(bad_teams)}; known: {', '.join(sorted(teams))}", file=sys.stderr)
            return 2
        operator = await create_operator(
            store,
            args.name,
            _password(),
            display_name=args.display_name,
            role=args.role,
            helplines=_split(args.helplines),
            teams=_split(args.teams),
            languages=_split(args.languages),
            capacity=args.capacity,
        )
        print(f"created {operator.role} {operator.login}")
        return 0
    except (AccountError, WeakPassword, AlreadyExists) as exc:
        print(f"vikno: {exc}", file=sys.stderr)
        return 2
    except StoreUnavailable as exc:
        print(f"vikno: the store is not reachable: {exc}", file=sys.stderr)
        return 1
    finally:
        await store.close()
