"""Small helpers shared by the benchmarks (statistics, tables, sample text).

Kept apart so that both benchmarks compute percentiles and print tables the
same way: figures from the two are then comparable at a glance.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Realistic messages of a person writing to a social helpline, ~60-100 chars.
UKRAINIAN_LINES: tuple[str, ...] = (
    "Добрий день, підкажіть, будь ласка, як оформити допомогу на дитину з інвалідністю?",
    "Мамі 82 роки, живе сама в селі, потрібен догляд вдома. Куди звернутися в громаді?",
    "Ми переселенці з Харкова, як отримати виплату на проживання і які документи потрібні?",
    "Чоловік загинув на фронті, що треба зробити, щоб оформити пенсію по втраті годувальника?",
    "Мені потрібне крісло колісне для батька після інсульту, як його отримати безкоштовно?",
    "Зруйновано будинок після обстрілу, як подати заяву на компенсацію через Дію або ЦНАП?",
    "Сусідка літня, не виходить з дому вже тиждень, не відповідає на дзвінки. Що робити?",
    "Добрий вечір. Не прийшла субсидія за цей місяць, хоча все подавали вчасно. Чому так?",
    "Хочемо оформити опіку над племінницею, батьки за кордоном. З чого почати, підкажіть?",
    "Чоловік б'є мене і дітей, я боюся йти додому. Де можна сховатися на кілька днів?",
)

#: Short bot answers of the same length range (what commit_turn writes).
UKRAINIAN_REPLIES: tuple[str, ...] = (
    "Дякуємо, що звернулися. Оберіть тему, з якою потрібна допомога, або напишіть питання.",
    "Для цього потрібна заява до управління соцзахисту або ЦНАП, паспорт і довідка МСЕК.",
    "Передаю вашу розмову фахівцю. Можете вже писати — фахівець побачить усе, що ви напишете.",
    "Соціальне обслуговування вдома надає громада за місцем проживання; звертайтеся до ЦНАП.",
)


#: The conversation every load benchmark plays (REST, Telegram, Viber), so that their
#: rates compare: a greeting, then over and over the payloads the shipped line offers
#: and one typed question.
GREETING = "Добрий день! Мені потрібна консультація щодо соціальної допомоги."
QUESTION = "Мамі 82 роки, живе сама в селі, потрібен догляд вдома. Куди звернутися в громаді?"
PLAN: tuple[str, ...] = (
    "topic:disability",
    "menu",
    "topic:elderly_care",
    "menu",
    "text",
    "topic:social_benefits",
    "menu",
)
REST_PATH = "/api/v1/conversations/{key}/messages"
#: REST conversation key -> the token of its first answer (every later message must send it).
REST_TOKENS: dict[str, str] = {}


def rest_headers(key: str) -> dict[str, str]:
    """JSON, plus the conversation's token once its first answer gave one."""
    token = REST_TOKENS.get(key)
    return {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}


def remember_token(key: str, answer: bytes | dict[str, Any]) -> None:
    if isinstance(answer, bytes):
        if b'"token"' not in answer:
            return
        answer = json.loads(answer)
    if isinstance(answer, dict) and "token" in answer:
        REST_TOKENS[key] = answer["token"]


def sample_text(rng: random.Random) -> str:
    return rng.choice(UKRAINIAN_LINES)


def sample_reply(rng: random.Random) -> str:
    return rng.choice(UKRAINIAN_REPLIES)


