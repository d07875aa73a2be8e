"""Who is writing, for channels that show every message alike (Telegram, Viber).

The web chat shows an operator's bubble and a line about the chat itself
in their own styles; a Telegram or Viber chat shows every message as the
bot's. There the person learns that a human now writes from a short label
before the operator's words ("🙋 Specialist: ..."), and sees the lines
about the chat itself (a specialist joined, passed the chat on, closed it;
the queue's news) set apart by a mark. Where the helpline shows
specialists by name (``specialist_label: name``), the label carries the
name each message was written under, so a colleague who took the chat
over is told apart. Both come from the helpline's
texts, in the conversation's language; a helpline without them sends the
words as they are. The bot's own replies are never labelled: they are the
plain, expected case. The stored message stays the operator's own words
(the console and the web chat show those).
"""

from __future__ import annotations

from vikno.flows.content import Helpline
from vikno.flows.messages import Outbound
from vikno.storage.models import Message, Sender

#: The text put before a message of this sender, by key in the helpline's texts.
LABELS: dict[str, str] = {Sender.OPERATOR: "operator_label", Sender.SYSTEM: "system_line_mark"}
#: An operator's label with their name (``Message.shown_name``, set where the helpline shows names).
NAMED = "operator_label_named"


def needs_label(message: Message) -> bool:
    return message.sender in LABELS


def labelled(message: Message, reply: Outbound, line: Helpline | None, language: str | None) -> Outbound:
    """The message's ``reply`` as the person sees it: the sender's label first, when the helpline has one."""
    key = LABELS.get(message.sender)
    if line is None or key is None or key not in line.texts or not reply.text.strip():
        return reply
    lang = line.language_or_default(language)
    if message.shown_name and NAMED in line.texts:  # the helpline shows specialists by name
        return Outbound(
            text=f"{line.say(NAMED, lang, operator=message.shown_name).strip()} {reply.text}", buttons=reply.buttons
        )
    label = line.say(key, lang).strip()
    return Outbound(text=f"{label} {reply.text}", buttons=reply.buttons)
