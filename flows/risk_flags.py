"""Where a conversation keeps the messages the crisis layer flagged, for the console's risk panel.

Two writers: the dialogue (a person's own message read as a crisis or a possible one) and the report desk
(information added to a report read so: the report's card must say why it is a crisis).
"""

from __future__ import annotations

__all__ = ["RISK_FLAGS", "RISK_FLAGS_KEPT"]

#: conversation.data key of the messages the crisis layer flagged (newest last), for the console:
#: [{"message_id", "level", "reasons", "score", "language", "at"}]; the text stays in the message.
RISK_FLAGS = "risk_flags"
#: The flags kept per conversation (the oldest go first).
RISK_FLAGS_KEPT = 10
