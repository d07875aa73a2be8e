"""``vikno figures`` and ``vikno demo traffic``: a helpline's figures from the shell, and traffic to try them on.

Dates are the helpline's local dates (its ``timezone`` in helpline.yml):
``--from 2026-03-01 --to 2026-03-31`` is March as the helpline lives it,
and hours and weekdays are bucketed in that local time too.

``demo traffic`` writes generated conversations into the configured store.
It must never mix into a live line's data, so it refuses a store that
holds any message already (a live line, or an earlier demo: use a new,
empty data folder, e.g. ``VIKNO_DATA_DIR=./demo-data``) unless
``--force``; every record it writes is marked as demo (bots/demo_traffic.py),
and it leaves a ``demo_traffic`` event saying what it wrote and when.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from vikno.flows.content import SHIPPED_DEFAULT_HELPLINE, Helpline
from vikno.storage.figures import Figures, Period
from vikno.storage.models import Event, utcnow
from vikno.storage.port import Store

from .config import Settings
from .demo_traffic import Batch, Spec, generate
from .stores import store_for

#: Records written per call to the store.
BATCH_ROWS = 20_000
DEMO_EVENT = "demo_traffic"


def add_parsers(sub: Any) -> None:
    figures = sub.add_parser(
        "figures",
        help="a helpline's figures for a period (the supervisor page's, as text or JSON)",
        description=__doc__.split("\n\n")[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    figures.add_argument("--helpline", help="helpline id (default: the default helpline)")
    figures.add_argument("--from", dest="first", required=True, type=date.fromisoformat, help="first day, YYYY-MM-DD")
    figures.add_argument("--to", dest="last", required=True, type=date.fromisoformat, help="last day, YYYY-MM-DD")
    figures.add_argument("--channel", help="only this channel (telegram, viber, webchat, rest)")
    figures.add_argument("--json", action="store_true", help="one JSON object instead of tables")
    figures.add_argument("--config", type=Path)
    demo = sub.add_parser("demo", help="try vikno on generated data")
    demo_sub = demo.add_subparsers(dest="demo_command", required=True)
    traffic = demo_sub.add_parser(
        "traffic",
        help="fill an empty store with realistic generated traffic (never into a live line's store: see --force)",
    )
    traffic.add_argument("--helpline", help="helpline id (default: the default helpline)")
    traffic.add_argument("--days", type=int, required=True, help="how many days, ending today")
    traffic.add_argument("--per-day", type=int, default=60, help="conversations on an ordinary weekday (default 60)")
    traffic.add_argument("--seed", type=int, default=26, help="the same seed gives the same traffic (default 26)")
    traffic.add_argument(
        "--force",
        action="store_true",
        help="write even into a store that holds messages already (they get mixed: "
        "never do this to a live line's store)",
    )
    traffic.add_argument("--config", type=Path)


def pick_helpline(settings: Settings, helplines: dict[str, Helpline], wanted: str | None) -> Helpline | str:
    """The helpline asked for, else the default one, else the only one; a message when none fits.

    With every shipped line running and no default configured, the default is community-1620, as for
    the single-line paths (flows/content.py); several configured lines without a default: ask.
    """
    only = next(iter(helplines)) if len(helplines) == 1 else None
    name = (
        wanted
        or settings.default_helpline
        or only
        or (SHIPPED_DEFAULT_HELPLINE if SHIPPED_DEFAULT_HELPLINE in helplines else None)
    )
    if name is None:
        return f"say which helpline with --helpline ({', '.join(helplines)})"
    if name not in helplines:
        return f"no helpline {name!r} (there are: {', '.join(helplines)})"
    return helplines[name]


def run_figures_command(args: argparse.Namespace, settings: Settings, helplines: dict[str, Helpline]) -> int:
    line = pick_helpline(settings, helplines, args.helpline)
    if isinstance(line, str):
        print(f"vikno: {line}", file=sys.stderr)
        return 2
    if args.last < args.first:
        print("vikno: --to is before --from", file=sys.stderr)
        return 2
    period = Period(line.settings.id, args.first, args.last, line.settings.timezone, args.channel)
    figures = asyncio.run(_figures(settings, period))
    if args.json:
        print(json.dumps(figures.as_json(), ensure_ascii=False, indent=2))
    else:
        print(render_text(figures))
    return 0


async def _figures(settings: Settings, period: Period) -> Figures:
    store = store_for(settings)
    await store.open()
    try:
        return await store.figures(period)
    finally:
        await store.close()


def _table(title: str, rows: list[tuple[str, Any]]) -> list[str]:
    if not rows:
        return [title, "  —", ""]
    width = max(len(str(k)) for k, _ in rows)
    return [title, *(f"  {str(k):<{width}}  {v:>7}" for k, v in rows), ""]


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} s"


def render_text(f: Figures) -> str:
    """Readable tables, in English (the console has them in four languages)."""
    head = [
        f"{f.helpline}: {f.since} – {f.until} ({f.timezone} local time)"
        + (f", channel {f.channel}" if f.channel else ""),
        "",
    ]
    summary = [
        ("conversations", f.conversations),
        ("of them new", f.new_conversations),
        ("messages in", f.messages_in),
        ("messages out", f.messages_out),
        ("handoffs", f.handoffs),
        ("crises", f.crises),
        ("abandoned before an operator took them", f.abandoned),
        ("closed by operators", f.closed),
        ("resolved", f.resolved),
        ("referred", f.referred),
        ("reports", f.reports),
        ("wait p50 / p90", f"{_seconds(f.wait_s['p50'])} / {_seconds(f.wait_s['p90'])}"),
        ("first response p50 / p90", f"{_seconds(f.first_response_s['p50'])} / {_seconds(f.first_response_s['p90'])}"),
    ]
    lines = head + _table("Summary", summary)
    for title, counts in (
        ("By topic (bot answers)", f.by_topic["intent"]),
        ("By topic (wrap-up category)", f.by_topic["wrapup"]),
        ("By channel", f.by_channel),
        ("By language", f.by_language),
        ("By age group", f.by_age_group),
        ("By gender", f.by_gender),
        ("Reports by district", f.reports_by_district),
        ("Reports by whom about", f.reports_by_about),
        ("Reports by outcome", f.reports_by_outcome),
    ):
        lines += _table(title, list(counts.items()))
    lines += _table("By hour (local)", [(f"{h:02d}:00", n) for h, n in enumerate(f.by_hour)])
    lines += _table(
        "By weekday (local)", list(zip(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], f.by_weekday, strict=True))
    )
    lines += _table("By day (local)", list(f.by_day.items()))
    lines += _table(
        "Operators (taken / closed / replies)",
        [(o["operator"], f"{o['claimed']} / {o['closed']} / {o['replies']}") for o in f.operators],
    )
    return "\n".join(lines).rstrip()


def run_demo_command(args: argparse.Namespace, settings: Settings, helplines: dict[str, Helpline]) -> int:
    line = pick_helpline(settings, helplines, args.helpline)
    if isinstance(line, str):
        print(f"vikno: {line}", file=sys.stderr)
        return 2
    if args.days < 1 or args.per_day < 1:
        print("vikno: --days and --per-day are at least 1", file=sys.stderr)
        return 2
    return asyncio.run(_demo(settings, line, args))


async def _demo(settings: Settings, line: Helpline, args: argparse.Namespace) -> int:
    store = store_for(settings)
    await store.open()
    try:
        held = await store.messages.count(include_notes=True)
        if held and not args.force:
            print(
                f"vikno: this store holds {held} messages already; demo traffic goes only into an empty store, "
                "so that it never mixes with a live line's figures. Point VIKNO_DATA_DIR (or "
                "VIKNO_MONGODB_DATABASE) at a new, empty place, or say --force if this store is a test one",
                file=sys.stderr,
            )
            return 2
        operators = [
            o.id
            for o in await store.operators.all()
            if not o.disabled and (not o.helplines or line.settings.id in o.helplines)
        ]
        spec = Spec.of(
            line, per_day=args.per_day, seed=args.seed, **({"operators": tuple(operators)} if operators else {})
        )
        now = utcnow()
        today = now.astimezone(line.zone).date()
        first = today - timedelta(days=args.days - 1)
        started = time.monotonic()
        written = await write(store, generate(spec, first, args.days, until=now - timedelta(hours=2)))
        await store.events.add(
            Event(
                helpline=spec.helpline,
                kind=DEMO_EVENT,
                data={"from": first.isoformat(), "to": today.isoformat(), "seed": args.seed, **written},
            )
        )
        took = time.monotonic() - started
        print(
            f"vikno: wrote demo traffic of {spec.helpline}, {first} – {today}: {written['conversations']} "
            f"conversations, {written['messages']} messages, {written['events']} events in {took:.1f} s. "
            "Every record is marked as demo; do not let a live line write into this store."
        )
        return 0
    finally:
        await store.close()


async def write(store: Store, batches: Any) -> dict[str, int]:
    """Write the generator's days through the storage port, ``BATCH_ROWS`` records a call."""
    written = {"conversations": 0, "messages": 0, "events": 0}
    pending = Batch()

    async def flush() -> None:
        await store.insert_records(pending.conversations, pending.messages, pending.events)
        written["conversations"] += len(pending.conversations)
        written["messages"] += len(pending.messages)
        written["events"] += len(pending.events)
        pending.conversations, pending.messages, pending.events = [], [], []

    for batch in batches:
        pending.extend(batch)
        if len(pending.messages) + len(pending.events) >= BATCH_ROWS:
            await flush()
    await flush()
    return written
