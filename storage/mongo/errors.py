"""Turn driver errors into the port's errors.

A caller must be able to tell "the database is down, do not acknowledge"
from a bug, without knowing PyMongo.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from pymongo.errors import (
    AutoReconnect,
    ConnectionFailure,
    ExecutionTimeout,
    NetworkTimeout,
    OperationFailure,
    ServerSelectionTimeoutError,
    WriteConcernError,
)

from ..errors import StoreUnavailable


UNAVAILABLE = (ServerSelectionTimeoutError, ConnectionFailure, AutoReconnect, NetworkTimeout)

#: Server error codes that mean "the database cannot take this now", not "this request is wrong":
#: out of disk space, shutting down, no writable primary, interrupted, over a time limit.
_UNAVAILABLE_CODES = frozenset(
    {
        6,
        7,
        50,
        89,
        91,
        189,
        262,
        9001,
        10107,
        11600,
        11602,
        13435,
        13436,
        14031,
    }
)


def unavailable(exc: BaseException) -> bool:
    """Whether a driver error means the database failed (retry later), not that the request was wrong."""
    if isinstance(exc, (*UNAVAILABLE, WriteConcernError, ExecutionTimeout)):
        return True
    return isinstance(exc, OperationFailure) and exc.code in _UNAVAILABLE_CODES


def translated[**P, T](fn: Callable[P, Awaitable[T]]) -> Callable[P, Coroutine[Any, Any, T]]:
    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await fn(*args, **kwargs)
        except OperationFailure as exc:
            if unavailable(exc):
                raise StoreUnavailable(f"MongoDB cannot take this now: {exc}") from exc
            raise
        except UNAVAILABLE as exc:
            raise StoreUnavailable(f"MongoDB is unreachable: {exc}") from exc

    return wrapper
