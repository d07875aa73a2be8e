"""Every command says first which data folder and store it uses, and none of those that read makes a new one
(issue 25: `vikno operator list` run from another folder silently created an empty data folder there and
listed nobody; a new account would have gone into a database the server never reads)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .test_serve import start, wait_health
from ..support import free_port


def vikno(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("VIKNO_DATA_DIR", "MONGODB_URI", "VIKNO_SECRET_KEY", "VIKNO_MONGODB_DATABASE")
    }
    environ |= {"VIKNO_NLU": "none", "VIKNO_OPERATOR_PASSWORD": "a-long-enough-password", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "vikno.bots", *args], cwd=cwd, env=environ, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    "args",
    [
        ["operator", "list"],
        ["operator", "disable", "olena"],
        ["operator", "enable", "olena"],
        ["operator", "passwd", "olena"],
        ["operator", "remove", "olena"],
        ["store", "migrate"],
    ],
)
def test_a_command_that_reads_refuses_a_folder_without_a_store_and_makes_none(tmp_path: Path, args: list[str]) -> None:
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    done = vikno(elsewhere, *args)
    assert done.returncode == 2, done
    first, *rest = done.stderr.splitlines()
    assert first == (
        f"vikno: data folder {elsewhere / '.vikno-data'} (does not exist yet); "
        f"store: SQLite {elsewhere / '.vikno-data' / 'vikno.sqlite3'}; "
        f"secret key: {elsewhere / '.vikno-data' / 'secret.key'}"
    )
    assert any(
        "no vikno store here" in line and "does not exist" in line and "VIKNO_DATA_DIR" in line for line in rest
    ), done.stderr
    assert list(elsewhere.iterdir()) == []  # nothing made: no folder, no key, no database
    assert done.stdout == ""


def test_a_data_folder_without_the_database_is_refused_too(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "secret.key").write_text("a key made by `vikno nlu train` or by hand\n")
    done = vikno(tmp_path, "operator", "list", env={"VIKNO_DATA_DIR": str(data)})
    assert done.returncode == 2 and "holds no vikno.sqlite3" in done.stderr
    assert sorted(p.name for p in data.iterdir()) == ["secret.key"]


def test_on_mongodb_a_command_without_the_secret_key_refuses_instead_of_making_a_new_key(tmp_path: Path) -> None:
    """The database is on the server, but a new key in a wrong folder would make every stored id unreadable."""
    done = vikno(tmp_path, "operator", "list", env={"MONGODB_URI": "mongodb://helper:pw@127.0.0.1:9/helpline"})
    assert done.returncode == 2
    first = done.stderr.splitlines()[0]
    assert "store: MongoDB database 'helpline' at 127.0.0.1:9" in first and "pw" not in done.stderr
    assert "no secret key for this MongoDB store" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_operator_commands_name_the_folder_they_work_on(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"VIKNO_DATA_DIR": str(data)}
    added = vikno(tmp_path, "operator", "add", "olena", env=env)  # adding makes the store: it says where
    assert added.returncode == 0, added.stderr
    assert added.stderr.splitlines()[0].startswith(f"vikno: data folder {data} (does not exist yet); store: SQLite")
    listed = vikno(tmp_path, "operator", "list", env=env)
    assert listed.returncode == 0 and listed.stdout.startswith("olena\toperator")
    assert listed.stderr.splitlines()[0] == (
        f"vikno: data folder {data}; store: SQLite {data / 'vikno.sqlite3'}; secret key: {data / 'secret.key'}"
    )
    keyed = vikno(tmp_path, "operator", "list", env=env | {"VIKNO_SECRET_KEY": "k" * 32})
    assert keyed.stderr.splitlines()[0].endswith("secret key: VIKNO_SECRET_KEY")


@pytest.mark.parametrize("args", [["check"], ["nlu", "parse", "--model", "no-such-model.pkl", "hello"]])
def test_check_and_nlu_name_the_data_folder_first(tmp_path: Path, args: list[str]) -> None:
    done = vikno(tmp_path, *args, env={"VIKNO_DATA_DIR": str(tmp_path / "data")})
    assert done.stderr.splitlines()[0].startswith(f"vikno: data folder {tmp_path / 'data'}"), done.stderr
    assert not (tmp_path / "data").exists()


@pytest.mark.slow
def test_serve_names_the_data_folder_and_store_in_its_first_line(tmp_path: Path) -> None:
    port = free_port()
    proc = start(tmp_path / "data", port)
    try:
        wait_health(port, proc)
    finally:
        proc.terminate()
        proc.wait(20)
    first = proc.stderr.read().splitlines()[0]
    assert first.startswith(
        f"vikno: data folder {tmp_path / 'data'} (does not exist yet); "
        f"store: SQLite {tmp_path / 'data' / 'vikno.sqlite3'}"
    ), first
