"""Replies waiting in the outbox across a restart: how late they reach the platform, and how often twice.

Issue 20 item 10: after a restart (graceful or ``kill -9``), replies
committed before the stop reached the person 55-63 s late, held back by the
stopped process's leases. Target: every committed reply reaches the platform
within 2 s of the restarted process's first ``/healthz`` 200. Item 11: a
graceful stop never repeats a reply; after ``kill -9`` only the messages at
the platform at that moment may arrive twice.

Each round: ``vikno serve`` (embedded store, NLU off, Telegram webhook mode)
against a fake Bot API in this process (tests/bots/fake_telegram.py,
answering each sendMessage ``--platform-delay`` late, as a real one does),
``--chats`` people write through the webhook at once (``--steps`` messages
each; every reply is committed before the webhook's 200), and right after the
last 200 the process is stopped (SIGTERM, or SIGKILL) while replies wait in
the outbox at Telegram's pace (1 message a second per chat, 30 a second per
bot). It is started again on the same data; the clock starts at its first
``/healthz`` 200. For every reply still pending at the stop: when it reached
the fake platform, after that 200 (negative: before it, the outbox starts
before the web server listens). A chat's later replies also wait for the
per-chat pace, so the table gives the wait beyond that pace too.

    python bench/outbox_restart_bench.py [--rounds 3] [--chats 20] [--steps 2] [--platform-delay 0.1] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from _common import ChildProcess, free_port, machine_note, percentile, print_json, spawn, table, verdict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "bots"))
from fake_telegram import FakeTelegram  # noqa: E402  (the test suite's fake Bot API, also its bench sink)

from vikno.storage.identity import IdentityVault, load_or_create_secret  # noqa: E402
from vikno.storage.sqlite.store import SqliteStore  # noqa: E402

TOKEN = "424242:RESTART-bench-token_for-the-fake"
SECRET = "restart-bench-webhook-secret"
HELPLINE = "line1620"
TARGET_SECONDS = 2.0
#: Telegram's pace per chat, as the outbox keeps it (bots/telegram.py).
PER_CHAT_INTERVAL = 1.0
STEPS = (
    "Добрий день! Мені потрібна консультація щодо соціальної допомоги.",
    "menu",
    "topic:social_benefits",
    "menu",
    "topic:elderly_care",
)

_ids = itertools.count(1)


@dataclass
class Round:
    mode: str
    committed: int = 0
    pending_at_stop: int = 0
    in_flight_at_stop: int = 0
    repeated: int = 0
    lost: int = 0
    restart_to_health_s: float = 0.0
    #: Seconds from the first /healthz 200 to each pending reply's arrival.
    delays: list[float] = field(default_factory=list)
    #: The same, less the per-chat pace it had to keep (its place among its chat's pending replies).
    beyond_pace: list[float] = field(default_factory=list)


def start(folder: Path, port: int, fake: FakeTelegram, n: int) -> ChildProcess:
    env = {
        **os.environ,
        "VIKNO_DATA_DIR": str(folder / "data"),
        "VIKNO_NLU": "none",
        "VIKNO_LOG_LEVEL": "WARNING",
        "VIKNO_TELEGRAM_TOKEN": TOKEN,
        "VIKNO_TELEGRAM_API": fake.url,
        "VIKNO_TELEGRAM_MODE": "webhook",
        "VIKNO_TELEGRAM_SECRET": SECRET,
        "VIKNO_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    env.pop("MONGODB_URI", None)
    return spawn(
        "vikno serve",
        [sys.executable, "-m", "vikno.bots", "serve", "--port", str(port)],
        env,
        folder / f"server-{n}.log",
        port,
    )


async def first_health(process: ChildProcess, session: aiohttp.ClientSession, within: float = 60.0) -> float:
    """``time.monotonic()`` of the first /healthz 200 (polled every 10 ms)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.proc.poll() is not None:
            raise RuntimeError(f"vikno exited with {process.proc.returncode}:\n{process.tail()}")
        try:
            async with session.get(process.base + "/healthz") as resp:
                if resp.status == 200:
                    return time.monotonic()
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.01)
    raise RuntimeError(f"no /healthz 200 within {within:.0f} s:\n{process.tail()}")


