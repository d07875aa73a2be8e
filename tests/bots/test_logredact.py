"""Secrets never reach a log line (issue 20, item 19): the filter, and where it is installed."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from vikno.bots import logredact
from vikno.bots.app import build_app
from vikno.bots.config import load_settings
from vikno.flows.content import load_helplines, shipped_helpline_folders

KEY = "k3y-of-a-person-7d1e"


@pytest.mark.parametrize(
    "line, kept",
    [
        (f"unhandled error on POST /api/v1/conversations/{KEY}/messages", "/api/v1/conversations/<redacted>/messages"),
        (f"GET /api/v1/conversations/{KEY}?limit=5", "/api/v1/conversations/<redacted>?limit=5"),
        (
            "Cannot connect to https://api.telegram.org/bot123456:AAH-secret_Token/sendMessage",
            "https://api.telegram.org/bot<redacted>/sendMessage",
        ),
        ("GET /chat/ws?key=abc123&lang=uk", "/chat/ws?key=<redacted>&lang=uk"),
    ],
)
def test_redact(line: str, kept: str) -> None:
    assert kept in logredact.redact(line)
    assert KEY not in logredact.redact(line) and "secret_Token" not in logredact.redact(line)


async def test_an_unhandled_error_on_a_keyed_path_logs_no_key(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    app = build_app(
        load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none"}),
        load_helplines(shipped_helpline_folders()),
    )

    async def broken(request: web.Request) -> web.Response:  # any bug behind a keyed path
        raise RuntimeError(f"something broke for {request.path}")

    app.router.add_get("/api/v1/conversations/{key}/broken", broken)
    async with TestClient(TestServer(app)) as client:
        resp = await client.get(f"/api/v1/conversations/{KEY}/broken")
        assert resp.status == 500
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and "unhandled error on GET /api/v1/conversations/<redacted>/broken" in errors[0].getMessage()
    assert KEY not in caplog.text


def test_serve_puts_the_filter_on_every_root_handler(caplog: pytest.LogCaptureFixture) -> None:
    handler = logging.StreamHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        logredact.install(root_handlers=True)
        assert any(isinstance(f, logredact.RedactSecrets) for f in handler.filters)
        record = logging.LogRecord(
            "vikno.bots.telegram",
            logging.WARNING,
            __file__,
            1,
            "setWebhook failed (%s)",
            ("https://api.telegram.org/bot1:abc/setWebhook",),
            None,
        )
        assert handler.filter(record) and "bot<redacted>" in record.getMessage()
    finally:
        root.removeHandler(handler)
