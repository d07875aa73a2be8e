"""The README's configuration table, checked against the settings model so that it cannot drift.

Issue 25 found two wrong rows (``webchat.allowed_origins`` is a YAML list in
the file; ``release_after``'s default was written in a form the loader then
refused). Every setting must have a row, every row a setting, each variable
its key, each written default must load to the model's default (through the
file and through the variable), and each list says how it is written.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from vikno.bots.config import ENVIRONMENT, Settings, load_settings

README = Path(__file__).resolve().parents[1] / "README.md"
HEADER = "| variable | file key | default | meaning |"


def rows() -> list[dict[str, Any]]:
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index(HEADER) + 2
    found = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        variable, keys, default, meaning = [c.strip() for c in line.strip("|").split(" | ")]
        found.append(
            {
                "variable": variable.strip("`") if variable != "—" else None,
                "keys": re.findall(r"`([a-z_.]+)`", keys),
                "default": default,
                "meaning": meaning,
                "line": line,
            }
        )
    return found


def leaves(model: type[BaseModel], prefix: str = "") -> dict[str, Any]:
    """Every setting's dotted key and its field."""
    out: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            out.update(leaves(kind, f"{prefix}{name}."))
        else:
            out[prefix + name] = field
    return out


SETTINGS = leaves(Settings)
ROWS = rows()


def value_at(settings: Settings, key: str) -> Any:
    value: Any = settings
    for part in key.split("."):
        value = getattr(value, part)
    return value


def nested(key: str, value: Any) -> dict[str, Any]:
    out: Any = value
    for part in reversed(key.split(".")):
        out = {part: out}
    return out


def test_every_setting_has_a_row_and_every_row_a_setting() -> None:
    documented = [key for row in ROWS for key in row["keys"]]
    assert sorted(set(SETTINGS) - set(documented)) == [], "settings missing from the README's table"
    assert sorted(set(documented) - set(SETTINGS)) == [], "rows of the README's table that are no setting"
    assert len(documented) == len(set(documented)), "a setting has two rows"


def test_every_variable_has_its_row_with_its_key() -> None:
    by_variable = {row["variable"]: row["keys"] for row in ROWS if row["variable"]}
    for variable, path in ENVIRONMENT.items():
        assert by_variable.get(variable) == [".".join(path)], f"{variable} should be the row of {'.'.join(path)}"
    assert set(by_variable) <= set(ENVIRONMENT), "a row names a variable vikno does not read"


@pytest.mark.parametrize("row", [r for r in ROWS if len(r["keys"]) == 1], ids=lambda r: r["keys"][0])
def test_the_written_default_is_the_default(row: dict[str, Any], tmp_path: Path) -> None:
    key = row["keys"][0]
    default = value_at(Settings(), key)
    if default is None or default == []:
        return  # "—" or a sentence ("generated into the data folder"): nothing to load
    written = row["default"].replace("`", "")
    config = tmp_path / "vikno.yml"
    config.write_text(yaml.safe_dump(nested(key, yaml.safe_load(written))), encoding="utf-8")
    assert value_at(load_settings(config, environ={}), key) == default, row["line"]
    if row["variable"]:
        assert value_at(load_settings(environ={row["variable"]: written}), key) == default, row["line"]


@pytest.mark.parametrize("key", [k for k, f in SETTINGS.items() if getattr(f.annotation, "__origin__", None) is list])
def test_a_list_says_how_it_is_written(key: str) -> None:
    """In the file a YAML list; in a variable, separated as load_settings splits it."""
    (row,) = [r for r in ROWS if key in r["keys"]]
    assert "a YAML list in the file" in row["meaning"], row["line"]
    if row["variable"]:
        separator = "`:`" if key == "helplines" else "comma-separated"
        assert separator in row["meaning"], row["line"]