def update(chat_id: int, step: str, n: int) -> dict[str, Any]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Bench", "language_code": "uk"}
    chat = {"id": chat_id, "first_name": "Bench", "type": "private"}
    if step != "menu" and ":" not in step:
        return {
            "update_id": next(_ids),
            "message": {"message_id": n, "from": user, "chat": chat, "date": int(time.time()), "text": step},
        }
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": str(next(_ids)),
            "from": user,
            "chat_instance": "1",
            "data": step,
            "message": {
                "message_id": 10_000 + n,
                "from": {"id": 424242, "is_bot": True, "first_name": "vikno"},
                "chat": chat,
                "date": int(time.time()),
                "text": "…",
            },
        },
    }


async def converse(process: ChildProcess, session: aiohttp.ClientSession, chats: list[int], steps: int) -> None:
    async def person(chat_id: int) -> None:
        for n, step in enumerate(STEPS[:steps], 1):
            async with session.post(
                process.base + "/telegram/webhook",
                data=json.dumps(update(chat_id, step, n)),
                headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
            ) as resp:
                if resp.status != 200:
                    raise RuntimeError(f"webhook answered {resp.status}: {await resp.text()}")

    await asyncio.gather(*(person(c) for c in chats))


async def outbox(data_dir: Path, chats: list[int]) -> dict[int, list[tuple[str, str]]]:
    """Each chat's outgoing replies as stored, oldest first: (text, delivery)."""
    vault = IdentityVault(load_or_create_secret(data_dir, None))
    store = SqliteStore(data_dir, writer="thread")
    await store.open()
    try:
        out = {}
        for chat_id in chats:
            conversation = await store.conversations.find_by_user(
                HELPLINE, "telegram", vault.user_key("telegram", str(chat_id))
            )
            history = await store.messages.history(conversation.id) if conversation else []
            out[chat_id] = [(m.text or "", m.delivery or "") for m in history if m.delivery is not None]
        return out
    finally:
        await store.close()


async def one_round(mode: str, n: int, args: argparse.Namespace, session: aiohttp.ClientSession) -> Round:
    result = Round(mode)
    fake = FakeTelegram(token=TOKEN)
    await fake.start()
    fake.slow("sendMessage", args.platform_delay)
    chats = [9_000_000 + 1000 * n + i for i in range(args.chats)]
    with tempfile.TemporaryDirectory(prefix="vikno-outbox-restart-") as tmp:
        folder, port = Path(tmp), free_port()
        data_dir = folder / "data"
        vikno = start(folder, port, fake, 1)
        try:
            await first_health(vikno, session)
            await converse(vikno, session, chats, args.steps)
            vikno.proc.send_signal(signal.SIGTERM if mode == "graceful" else signal.SIGKILL)
            await asyncio.to_thread(vikno.proc.wait, 60)
            stopped_at = time.monotonic()
            before = {c: list(fake.sent_to(c)) for c in chats}
            in_flight = sum(
                1 for calls in before.values() for c in calls if c.answered_at is None or c.answered_at > stopped_at
            )
            at_stop = await outbox(data_dir, chats)
            restarted_at = time.monotonic()
            vikno = start(folder, port, fake, 2)
            healthy_at = await first_health(vikno, session)
            result.restart_to_health_s = healthy_at - restarted_at
            pending = {
                c: [text for text, delivery in replies if delivery == "pending"] for c, replies in at_stop.items()
            }
            expected = sum(len(p) for p in pending.values())
            deadline = time.monotonic() + 120
            while sum(len([x for x in fake.sent_to(c) if x.at > stopped_at]) for c in chats) < expected:
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)  # anything sent twice lands too
        finally:
            vikno.stop()
            await fake.close()
    result.committed = sum(len(r) for r in at_stop.values())
    result.pending_at_stop = expected
    result.in_flight_at_stop = in_flight
    for chat_id in chats:
        after = [c for c in fake.sent_to(chat_id) if c.at > stopped_at]
        delivered = iter(after)
        for place, text in enumerate(pending[chat_id]):
            call = next((c for c in delivered if c.params.get("text") == text), None)
            if call is None:
                result.lost += 1
                continue
            delay = call.at - healthy_at
            result.delays.append(delay)
            result.beyond_pace.append(delay - place * PER_CHAT_INTERVAL)
        result.repeated += len(before[chat_id]) + len(after) - len(at_stop[chat_id])
    return result


