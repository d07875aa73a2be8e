"""What a channel's ``send`` tells the outbox pump when a platform does not take a message.

Each push channel maps its platform's answers onto these in one table (its
send-outcome table, e.g. ``telegram.SEND_OUTCOMES``, ``viber.GONE``); the pump
(``bots/outbox.py``) knows only these. Any other exception is trouble worth
trying again later, with back-off.
"""

from __future__ import annotations


class SendError(Exception):
    """Base of what a channel's ``send`` raises on purpose."""


class RetryAfter(SendError):
    """The platform asked us to wait (HTTP 429 ``retry_after``)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = max(0.0, float(seconds))


class Undeliverable(SendError):
    """The platform refuses this message for good (bot blocked, chat gone, a request it can never take)."""
