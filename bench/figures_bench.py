"""The month's figures page of a busy line on the embedded store (issue 26): target ≤ 1 s.

Fills a new data folder with a generated month of line 1620 (``vikno demo
traffic``'s generator, about 50,000 conversations and 500,000 messages,
written through the storage port in batches), then serves vikno with its
console on a real socket, logs a supervisor in, and asks for that month's
figures page (and one CSV) several times. Prints the generation and
writing time, ``store.figures`` alone, and the page as the browser gets
it (the HTML; plotly.js is a static file the browser keeps).

The embedded store sums per-day tallies kept by triggers as each row is
written (storage/sqlite/tallies.py), so the month's write here includes
their cost; measured numbers are in bench/README.md.

    python bench/figures_bench.py [--per-day 1700] [--days 30] [--runs 5] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestServer

from vikno.bots.app import build_app
from vikno.bots.config import load_settings
from vikno.bots.demo_traffic import Spec, generate
from vikno.bots.figures_cli import write
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.handoff.accounts import create_operator
from vikno.storage.figures import Period
from vikno.storage.sqlite.store import SqliteStore

TARGET_S = 1.0
PASSWORD = "a bench password, long enough"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def main(args: argparse.Namespace) -> int:
    helplines = load_helplines(shipped_helpline_folders())
    line = helplines["line1620"]
    first = date(2026, 3, 1)
    last = first + timedelta(days=args.days - 1)
    period = Period("line1620", first, last, line.settings.timezone)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        store = SqliteStore(data)
        await store.open()
        started = time.monotonic()
        written = await write(store, generate(Spec.of(line, per_day=args.per_day), first, args.days))
        write_s = time.monotonic() - started
        store_times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            figures = await store.figures(period)
            store_times.append(time.perf_counter() - t)
        await create_operator(store, "sofia", PASSWORD, role="supervisor")
        settings = load_settings(environ={"VIKNO_DATA_DIR": str(data), "VIKNO_NLU": "none"})
        app = build_app(settings, helplines, store=store)
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        page_times, csv_times = [], []
        try:
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
                base = str(server.make_url("/"))
                login = await (await http.get(base + "console/login")).text()
                token = _CSRF.search(login)
                assert token
                answer = await http.post(
                    base + "console/login",
                    allow_redirects=False,
                    data={"csrf": token.group(1), "login": "sofia", "password": PASSWORD},
                )
                assert answer.status == 303, answer.status
                query = f"period=custom&from={first}&to={last}&helpline=line1620"
                for _ in range(args.runs):
                    t = time.perf_counter()
                    page = await http.get(base + f"console/figures?{query}")
                    body = await page.text()
                    page_times.append(time.perf_counter() - t)
                    assert page.status == 200 and "t-by_day" in body, page.status
                    t = time.perf_counter()
                    got = await http.get(base + f"console/figures.csv?table=by_hour&{query}")
                    await got.read()
                    csv_times.append(time.perf_counter() - t)
        finally:
            await server.close()
    page_median = statistics.median(page_times)
    result = {
        "conversations_written": written["conversations"],
        "messages_written": written["messages"],
        "events_written": written["events"],
        "generate_and_write_s": round(write_s, 1),
        "figures_conversations": figures.conversations,
        "figures_messages_in": figures.messages_in,
        "store_figures_median_s": round(statistics.median(store_times), 3),
        "page_median_s": round(page_median, 3),
        "page_max_s": round(max(page_times), 3),
        "csv_median_s": round(statistics.median(csv_times), 3),
        "target_s": TARGET_S,
        "pass": page_median <= TARGET_S,
    }
    print(
        f"generated and wrote {written['conversations']:,} conversations, {written['messages']:,} messages, "
        f"{written['events']:,} events in {write_s:.1f} s"
    )
    print(f"store.figures (month): median {result['store_figures_median_s']} s over {args.runs} runs")
    print(f"figures page (HTML):   median {result['page_median_s']} s, max {result['page_max_s']} s")
    print(f"one CSV:               median {result['csv_median_s']} s")
    print(f"target: page ≤ {TARGET_S} s: {'PASS' if result['pass'] else 'FAIL'}")
    if args.json:
        print(json.dumps(result))
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-day", type=int, default=1700, help="conversations on an ordinary weekday")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    sys.exit(asyncio.run(main(parser.parse_args())))