async def run(args: argparse.Namespace) -> list[Round]:
    rounds = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        for n in range(args.rounds):
            for mode in ("graceful", "kill -9"):
                print(f"  round {n + 1}/{args.rounds}: {mode} ...", flush=True)
                rounds.append(await one_round(mode, n * 2 + (mode != "graceful"), args, session))
    return rounds


def report(rounds: list[Round], args: argparse.Namespace) -> bool:
    rows = []
    ok = True
    for r in rounds:
        worst = max(r.delays, default=0.0)
        worst_beyond = max(r.beyond_pace, default=0.0)
        # graceful: nothing twice; kill -9: at most what was at the platform
        repeats_ok = r.repeated == 0 if r.mode == "graceful" else r.repeated <= r.in_flight_at_stop
        good = not r.lost and repeats_ok and worst <= TARGET_SECONDS
        ok &= good
        rows.append(
            [
                r.mode,
                r.committed,
                r.pending_at_stop,
                r.in_flight_at_stop,
                r.repeated,
                r.lost,
                f"{r.restart_to_health_s:.2f}",
                f"{percentile(r.delays, 50):.2f}",
                f"{worst:.2f}",
                f"{worst_beyond:.2f}",
                verdict(good),
            ]
        )
    print(
        table(
            [
                "stop",
                "replies",
                "pending at stop",
                "at platform",
                "sent twice",
                "lost",
                "start s",
                "p50 s",
                "max s",
                "max beyond pace s",
                "",
            ],
            rows,
        )
    )
    print(
        "\nreplies: committed in the round; pending at stop: still in the outbox when the process stopped; "
        "at platform: sends the platform had not answered at the stop;\nstart s: start to first /healthz 200; "
        "p50/max s: a pending reply's arrival after that 200; beyond pace: less its chat's 1 s/message pace."
    )
    print(
        f"target: every pending reply within {TARGET_SECONDS:.0f} s of the first /healthz 200, none lost, "
        f"none twice after a graceful stop, after kill -9 at most those at the platform  -> {verdict(ok)}"
    )
    print(
        f"load: {args.chats} chats x {args.steps} messages each, the fake platform answers "
        f"{args.platform_delay:.2f} s late; NOTE: {os.cpu_count()} CPU core(s) shared by everything."
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each stop (default 3)")
    parser.add_argument("--chats", type=int, default=20, help="people writing at once (default 20)")
    parser.add_argument(
        "--steps",
        type=int,
        default=2,
        choices=range(1, len(STEPS) + 1),
        help="messages each person sends before the stop (default 2)",
    )
    parser.add_argument(
        "--platform-delay",
        type=float,
        default=0.1,
        help="seconds the fake Bot API takes to answer a sendMessage (default 0.1)",
    )
    parser.add_argument("--json", action="store_true", help="also print one JSON object at the end")
    args = parser.parse_args(argv)
    print(f"vikno outbox restart benchmark; {machine_note()}", flush=True)
    rounds = asyncio.run(run(args))
    print()
    ok = report(rounds, args)
    if args.json:
        print_json(
            {
                "benchmark": "outbox_restart",
                "machine": machine_note(),
                "chats": args.chats,
                "steps": args.steps,
                "platform_delay": args.platform_delay,
                "target_seconds": TARGET_SECONDS,
                "rounds": [
                    {
                        "mode": r.mode,
                        "committed": r.committed,
                        "pending_at_stop": r.pending_at_stop,
                        "in_flight_at_stop": r.in_flight_at_stop,
                        "repeated": r.repeated,
                        "lost": r.lost,
                        "start_s": r.restart_to_health_s,
                        "p50_s": percentile(r.delays, 50),
                        "max_s": max(r.delays, default=0.0),
                        "max_beyond_pace_s": max(r.beyond_pace, default=0.0),
                    }
                    for r in rounds
                ],
                "pass": ok,
            }
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
