"""New content without a restart: SIGHUP and `vikno reload` on a real `vikno serve` (real socket)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vikno.flows.content import shipped_helpline_folders

from ..support import free_port
from .test_serve import request, start, wait_health

pytestmark = pytest.mark.slow

OLD = "Вітаємо! Це {helpline} —"
NEW = "Добрий день! Це знову {helpline} —"


def greeting(port: int, key: str) -> str:
    status, body = request(port, "POST", f"/api/v1/conversations/{key}/messages", {"text": "Привіт"})
    assert status == 200, body
    return body["replies"][0]["text"]


def answers_with(port: int, words: str, within: float = 15.0) -> bool:
    """A new conversation's greeting says ``words`` within the time (a reload runs in the background)."""
    began = time.monotonic()
    n = 0
    while time.monotonic() - began < within:
        n += 1
        if words in greeting(port, f"reload-{n}-{time.monotonic_ns()}"):
            return True
        time.sleep(0.2)
    return False


def vikno(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vikno.bots", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def line(tmp_path: Path) -> Path:
    folder = tmp_path / "line"
    shutil.copytree(shipped_helpline_folders()[0], folder)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_sighup_takes_new_content_and_keeps_the_old_one_when_it_is_broken(tmp_path: Path, line: Path) -> None:
    port = free_port()
    env = {"VIKNO_HELPLINES": str(line)}
    proc = start(tmp_path / "data", port, env=env)
    try:
        wait_health(port, proc)
        assert "Вітаємо! Це Служба підтримки 1620 —" in greeting(port, "before")
        assert (tmp_path / "data" / "vikno.pid").read_text().strip() == str(proc.pid)

        texts = line / "texts.yml"
        edit(texts, OLD, NEW)
        proc.send_signal(signal.SIGHUP)
        assert answers_with(port, "Добрий день! Це знову Служба підтримки 1620 —")

        edit(texts, "Це знову {helpline}", "Це знову {helpine}")  # a typo saved in the middle of the day
        proc.send_signal(signal.SIGHUP)
        time.sleep(2)
        assert proc.poll() is None  # still serving
        assert "Добрий день! Це знову" in greeting(port, "after-broken")  # the content it had
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "content reloaded: community-1620" in err
    assert "content reload refused, the old content stays in use" in err
    assert "texts.yml, line" in err and "{helpine}" in err
    assert not (tmp_path / "data" / "vikno.pid").exists()  # a stopped server leaves no pid behind


def test_vikno_reload_checks_first_then_signals_the_server(tmp_path: Path, line: Path) -> None:
    port = free_port()
    env = {"VIKNO_HELPLINES": str(line), "VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none"}
    proc = start(tmp_path / "data", port, env=env)
    try:
        wait_health(port, proc)
        texts = line / "texts.yml"
        edit(texts, OLD, NEW)
        done = vikno("reload", env=env)
        assert done.returncode == 0, done.stderr
        assert f"pid {proc.pid}" in done.stdout
        assert answers_with(port, "Добрий день! Це знову")

        edit(texts, "Це знову {helpline}", "Це знову {helpine}")
        refused = vikno("reload", env=env)
        assert refused.returncode == 2
        assert "texts.yml, line" in refused.stderr and "{helpine}" in refused.stderr
        assert "fix it and reload again" in refused.stderr  # not "start again": nothing was stopped
        assert "Добрий день! Це знову" in greeting(port, "still")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert err.count("content reloaded") == 1  # the broken content never reached the server


def test_vikno_reload_without_a_running_server_says_so(tmp_path: Path) -> None:
    done = vikno("reload", env={"VIKNO_DATA_DIR": str(tmp_path / "nothing-here")})
    assert done.returncode == 1
    assert "no vikno serve is running on the data folder" in done.stderr
    (tmp_path / "stale").mkdir()
    (tmp_path / "stale" / "vikno.pid").write_text(f"{os.getpid()}\n")  # pytest is not vikno serve
    done = vikno("reload", env={"VIKNO_DATA_DIR": str(tmp_path / "stale")})
    assert done.returncode == 1 and "is not vikno serve" in done.stderr
