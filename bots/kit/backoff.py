"""Waiting between attempts: exponential, with jitter.

Jitter, so that many chats (or many restarts) that failed at the same moment
do not all try again at the same moment and fail together again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


def jittered(seconds: float) -> float:
    """Somewhere between half of ``seconds`` and all of it."""
    return seconds * (0.5 + random.random() / 2)


@dataclass
class Backoff:
    """Doubles from ``first`` up to ``most`` with every failure; :meth:`reset` after a success."""

    first: float
    most: float
    current: float = 0.0

    def next(self) -> float:
        self.current = self.first if not self.current else min(self.most, self.current * 2)
        return jittered(self.current)

    def reset(self) -> None:
        self.current = 0.0
