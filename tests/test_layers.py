"""The dependency rule (ARCHITECTURE.md) is checked, not only reviewed: import-linter's contracts in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept() -> None:
    """bots > handoff > flows > nlu | storage, and no channel imports the dialogue (issue 22).

    It failed on handoff/console/setup.py reading bots' app keys and on bots/viber.py importing the
    dialogue's button payloads to trim a keyboard.
    """
    lint = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(lint), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
