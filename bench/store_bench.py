"""Writes and reads per second for each storage adapter as history grows.

ARCHITECTURE.md ("Storage") promises that the embedded store serves a small helpline for
years on one machine: thousands of writes a second and no slow-down as the
history grows. This benchmark checks exactly that, through the storage port
only (the calls the dialogue engine makes), at growing checkpoints:

* concurrent writes: 50 coroutines (10 on the mongoeco test server), each
  doing what the engine does for one message: one ``commit_turn`` with the
  inbound, one reply and one event (2 messages stored per cycle; a
  platform's retry is caught by the commit's unique index, not looked up
  first); reported as messages/s;
* sequential latency (one call at a time): p50/p99 of ``commit_turn``, and
  of ``by_platform_id`` for platform ids stored before (a retry check);
* reads: ``messages.history(conversation, limit=50)`` and ``messages.get``
  per second, as concurrent as the writes.

Who writes (``--people``): by default a helpline's traffic, as the lines in
../shared/seeds describe it (consultations of a few minutes, ~50 a day):
each coroutine talks with one person for 10 messages (20 stored), then the
next person arrives, a new conversation, or in 20 % of arrivals someone who
wrote before (their conversation continues). At 100,000 messages the store
holds ~5,000 conversations. ``--people fixed`` is the worst case: the same
100 people write all the time, so at 100,000 each conversation holds 1,000+
messages and every one of them has index pages of its own.

"No slower at 100,000 than at 1,000" is judged on alternating rounds after
the last checkpoint: a fresh store filled to the smallest size, then the
full store, again and again; the medians compare. (Measured once each,
minutes apart, two sizes also differ by whatever the machine did between.)

Between checkpoints the store is filled through the same API and the same
people, concurrently, never with raw SQL, so the indexes and the rows are
exactly what vikno itself writes.

The ``mongo`` adapter runs through the real PyMongo driver against
``MONGODB_URI`` when it is set; otherwise against the mongoeco wire-protocol
test server, which scans the whole collection on every insert. Those runs
stop at a few thousand messages and measure the test server, not MongoDB.

    python bench/store_bench.py [--adapters sqlite,mongo] [--sizes 1000,10000,100000] [--people contacts|fixed] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from _common import machine_note, percentile, print_json, sample_reply, sample_text, table, verdict

from vikno.bots.cli import GIL_SWITCH_SECONDS
from vikno.storage.models import Conversation, Event, Message
from vikno.storage.port import Store

HELPLINE, CHANNEL = "line1620", "rest"
#: The secret key of the benchmark's stores (platform ids are stored keyed-hashed with it).
BENCH_SECRET = b"the benchmark's own secret, never a real one"
CONCURRENCY = 50
#: --people contacts (the default): a helpline's traffic. A person writes this many
#: messages (each answered: 2 stored per turn), then leaves; the lines in ../shared/seeds
#: describe consultations of a few minutes, about 50 a day.
TURNS_PER_CONTACT = 10
#: ... and this share of the arrivals are people writing again (their conversation continues).
RETURNING = 0.2
#: --people fixed: the same people write all the time (a worst case: each conversation
#: holds 1,000+ messages at 100,000, so every one has index pages of its own).
FIXED_PEOPLE = 100
#: The concurrent write window is split in rounds; the median round is reported.
WRITE_ROUNDS = 3
HISTORY_LIMIT = 50

#: The growth target compares a fresh store at the smallest size with the full one,
#: in this many alternating rounds of this many messages each.
GROWTH_ROUNDS = 11
GROWTH_WINDOW = 10_000

#: Targets for the embedded store (ARCHITECTURE.md, "Storage").
TARGET_WRITES_PER_S = 2000
#: "No slower at the largest size than at the smallest", allowing 10 % run-to-run noise.
TARGET_GROWTH_RATIO = 0.9

DEFAULT_SIZES = (1_000, 10_000, 100_000)
MONGOECO_SIZES = (500, 1_000, 2_000)


@dataclass(frozen=True)
class Windows:
    """How much work each measurement does (smaller on the slow test server)."""

    concurrent_messages: int
    sequential_cycles: int
    reads: int
    concurrency: int = CONCURRENCY


FULL_WINDOWS = Windows(concurrent_messages=9_000, sequential_cycles=500, reads=4_000)
#: mongoeco answers one request at a time; 50 queued ops keep it busy for > 5 s, the
#: driver's heartbeat then times out and it cancels everything in flight. 10 avoids that.
MONGOECO_WINDOWS = Windows(concurrent_messages=120, sequential_cycles=30, reads=200, concurrency=10)


@dataclass
class Checkpoint:
    adapter: str
    server: str
    messages: int
    concurrency: int
    writes_per_s: float
    seen_p50_ms: float
    seen_p99_ms: float
    turn_p50_ms: float
    turn_p99_ms: float
    history_per_s: float
    get_per_s: float
    errors: int = 0


@dataclass
class Lane:
    """One concurrent writer: one person at a time, so turns never conflict."""

    conversations: list[Conversation] = field(default_factory=list)  # --people fixed: its share
    turn: int = 0
    current: Conversation | None = None
    turns_left: int = 0


@dataclass
class Workload:
    """The store under test, its conversations and what was written so far."""

    store: Store
    lanes: list[Lane]
    rng: random.Random
    people: str = "contacts"
    #: every conversation so far, and those a lane is writing to now
    conversations: list[Conversation] = field(default_factory=list)
    busy: set[str] = field(default_factory=set)
    message_ids: list[str] = field(default_factory=list)
    platform_ids: list[str] = field(default_factory=list)
    written: int = 0
    errors: int = 0
    error_kinds: Counter[str] = field(default_factory=Counter)

    def failed(self, exc: Exception) -> None:
        """Count a failed call by kind; the run goes on (a server would too)."""
        self.errors += 1
        self.error_kinds[f"{type(exc).__name__}: {str(exc)[:120]}"] += 1

    async def next_conversation(self, lane: Lane) -> Conversation:
        """The conversation of the lane's next turn: the same person, or the next arrival."""
        lane.turn += 1
        if self.people == "fixed":
            return lane.conversations[lane.turn % len(lane.conversations)]
        if lane.current is not None and lane.turns_left > 0:
            lane.turns_left -= 1
            return lane.current
        if lane.current is not None:
            self.busy.discard(lane.current.id)
        lane.current, lane.turns_left = await self._arrival(), TURNS_PER_CONTACT - 1
        self.busy.add(lane.current.id)
        return lane.current

    async def _arrival(self) -> Conversation:
        if self.conversations and self.rng.random() < RETURNING:
            for _ in range(5):  # someone who wrote before and is not writing right now
                conv = self.rng.choice(self.conversations)
                if conv.id not in self.busy:
                    return conv
        conv = await self.store.conversations.create(
            Conversation(helpline=HELPLINE, channel=CHANNEL, user_key=f"bench-{uuid.uuid4().hex}", language="uk")
        )
        self.conversations.append(conv)
        return conv


