"""A helpline renamed in its content keeps what the store holds under its former id.

Line 1620 shipped as ``line1620`` and became ``community-1620`` with the profiles (issue 27). Its stored
conversations, messages, events, reports and the operators admitted to it say ``line1620``; without this
a person mid-conversation would start a new one, the queue would lose its waiting chats and the figures
their history. ``former_ids`` in helpline.yml names the old ids; the store moves their records at every
start (``vikno serve``) and on ``vikno store migrate`` — cheap, and a no-op once done.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from vikno.storage.port import Store

from .content import Helpline

log = logging.getLogger(__name__)


async def move_renamed_lines(store: Store, helplines: Mapping[str, Helpline]) -> list[str]:
    """Move the stored records of every loaded line's former ids to its id; one line per id that moved any."""
    done = []
    for line in helplines.values():
        for old in line.settings.former_ids:
            if old == line.id or old in helplines:  # a former id another loaded line uses now is that line's
                continue
            moved = await store.rename_helpline(old, line.id)
            if moved:
                done.append(f"{moved} stored record(s) of helpline {old!r} moved to {line.id!r} (its former id)")
                log.warning("%s", done[-1])
    return done
