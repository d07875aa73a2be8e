"""Read Rasa NLU training data (YAML, ``version: "3.1"``) into (text, intent) pairs.

The same files must train a Rasa model if a helpline runs one, so we accept
Rasa's format as it is written in the wild (entity annotations, synonyms,
lookup tables, regexes, ``metadata``) and keep only what the built-in
classifier uses. Errors name the file and the entry so that a content editor
can fix their YAML without reading Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterable, Iterator

import yaml

__all__ = ["Example", "RasaDataError", "load_examples", "parse_examples_block", "strip_entities", "iter_data_files"]

# [text](entity), [text]{"entity": ...}, [text](entity:value) -> text
_ENTITY_RE = re.compile(r"\[([^\]\[]+)\](?:\([^)]*\)|\{[^}]*\})")
_TOLERATED_KEYS = {"synonym", "lookup", "regex"}


class _Yaml12Loader(yaml.SafeLoader):
    """PyYAML reads YAML 1.1, where ``yes``/``no``/``on``/``off`` are booleans; Rasa
    (ruamel, YAML 1.2) reads them as strings, so ``- intent: no`` names an intent."""


_Yaml12Loader.yaml_implicit_resolvers = {
    k: [r for r in v if r[0] != "tag:yaml.org,2002:bool"] for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class RasaDataError(ValueError):
    """Training data that cannot be read; the message says which file and what."""


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str
    source: str = ""


def strip_entities(text: str) -> str:
    """Turn ``[Kyiv](city)`` into ``Kyiv``: the classifier sees plain text, like at run time."""
    return _ENTITY_RE.sub(r"\1", text)


def parse_examples_block(block: str) -> list[str]:
    """Split a Rasa ``examples: |`` block into example texts (``- `` lines)."""
    out: list[str] = []
    for raw in block.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("- "):
            line = line[2:]
        elif line == "-":
            continue
        text = strip_entities(line).strip()
        if text:
            out.append(text)
    return out


def _examples_of(entry: dict, where: str) -> list[str]:
    examples = entry.get("examples")
    if examples is None:
        raise RasaDataError(f"{where}: intent entry has no 'examples'")
    if isinstance(examples, str):
        return parse_examples_block(examples)
    if isinstance(examples, list):  # Rasa also allows a list of {text: ...} with metadata
        out = []
        for i, item in enumerate(examples):
            if isinstance(item, dict) and "text" in item:
                out.append(strip_entities(str(item["text"])).strip())
            elif isinstance(item, str):
                out.append(strip_entities(item).strip())
            else:
                raise RasaDataError(f"{where}: example #{i + 1} is neither text nor a mapping with 'text'")
        return [t for t in out if t]
    raise RasaDataError(f"{where}: 'examples' must be a '|' block of '- text' lines, got {type(examples).__name__}")


def load_file(path: Path) -> list[Example]:
    """Read one YAML file; a file without an ``nlu:`` key yields nothing (stories, domain...)."""
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_Yaml12Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise RasaDataError(f"{path}: not valid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise RasaDataError(f"{path}: not UTF-8 text: {exc}") from exc
    if doc is None:
        return []
    if not isinstance(doc, dict):
        raise RasaDataError(f"{path}: top level must be a mapping with an 'nlu:' list")
    nlu = doc.get("nlu")
    if nlu is None:
        return []
    if not isinstance(nlu, list):
        raise RasaDataError(f"{path}: 'nlu' must be a list of '- intent: ...' entries")
    out: list[Example] = []
    for i, entry in enumerate(nlu):
        where = f"{path}: nlu entry #{i + 1}"
        if not isinstance(entry, dict):
            raise RasaDataError(f"{where}: expected a mapping like 'intent: name', got {entry!r}")
        if "intent" in entry:
            intent = entry["intent"]
            if not isinstance(intent, str) or not intent.strip():
                raise RasaDataError(f"{where}: 'intent' must be a non-empty name")
            intent = intent.strip()
            for text in _examples_of(entry, f"{where} (intent {intent})"):
                out.append(Example(text, intent, str(path)))
        elif _TOLERATED_KEYS & entry.keys():
            continue
        else:
            raise RasaDataError(
                f"{where}: unknown entry with keys {sorted(entry)}; expected intent/synonym/lookup/regex"
            )
    return out


def iter_data_files(path: Path) -> Iterator[Path]:
    """YAML files under ``path`` (recursively), sorted for reproducible training."""
    if path.is_file():
        yield path
        return
    if not path.is_dir():
        raise RasaDataError(f"{path}: no such file or directory")
    for p in sorted(path.rglob("*")):
        if p.is_file() and p.suffix in {".yml", ".yaml"}:
            yield p


def load_examples(paths: Path | str | Iterable[Path | str], *, only: str | None = None) -> list[Example]:
    """Load examples from files or directories.

    ``only`` keeps files whose name equals it (e.g. ``"nlu.yml"``), so a
    shipped data directory can hold held-out ``test.yml`` files next to the
    training files without leaking them into training.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    out: list[Example] = []
    for p in paths:
        for f in iter_data_files(Path(p)):
            if only is not None and f.name != only:
                continue
            out.extend(load_file(f))
    return out
