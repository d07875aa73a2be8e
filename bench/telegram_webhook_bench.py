"""Telegram webhook updates per second, next to the REST channel, in one ``vikno serve`` run.

The question is what the Telegram adapter (secret check, parsing and
normalising a raw update, the answerCallbackQuery call, and the outbox that
delivers replies) costs next to the REST channel, which does the same engine
work but hands the replies back in its answer. So one ``vikno serve``
process (embedded SQLite store, NLU off) with Telegram in webhook mode is
measured with the same load on both channels, in alternating rounds:

* REST: ``POST /api/v1/conversations/{key}/messages``;
* Telegram: ``POST /telegram/webhook`` with the secret header, raw updates
  shaped like Telegram's (a text first, then callback queries for buttons).

The Bot API is a fake server in its own process (tests/bots/fake_telegram.py)
that only counts: it receives the outbox's sendMessage calls and the
answerCallbackQuery calls. The outbox keeps Telegram's limits (1 message a
second per chat, 30 a second per bot), so replies are delivered at that
pace whatever the webhook rate; the figure compared is how fast updates
are accepted (committed, answered 200).

Each person (conversation) sends a text, then buttons in a fixed plan (a
topic, the menu, another topic, the menu, a typed question, ...); one
request per person at a time, as with a real person.

    python bench/telegram_webhook_bench.py [--seconds 12] [--rounds 4] [--connections 32] [--conversations 400] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from _common import (
    GREETING,
    PLAN,
    QUESTION,
    REST_PATH,
    ChildProcess,
    remember_token,
    rest_headers,
    LoadOptions,
    load_args,
    load_parser,
    drive,
    free_port,
    machine_note,
    percentile,
    print_json,
    spawn,
    start_vikno,
    table,
    verdict,
    wait_ready,
)

ROOT = Path(__file__).resolve().parent.parent
FAKE = ROOT / "tests" / "bots" / "fake_telegram.py"
TOKEN = "424242:BENCH-token_for-the-fake-api"
SECRET = "bench-webhook-secret"
WEBHOOK_PATH = "/telegram/webhook"
TARGET_RATIO = 0.5


# --- processes -------------------------------------------------------------------------------


Process = ChildProcess


async def fake_stats(fake: Process, session: aiohttp.ClientSession) -> dict[str, int]:
    async with session.get(fake.base + "/_stats") as resp:
        return dict(await resp.json())


# --- what people send ------------------------------------------------------------------------------


@dataclass
class Person:
    """One conversation: a REST key, or a Telegram chat with its message counter."""

    number: int
    sent: int = 0

    def next_step(self) -> str:
        """``greeting``, ``text`` or a button payload."""
        return "greeting" if self.sent == 0 else PLAN[(self.sent - 1) % len(PLAN)]


_update_ids = itertools.count(1)
_callback_ids = itertools.count(1)


def telegram_update(person: Person, chat_base: int) -> bytes:
    """A raw update as Telegram sends it (the shape of tests/bots/telegram_payloads.py)."""
    step, chat_id = person.next_step(), chat_base + person.number
    user = {"id": chat_id, "is_bot": False, "first_name": "Bench", "language_code": "uk"}
    chat = {"id": chat_id, "first_name": "Bench", "type": "private"}
    if step in ("greeting", "text"):
        body: dict[str, Any] = {
            "update_id": next(_update_ids),
            "message": {
                "message_id": person.sent + 1,
                "from": user,
                "chat": chat,
                "date": int(time.time()),
                "text": GREETING if step == "greeting" else QUESTION,
            },
        }
    else:
        body = {
            "update_id": next(_update_ids),
            "callback_query": {
                "id": f"{next(_callback_ids)}",
                "from": user,
                "chat_instance": "1",
                "data": step,
                "message": {
                    "message_id": 10_000 + person.sent,
                    "from": {"id": 424242, "is_bot": True, "first_name": "vikno"},
                    "chat": chat,
                    "date": int(time.time()),
                    "text": "…",
                },
            },
        }
    return json.dumps(body, ensure_ascii=False).encode()


def rest_body(person: Person) -> bytes:
    step = person.next_step()
    body = {"text": GREETING} if step == "greeting" else {"text": QUESTION} if step == "text" else {"button": step}
    return json.dumps(body, ensure_ascii=False).encode()


# --- the load -------------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    channel: str
    seconds: float = 0.0
    requests: int = 0
    errors: int = 0
    #: Telegram: callback queries answered in the webhook's own HTTP answer.
    callback_answers: int = 0
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    error_kinds: dict[str, int] = field(default_factory=dict)
    server_cpu_pct: float | None = None
    client_cpu_pct: float | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def add(self, other: LoadResult) -> None:
        """Fold in one more measured stretch (CPU figures become time-weighted means)."""
        total = self.seconds + other.seconds
        for attr in ("server_cpu_pct", "client_cpu_pct"):
            mine, theirs = getattr(self, attr), getattr(other, attr)
            if theirs is not None:
                setattr(self, attr, theirs if mine is None else (mine * self.seconds + theirs * other.seconds) / total)
        self.seconds, self.requests, self.errors = total, self.requests + other.requests, self.errors + other.errors
        self.callback_answers += other.callback_answers
        self.latencies_ms.extend(other.latencies_ms)
        for kind, n in other.error_kinds.items():
            self.error_kinds[kind] = self.error_kinds.get(kind, 0) + n

    def summary(self) -> dict[str, Any]:
        out = asdict(self)
        del out["latencies_ms"]
        out.update(
            requests_per_s=self.rps, p50_ms=percentile(self.latencies_ms, 50), p99_ms=percentile(self.latencies_ms, 99)
        )
        return out


async def one(
    session: aiohttp.ClientSession, base: str, channel: str, person: Person, chat_base: int, result: LoadResult
) -> None:
    if channel == "rest":
        key = f"bench-{chat_base}-{person.number}"
        url, body = base + REST_PATH.format(key=key), rest_body(person)
        headers = rest_headers(key)
    else:
        url, body = base + WEBHOOK_PATH, telegram_update(person, chat_base)
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    started = time.perf_counter()
    try:
        async with session.post(url, data=body, headers=headers) as resp:
            answer = await resp.read()
            status = resp.status
    except (TimeoutError, aiohttp.ClientError) as exc:
        result.errors += 1
        result.error_kinds[type(exc).__name__] = result.error_kinds.get(type(exc).__name__, 0) + 1
        return
    result.latencies_ms.append((time.perf_counter() - started) * 1000)
    if status != 200:
        result.errors += 1
        result.error_kinds[f"HTTP {status}"] = result.error_kinds.get(f"HTTP {status}", 0) + 1
        return
    result.requests += 1
    if channel == "rest":
        remember_token(f"bench-{chat_base}-{person.number}", answer)
    result.callback_answers += b'"answerCallbackQuery"' in answer
    person.sent += 1


async def load(
    vikno: Process,
    session: aiohttp.ClientSession,
    channel: str,
    *,
    seconds: float,
    connections: int,
    conversations: int,
    chat_base: int,
) -> LoadResult:
    """``connections`` workers share ``conversations`` people for ``seconds``."""
    result = LoadResult(channel)
    people = [Person(n) for n in range(conversations)]
    ran = await drive(
        people, connections, seconds, lambda p: one(session, vikno.base, channel, p, chat_base, result), vikno
    )
    result.seconds, result.server_cpu_pct, result.client_cpu_pct = ran.seconds, ran.server_cpu_pct, ran.client_cpu_pct
    return result


# --- the run ---------------------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> dict[str, Any]:
    fake = vikno = None
    connector = aiohttp.TCPConnector(limit=args.connections + 4)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as session:
        with tempfile.TemporaryDirectory(prefix="vikno-telegram-bench-") as tmp:
            folder = Path(tmp)
            try:
                fake_port, port = free_port(), free_port()
                fake = spawn(
                    "fake Bot API",
                    [sys.executable, str(FAKE), "--port", str(fake_port), "--token", TOKEN],
                    dict(os.environ),
                    folder / "fake.log",
                    fake_port,
                )
                await wait_ready(fake, "/_stats")
                vikno = start_vikno(
                    folder,
                    port,
                    VIKNO_TELEGRAM_TOKEN=TOKEN,
                    VIKNO_TELEGRAM_API=fake.base,
                    VIKNO_TELEGRAM_MODE="webhook",
                    VIKNO_TELEGRAM_SECRET=SECRET,
                    VIKNO_PUBLIC_URL=f"http://127.0.0.1:{port}",
                )
                await wait_ready(vikno)
                common = dict(connections=args.connections, conversations=args.conversations)
                results = {"rest": LoadResult("rest"), "telegram": LoadResult("telegram")}
                delivered: dict[str, int] = {}
                bases = itertools.count(1)
                for channel in ("rest", "telegram"):
                    print(f"  {channel}: warm-up {args.warmup:.0f} s", flush=True)
                    await load(
                        vikno, session, channel, seconds=args.warmup, chat_base=10_000_000 * next(bases), **common
                    )
                # Alternate: a machine whose other load changes during the run
                # then shifts both channels alike, not the ratio.
                for round_ in range(args.rounds):
                    for channel in ("rest", "telegram"):
                        print(
                            f"  round {round_ + 1}/{args.rounds}: {channel} {args.seconds / args.rounds:.1f} s "
                            "measured ...",
                            flush=True,
                        )
                        before = await fake_stats(fake, session)
                        part = await load(
                            vikno,
                            session,
                            channel,
                            seconds=args.seconds / args.rounds,
                            chat_base=10_000_000 * next(bases),
                            **common,
                        )
                        after = await fake_stats(fake, session)
                        results[channel].add(part)
                        if channel == "telegram":
                            for k in after:
                                delivered[k] = delivered.get(k, 0) + after.get(k, 0) - before.get(k, 0)
                await asyncio.sleep(1.0)  # the last replies land
                final = await fake_stats(fake, session)
            finally:
                for process in (vikno, fake):
                    if process is not None:
                        process.stop()
            log_tail = vikno.tail() if vikno is not None else ""
    return {
        "rest": results["rest"],
        "telegram": results["telegram"],
        "delivered": delivered,
        "final": final,
        "log_tail": log_tail,
    }


def report(run_: dict[str, Any], args: argparse.Namespace) -> float:
    rows = []
    for res in (run_["rest"], run_["telegram"]):
        cpu = lambda v: "n/a" if v is None else f"{v:.0f}%"  # noqa: E731
        rows.append(
            [
                "REST POST messages" if res.channel == "rest" else "Telegram webhook",
                res.requests,
                res.rps,
                f"{percentile(res.latencies_ms, 50):.1f}",
                f"{percentile(res.latencies_ms, 99):.1f}",
                res.errors,
                cpu(res.server_cpu_pct),
                cpu(res.client_cpu_pct),
            ]
        )
    print(
        table(["channel", "requests", "requests/s", "p50 ms", "p99 ms", "errors", "server CPU", "load gen CPU"], rows)
    )
    for res in (run_["rest"], run_["telegram"]):
        for kind, n in res.error_kinds.items():
            print(f"  {res.channel}: {n} x {kind}")
    delivered, final = run_["delivered"], run_["final"]
    print(
        f"\nfake Bot API during the Telegram measurement: {delivered.get('sendMessage', 0)} sendMessage "
        f"({delivered.get('sendMessage', 0) / run_['telegram'].seconds:.1f}/s; the outbox keeps Telegram's "
        f"30/s per bot, the rest waits in the outbox); callback queries answered: "
        f"{run_['telegram'].callback_answers} in the "
        f"webhook's answer, {delivered.get('answerCallbackQuery', 0)} by answerCallbackQuery calls"
    )
    print(f"fake Bot API in the whole run: {json.dumps(final, sort_keys=True)}")
    ratio = run_["telegram"].rps / run_["rest"].rps if run_["rest"].rps else 0.0
    print(f"\nREST {run_['rest'].rps:,.0f} requests/s, Telegram webhook {run_['telegram'].rps:,.0f} updates/s")
    print(f"ratio Telegram / REST = {ratio:.2f} (target >= {TARGET_RATIO})  -> {verdict(ratio >= TARGET_RATIO)}")
    print(
        f"load: {args.connections} keep-alive connections, {args.conversations} conversations per channel, each: "
        f"greeting, then {', '.join(PLAN)} (repeated); one request per conversation at a time."
    )
    print(f"NOTE: {os.cpu_count()} CPU core(s) shared by the load generator, vikno serve and the fake Bot API.")
    if run_["rest"].errors or run_["telegram"].errors:
        print("vikno log (last lines):\n" + run_["log_tail"])
    return ratio


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    return load_args(
        load_parser(
            __doc__.split("\n\n")[0],
            LoadOptions(
                seconds=12.0,
                seconds_help="measured seconds per channel, over all rounds (default 12)",
                warmup_help="warm-up seconds per channel (default 2)",
                rounds=4,
                rounds_help="alternations of the two channels (default 4)",
                conversations=400,
                conversations_help="distinct people (chats / keys) per channel",
            ),
        ),
        argv,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"vikno Telegram webhook benchmark; {machine_note()}", flush=True)
    run_ = asyncio.run(run(args))
    print()
    ratio = report(run_, args)
    if args.json:
        print_json(
            {
                "benchmark": "telegram_webhook",
                "machine": machine_note(),
                "connections": args.connections,
                "conversations": args.conversations,
                "rest": run_["rest"].summary(),
                "telegram": run_["telegram"].summary(),
                "ratio": ratio,
                "target_ratio": TARGET_RATIO,
                "fake_bot_api_during_telegram": run_["delivered"],
            }
        )
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
