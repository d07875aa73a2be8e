"""Parsing JSON from strangers: only what can be stored, or a clear refusal.

Python's ``json`` accepts escapes of lone UTF-16 surrogates (``"\\ud800"``),
which are not characters: the string then fails later, when the store
encodes it, as a 500 with a stack trace; and it recurses on nesting until a
``RecursionError``. orjson refuses both while parsing (at most 1024 levels,
surrogates only in valid pairs), so every client mistake is known before
anything is stored, and each gets its own message.
"""

from __future__ import annotations

from typing import Any

import orjson

MAX_DEPTH = 1024


class JsonProblem(ValueError):
    """Why a body is not acceptable JSON: a short code and a sentence for the client."""

    def __init__(self, error: str, detail: str) -> None:
        self.error, self.detail = error, detail
        super().__init__(detail)


def loads(data: bytes | str) -> Any:
    if isinstance(data, bytes):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise JsonProblem("malformed_json", "the body is not UTF-8 text") from None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        message = str(exc)
        if "surrogate" in message:
            raise JsonProblem(
                "invalid_unicode",
                "the JSON has a lone UTF-16 surrogate escape (\\ud800-\\udfff) "
                "that is not a character; send valid Unicode text",
            ) from None
        if "depth" in message or "recursion" in message:
            raise JsonProblem("too_deeply_nested", f"the JSON is nested more than {MAX_DEPTH} levels deep") from None
        raise JsonProblem("malformed_json", f"the body is not valid JSON: {message}") from None
