"""The channel kit: the jobs every channel adapter does, written once.

A channel module (``bots/telegram.py``, ``viber.py``, ``rest.py``,
``webchat/``) keeps only what is its platform's own: the payload shapes, the
limits, the send-outcome table. Reading a request body within a limit,
answering "retry later", backing off, cleaning a person's text and cutting a
reply to a platform's measure are here (ARCHITECTURE.md, "Channels").
"""

from .answers import RETRY_AFTER_SECONDS, error_response, retry_later
from .backoff import Backoff, jittered
from .body import read_body
from .buttons import as_shown, fit_buttons
from .outcomes import RetryAfter, SendError, Undeliverable
from .text import Measure, clean_text, cut_text, split_text, utf16_units

__all__ = [
    "RETRY_AFTER_SECONDS",
    "Backoff",
    "Measure",
    "RetryAfter",
    "SendError",
    "Undeliverable",
    "as_shown",
    "clean_text",
    "cut_text",
    "error_response",
    "fit_buttons",
    "jittered",
    "read_body",
    "retry_later",
    "split_text",
    "utf16_units",
]
