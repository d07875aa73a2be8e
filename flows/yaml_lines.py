"""Load YAML and remember where every value came from.

Helpline content is edited by people who are not programmers; an error has
to say "topics.yml, line 14: ..." rather than show a traceback. PyYAML's
node tree carries the marks; this walks it once and keeps a path → line map.
Duplicate keys are an error (YAML silently keeps the last one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


class ContentError(Exception):
    """A content file is wrong; the message names file, line and problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class Located:
    """Parsed YAML data plus the line of every path in it."""

    def __init__(self, file: Path, data: Any, lines: dict[Path_, int], problems: list[str]) -> None:
        self.file = file
        self.data = data
        self.lines = lines
        self.problems = problems  # duplicate keys and the like: reported with the rest

    def where(self, path: Path_) -> str:
        """``file, line N (a.b[2])`` for the closest known prefix of ``path``."""
        probe = tuple(path)
        while probe and probe not in self.lines:
            probe = probe[:-1]
        line = self.lines.get(probe, 1)
        return f"{self.file}, line {line}" + (f" ({dotted(path)})" if path else "")


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_constructor = yaml.constructor.SafeConstructor()


#: Parsed files by (path, exact text): several lines share the common texts, and a reload or a test
#: suite reads the same unchanged files again and again; reading is cheap, parsing is not. Keyed by the
#: text itself, not a modification time, so an edit is never missed. Located is never changed after it
#: is made (validation reads ``data``, never writes it).
_PARSED: dict[tuple[str, str], Located] = {}
_PARSED_MAX = 256


def load_located(file: Path) -> Located:
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError([f"{file}: cannot read the file: {exc}"]) from exc
    key = (str(file), text)
    cached = _PARSED.get(key)
    if cached is not None:
        return Located(file, cached.data, cached.lines, list(cached.problems))
    located = _parse(file, text)
    if len(_PARSED) >= _PARSED_MAX:
        _PARSED.clear()
    _PARSED[key] = located
    return located


def _parse(file: Path, text: str) -> Located:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError([f"{file}{where}: not valid YAML: {problem}"]) from exc
    lines: dict[Path_, int] = {}
    problems: list[str] = []
    data = _walk(root, (), lines, problems, file) if root is not None else None
    return Located(file, data, lines, problems)


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int], problems: list[str], file: Path) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _constructor.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int)):
                problems.append(f"{file}, line {key_node.start_mark.line + 1}: a key must be a plain word")
                continue
            key = str(key)
            if key in out:
                problems.append(
                    f"{file}, line {key_node.start_mark.line + 1} ({dotted(path + (key,))}): duplicate key {key!r}"
                )
                continue
            out[key] = _walk(value_node, path + (key,), lines, problems, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, path + (i,), lines, problems, file) for i, item in enumerate(node.value)]
    return _constructor.construct_object(node, deep=True)
