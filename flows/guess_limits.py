"""How many tries at a secret reference (a report's code, an appeal's number) a person and a line may make.

Reports and appeals are found again only by what their owner typed, so both count every try *before* the
lookup, in the store's login-attempts collection (parallel guesses cannot slip past): per channel user
within a window, and per line per clock hour as a ceiling; the journal is told once an hour when a line
passes its alert mark. A limited user stops spending the line's budget. Each caller passes its own limits,
read when it calls (flows/reports.py, flows/appeals.py).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from vikno.storage.port import Store


async def may_try(
    store: Store,
    group: str,
    line_id: str,
    user_key: str,
    now: datetime,
    *,
    per_person: int,
    window: timedelta,
    per_hour: int,
    alert_per_hour: int,
    log: logging.Logger,
    what: tuple[str, str],
) -> bool:
    """Count one try for the person and the line; False when either is over its limit.

    ``what``: the tries' name and the guessed things' for the journal's warning, ("report-code", "codes").
    """
    attempts = store.login_attempts
    mine = await attempts.hit(f"{group}:{line_id}:{user_key}", group, now, window)
    if mine > per_person:  # a limited user no longer spends the line's budget (outside attack)
        return False
    everyone = await attempts.hit(f"{group}:{line_id}:{now:%Y%m%d%H}", group, now, timedelta(hours=1))
    if everyone == alert_per_hour + 1:
        log.warning(
            "helpline %s: more than %d %s attempts this hour: someone may be guessing %s",
            line_id,
            alert_per_hour,
            *what,
        )
    return everyone <= per_hour
