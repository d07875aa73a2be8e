"""Installing vikno: quiet, and the wheel still carries its content, pages and training data."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def test_the_build_prints_no_setuptools_warnings_and_keeps_the_data(tmp_path: Path) -> None:
    """The first `make run` printed ~460 lines of setuptools warnings (issue 25): a deprecated
    license table, and every data folder scanned as a would-be package."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--disable-pip-version-check",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    output = built.stdout + built.stderr
    assert "Warning" not in output and "deprecated" not in output, output
    (wheel,) = tmp_path.glob("vikno-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "vikno/flows/content/community-1620/texts.yml",
        "vikno/flows/content/community-1620/canned.yml",
        "vikno/flows/content/_common/texts.yml",
        "vikno/flows/content/az-116111/topics.yml",
        "vikno/bots/webchat/static/widget.js",
        "vikno/handoff/console/templates/queue.html",
        "vikno/nlu/data/uk/crisis.yml",
        "vikno/nlu/crisis_rules.yml",
        "vikno/nlu/data/az/situations.yml",
    ):
        assert needed in names, f"{needed} is missing from the wheel"
