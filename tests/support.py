"""Small helpers several test modules share: free ports, the headless browser."""

from __future__ import annotations

import os
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
