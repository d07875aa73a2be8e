"""Resident memory of ``vikno serve`` after start, first start (trains) and restart (loads).

    python bench/serve_memory.py                    # embedded store, every shipped line, built-in NLU
    python bench/serve_memory.py --data-dir DIR     # keep the data folder (default: a temporary one)

Like ``make run``: the embedded SQLite store, every shipped helpline, the built-in NLU (every language's
intent model and the crisis model). Waits until ``/healthz`` says the NLU is ready, lets the process settle,
then reads RSS and PSS (``/proc/PID/smaps_rollup``: PSS shares pages between the processes that map them,
so the processes' PSS add up to what they cost together) of the web process and of every process under it.
Then stops it and starts it again on the same data folder (the saved models are loaded) and measures again.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree(pid: int) -> list[int]:
    out = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            kids = (task / "children").read_text().split()
        except OSError:
            continue
        for k in kids:
            out.extend(tree(int(k)))
    return out


def rollup(pid: int) -> tuple[float, float]:
    """RSS and PSS of one process in MB."""
    rss = pss = 0.0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Rss:"):
            rss = int(line.split()[1]) / 1024
        elif line.startswith("Pss:"):
            pss = int(line.split()[1]) / 1024
    return rss, pss


def nlu_status(port: int) -> str | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
            return json.loads(r.read())["nlu"]
    except Exception:  # noqa: BLE001 - not up yet
        return None


def measure(data_dir: Path, settle: float) -> dict:
    port = free_port()
    env = {**os.environ, "VIKNO_DATA_DIR": str(data_dir), "VIKNO_NLU": "builtin"}
    env.pop("MONGODB_URI", None)
    cmd = [sys.executable, "-m", "vikno.bots", "serve", "--port", str(port)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak_all = 0.0
    try:
        while (status := nlu_status(port)) != "ready":
            if status == "failed" or proc.poll() is not None:
                raise SystemExit(f"vikno did not get its NLU ready ({status}): {proc.stderr.read()[-2000:]}")
            peak_all = max(peak_all, sum(rollup(p)[0] for p in tree(proc.pid)))
            time.sleep(0.2)
        ready = time.perf_counter() - t0
        time.sleep(settle)
        pids = tree(proc.pid)
        per = {p: rollup(p) for p in pids}
        names = {p: Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:60] for p in pids}
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    return {
        "ready_s": ready,
        "web_rss": per[proc.pid][0],
        "web_pss": per[proc.pid][1],
        "all_rss": sum(r for r, _ in per.values()),
        "all_pss": sum(p for _, p in per.values()),
        "peak_all_rss_while_starting": peak_all,
        "processes": {names[p]: per[p] for p in pids},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--settle", type=float, default=5.0, help="seconds to wait after the NLU is ready")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data_dir or Path(tmp) / "data"
        for label in ("first start (trains)", "restart (loads)"):
            m = measure(data, args.settle)
            print(
                f"{label}: NLU ready after {m['ready_s']:.1f} s; web process RSS {m['web_rss']:.0f} MB, "
                f"PSS {m['web_pss']:.0f} MB; all processes RSS {m['all_rss']:.0f} MB, PSS {m['all_pss']:.0f} MB "
                f"(highest RSS of all processes while starting {m['peak_all_rss_while_starting']:.0f} MB); "
                f"load average {os.getloadavg()[0]:.1f}"
            )
            for name, (rss, pss) in m["processes"].items():
                print(f"    {rss:6.0f} MB RSS {pss:6.0f} MB PSS  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
