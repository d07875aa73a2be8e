"""Small helpers several test modules share: free ports, the headless browser."""

from __future__ import annotations

import os
import random
import socket

import pytest

#: Debian's Chromium, driven by Playwright (``playwright install`` cannot download here).
CHROMIUM = os.environ.get("VIKNO_CHROMIUM", "/usr/bin/chromium")
#: Without the background-networking flags Chromium keeps dialling Google on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


#: Ports this process has handed out: never twice, so ``free_port(), free_port()`` are two ports.
_handed_out: set[int] = set()


def _outgoing_ports() -> tuple[int, int]:
    """The kernel's range of source ports for outgoing connections (Linux; the common default elsewhere)."""
    try:
        low, high = open("/proc/sys/net/ipv4/ip_local_port_range").read().split()
        return int(low), int(high)
    except (OSError, ValueError):  # pragma: no cover - not Linux
        return 32768, 60999


def free_port() -> int:
    """A loopback port nobody listens on, for a server the test starts next.

    The port is free now and bound by the server a moment later. A port from ``bind(0)`` lies in the range
    the kernel also takes outgoing connections' source ports from, so in that moment a client of the other
    test worker, or of another run on the machine, could take it and the server would fail to start; so the
    port is drawn at random below that range, checked by binding it.
    """
    low, _ = _outgoing_ports()
    if low > 12_000:
        for _ in range(500):
            port = random.randrange(10_000, low)
            if port in _handed_out:
                continue
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    continue
            _handed_out.add(port)
            return port
    while True:  # a machine with a wide outgoing range: whatever the kernel gives, as before
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port


def require_browser() -> None:
    """Skip the calling module, saying why, where Playwright or Chromium is missing."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the machine
        pytest.skip(
            "Playwright is not installed: pip install 'playwright==1.65.*' (the browser tests need it)",
            allow_module_level=True,
        )
    if not os.path.exists(CHROMIUM):  # pragma: no cover
        pytest.skip(
            f"no Chromium at {CHROMIUM}: run scripts/ensure-chromium.sh (or set VIKNO_CHROMIUM)",
            allow_module_level=True,
        )
