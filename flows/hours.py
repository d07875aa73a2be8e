"""Is the helpline staffed right now, in its own time zone?"""

from __future__ import annotations

from datetime import datetime

from .content import WEEKDAYS, Helpline


def is_open(helpline: Helpline, moment: datetime) -> bool:
    """True when operators are on duty at ``moment`` (an aware datetime)."""
    local = moment.astimezone(helpline.zone)
    if local.date() in helpline.settings.holidays:
        return False
    intervals = helpline.hours.get(WEEKDAYS[local.weekday()], [])
    now = local.time()
    return any(i.start <= now < i.end for i in intervals)