def percentile(samples: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile; 0.0 for no samples (keeps tables printable)."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass(frozen=True)
class LoadOptions:
    """Defaults and meanings of the options every load benchmark has (REST, Telegram, Viber)."""

    seconds: float
    seconds_help: str
    warmup_help: str
    rounds: int
    rounds_help: str
    conversations: int
    conversations_help: str


def load_parser(description: str, options: LoadOptions) -> argparse.ArgumentParser:
    """The load benchmarks' common options; each adds its own and calls ``load_args``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seconds", type=float, default=options.seconds, help=options.seconds_help)
    parser.add_argument("--warmup", type=float, default=2.0, help=options.warmup_help)
    parser.add_argument("--rounds", type=int, default=options.rounds, help=options.rounds_help)
    parser.add_argument("--connections", type=int, default=32, help="concurrent keep-alive connections")
    parser.add_argument("--conversations", type=int, default=options.conversations, help=options.conversations_help)
    parser.add_argument("--json", action="store_true", help="also print one JSON object at the end")
    return parser


def load_args(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    args = parser.parse_args(argv)
    if args.conversations < args.connections:
        parser.error("--conversations must be at least --connections (one request per conversation at a time)")
    return args


def free_port() -> int:
    """A TCP port free right now on localhost (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def machine_note() -> str:
    """One line on what the figures were measured on, printed with them."""
    return (
        f"machine: {os.cpu_count()} CPU core(s), {platform.system()} {platform.machine()}, "
        f"Python {sys.version.split()[0]}"
    )


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain, fixed-width text table (right-aligned numbers)."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        cells = zip(row, widths, strict=False)
        lines.append("  ".join(c.rjust(w) if n and _is_number(c) else c.ljust(w) for c, w in cells))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if value >= 100 else f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _is_number(text: str) -> bool:
    return text.replace(",", "").replace(".", "", 1).replace("x", "").isdigit()


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_json(result: dict[str, Any]) -> None:
    """The machine-readable summary: one JSON object on one line, last."""
    print(json.dumps(result, ensure_ascii=False, sort_keys=True))


@dataclass
class ChildProcess:
    """A server the benchmark started (vikno, a bare aiohttp app, a fake platform API)."""

    name: str
    proc: subprocess.Popen[bytes]
    log: Path
    base: str = ""
    startup_s: float = 0.0
    health: dict[str, Any] = field(default_factory=dict)

    def cpu_seconds(self) -> float | None:
        """User + system CPU of the process and its children (Linux /proc); None elsewhere.

        The children count: the embedded store writes from a process of its own.
        """
        try:
            stats = {}
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit():
                    try:
                        fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue  # it ended meanwhile
                    stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
            tree, frontier = {self.proc.pid}, [self.proc.pid]
            while frontier:
                parent = frontier.pop()
                for pid, (ppid, _) in stats.items():
                    if ppid == parent and pid not in tree:
                        tree.add(pid)
                        frontier.append(pid)
            return sum(stats[pid][1] for pid in tree if pid in stats) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError, KeyError):
            return None

    def tail(self) -> str:
        """The last lines of its log, for error messages."""
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def spawn(name: str, argv: list[str], env: dict[str, str], log: Path, port: int | None = None) -> ChildProcess:
    """Start ``argv`` with its output in ``log``; ``port`` gives its base URL."""
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
    return ChildProcess(name, proc, log, f"http://127.0.0.1:{port}" if port is not None else "")


def start_vikno(folder: Path, port: int, **env: str) -> ChildProcess:
    """``vikno serve`` on the embedded store in ``folder`` (NLU off unless ``env`` says so)."""
    # one client address sends everything: the per-address limits would measure themselves
    environ = {
        **os.environ,
        "VIKNO_DATA_DIR": str(folder / "data"),
        "VIKNO_NLU": "none",
        "VIKNO_LOG_LEVEL": "WARNING",
        "VIKNO_RATE_LIMITS": "off",
        **env,
    }
    environ.pop("MONGODB_URI", None)  # these benchmarks are about the embedded store
    return spawn(
        "vikno serve",
        [sys.executable, "-m", "vikno.bots", "serve", "--port", str(port)],
        environ,
        folder / "server.log",
        port,
    )


async def wait_ready(
    process: ChildProcess, path: str = "/healthz", timeout: float = 60.0, since: float | None = None
) -> float:
    """Seconds from ``since`` (default: now) until ``path`` answers 200; its JSON lands in ``process.health``.

    Raises with the log's tail if the process dies or takes longer than ``timeout``.
    """
    import asyncio
    import time

    import aiohttp

    started = time.perf_counter() if since is None else since
    async with aiohttp.ClientSession() as session:
        while time.perf_counter() - started < timeout:
            if process.proc.poll() is not None:
                raise RuntimeError(f"{process.name} exited with {process.proc.returncode}:\n{process.tail()}")
            try:
                async with session.get(f"{process.base}{path}") as resp:
                    if resp.status == 200:
                        process.startup_s = time.perf_counter() - started
                        process.health = await resp.json(content_type=None)
                        return process.startup_s
            except (aiohttp.ClientError, ValueError):
                pass
            await asyncio.sleep(0.02)
    raise RuntimeError(f"{process.name} did not answer {path} with 200 within {timeout:.0f} s:\n{process.tail()}")


@dataclass
class Drive:
    """How a load run went, seen from outside: wall time and who used the CPU."""

    seconds: float
    server_cpu_pct: float | None
    client_cpu_pct: float


async def drive(
    people: list[Any], connections: int, seconds: float, one: Callable[[Any], Awaitable[None]], server: ChildProcess
) -> Drive:
    """``connections`` workers share ``people`` for ``seconds``, one request per person at a time."""
    import asyncio
    import time

    queue: asyncio.Queue[Any] = asyncio.Queue()
    for person in people:
        queue.put_nowait(person)
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            person = await queue.get()
            await one(person)
            queue.put_nowait(person)

    cpu0, own0, started = server.cpu_seconds(), time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    cpu1 = server.cpu_seconds()
    server_pct = 100 * (cpu1 - cpu0) / elapsed if cpu0 is not None and cpu1 is not None else None
    return Drive(elapsed, server_pct, 100 * (time.process_time() - own0) / elapsed)
