"""Secrets out of log lines: conversation keys in paths, bot tokens, keys and tokens in query strings.

A REST conversation key is the only thing that lets someone read a
person's conversation, and it travels in the path
(``/api/v1/conversations/{key}``); an error or access log line that names the
path would hand it to whoever reads the logs. Telegram's bot token travels
in the Bot API's URLs, which client errors repeat. The filter rewrites such
lines before any handler sees them; it is installed on the loggers that
print requests and URLs, and on the root logger's handlers by ``vikno
serve`` (filters on a logger do not apply to its children's records).
"""

from __future__ import annotations

import logging
import re

REDACTED = "<redacted>"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # the REST channel's conversation key (and anything after it in the same segment)
    (re.compile(r"(/api/v1/conversations/)[^/\s?#\"']+"), r"\1" + REDACTED),
    # Telegram Bot API URLs: https://api.telegram.org/bot<id>:<secret>/method
    (re.compile(r"\bbot\d+:[A-Za-z0-9_-]+"), "bot" + REDACTED),
    # key=, token=, secret= ... in query strings and forms
    (
        re.compile(r"([?&;](?:key|token|secret|password|auth_token|access_token|csrf)=)[^&\s#\"']*", re.I),
        r"\1" + REDACTED,
    ),
]

#: Loggers that print request paths, URLs or client errors themselves.
LOGGERS = (
    "vikno",
    "aiohttp.access",
    "aiohttp.server",
    "aiohttp.web",
    "aiohttp.client",
    "aiohttp.websocket",
    "aiogram",
    "aiogram.event",
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """Rewrites a record's message (and its formatted exception) without the secrets; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to logging's own error report
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_text is None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_FILTER = RedactSecrets()


def install(*, root_handlers: bool = False) -> None:
    """Put the filter on the request-printing loggers (and, for ``serve``, on every root handler). Idempotent."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    if root_handlers:
        for handler in logging.getLogger().handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
