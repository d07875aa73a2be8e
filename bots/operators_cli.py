"""``vikno operator add|list``: accounts for the console, from the shell."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from vikno.flows.content import Helpline
from vikno.handoff.accounts import AccountError, create_operator
from vikno.handoff.passwords import WeakPassword
from vikno.storage import make_store
from vikno.storage.errors import AlreadyExists, StoreUnavailable

from .config import Settings


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


def run_operator_command(args: argparse.Namespace, settings: Settings, helplines: dict[str, Helpline]) -> int:
    return asyncio.run(_run(args, settings, helplines))


async def _run(args: argparse.Namespace, settings: Settings, helplines: dict[str, Helpline]) -> int:
    store = make_store(data_dir=settings.data_dir,
                       mongodb_uri=settings.mongodb_uri.get_secret_value() if settings.mongodb_uri else None,
                       mongodb_database=settings.mongodb_database)
    try:
        await store.open()
        if args.operator_command == "list":
            for o in await store.operators.all():
                print(f"{o.login}\t{o.role}\tteams={','.join(o.teams) or '*'}\t"
                      f"languages={','.join(o.languages) or '*'}\tcapacity={o.capacity}")
            return 0
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
            store, args.name, _password(), display_name=args.display_name, role=args.role,
            helplines=_split(args.helplines), teams=_split(args.teams), languages=_split(args.languages),
            capacity=args.capacity)
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
