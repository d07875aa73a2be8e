"""deploy/systemd/vikno.service: the unit the README installs parses, is hardened, and starts a command that exists."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "systemd" / "vikno.service"
INSTALLED_VIKNO = "/opt/vikno/.venv/bin/vikno"


def directives(text: str) -> dict[str, list[str]]:
    """``Section.Key`` → every value given (systemd allows a key several times)."""
    found: dict[str, list[str]] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        found.setdefault(f"{section}.{key.strip()}", []).append(value.strip())
    return found


def test_the_unit_is_hardened_and_keeps_its_data_in_the_state_directory() -> None:
    unit = directives(UNIT.read_text())
    one = {key: values[-1] for key, values in unit.items()}
    assert one["Service.User"] == one["Service.Group"] == "vikno"  # its own user, never root
    assert one["Service.StateDirectory"] == "vikno" and one["Service.StateDirectoryMode"] == "0700"
    assert "VIKNO_DATA_DIR=/var/lib/vikno" in unit["Service.Environment"]  # the StateDirectory's path
    assert one["Service.EnvironmentFile"] == "/etc/vikno/vikno.env"
    for key, value in {
        "ProtectSystem": "strict",
        "NoNewPrivileges": "yes",
        "PrivateTmp": "yes",
        "ProtectHome": "yes",
        "Restart": "on-failure",
        "UMask": "0077",
        "CapabilityBoundingSet": "",
    }.items():
        assert one[f"Service.{key}"] == value, key
    assert one["Install.WantedBy"] == "multi-user.target"


def test_systemctl_reload_sends_sighup_which_reloads_the_content() -> None:
    """vikno serve reloads its helpline content on SIGHUP (tests/bots/test_reload.py); the unit says how."""
    assert directives(UNIT.read_text())["Service.ExecReload"] == ["/bin/kill -HUP $MAINPID"]


def test_exec_start_is_vikno_serve() -> None:
    command = shlex.split(directives(UNIT.read_text())["Service.ExecStart"][-1])
    assert command == [INSTALLED_VIKNO, "serve"]
    # the installed command is the console script of pyproject.toml, made by scripts/bootstrap.sh into .venv
    assert 'vikno = "vikno.bots.cli:main"' in (ROOT / "pyproject.toml").read_text()
    assert (ROOT / "scripts" / "bootstrap.sh").read_text().count("venv=.venv") == 1
    done = subprocess.run(
        [sys.executable, "-m", "vikno.bots", "serve", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "usage: vikno serve" in done.stdout


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="no systemd-analyze here: the unit's directives are checked by the tests above only",
)
def test_systemd_analyze_verify_finds_nothing_wrong(tmp_path: Path) -> None:
    vikno = Path(sys.executable).parent / "vikno"  # this checkout's, standing in for /opt/vikno's
    assert vikno.exists(), f"{vikno}: run scripts/bootstrap.sh"
    unit = tmp_path / "vikno.service"
    text = UNIT.read_text()
    assert text.count(INSTALLED_VIKNO) == 1
    unit.write_text(text.replace(INSTALLED_VIKNO, str(vikno)))
    done = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    complaints = [line for line in (done.stdout + done.stderr).splitlines() if "vikno.service" in line]
    assert done.returncode == 0 and complaints == [], done.stdout + done.stderr
