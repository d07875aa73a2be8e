"""Viber webhook callbacks per second through one ``vikno serve``, next to its REST channel.

The question is what the Viber adapter costs on top of the engine: the
signature check, the callback parsing, the outbox write of every reply and
the pump that pushes replies to Viber. So one ``vikno serve`` process runs
with both channels on (embedded store, NLU off), its Viber API pointed at
``tests/bots/fake_viber.py`` in its own process (the outbox's sink), and the
same load is sent in alternating rounds:

* REST: ``POST /api/v1/conversations/{key}/messages``, replies in the answer;
* Viber: signed ``POST /viber/webhook`` callbacks, 200 once committed; the
  replies leave through the outbox pump to the fake Viber API.

Each of many people sends what a person would: the greeting (REST) or
``conversation_started`` (Viber, the welcome comes back in the answer),
then a text, then button presses (topics, the menu) and a typed question.
One person never has two requests in flight. Target: Viber at least half
the REST rate.

    python bench/viber_webhook_bench.py [--seconds 8] [--rounds 2] [--connections 32] [--conversations 400] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import itertools
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
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

ROOT = Path(__file__).resolve().parents[1]
FAKE_VIBER = ROOT / "tests" / "bots" / "fake_viber.py"
TOKEN = "4453b6ac12345678-e02c5f12174805f9-benchbenchbench0"
TARGET_RATIO = 0.5
_tokens = itertools.count(7_000_000_000_000_000_000)


# --- processes ------------------------------------------------------------------------------------


Proc = ChildProcess


async def fake_stats(session: aiohttp.ClientSession, base: str) -> dict[str, int]:
    async with session.get(f"{base}/_stats") as resp:
        return await resp.json()


# --- the people ---------------------------------------------------------------------------------------


@dataclass
class Person:
    key: str
    sent: int = 0

    def next_step(self) -> tuple[str, str]:
        """("start" | "text" | "button", value) for the next message."""
        if self.sent == 0:
            return "start", GREETING
        want = PLAN[(self.sent - 1) % len(PLAN)]
        return ("text", QUESTION) if want == "text" else ("button", want)


def rest_request(person: Person) -> tuple[str, bytes, dict[str, str]]:
    kind, value = person.next_step()
    body = {"button": value} if kind == "button" else {"text": value}
    return (REST_PATH.format(key=person.key), json.dumps(body, ensure_ascii=False).encode(), rest_headers(person.key))


def viber_request(person: Person) -> tuple[str, bytes, dict[str, str]]:
    """A signed callback as Viber sends it (the signature is computed here, as Viber does)."""
    kind, value = person.next_step()
    token = next(_tokens)
    if kind == "start":
        callback: dict[str, Any] = {
            "event": "conversation_started",
            "timestamp": int(time.time() * 1000),
            "chat_hostname": "SN-BENCH_",
            "message_token": token,
            "type": "open",
            "user": {"id": person.key, "language": "uk", "api_version": 10},
            "subscribed": False,
        }
    else:
        text = "vikno:" + value if kind == "button" else value
        callback = {
            "event": "message",
            "timestamp": int(time.time() * 1000),
            "chat_hostname": "SN-BENCH_",
            "message_token": token,
            "sender": {"id": person.key, "language": "uk", "api_version": 10},
            "message": {"type": "text", "text": text},
            "silent": False,
        }
    raw = json.dumps(callback, ensure_ascii=False).encode()
    signature = hmac.new(TOKEN.encode(), raw, hashlib.sha256).hexdigest()
    return "/viber/webhook", raw, {"Content-Type": "application/json", "X-Viber-Content-Signature": signature}


BUILDERS = {"REST": rest_request, "Viber": viber_request}


@dataclass
class Result:
    channel: str
    seconds: float = 0.0
    requests: int = 0
    errors: int = 0
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    error_kinds: dict[str, int] = field(default_factory=dict)
    server_cpu_s: float = 0.0
    fake_cpu_s: float = 0.0
    client_cpu_s: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "seconds": self.seconds,
            "requests": self.requests,
            "errors": self.errors,
            "requests_per_s": self.rps,
            "p50_ms": percentile(self.latencies_ms, 50),
            "p99_ms": percentile(self.latencies_ms, 99),
            "error_kinds": self.error_kinds,
            "server_cpu_pct": 100 * self.server_cpu_s / self.seconds if self.seconds else None,
        }


async def load(
    channel: str,
    base: str,
    session: aiohttp.ClientSession,
    result: Result,
    *,
    seconds: float,
    connections: int,
    conversations: int,
    prefix: str,
    record: bool,
) -> None:
    build = BUILDERS[channel]
    people: asyncio.Queue[Person] = asyncio.Queue()
    for n in range(conversations):
        people.put_nowait(Person(f"{prefix}-{n}"))
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            person = await people.get()
            path, body, headers = build(person)
            started = time.perf_counter()
            try:
                async with session.post(base + path, data=body, headers=headers) as resp:
                    answer = await resp.read()
                    status = resp.status
                if status == 200 and path.startswith("/api/"):
                    remember_token(person.key, answer)
            except (TimeoutError, aiohttp.ClientError) as exc:
                status, kind = 0, type(exc).__name__
            else:
                kind = f"HTTP {status}"
            if record:
                if status == 200:
                    result.requests += 1
                    result.latencies_ms.append((time.perf_counter() - started) * 1000)
                else:
                    result.errors += 1
                    result.error_kinds[kind] = result.error_kinds.get(kind, 0) + 1
            if status == 200:
                person.sent += 1
            people.put_nowait(person)

    begun = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    if record:
        result.seconds += time.perf_counter() - begun


async def measured(
    channel: str,
    base: str,
    session: aiohttp.ClientSession,
    result: Result,
    procs: dict[str, Proc],
    args: argparse.Namespace,
    round_: int,
) -> None:
    common = dict(connections=args.connections, conversations=args.conversations)
    await load(
        channel, base, session, result, seconds=args.warmup, prefix=f"w{round_}-{channel}", record=False, **common
    )
    server0, fake0, own0 = procs["vikno"].cpu_seconds(), procs["fake"].cpu_seconds(), time.process_time()
    await load(
        channel, base, session, result, seconds=args.seconds, prefix=f"r{round_}-{channel}", record=True, **common
    )
    server1, fake1 = procs["vikno"].cpu_seconds(), procs["fake"].cpu_seconds()
    result.server_cpu_s += (server1 or 0) - (server0 or 0)
    result.fake_cpu_s += (fake1 or 0) - (fake0 or 0)
    result.client_cpu_s += time.process_time() - own0


async def run(args: argparse.Namespace) -> dict[str, Any]:
    procs: dict[str, Proc] = {}
    timeout = aiohttp.ClientTimeout(total=30)
    with tempfile.TemporaryDirectory(prefix="vikno-viber-bench-") as tmp:
        folder = Path(tmp)
        async with aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=args.connections + 4), timeout=timeout
        ) as session:
            try:
                fake_port, port = free_port(), free_port()
                fake_base = f"http://127.0.0.1:{fake_port}"
                procs["fake"] = spawn(
                    "fake viber",
                    [sys.executable, str(FAKE_VIBER), "--port", str(fake_port), "--token", TOKEN],
                    dict(os.environ),
                    folder / "fake.log",
                    fake_port,
                )
                await wait_ready(procs["fake"], "/_stats")
                procs["vikno"] = start_vikno(
                    folder,
                    port,
                    VIKNO_VIBER_TOKEN=TOKEN,
                    VIKNO_VIBER_API=f"{fake_base}/pa",
                    VIKNO_PUBLIC_URL=f"http://127.0.0.1:{port}",
                )
                base = procs["vikno"].base
                await wait_ready(procs["vikno"])
                results = {name: Result(name) for name in BUILDERS}
                for round_ in range(args.rounds):
                    for name in BUILDERS:
                        print(
                            f"  round {round_ + 1}/{args.rounds}: {name} (warm-up {args.warmup:.0f} s, "
                            f"{args.seconds:.0f} s measured) ...",
                            flush=True,
                        )
                        await measured(name, base, session, results[name], procs, args, round_)
                sent_at_end = (await fake_stats(session, fake_base)).get("send_message", 0)
                await asyncio.sleep(args.drain)
                stats = await fake_stats(session, fake_base)
            finally:
                for proc in procs.values():
                    proc.stop()
    return {"results": results, "fake": stats, "sent_at_end": sent_at_end}


def report(run_: dict[str, Any], args: argparse.Namespace) -> float:
    results: dict[str, Result] = run_["results"]
    rows = []
    for res in results.values():
        rows.append(
            [
                res.channel,
                res.requests,
                res.rps,
                f"{percentile(res.latencies_ms, 50):.1f}",
                f"{percentile(res.latencies_ms, 99):.1f}",
                res.errors,
                f"{100 * res.server_cpu_s / res.seconds:.0f}%" if res.seconds else "n/a",
                f"{100 * res.fake_cpu_s / res.seconds:.0f}%" if res.seconds else "n/a",
                f"{100 * res.client_cpu_s / res.seconds:.0f}%" if res.seconds else "n/a",
            ]
        )
    print(
        table(
            [
                "channel",
                "requests",
                "requests/s",
                "p50 ms",
                "p99 ms",
                "errors",
                "vikno CPU",
                "fake Viber CPU",
                "load gen CPU",
            ],
            rows,
        )
    )
    for res in results.values():
        for kind, n in res.error_kinds.items():
            print(f"  {res.channel}: {n} x {kind}")
    viber, rest = results["Viber"], results["REST"]
    ratio = viber.rps / rest.rps if rest.rps else 0.0
    fake = run_["fake"]
    print(f"\nratio Viber / REST = {ratio:.2f} (target >= {TARGET_RATIO})  -> {verdict(ratio >= TARGET_RATIO)}")
    print(
        f"outbox -> fake Viber API: {fake.get('send_message', 0):,} send_message calls "
        f"({run_['sent_at_end']:,} by the end of the load, {args.drain:.0f} s of draining after), "
        f"{fake.get('set_webhook', 0)} set_webhook; the pump is capped at ViberChannel.per_second, Viber's "
        "documented 500 requests / 10 s, so replies queue in the outbox under this load and drain at that rate."
    )
    print(
        f"load: {args.connections} keep-alive connections, {args.conversations} people per round and channel, "
        f"each: greeting / conversation_started, then {', '.join(PLAN)} (repeated); one request per person at "
        f"a time; {args.rounds} alternating rounds per channel, same process, embedded SQLite, NLU off."
    )
    print(f"NOTE: {os.cpu_count()} CPU core(s) shared by the load generator, vikno and the fake Viber API.")
    return ratio


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = load_parser(
        __doc__.split("\n\n")[0],
        LoadOptions(
            seconds=8.0,
            seconds_help="measured seconds per round and channel",
            warmup_help="warm-up seconds per round and channel",
            rounds=2,
            rounds_help="alternating rounds (REST, Viber, REST, ...)",
            conversations=400,
            conversations_help="people per round and channel",
        ),
    )
    parser.add_argument("--drain", type=float, default=2.0, help="seconds to let the outbox drain before counting")
    return load_args(parser, argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"vikno Viber webhook benchmark; {machine_note()}", flush=True)
    run_ = asyncio.run(run(args))
    print()
    ratio = report(run_, args)
    if args.json:
        print_json(
            {
                "benchmark": "viber_webhook",
                "machine": machine_note(),
                "connections": args.connections,
                "conversations": args.conversations,
                "rounds": args.rounds,
                "rest": run_["results"]["REST"].summary(),
                "viber": run_["results"]["Viber"].summary(),
                "fake_viber_calls": run_["fake"],
                "ratio": ratio,
                "target_ratio": TARGET_RATIO,
            }
        )
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