# --- one server-like write cycle ---------------------------------------------


def _inbound(conv: Conversation, rng: random.Random) -> Message:
    # Telegram's shape of platform id: chat id, then that chat's message number.
    n = conv.data.get("bench_n", 0) + 1
    conv.data["bench_n"] = n
    return Message(
        conversation_id=conv.id,
        helpline=HELPLINE,
        channel=CHANNEL,
        direction="in",
        sender="user",
        text=sample_text(rng),
        platform_id=f"{conv.user_key}:{n}",
    )


def _replies(conv: Conversation, inbound: Message, n: int, rng: random.Random) -> list[Message]:
    return [
        Message(
            id=f"{inbound.id}:{k}",
            conversation_id=conv.id,
            helpline=HELPLINE,
            channel=CHANNEL,
            direction="out",
            sender="bot",
            text=sample_reply(rng),
            reply_to=inbound.id,
            buttons=[{"title": "☰ Меню", "payload": "menu"}],
        )
        for k in range(n)
    ]


async def write_cycle(work: Workload, lane: Lane, replies: int, timings: dict[str, list[float]] | None = None) -> int:
    """What the engine does with the store for one message (flows/engine.py).

    One transaction: the inbound, the saved conversation, the replies and an
    event. (A platform's retry is not looked up first: the commit is the
    de-duplication point.) Returns the number of messages stored (0 when a
    write failed, counted as an error rather than stopping the run).
    """
    try:
        conv = await work.next_conversation(lane)
    except Exception as exc:
        work.failed(exc)
        return 0
    inbound = _inbound(conv, work.rng)
    conv.step = f"step{lane.turn % 7}"
    event = Event(helpline=HELPLINE, kind="message_in", conversation_id=conv.id, channel=CHANNEL, language="uk")
    try:
        t0 = time.perf_counter()
        await work.store.commit_turn(conv, inbound, _replies(conv, inbound, replies, work.rng), [event])
        t1 = time.perf_counter()
    except Exception as exc:
        work.failed(exc)
        return 0
    if timings is not None:
        timings["turn"].append((t1 - t0) * 1000)
    work.message_ids.append(inbound.id)
    work.platform_ids.append(inbound.platform_id or "")
    work.written += 1 + replies
    return 1 + replies


