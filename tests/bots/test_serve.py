"""`vikno serve` as a real process: start, talk, kill -9, start again."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from vikno.flows.content import shipped_helpline_folders

from ..support import free_port

pytestmark = pytest.mark.slow


def start(data_dir: Path, port: int, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    environ = {**os.environ, "VIKNO_DATA_DIR": str(data_dir), "VIKNO_NLU": "none", **(env or {})}
    environ.pop("MONGODB_URI", None) if "MONGODB_URI" not in (env or {}) else None
    return subprocess.Popen(
        [sys.executable, "-m", "vikno.bots", "serve", "--port", str(port), *extra],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def request(
    port: int, method: str, path: str, body: object | None = None, token: str | None = None
) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def wait_health(port: int, proc: subprocess.Popen, want: int = 200, within: float = 20.0) -> float:
    began = time.monotonic()
    while time.monotonic() - began < within:
        if proc.poll() is not None:
            raise AssertionError(f"vikno exited with {proc.returncode}: {proc.stderr.read()}")
        try:
            status, _ = request(port, "GET", "/healthz")
            if status == want:
                return time.monotonic() - began
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.05)
    raise AssertionError(f"/healthz did not answer {want} within {within} s")


def test_conversation_survives_kill_9(tmp_path: Path) -> None:
    port = free_port()
    proc = start(tmp_path / "data", port)
    try:
        wait_health(port, proc)
        assert (tmp_path / "data" / "vikno.sqlite3").exists()
        status, hello = request(port, "POST", "/api/v1/conversations/k9/messages", {"text": "Привіт"})
        assert status == 200 and "1620" in hello["replies"][0]["text"]
        token = hello["token"]
        request(port, "POST", "/api/v1/conversations/k9/messages", {"button": "menu"}, token)
        status, answer = request(
            port, "POST", "/api/v1/conversations/k9/messages", {"button": "topic:social_benefits"}, token
        )
        assert status == 200 and "матеріальної допомоги" in answer["replies"][0]["text"]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL

    proc = start(tmp_path / "data", port)
    try:
        wait_health(port, proc)
        status, body = request(port, "GET", "/api/v1/conversations/k9", token=token)  # the token outlives a restart
        assert status == 200
        assert body["conversation"]["topic"] == "social_benefits"
        assert [m["direction"] for m in body["messages"]] == ["in", "out", "in", "out", "in", "out", "out"]
        status, more = request(port, "POST", "/api/v1/conversations/k9/messages", {"button": "person"}, token)
        assert more["conversation"]["state"] == "waiting"
    finally:
        proc.terminate()
        proc.wait(10)
    assert proc.returncode == 0, proc.stderr.read()


def test_broken_content_refuses_to_start(tmp_path: Path) -> None:
    line = tmp_path / "line"
    shutil.copytree(shipped_helpline_folders()[0], line)
    texts = line / "texts.yml"
    text = texts.read_text(encoding="utf-8")
    assert "Вітаємо! Це {helpline}" in text
    texts.write_text(text.replace("Вітаємо! Це {helpline}", "Вітаємо! Це {helpine}"), encoding="utf-8")
    proc = start(tmp_path / "data", free_port(), env={"VIKNO_HELPLINES": str(line)})
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert "texts.yml, line" in err and "{helpine}" in err and "Traceback" not in err


def test_bad_configuration_says_what_to_fix(tmp_path: Path) -> None:
    config = tmp_path / "vikno.yml"
    config.write_text("port: 8080\nnlu:\n  backend: magic\n", encoding="utf-8")
    proc = start(
        tmp_path / "data", free_port(), "--config", str(config), env={"VIKNO_SECRET_KEY": "short", "VIKNO_NLU": ""}
    )
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert "VIKNO_SECRET_KEY: secret_key: must be at least 16" in err and "vikno.yml, line 3 (nlu.backend)" in err


def test_unreachable_mongodb_is_503_not_a_crash(tmp_path: Path) -> None:
    port, dead = free_port(), free_port()
    uri = f"mongodb://127.0.0.1:{dead}/?directConnection=true&serverSelectionTimeoutMS=300"
    proc = start(tmp_path / "data", port, env={"MONGODB_URI": uri})
    try:
        wait_health(port, proc, want=503)
        status, body = request(port, "POST", "/api/v1/conversations/m/messages", {"text": "Привіт"})
        assert status == 503 and body["error"] == "store_unavailable"
    finally:
        proc.terminate()
        proc.wait(20)


def training_children(pid: int) -> list[int]:
    """Processes started by ``pid`` that train the NLU models (nlu/train_apart.py)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                cmd = Path(f"/proc/{child}/cmdline").read_bytes()
            except OSError:
                continue
            if b"vikno.nlu.train_apart" in cmd:
                found.append(int(child))
    return found


def wait_for(check, within: float = 60.0):
    began = time.monotonic()
    while time.monotonic() - began < within:
        got = check()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError(f"not within {within} s")


def test_first_start_training_child_killed_keeps_the_service_answering(tmp_path: Path) -> None:
    """The built-in NLU's first training runs in a child; kill -9 it: the journal says so, no model file is
    left, and the service answers ordinary messages and crises (the rules) all the while."""
    data, port = tmp_path / "data", free_port()
    proc = start(data, port, env={"VIKNO_NLU": "builtin"})
    try:
        wait_health(port, proc)
        child = wait_for(lambda: training_children(proc.pid))[0]
        # while it trains the person is answered, and a crisis is a crisis
        status, hello = request(port, "POST", "/api/v1/conversations/t1/messages", {"text": "Привіт"})
        assert status == 200 and "1620" in hello["replies"][0]["text"]
        os.kill(child, signal.SIGKILL)
        wait_for(lambda: request(port, "GET", "/healthz")[1]["nlu"] == "failed")
        status, crisis = request(
            port,
            "POST",
            "/api/v1/conversations/t2/messages",
            {"text": "я не хочу більше жити, сьогодні вночі все закінчу"},
        )
        assert status == 200 and crisis["conversation"]["priority"] == "crisis", crisis
        status, again = request(port, "POST", "/api/v1/conversations/t3/messages", {"text": "Привіт"})
        assert status == 200 and "1620" in again["replies"][0]["text"]
        assert not (data / "nlu" / "model.pkl").exists()
    finally:
        proc.terminate()
        proc.wait(20)
    err = proc.stderr.read()
    assert f"(pid {child}) was killed by signal 9 (SIGKILL); no model file was replaced" in err, err
    assert proc.returncode == 0, err

    # the next start trains again in a child; stopping the service stops that child too
    proc = start(data, port, env={"VIKNO_NLU": "builtin"})
    try:
        wait_health(port, proc)
        child = wait_for(lambda: training_children(proc.pid))[0]
    finally:
        proc.terminate()
        proc.wait(20)
    wait_for(
        lambda: not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2], 20
    )
    assert not (data / "nlu" / "model.pkl").exists()
