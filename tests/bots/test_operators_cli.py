"""`vikno operator add/list` against the embedded store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def vikno(tmp_path: Path, *args: str, password: str = "a-long-enough-password") -> subprocess.CompletedProcess:
    env = {**os.environ, "VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_OPERATOR_PASSWORD": password}
    env.pop("MONGODB_URI", None)
    return subprocess.run([sys.executable, "-m", "vikno.bots", *args], env=env, capture_output=True, text=True,
                          timeout=60)


def test_add_and_list_operators(tmp_path: Path) -> None:
    done = vikno(tmp_path, "operator", "add", "olena", "--role", "supervisor", "--teams", "social,protection",
                 "--languages", "uk,ru", "--capacity", "4")
    assert done.returncode == 0, done.stderr
    assert "created supervisor olena" in done.stdout
    listed = vikno(tmp_path, "operator", "list")
    assert "olena\tsupervisor\tteams=social,protection\tlanguages=uk,ru\tcapacity=4" in listed.stdout
    again = vikno(tmp_path, "operator", "add", "olena")
    assert again.returncode == 2 and "exists already" in again.stderr
    weak = vikno(tmp_path, "operator", "add", "ivan", password="short")
    assert weak.returncode == 2 and "at least 10 characters" in weak.stderr
    team = vikno(tmp_path, "operator", "add", "ivan", "--teams", "nope")
    assert team.returncode == 2 and "unknown team" in team.stderr
