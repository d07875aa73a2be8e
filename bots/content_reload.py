"""New helpline content without a restart (SIGHUP, or ``vikno reload``).

A restart drops every web chat socket and console page for a few seconds;
a changed text or phone number should not need one. The new content is
checked exactly as ``vikno check`` and a start check it, and only content
that passes replaces the old one: a typo in a file that a helpline's
technical person saves in the middle of the day leaves the line answering
as before, and the log says what to fix.

Every part of the server holds the same ``dict`` of helplines, so the new
ones are put into that dict (one assignment per helpline, on the event loop:
a message is answered entirely with the old content or entirely with the
new). Adding or removing a helpline changes channels, routes and operators'
scopes, so that still needs a restart and a reload that tries it is refused.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from vikno.flows.content import ContentError, Helpline
from vikno.flows.content_warnings import content_warnings

from .config import Settings
from .content_check import checked_helplines

log = logging.getLogger("vikno.content")

#: Called with the helplines after they changed (e.g. the web chat script carries the emergency numbers).
Listener = Callable[[dict[str, Helpline]], None]


class ContentReload:
    def __init__(self, settings: Settings, helplines: dict[str, Helpline]) -> None:
        self.settings = settings
        self.helplines = helplines
        self.listeners: list[Listener] = []
        self._lock = asyncio.Lock()

    async def __call__(self) -> bool:
        """Load, check and take the content; False (old content kept, reasons logged) when it is wrong."""
        async with self._lock:  # two signals at once: one after the other
            log.info("content reload: reading %s", ", ".join(str(line.folder) for line in self.helplines.values()))
            try:
                fresh = await asyncio.to_thread(checked_helplines, self.settings)
            except ContentError as exc:
                log.error("content reload refused, the old content stays in use; fix and reload again:")
                for problem in exc.problems:
                    log.error("  - %s", problem)
                return False
            except Exception:
                log.exception("content reload failed, the old content stays in use")
                return False
            if set(fresh) != set(self.helplines):
                log.error(
                    "content reload refused, the old content stays in use: the helplines would change "
                    "from %s to %s; adding or removing a helpline needs a restart",
                    ", ".join(sorted(self.helplines)),
                    ", ".join(sorted(fresh)),
                )
                return False
            for helpline_id, line in fresh.items():
                self.helplines[helpline_id] = line
            for listener in self.listeners:
                listener(self.helplines)
            for warning in content_warnings(fresh):
                log.warning("%s", warning)
            log.info("content reloaded: %s", ", ".join(fresh))
            return True
