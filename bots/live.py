"""Connect the handoff service and the engine to whoever must hear of a change.

The handoff service stores what an operator says; this delivers it: the
push channel's outbox pump is woken, an open web chat gets it at once over
its socket, and every console is nudged. The engine's turns nudge consoles
too (a new message, a queue change, a crisis alert). REST clients read
their history.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from vikno.handoff.access import Facts
from vikno.handoff.console.live import ConsoleHub
from vikno.storage.models import Conversation, Direction, Event, Message

from .channels import RunningChannel

log = logging.getLogger(__name__)

#: ``publish(conversation_id, event)`` of the web chat's socket hub.
WebPublish = Callable[[str, dict[str, Any]], Awaitable[Any]]
#: What the person's side shows of a conversation (``Engine.view``: state, language, place in the queue).
ConversationView = Callable[[Conversation], Awaitable[Any]]

#: Turn events that change what a console shows.
QUEUE_EVENTS = {"handoff_requested", "handoff_cancelled", "priority_raised", "report_made",
                "report_information_added"}


def message_event(message: Message) -> dict[str, Any]:
    from .webchat.protocol import message_json  # the web chat's own shape, with seq for ordering

    return message_json(message)


class Delivery:
    def __init__(self, channels: list[RunningChannel], console: ConsoleHub) -> None:
        self.channels = {r.channel.name: r for r in channels}
        self.console = console
        self.web_publish: WebPublish | None = None
        self.view: ConversationView | None = None

    async def outgoing(self, conversation: Conversation, message: Message) -> None:
        """A message for the person was stored: get it to them."""
        if message.direction == Direction.INTERNAL:  # an operators' note is staff-only: never pushed
            log.error("refused to push an internal note to conversation %s", conversation.id)
            return
        running = self.channels.get(conversation.channel)
        if running is not None:
            running.pump.wake()
        elif conversation.channel == "webchat" and self.web_publish is not None:
            kind = "operator_message" if message.sender == "operator" else "system_message"
            await self.web_publish(conversation.id, {"type": kind, "message": message_event(message)})
            if self.view is not None:
                # what was said usually comes with a change the chat shows (an operator joined: no more
                # "In queue: 1"; the place moved; closed), and nothing else tells the socket of it
                view = await self.view(conversation)
                await self.web_publish(conversation.id, {"type": "conversation", "conversation": view.as_json()})

    async def after_turn(self, conversation: Conversation, inbound: Message, events: list[Event]) -> None:
        """The person wrote: consoles showing the queue or this chat update."""
        kinds = {e.kind for e in events}
        # the facts let each console socket apply the access rule (handoff/access.py) to the nudge
        event: dict[str, Any] = {"type": "message", "conversation_id": conversation.id,
                                 **Facts.of(conversation).as_event()}
        crisis_report = bool(kinds & {"report_made", "report_information_added"}) and conversation.priority == "crisis"
        if "crisis_detected" in kinds or "crisis_alert" in kinds or crisis_report:
            event["type"] = "crisis"
            event["priority"] = "crisis"
        elif kinds & QUEUE_EVENTS:
            event["type"] = "queue"
        await self.console.publish(event)