async def run_lanes(work: Workload, budget: int, replies: int) -> float:
    """All lanes write until ``budget`` messages are stored; returns seconds."""
    remaining = [budget]

    async def lane_loop(lane: Lane) -> None:
        while remaining[0] > 0:
            remaining[0] -= 1 + replies
            await write_cycle(work, lane, replies)

    started = time.perf_counter()
    await asyncio.gather(*(lane_loop(lane) for lane in work.lanes))
    return time.perf_counter() - started


# --- the measurements ----------------------------------------------------------


async def grow_to(work: Workload, target: int) -> None:
    """Fill the store up to ``target`` messages through the adapter's own API."""
    missing = target - work.written
    if missing > 0:
        await run_lanes(work, missing, replies=1)


async def concurrent_writes(work: Workload, messages: int, rounds: int = WRITE_ROUNDS) -> float:
    """Median messages/s of a few rounds, so one WAL checkpoint or GC pause does not decide."""
    rates = []
    for _ in range(rounds):
        written_before = work.written
        seconds = await run_lanes(work, messages // rounds, replies=1)
        rates.append((work.written - written_before) / seconds)
    return statistics.median(rates)


async def sequential_writes(work: Workload, cycles: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {"seen": [], "turn": []}
    lane = work.lanes[0]
    for _ in range(cycles):
        await write_cycle(work, lane, 1, timings)
    # The retry check a channel can make (and the engine's commit makes): a platform id seen before.
    for platform_id in work.rng.sample(work.platform_ids, min(cycles, len(work.platform_ids))):
        t0 = time.perf_counter()
        seen = await work.store.messages.by_platform_id(CHANNEL, platform_id)
        timings["seen"].append((time.perf_counter() - t0) * 1000)
        if seen is None:
            work.failed(LookupError(f"platform id {platform_id} not found"))
    return timings


async def reads_per_second(work: Workload, count: int, read: Callable[[random.Random], Awaitable[Any]]) -> float:
    """``count`` reads spread over the lanes' concurrency; returns reads/s."""
    remaining = [count]

    async def loop(seed: int) -> None:
        rng = random.Random(seed)
        while remaining[0] > 0:
            remaining[0] -= 1
            try:
                await read(rng)
            except Exception as exc:
                work.failed(exc)

    started = time.perf_counter()
    await asyncio.gather(*(loop(n) for n in range(len(work.lanes))))
    return count / (time.perf_counter() - started)


async def measure(work: Workload, adapter: str, server: str, windows: Windows, errors_before: int) -> Checkpoint:
    """All figures at the current size; errors count filling and measuring since the last checkpoint."""
    size = await work.store.messages.count()
    writes = await concurrent_writes(work, windows.concurrent_messages)
    timings = await sequential_writes(work, windows.sequential_cycles)
    conversations = work.conversations
    history = await reads_per_second(
        work, windows.reads, lambda rng: work.store.messages.history(rng.choice(conversations).id, HISTORY_LIMIT)
    )
    ids = work.message_ids
    gets = await reads_per_second(work, windows.reads, lambda rng: work.store.messages.get(rng.choice(ids)))
    return Checkpoint(
        adapter=adapter,
        server=server,
        messages=size,
        concurrency=len(work.lanes),
        writes_per_s=writes,
        seen_p50_ms=percentile(timings["seen"], 50),
        seen_p99_ms=percentile(timings["seen"], 99),
        turn_p50_ms=percentile(timings["turn"], 50),
        turn_p99_ms=percentile(timings["turn"], 99),
        history_per_s=history,
        get_per_s=gets,
        errors=work.errors - errors_before,
    )


# --- adapters ----------------------------------------------------------------------


async def make_workload(store: Store, concurrency: int, people: str, seed: int = 1620) -> Workload:
    """Open the store; ``concurrency`` lanes (with --people fixed, the people created and shared out)."""
    await store.open()
    if people == "fixed":
        convs = [
            await store.conversations.create(
                Conversation(helpline=HELPLINE, channel=CHANNEL, user_key=f"bench-user-{n}", language="uk")
            )
            for n in range(FIXED_PEOPLE)
        ]
        lanes = [Lane(convs[n::concurrency]) for n in range(concurrency)]
        return Workload(store=store, lanes=lanes, rng=random.Random(seed), people=people, conversations=convs)
    return Workload(store=store, lanes=[Lane() for _ in range(concurrency)], rng=random.Random(seed), people=people)


async def bench_store(
    store: Store,
    adapter: str,
    server: str,
    sizes: list[int],
    windows: Windows,
    people: str,
    compare: Callable[[Workload], Awaitable[None]] | None = None,
) -> list[Checkpoint]:
    """Checkpoints as the store grows; then ``compare`` runs on the full store before it closes."""
    work = await make_workload(store, windows.concurrency, people)
    results = []
    try:
        for size in sizes:
            started, errors_before = time.perf_counter(), work.errors
            await grow_to(work, size)
            print(
                f"  {adapter}: filled to {work.written:,} messages in {time.perf_counter() - started:.1f} s; "
                "measuring ...",
                flush=True,
            )
            results.append(await measure(work, adapter, server, windows, errors_before))
        if compare is not None:
            await compare(work)
    finally:
        await store.close()
        for kind, n in work.error_kinds.most_common():
            print(f"  {adapter}: {n} x {kind}", flush=True)
    return results


@dataclass
class Growth:
    """Write rates of a small and a large store, measured in alternating rounds.

    Measured one after the other, two sizes also differ by whatever the
    machine did in between (a noisy neighbour, a CPU boost ending); taking
    turns round by round spreads that over both, and the medians compare.
    """

    small_size: int
    large_size: int
    small_rates: list[float] = field(default_factory=list)
    large_rates: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return statistics.median(self.large_rates) / statistics.median(self.small_rates)


async def compare_sizes(
    large: Workload,
    fresh_store: Callable[[int], Awaitable[Store]],
    small_size: int,
    rounds: int,
    window: int,
    growth: Growth,
) -> None:
    """Alternate: a fresh store filled to ``small_size``, then the large one, ``window`` messages each."""
    growth.large_size = large.written
    for n in range(rounds):
        small = await make_workload(await fresh_store(n), len(large.lanes), large.people, seed=100 + n)
        try:
            await grow_to(small, small_size)
            before = small.written
            seconds = await run_lanes(small, window, replies=1)
            growth.small_rates.append((small.written - before) / seconds)
        finally:
            await small.store.close()
        before = large.written
        seconds = await run_lanes(large, window, replies=1)
        growth.large_rates.append((large.written - before) / seconds)
    print(
        f"  alternating rounds: {small_size:,} messages {_rates(growth.small_rates)}; "
        f"{growth.large_size:,}+ messages {_rates(growth.large_rates)}",
        flush=True,
    )


def _rates(rates: list[float]) -> str:
    return "[" + ", ".join(f"{r:,.0f}" for r in rates) + "]/s"


async def bench_sqlite(sizes: list[int], windows: Windows, growth: Growth | None, people: str) -> list[Checkpoint]:
    from vikno.storage.sqlite.store import SqliteStore

    with tempfile.TemporaryDirectory(prefix="vikno-bench-") as folder:
        print(f"sqlite: embedded store in a temporary folder ({folder}), sizes {_sizes(sizes)}", flush=True)

        async def fresh(n: int) -> Store:
            return SqliteStore(Path(folder) / f"small-{n}")

        async def compare(work: Workload) -> None:
            if growth is not None:
                await compare_sizes(work, fresh, growth.small_size, GROWTH_ROUNDS, GROWTH_WINDOW, growth)

        return await bench_store(
            SqliteStore(Path(folder) / "large"), "sqlite", "embedded SQLite (WAL)", sizes, windows, people, compare
        )


async def bench_mongo(uri: str, server: str, sizes: list[int], windows: Windows, people: str) -> list[Checkpoint]:
    from vikno.storage.mongo.store import MongoStore

    database = f"vikno_bench_{uuid.uuid4().hex[:10]}"
    print(f"mongo: PyMongo async driver, {server}, database {database}, sizes {_sizes(sizes)}", flush=True)
    store = MongoStore(uri, database, secret=BENCH_SECRET)
    try:
        return await bench_store(store, "mongo", server, sizes, windows, people)
    finally:
        cleanup = MongoStore(uri, database, secret=BENCH_SECRET)
        try:
            await cleanup.client.drop_database(database)
        finally:
            await cleanup.close()


_MONGOECO_MAIN = """
import time
from vikno.storage.mongo.testserver import MongoTestServer
print(MongoTestServer().start(), flush=True)
while True:
    time.sleep(3600)
"""


@contextmanager
def mongoeco_server() -> Iterator[str]:
    """The mongoeco test server in a child process, so it gets its own core and GIL."""
    proc = subprocess.Popen([sys.executable, "-c", _MONGOECO_MAIN], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        uri = proc.stdout.readline().strip()
        if not uri.startswith("mongodb://"):
            raise RuntimeError("the mongoeco test server did not start (is mongoeco installed? pip install mongoeco)")
        yield uri
    finally:
        proc.terminate()
        proc.wait(10)


# --- report -----------------------------------------------------------------------------


def _sizes(sizes: list[int]) -> str:
    return " / ".join(f"{s:,}" for s in sizes)


def print_table(results: list[Checkpoint]) -> None:
    headers = [
        "adapter",
        "messages in store",
        "concurrency",
        "writes/s (concurrent)",
        "by_platform_id p50/p99 ms (seq.)",
        "commit_turn p50/p99 ms (seq.)",
        "history(50)/s",
        "get/s",
        "errors",
    ]
    rows = [
        [
            r.adapter,
            r.messages,
            r.concurrency,
            r.writes_per_s,
            f"{r.seen_p50_ms:.2f} / {r.seen_p99_ms:.2f}",
            f"{r.turn_p50_ms:.2f} / {r.turn_p99_ms:.2f}",
            r.history_per_s,
            r.get_per_s,
            r.errors,
        ]
        for r in results
    ]
    print(table(headers, rows))


def sqlite_targets(results: list[Checkpoint], growth: Growth | None) -> dict[str, Any]:
    """The embedded store's two promises, evaluated on this run."""
    rows = [r for r in results if r.adapter == "sqlite"]
    if not rows:
        return {}
    slowest = min(r.writes_per_s for r in rows)
    targets: dict[str, Any] = {
        "min_writes_per_s": slowest,
        "writes_target": TARGET_WRITES_PER_S,
        "writes_ok": slowest >= TARGET_WRITES_PER_S,
    }
    if growth is not None and growth.small_rates:
        targets.update(
            {
                "growth_ratio": growth.ratio,
                "growth_from": growth.small_size,
                "growth_to": growth.large_size,
                "growth_small_rates": growth.small_rates,
                "growth_large_rates": growth.large_rates,
                "growth_target": TARGET_GROWTH_RATIO,
                "growth_ok": growth.ratio >= TARGET_GROWTH_RATIO,
            }
        )
    return targets


def print_targets(targets: dict[str, Any]) -> None:
    if not targets:
        return
    print(
        f"target: embedded store writes >= {TARGET_WRITES_PER_S:,} messages/s at every size: "
        f"slowest {targets['min_writes_per_s']:,.0f}/s  -> {verdict(targets['writes_ok'])}"
    )
    if "growth_ratio" in targets:
        print(
            f"target: no slower at {targets['growth_to']:,} messages than at {targets['growth_from']:,}: "
            f"median writes/s of {GROWTH_ROUNDS} alternating rounds, ratio {targets['growth_ratio']:.2f} "
            f"(>= {TARGET_GROWTH_RATIO} allows 10 % noise)  -> {verdict(targets['growth_ok'])}"
        )


def print_notes(results: list[Checkpoint], mongo_server: str | None) -> None:
    print(
        "writes/s = messages stored per second by concurrent coroutines (50; 10 on mongoeco), each doing what "
        "the engine does for one message: one commit_turn (the inbound, 1 reply, 1 event, the conversation "
        "saved, one transaction; its unique index catches a platform's retry); by_platform_id = a lookup of a "
        "platform id stored before; 'messages in store' is the count when the "
        "checkpoint's measurements began (each window adds more)."
    )
    if mongo_server and "mongoeco" in mongo_server:
        print(
            "NOTE: the mongo rows measure the mongoeco TEST SERVER (in-memory, scans the whole collection on "
            "every insert), NOT MongoDB; they only show the adapter works end to end. Set MONGODB_URI to "
            "measure a real MongoDB up to the full sizes."
        )


# --- main -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--adapters", default="sqlite,mongo", help="comma-separated: sqlite, mongo")
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="message counts to measure at (sqlite, and mongo with MONGODB_URI)",
    )
    parser.add_argument(
        "--mongoeco-sizes",
        default=",".join(map(str, MONGOECO_SIZES)),
        help="message counts for the mongoeco test server (kept small: it scans on every insert)",
    )
    parser.add_argument(
        "--people",
        choices=("contacts", "fixed"),
        default="contacts",
        help=f"contacts: each person writes {TURNS_PER_CONTACT} messages and leaves, "
        f"{RETURNING:.0%} of arrivals write again (a helpline's traffic); fixed: the same "
        f"{FIXED_PEOPLE} people all the time (a worst case for the per-conversation index)",
    )
    parser.add_argument("--json", action="store_true", help="also print one JSON object at the end")
    args = parser.parse_args(argv)
    args.adapters = [a.strip() for a in args.adapters.split(",") if a.strip()]
    unknown = set(args.adapters) - {"sqlite", "mongo"}
    if unknown:
        parser.error(f"unknown adapter(s): {', '.join(sorted(unknown))}; use sqlite and/or mongo")
    args.sizes = sorted(int(s) for s in args.sizes.split(","))
    args.mongoeco_sizes = sorted(int(s) for s in args.mongoeco_sizes.split(","))
    return args


async def run(args: argparse.Namespace) -> tuple[list[Checkpoint], str | None, Growth | None]:
    results: list[Checkpoint] = []
    mongo_server = None
    growth = None
    if "sqlite" in args.adapters:
        growth = Growth(args.sizes[0], args.sizes[-1]) if len(args.sizes) > 1 else None
        results += await bench_sqlite(args.sizes, FULL_WINDOWS, growth, args.people)
    if "mongo" in args.adapters:
        uri = os.environ.get("MONGODB_URI")
        if uri:
            mongo_server = "MongoDB at MONGODB_URI"
            results += await bench_mongo(uri, mongo_server, args.sizes, FULL_WINDOWS, args.people)
        else:
            mongo_server = "mongoeco test server (not MongoDB)"
            with mongoeco_server() as test_uri:
                results += await bench_mongo(test_uri, mongo_server, args.mongoeco_sizes, MONGOECO_WINDOWS, args.people)
    return results, mongo_server, growth


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.setswitchinterval(GIL_SWITCH_SECONDS)  # as `vikno serve` runs
    print(f"vikno store benchmark; {machine_note()}; the load runs in this process", flush=True)
    started = time.perf_counter()
    results, mongo_server, growth = asyncio.run(run(args))
    print()
    print_table(results)
    print()
    targets = sqlite_targets(results, growth)
    print_targets(targets)
    print_notes(results, mongo_server)
    print(f"total time: {time.perf_counter() - started:.0f} s")
    if args.json:
        print_json(
            {
                "benchmark": "store",
                "machine": machine_note(),
                "mongo_server": mongo_server,
                "checkpoints": [asdict(r) for r in results],
                "targets": targets,
            }
        )
    return 0 if targets.get("writes_ok", True) and targets.get("growth_ok", True) else 1


if __name__ == "__main__":
    sys.exit(main())
