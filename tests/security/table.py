"""The shape of a row in the table of attacks.

Every finding of an audit becomes one row: what the attacker (or the careless
client, or the crash) does, which audit item it belongs to, and a coroutine
that performs it against a real running vikno and asserts the safe outcome.
A new finding is one more row in the module of its area, nothing else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest


@dataclass(frozen=True)
class Attack:
    #: Short, stable id: shown by pytest as the test's name.
    id: str
    #: The audit item it keeps fixed (issue 20's numbering), e.g. "20.1".
    item: str
    #: What the attacker does and what must happen instead, in one sentence.
    what: str
    #: Performs the attack against the fixture the module hands it and asserts the safe outcome.
    run: Callable[[Any], Awaitable[None]]


def rows(attacks: Sequence[Attack]) -> Any:
    """``pytest.mark.parametrize`` over a table, one test per row named by its id."""
    ids = [a.id for a in attacks]
    assert len(ids) == len(set(ids)), "attack ids must be unique"
    return pytest.mark.parametrize("attack", attacks, ids=ids)
