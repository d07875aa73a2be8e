"""The one place a reply's buttons are fitted to what a channel can show.

After Rasa's ``OutputChannel``, which degrades buttons in its base class so
that no adapter needs the dialogue's constants: a button says itself whether
it must stay (``Button.essential``: the way to a person, the menu), and the
channel's abilities (flows/channels.py) say how many it can show.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from vikno.flows.channels import Abilities
from vikno.flows.messages import Button, Outbound

log = logging.getLogger(__name__)


def fit_buttons(buttons: Sequence[Button], most: int | None, channel: str) -> list[Button]:
    """At most ``most`` buttons: the essential ones stay, the others fill up the room in order."""
    if most is None or len(buttons) <= most:
        return list(buttons)
    essential = [b for b in buttons if b.essential][:most]
    room = most - len(essential)
    others = [b for b in buttons if not b.essential][:room]
    keep = {id(b) for b in essential + others}
    log.warning(
        "%s: a reply has %d buttons; the channel shows at most %d, so %d were left out (they can still "
        "be asked for in words)",
        channel,
        len(buttons),
        most,
        len(buttons) - most,
    )
    return [b for b in buttons if id(b) in keep]


def as_shown(reply: Outbound, abilities: Abilities, channel: str) -> Outbound:
    """The reply as the channel can show it: buttons fitted to its room, or, on a channel without
    buttons, their titles as lines of the text (the person can write any of them in words)."""
    if not reply.buttons:
        return reply
    if abilities.max_buttons == 0:
        lines = "\n".join(f"• {b.title}" for b in reply.buttons if b.title.strip())
        return Outbound(text=f"{reply.text}\n\n{lines}" if reply.text.strip() else lines)
    fitted = fit_buttons(reply.buttons, abilities.max_buttons, channel)
    return reply if len(fitted) == len(reply.buttons) else replace(reply, buttons=tuple(fitted))
