"""`vikno demo traffic` and `vikno figures` on the embedded store, as a helpline's technical person runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from vikno.storage.models import utcnow

#: The keys the issue lists for `--json` (and the few more the page uses).
JSON_KEYS = {
    "conversations",
    "messages_in",
    "messages_out",
    "by_topic",
    "by_channel",
    "by_language",
    "by_age_group",
    "by_gender",
    "by_hour",
    "handoffs",
    "first_response_s",
    "wait_s",
    "abandoned",
    "resolved",
    "referred",
    "reports",
    "reports_by_district",
}


def vikno(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "VIKNO_DATA_DIR": str(data)}
    env.pop("MONGODB_URI", None)
    return subprocess.run(
        [sys.executable, "-m", "vikno.bots", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_demo_traffic_fills_an_empty_store_then_figures_prints_json_and_tables(tmp_path: Path) -> None:
    data = tmp_path / "data"
    made = vikno(data, "demo", "traffic", "--days", "10", "--per-day", "20")
    assert made.returncode == 0, made.stderr
    assert "conversations" in made.stdout and "marked as demo" in made.stdout
    today = utcnow().astimezone(ZoneInfo("Europe/Kyiv")).date()
    first = (today - timedelta(days=9)).isoformat()
    shown = vikno(data, "figures", "--from", first, "--to", today.isoformat(), "--json")
    assert shown.returncode == 0, shown.stderr
    figures = json.loads(shown.stdout)
    assert JSON_KEYS <= set(figures)
    assert figures["conversations"] > 50 and figures["messages_in"] > figures["conversations"]
    assert set(figures["by_topic"]) == {"intent", "wrapup"} and len(figures["by_hour"]) == 24
    assert set(figures["wait_s"]) == set(figures["first_response_s"]) == {"p50", "p90"}
    assert figures["wait_s"]["p50"] <= figures["wait_s"]["p90"]
    assert set(figures["by_channel"]) == {"telegram", "viber", "webchat", "rest"}
    assert set(figures["by_language"]) == {"uk", "ru", "az", "en"}

    one = json.loads(
        vikno(data, "figures", "--from", first, "--to", today.isoformat(), "--channel", "viber", "--json").stdout
    )
    assert list(one["by_channel"]) == ["viber"] and one["conversations"] == figures["by_channel"]["viber"]

    tables = vikno(data, "figures", "--helpline", "community-1620", "--from", first, "--to", today.isoformat())
    assert tables.returncode == 0, tables.stderr
    assert "Europe/Kyiv local time" in tables.stdout and "By hour (local)" in tables.stdout
    summary = next(line for line in tables.stdout.splitlines() if line.strip().startswith("conversations"))
    assert summary.split()[-1] == str(figures["conversations"])


def test_demo_traffic_refuses_a_store_that_holds_messages_unless_forced(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert vikno(data, "demo", "traffic", "--days", "2", "--per-day", "5").returncode == 0
    again = vikno(data, "demo", "traffic", "--days", "2", "--per-day", "5")
    assert again.returncode == 2 and "empty store" in again.stderr and "--force" in again.stderr
    forced = vikno(data, "demo", "traffic", "--days", "2", "--per-day", "5", "--force", "--seed", "7")
    assert forced.returncode == 0, forced.stderr


def test_figures_refuses_a_missing_store_and_a_wrong_helpline(tmp_path: Path) -> None:
    today = date.today().isoformat()
    missing = vikno(tmp_path / "nothing", "figures", "--from", today, "--to", today)
    assert missing.returncode == 2
    assert not (tmp_path / "nothing").exists()  # no new empty store made by a typo
    data = tmp_path / "data"
    assert vikno(data, "demo", "traffic", "--days", "1", "--per-day", "3").returncode == 0
    wrong = vikno(data, "figures", "--helpline", "nope", "--from", today, "--to", today)
    assert wrong.returncode == 2 and "no helpline 'nope'" in wrong.stderr
