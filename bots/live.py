"""Nudge the operators' consoles after every turn of the engine.

A person wrote: every console showing the queue or that chat hears of it (a
new message, a queue change, a crisis alert), filtered on each console socket
by the same access rule as every console read. Getting a stored message to
the person is the channel's own job, asked through the registry
(flows/channels.py, bots/registry.py).
"""

from __future__ import annotations

from typing import Any

from vikno.handoff.access import Facts
from vikno.handoff.console.live import ConsoleHub
from vikno.storage.models import Conversation, Event, Message

#: Turn events that change what a console shows.
QUEUE_EVENTS = {"handoff_requested", "handoff_cancelled", "priority_raised", "report_made", "report_information_added"}


class ConsoleNudges:
    def __init__(self, console: ConsoleHub) -> None:
        self.console = console

    async def after_turn(self, conversation: Conversation, inbound: Message, events: list[Event]) -> None:
        """The person wrote: consoles showing the queue or this chat update."""
        kinds = {e.kind for e in events}
        # the facts let each console socket apply the access rule (handoff/access.py) to the nudge
        event: dict[str, Any] = {
            "type": "message",
            "conversation_id": conversation.id,
            **Facts.of(conversation).as_event(),
        }
        crisis_report = bool(kinds & {"report_made", "report_information_added"}) and conversation.priority == "crisis"
        if "crisis_detected" in kinds or "crisis_alert" in kinds or crisis_report:
            event["type"] = "crisis"
            event["priority"] = "crisis"
        elif kinds & QUEUE_EVENTS:
            event["type"] = "queue"
        await self.console.publish(event)
