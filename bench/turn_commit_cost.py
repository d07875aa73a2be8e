"""What the figures' tallies cost a turn's commit on the embedded store (issue 26).

Two new data folders at this vikno's schema, one with the triggers that keep
the figures' tallies (storage/sqlite/tallies.py) and one with them dropped;
the same engine turn (the inbound, one reply, one ``topic_answered`` event,
the conversation saved: ``store._turn``, what the writer runs per message)
is committed in each, alternately, on a plain connection in this process.
Printed: CPU time per turn (median, mean, p90), which a shared machine's
load disturbs far less than wall time (bench/store_bench.py's commit
latency swung 0.28-0.77 ms between runs under a load of 8-26).

    python bench/turn_commit_cost.py [--turns 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from vikno.storage.identity import PlatformIds
from vikno.storage.models import Conversation, Event, Message
from vikno.storage.sqlite import conversations
from vikno.storage.sqlite.store import FILENAME, SqliteStore, _turn, turn_args

PEOPLE = 200


async def _new_folder(data: Path) -> None:
    store = SqliteStore(data, writer="thread")
    await store.open()
    await store.close()


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # as the writer
    return conn


def main(turns: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name in ("with", "without"):
            asyncio.run(_new_folder(root / name))
        conns = {name: _connect(root / name / FILENAME) for name in ("with", "without")}
        for (trigger,) in (
            conns["without"]
            .execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'figures_%'")
            .fetchall()
        ):
            conns["without"].execute(f"DROP TRIGGER {trigger}")
        people: dict[str, list[Conversation]] = {}
        for name, conn in conns.items():
            people[name] = [
                Conversation(helpline="line1620", channel="telegram", user_key=f"u{i}") for i in range(PEOPLE)
            ]
            conversations.insert_ignoring_duplicates(conn, [conversations.to_row(c) for c in people[name]])
        ids = PlatformIds(b"a bench key, never a real one.")
        cpu: dict[str, list[int]] = {name: [] for name in conns}
        for i in range(turns):
            for name, conn in conns.items():
                conv = people[name][i % PEOPLE]
                inbound = Message(
                    conversation_id=conv.id,
                    helpline="line1620",
                    channel="telegram",
                    direction="in",
                    sender="user",
                    text="привіт, мені потрібна допомога",
                    platform_id=f"{i}:{name}",
                )
                reply = Message(
                    id=inbound.id + ":0",
                    conversation_id=conv.id,
                    helpline="line1620",
                    channel="telegram",
                    direction="out",
                    sender="bot",
                    text="Вітаємо! Оберіть тему",
                    reply_to=inbound.id,
                )
                event = Event(
                    helpline="line1620",
                    kind="topic_answered",
                    conversation_id=conv.id,
                    channel="telegram",
                    language="uk",
                    topic="legal",
                )
                args = turn_args(conv, inbound, [reply], [event], ids)
                started = time.process_time_ns()
                conn.execute("BEGIN")
                _turn(conn, *args)
                conn.execute("COMMIT")
                cpu[name].append(time.process_time_ns() - started)
                conv.version += 1
        for conn in conns.values():
            conn.close()
    for name, values in cpu.items():
        values.sort()
        print(
            f"{name:>7} the tallies' triggers: CPU per turn median {statistics.median(values) / 1000:.1f} µs, "
            f"mean {statistics.mean(values) / 1000:.1f} µs, p90 {values[int(0.9 * len(values))] / 1000:.1f} µs"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=20000)
    main(parser.parse_args().turns)
