"""Turn driver errors into the port's errors.

A caller must be able to tell "the database is down, do not acknowledge"
from a bug, without knowing PyMongo.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from pymongo.errors import AutoReconnect, ConnectionFailure, NetworkTimeout, ServerSelectionTimeoutError

from ..errors import StoreUnavailable

P = ParamSpec("P")
T = TypeVar("T")

UNAVAILABLE = (ServerSelectionTimeoutError, ConnectionFailure, AutoReconnect, NetworkTimeout)


def translated(fn: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await fn(*args, **kwargs)
        except UNAVAILABLE as exc:
            raise StoreUnavailable(f"MongoDB is unreachable: {exc}") from exc

    return wrapper
