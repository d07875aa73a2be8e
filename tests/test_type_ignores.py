"""Every ``# type: ignore`` in the package names its error code and says why, on the same line (issue 22)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("bots", "flows", "nlu", "handoff", "storage")
IGNORE = re.compile(r"#\s*type:\s*ignore(?P<code>\[[^\]]+\])?(?P<rest>.*)$")


def test_every_type_ignore_has_a_code_and_a_reason() -> None:
    bare = []
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                found = IGNORE.search(line)
                if found and (not found["code"] or not re.match(r"\s+#\s*\S", found["rest"])):
                    bare.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert bare == [], "a type: ignore needs [code]  # reason:\n" + "\n".join(bare)
