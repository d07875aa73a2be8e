"""Messages per second through one ``vikno serve`` process, next to a bare aiohttp handler.

The question is what vikno's own work (validation, the dialogue engine, the
encrypted identity, three or four store round trips and a commit per
message) costs on top of the HTTP framework it runs on. So the same run
measures, one after the other and with the same load:

* ``vikno serve`` on the embedded store (SQLite in a temporary folder),
  NLU off by default (``VIKNO_NLU=none``; ``--nlu builtin`` includes it);
* a bare aiohttp app (this file, ``--bare-server PORT``) answering the same
  path: it reads the JSON body, validates it minimally and returns a JSON of
  the same shape and size, copied from replies vikno gave at the start.

The load generator is an aiohttp client in this process: N keep-alive
connections, many conversation keys, each sending what a person would (a
greeting, then buttons taken from the previous reply: a topic, "menu",
another topic, sometimes a typed question). One key is never used by two
requests at once, as with a real person. ``wrk`` is not needed.

    python bench/rest_bench.py [--seconds 10] [--connections 32] [--conversations 200] [--nlu builtin] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

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

TARGET_RATIO = 0.5
NLU_TIMEOUT = 600.0


# --- the bare server -----------------------------------------------------------------

_KEY = re.compile(r"^[A-Za-z0-9._:~-]{1,128}$")


def bare_app(templates: dict[str, Any]) -> web.Application:
    """The floor: aiohttp parsing a body and returning vikno-sized JSON, nothing else."""

    async def post_message(request: web.Request) -> web.Response:
        if not _KEY.match(request.match_info["key"]):
            return web.json_response({"error": "bad_conversation_key"}, status=400)
        try:
            body = json.loads(await request.read())
        except ValueError:
            return web.json_response({"error": "malformed_json"}, status=400)
        if not isinstance(body, dict) or ("text" in body) == ("button" in body):
            return web.json_response({"error": "invalid_message"}, status=422)
        if "text" in body:
            template = templates["text"]
        else:
            template = templates.get(f"button:{body['button']}", templates["button:menu"])
        payload = {"replies": template["replies"], "conversation": dict(template["conversation"])}
        return web.Response(text=json.dumps(payload, ensure_ascii=False), content_type="application/json")

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.add_routes([web.post(REST_PATH, post_message), web.get("/healthz", healthz)])
    return app


def run_bare_server(port: int, templates_file: Path) -> int:
    templates = json.loads(templates_file.read_text(encoding="utf-8"))
    from vikno.bots.cli import event_loop

    web.run_app(bare_app(templates), host="127.0.0.1", port=port, print=None, access_log=None, loop=event_loop())
    return 0


# --- server processes --------------------------------------------------------------------


Server = ChildProcess


async def wait_nlu(server: Server, session: aiohttp.ClientSession) -> float:
    """With --nlu builtin, measure only once the model is loaded (or first trained)."""
    started = time.perf_counter()
    while time.perf_counter() - started < NLU_TIMEOUT:
        async with session.get(f"{server.base}/healthz") as resp:
            server.health = await resp.json()
        if server.health.get("nlu") != "loading":
            break
        await asyncio.sleep(0.2)
    return time.perf_counter() - started


def stop(server: Server | None) -> None:
    if server is not None:
        server.stop()


# --- the load ----------------------------------------------------------------------------------


@dataclass
class Person:
    """One conversation key and what its last reply offered."""

    key: str
    sent: int = 0
    payloads: set[str] = field(default_factory=set)

    def next_body(self) -> tuple[bytes, bool]:
        """The next message, and whether the plan had to deviate (payload not offered)."""
        if self.sent == 0:
            return _encode({"text": GREETING}), False
        want = PLAN[(self.sent - 1) % len(PLAN)]
        if want == "text":
            return _encode({"text": QUESTION}), False
        if want in self.payloads:
            return _encode({"button": want}), False
        fallback = "menu" if "menu" in self.payloads else next(iter(sorted(self.payloads)), None)
        if fallback is None:
            return _encode({"text": GREETING}), True
        return _encode({"button": fallback}), True

    def saw(self, reply: dict[str, Any]) -> None:
        self.sent += 1
        self.payloads = {b["payload"] for r in reply.get("replies", []) for b in r.get("buttons", [])}


def _encode(body: dict[str, str]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


@dataclass
class LoadResult:
    server: str
    seconds: float
    requests: int
    errors: int
    off_plan: int
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    error_kinds: dict[str, int] = field(default_factory=dict)
    server_cpu_pct: float | None = None
    client_cpu_pct: float | None = None
    #: seconds of each round, and the requests answered in it
    rounds: list[float] = field(default_factory=list)
    round_requests: list[int] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, Any]:
        out = asdict(self)
        del out["latencies_ms"]
        out.update(
            requests_per_s=self.rps,
            p50_ms=percentile(self.latencies_ms, 50),
            p99_ms=percentile(self.latencies_ms, 99),
            server_cpu_us_per_request=cpu_us_per_request(self),
        )
        return out


async def send(session: aiohttp.ClientSession, base: str, person: Person, result: LoadResult) -> None:
    body, off_plan = person.next_body()
    result.off_plan += off_plan
    started = time.perf_counter()
    try:
        async with session.post(
            f"{base}{REST_PATH.format(key=person.key)}", data=body, headers=rest_headers(person.key)
        ) as resp:
            reply = await resp.json(content_type=None)
            status = resp.status
    except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
        _error(result, type(exc).__name__)
        return
    result.latencies_ms.append((time.perf_counter() - started) * 1000)
    if status != 200 or "replies" not in reply:
        _error(result, f"HTTP {status} {reply.get('error', '') if isinstance(reply, dict) else ''}".strip())
        return
    result.requests += 1
    remember_token(person.key, reply)
    person.saw(reply)


def _error(result: LoadResult, kind: str) -> None:
    result.errors += 1
    result.error_kinds[kind] = result.error_kinds.get(kind, 0) + 1


async def load(
    server: Server,
    session: aiohttp.ClientSession,
    people: list[Person],
    *,
    seconds: float,
    connections: int,
    result: LoadResult | None = None,
) -> LoadResult:
    """``connections`` workers share ``people`` for ``seconds``; adds to ``result`` when given."""
    result = result or LoadResult(server=server.name, seconds=0.0, requests=0, errors=0, off_plan=0)
    before = result.seconds
    ran = await drive(people, connections, seconds, lambda p: send(session, server.base, p, result), server)
    # CPU shares are averaged over the rounds, weighted by their length
    result.server_cpu_pct = _weighted(result.server_cpu_pct, before, ran.server_cpu_pct, ran.seconds)
    result.client_cpu_pct = _weighted(result.client_cpu_pct, before, ran.client_cpu_pct, ran.seconds)
    result.seconds = before + ran.seconds
    result.rounds.append(ran.seconds)
    return result


def _weighted(old: float | None, old_s: float, new: float | None, new_s: float) -> float | None:
    if new is None:
        return old
    if old is None or old_s == 0:
        return new
    return (old * old_s + new * new_s) / (old_s + new_s)


async def capture_templates(server: Server, session: aiohttp.ClientSession) -> dict[str, Any]:
    """Real vikno replies, for the bare server to send back (same shape and size)."""
    person = Person("bench-template")
    templates: dict[str, Any] = {}
    for _ in range(len(PLAN) + 1):
        body, _ = person.next_body()
        sent = json.loads(body)
        async with session.post(
            f"{server.base}{REST_PATH.format(key=person.key)}", data=body, headers=rest_headers(person.key)
        ) as resp:
            if resp.status != 200:
                raise RuntimeError(f"vikno answered {resp.status}: {await resp.text()}\n{server.tail()}")
            reply = await resp.json()
        remember_token(person.key, reply)
        name = "text" if "text" in sent else f"button:{sent['button']}"
        templates.setdefault(name, reply)  # for text: the greeting's reply (the largest)
        person.saw(reply)
    return templates


# --- the run ---------------------------------------------------------------------------------------


async def start_server(folder: Path, nlu: str) -> Server:
    """``vikno serve``; start-up time is from spawn to its first ``/healthz`` 200."""
    spawned = time.perf_counter()
    server = start_vikno(folder, free_port(), VIKNO_NLU=nlu)
    await wait_ready(server, since=spawned)
    return server


async def start_bare(folder: Path, templates: dict[str, Any]) -> Server:
    port = free_port()
    templates_file = folder / "templates.json"
    templates_file.write_text(json.dumps(templates, ensure_ascii=False), encoding="utf-8")
    spawned = time.perf_counter()
    server = spawn(
        "bare aiohttp",
        [sys.executable, str(Path(__file__).resolve()), "--bare-server", str(port), "--templates", str(templates_file)],
        dict(os.environ),
        folder / "bare.log",
        port,
    )
    await wait_ready(server, since=spawned)
    return server


async def measure(
    vikno: Server, bare: Server, session: aiohttp.ClientSession, args: argparse.Namespace
) -> tuple[LoadResult, LoadResult]:
    """Both servers, in alternating rounds, so drift of the machine falls on both alike."""
    each = args.seconds / args.rounds
    print(
        f"  warm-up {args.warmup:.0f} s each, then {args.rounds} alternating rounds of {each:.1f} s each "
        f"({args.seconds:.0f} s measured per server) ...",
        flush=True,
    )
    people = {name: [Person(f"{name}-{n}") for n in range(args.conversations)] for name in ("vikno", "bare")}
    results: dict[str, LoadResult] = {}
    for name, server in (("vikno", vikno), ("bare", bare)):
        await load(server, session, people[name], seconds=args.warmup, connections=args.connections)
    for _ in range(args.rounds):
        for name, server in (("vikno", vikno), ("bare", bare)):
            result = results.get(name)
            answered = result.requests if result else 0
            results[name] = await load(
                server, session, people[name], seconds=each, connections=args.connections, result=result
            )
            results[name].round_requests.append(results[name].requests - answered)
    return results["vikno"], results["bare"]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    vikno = bare = None
    connector = aiohttp.TCPConnector(limit=args.connections)
    timeout = aiohttp.ClientTimeout(total=30)
    with tempfile.TemporaryDirectory(prefix="vikno-rest-bench-") as tmp:
        folder = Path(tmp)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            try:
                vikno = await start_server(folder, args.nlu)
                nlu_wait = await wait_nlu(vikno, session) if args.nlu != "none" else 0.0
                templates = await capture_templates(vikno, session)
                bare = await start_bare(folder, templates)
                print_startup(vikno, bare, args.nlu, nlu_wait)
                results = await measure(vikno, bare, session, args)
            finally:
                stop(vikno)
                stop(bare)
    return {
        "vikno": results[0],
        "bare": results[1],
        "startup_s": {"vikno": vikno.startup_s, "bare": bare.startup_s},
        "nlu": args.nlu,
        "nlu_status": vikno.health.get("nlu"),
        "nlu_wait_s": nlu_wait,
    }


# --- report ------------------------------------------------------------------------------------------


def print_startup(vikno: Server, bare: Server, nlu: str, nlu_wait: float) -> None:
    nlu_note = (
        "NLU off (VIKNO_NLU=none: typed text gets the fallback reply; rerun with --nlu builtin to include it)"
        if nlu == "none"
        else f"NLU {nlu} (healthz says {vikno.health.get('nlu')!r}; waited {nlu_wait:.1f} s for it before measuring)"
    )
    print(f"vikno serve: embedded SQLite store in a temporary folder; {nlu_note}")
    if nlu != "none" and vikno.health.get("nlu") != "ready":
        print(
            f"WARNING: the {nlu} NLU is not active in this build (healthz nlu={vikno.health.get('nlu')!r}); "
            "the figures below are without it"
        )
    print(
        f"start-up (process spawn -> first /healthz 200): vikno serve {vikno.startup_s:.2f} s, "
        f"bare aiohttp {bare.startup_s:.2f} s"
    )


def cpu_us_per_request(res: LoadResult) -> float | None:
    """Server CPU (all its processes) per answered request: the cost of a message, whoever is the bottleneck."""
    if res.server_cpu_pct is None or not res.requests:
        return None
    return res.server_cpu_pct / 100 * res.seconds / res.requests * 1e6


def print_results(run_: dict[str, Any], args: argparse.Namespace) -> float:
    rows = []
    for res in (run_["vikno"], run_["bare"]):
        cpu = lambda v: "n/a" if v is None else f"{v:.0f}%"  # noqa: E731
        per_request = cpu_us_per_request(res)
        rows.append(
            [
                res.server,
                res.requests,
                res.rps,
                f"{percentile(res.latencies_ms, 50):.1f}",
                f"{percentile(res.latencies_ms, 99):.1f}",
                res.errors,
                cpu(res.server_cpu_pct),
                "n/a" if per_request is None else f"{per_request:.0f}",
                cpu(res.client_cpu_pct),
            ]
        )
    print(
        table(
            [
                "server",
                "requests",
                "requests/s",
                "p50 ms",
                "p99 ms",
                "errors",
                "server CPU",
                "server CPU µs/request",
                "load gen CPU",
            ],
            rows,
        )
    )
    for res in (run_["vikno"], run_["bare"]):
        for kind, n in res.error_kinds.items():
            print(f"  {res.server}: {n} x {kind}")
        if res.off_plan:
            print(f"  {res.server}: {res.off_plan} message(s) deviated from the plan (payload not offered)")
    saturated = [r.server for r in (run_["vikno"], run_["bare"]) if (r.client_cpu_pct or 0) >= 90]
    for name in saturated:
        print(
            f"  {name}: the load generator used a whole core, so this figure is a lower bound of what the "
            "server can do" + (" (and the ratio an upper bound)" if name == "bare aiohttp" else "")
        )
    ratio = run_["vikno"].rps / run_["bare"].rps if run_["bare"].rps else 0.0
    per_round = [
        (v / vs) / (b / bs)
        for v, vs, b, bs in zip(
            run_["vikno"].round_requests,
            run_["vikno"].rounds,
            run_["bare"].round_requests,
            run_["bare"].rounds,
            strict=False,
        )
        if b
    ]
    costs = [cpu_us_per_request(r) for r in (run_["vikno"], run_["bare"])]
    if None not in costs and costs[1]:
        print(
            f"  server CPU per request: vikno {costs[0]:.0f} µs (web process and SQLite writer process), "
            f"bare {costs[1]:.0f} µs: {costs[0] / costs[1]:.1f}x"
        )
    print(f"\nratio per round: {', '.join(f'{r:.2f}' for r in per_round)}")
    print(
        f"ratio vikno / bare = {ratio:.2f} (all rounds; target >= {TARGET_RATIO})  -> {verdict(ratio >= TARGET_RATIO)}"
    )
    print(
        f"load: {args.connections} keep-alive connections, {args.conversations} conversations, each: greeting, then "
        f"{', '.join(PLAN)} (repeated); one request per conversation at a time."
    )
    print(
        f"NOTE: {os.cpu_count()} CPU core(s) shared by the load generator (this process, one core at most) and "
        "the server under test; a server that needs more than the remaining core is under-measured, "
        "and both servers are measured under the same constraint."
    )
    return ratio


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = load_parser(
        __doc__.split("\n\n")[0],
        LoadOptions(
            seconds=10.0,
            seconds_help="measured seconds per server (default 10)",
            warmup_help="warm-up seconds per server (default 2)",
            rounds=5,
            rounds_help="alternating rounds the seconds are split into",
            conversations=200,
            conversations_help="distinct conversation keys",
        ),
    )
    parser.add_argument("--nlu", choices=["none", "builtin"], default="none", help="VIKNO_NLU for vikno serve")
    parser.add_argument("--bare-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--templates", type=Path, help=argparse.SUPPRESS)
    return load_args(parser, argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.bare_server is not None:
        return run_bare_server(args.bare_server, args.templates)
    print(f"vikno REST benchmark; {machine_note()}", flush=True)
    run_ = asyncio.run(run(args))
    print()
    ratio = print_results(run_, args)
    if args.json:
        print_json(
            {
                "benchmark": "rest",
                "machine": machine_note(),
                "nlu": run_["nlu"],
                "nlu_status": run_["nlu_status"],
                "startup_s": run_["startup_s"],
                "connections": args.connections,
                "conversations": args.conversations,
                "vikno": run_["vikno"].summary(),
                "bare": run_["bare"].summary(),
                "ratio": ratio,
                "target_ratio": TARGET_RATIO,
            }
        )
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
