"""The Dockerfile and compose file (not built here: no registry of images on this machine) hold together:
the same install as `make run`, the data folder on a volume, MongoDB reached by name, no local data baked in."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = ROOT / "deploy" / "docker" / "compose.yaml"


def instructions(name: str) -> list[str]:
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(name + " ")]


def test_the_image_installs_as_make_run_does_and_keeps_data_on_a_volume() -> None:
    assert any("scripts/bootstrap.sh" in run for run in instructions("RUN"))  # scripts/run.sh's own install
    assert "scripts/bootstrap.sh" in (ROOT / "scripts" / "run.sh").read_text()
    env = " ".join(instructions("ENV"))
    assert "VIKNO_DATA_DIR=/var/lib/vikno" in env and "VIKNO_HOST=0.0.0.0" in env
    assert instructions("VOLUME") == ["/var/lib/vikno"]
    assert instructions("USER") == ["vikno"]  # never root
    assert instructions("ENTRYPOINT") == ['["vikno"]'] and instructions("CMD") == ['["serve"]']


def test_no_local_virtualenv_or_data_folder_goes_into_the_image() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".vikno-data", "**/.vikno-data", ".git"} <= set(ignored)


def test_compose_runs_vikno_with_mongodb_and_its_data_volume() -> None:
    compose = yaml.safe_load(COMPOSE.read_text())
    vikno, mongodb = compose["services"]["vikno"], compose["services"]["mongodb"]
    assert (COMPOSE.parent / vikno["build"]["context"] / vikno["build"]["dockerfile"]).resolve() == ROOT / "Dockerfile"
    assert vikno["environment"]["MONGODB_URI"].startswith("mongodb://mongodb:")
    assert "mongodb" in vikno["depends_on"] and "ports" not in mongodb  # the database is not published
    assert "vikno-data:/var/lib/vikno" in [v.split("#")[0].strip() for v in vikno["volumes"]]
    assert any(v.endswith(":/data/db") for v in mongodb["volumes"])
    assert vikno["ports"] == ["127.0.0.1:8080:8080"]  # only nginx on the host reaches it
    gateway = compose["networks"]["default"]["ipam"]["config"][0]["gateway"]
    assert vikno["environment"]["VIKNO_TRUSTED_PROXIES"] == gateway
