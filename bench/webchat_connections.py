"""How many idle web chat connections one ``vikno serve`` process holds, and at what memory.

A helpline's widget sits open on many phones at once while few people type,
so the cost that matters is an idle, greeted socket. The benchmark starts
``vikno serve`` on the embedded store (SQLite in a temporary folder, NLU
off), opens N websockets to ``/chat/ws`` from client processes (two by
default, so the client side has its own cores and file descriptors), each
sends ``hello`` and waits for its ``welcome``, then reads the server's
resident memory (VmRSS in /proc/<pid>/status) before and after, and checks
a sample of the held sockets still answers a ping.

    python bench/webchat_connections.py [--connections 10000] [--clients 2] [--json]

Target: at least 10,000 connections at no more than 20 kB each.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from _common import free_port, machine_note, print_json, start_vikno, table, verdict, wait_ready

TARGET_CONNECTIONS = 10_000
TARGET_KB = 20.0
WARMUP = 200
HELLO = {"type": "hello", "key": None, "lang": "uk", "helpline": None, "last_seen": None}


def raise_fd_limit(wanted: int) -> int:
    """Raise the soft open-files limit (children inherit it); returns what we got."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc: this benchmark needs Linux")


# --- the client side (run as a child process: --client URL COUNT) -------------------------------


async def hold(url: str, count: int, concurrency: int = 200) -> None:
    """Open ``count`` greeted sockets, say so on stdout, hold them until stdin closes."""
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    sockets: list[aiohttp.ClientWebSocketResponse] = []
    failures = 0
    gate = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one() -> None:
            nonlocal failures
            async with gate:
                try:
                    ws = await session.ws_connect(url, autoping=True, heartbeat=None, compress=0)
                    await ws.send_json(HELLO)
                    welcome = await ws.receive_json(timeout=60)
                    if welcome.get("type") != "welcome":
                        raise RuntimeError(welcome)
                    sockets.append(ws)
                except Exception:
                    failures += 1

        await asyncio.gather(*(one() for _ in range(count)))
        print(json.dumps({"held": len(sockets), "failures": failures}), flush=True)
        line = await asyncio.to_thread(sys.stdin.readline)  # "ping" or EOF
        alive = 0
        if line.strip() == "ping":
            for ws in sockets[:50]:
                await ws.send_json({"type": "ping"})
                if (await ws.receive_json(timeout=10)).get("type") == "pong":
                    alive += 1
            print(json.dumps({"pinged": min(50, len(sockets)), "alive": alive}), flush=True)
            await asyncio.to_thread(sys.stdin.readline)
        for ws in sockets:
            await ws.close()


# --- the driver ------------------------------------------------------------------


async def warm_up(url: str) -> None:
    """Touch every code path once (imports, caches) so the baseline is not the first socket."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        sockets = []
        for _ in range(WARMUP):
            ws = await session.ws_connect(url)
            await ws.send_json(HELLO)
            await ws.receive_json(timeout=30)
            sockets.append(ws)
        for ws in sockets:
            await ws.close()
    await asyncio.sleep(1.0)


async def spawn_clients(url: str, total: int, clients: int) -> list[asyncio.subprocess.Process]:
    share = [total // clients + (1 if n < total % clients else 0) for n in range(clients)]
    return [
        await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--client",
            url,
            str(n),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for n in share
        if n
    ]


async def read_json(proc: asyncio.subprocess.Process) -> dict[str, Any]:
    assert proc.stdout is not None
    line = await proc.stdout.readline()
    if not line:
        raise RuntimeError("a client process ended early")
    return json.loads(line)


async def run(connections: int, clients: int) -> dict[str, Any]:
    fds = raise_fd_limit(connections + 4096)
    if fds < connections + 512:
        raise SystemExit(f"the open-files limit is {fds}; raise the hard limit (ulimit -Hn) above {connections + 512}")
    with tempfile.TemporaryDirectory(prefix="vikno-webchat-bench-") as tmp:
        folder = Path(tmp)
        port = free_port()
        url = f"ws://127.0.0.1:{port}/chat/ws"
        server = start_vikno(folder, port)
        try:
            await wait_ready(server)
            await warm_up(url)
            before = rss_kb(server.proc.pid)
            started = time.perf_counter()
            children = await spawn_clients(url, connections, clients)
            reports = [await read_json(c) for c in children]
            opened_s = time.perf_counter() - started
            await asyncio.sleep(2.0)  # let the server settle (freed handshake buffers)
            after = rss_kb(server.proc.pid)
            for c in children:
                assert c.stdin is not None
                c.stdin.write(b"ping\n")
                await c.stdin.drain()
            pings = [await read_json(c) for c in children]
            for c in children:
                assert c.stdin is not None
                c.stdin.close()
                await c.wait()
        finally:
            server.stop()
    held = sum(r["held"] for r in reports)
    per_kb = (after - before) / held if held else float("inf")
    return {
        "connections_asked": connections,
        "connections_held": held,
        "failures": sum(r["failures"] for r in reports),
        "open_seconds": round(opened_s, 2),
        "rss_before_mb": round(before / 1024, 1),
        "rss_after_mb": round(after / 1024, 1),
        "kb_per_connection": round(per_kb, 2),
        "sample_alive": sum(p["alive"] for p in pings),
        "sample_pinged": sum(p["pinged"] for p in pings),
        "server": "vikno serve",
    }


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--client":
        raise_fd_limit(int(sys.argv[3]) + 1024)
        asyncio.run(hold(sys.argv[2], int(sys.argv[3])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=TARGET_CONNECTIONS)
    parser.add_argument("--clients", type=int, default=2, help="client processes that open the sockets")
    parser.add_argument("--json", action="store_true", help="also print a one-line JSON summary")
    args = parser.parse_args()
    gc.collect()
    result = asyncio.run(run(args.connections, args.clients))
    ok = (
        result["connections_held"] >= TARGET_CONNECTIONS
        and result["kb_per_connection"] <= TARGET_KB
        and result["sample_alive"] == result["sample_pinged"]
    )
    print(machine_note())
    print(f"server: {result['server']}")
    print(
        table(
            ["measure", "value", "target"],
            [
                ["connections held (greeted)", result["connections_held"], f">= {TARGET_CONNECTIONS:,}"],
                ["failed to connect", result["failures"], "0"],
                ["time to open all (s)", result["open_seconds"], ""],
                ["server RSS before (MB)", result["rss_before_mb"], ""],
                ["server RSS after (MB)", result["rss_after_mb"], ""],
                ["kB per connection", result["kb_per_connection"], f"<= {TARGET_KB:.0f}"],
                ["sample answering ping", f"{result['sample_alive']}/{result['sample_pinged']}", "all"],
            ],
        )
    )
    print(f"verdict: {verdict(ok)}")
    if args.json:
        print_json(result)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
