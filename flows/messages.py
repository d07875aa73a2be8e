"""The normalised messages every channel speaks with the dialogue engine.

A channel adapter turns a platform payload into an :class:`Inbound` and
renders :class:`Outbound` replies back; the engine never sees a platform
object (the InputChannel/OutputChannel boundary of Rasa's channels).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vikno.storage.models import Message


class Kind(StrEnum):
    """What the person sent; only text and buttons carry meaning for the bot."""

    TEXT = "text"
    BUTTON = "button"
    START = "start"
    STICKER = "sticker"
    PHOTO = "photo"
    VOICE = "voice"
    VIDEO = "video"
    DOCUMENT = "document"
    LOCATION = "location"
    CONTACT = "contact"
    OTHER = "other"


# Button payloads the engine understands (channels pass them through as-is).
MENU, PERSON, LANGUAGE, HOURS, CANCEL_WAITING = "menu", "person", "language", "hours", "cancel_waiting"
#: "Other topics" on the short first menu: the full list of topics, one step away.
ALL_TOPICS = "topics"
#: The ways to a person and back to the menu: a channel that must drop buttons keeps these.
ESSENTIAL_PAYLOADS = frozenset({PERSON, MENU, ALL_TOPICS, CANCEL_WAITING, LANGUAGE, HOURS})


@dataclass(frozen=True, slots=True)
class Button:
    title: str
    payload: str

    @property
    def essential(self) -> bool:
        """Kept when a channel shows fewer buttons than a reply has (Viber: 24).

        The button says it, so no channel needs the dialogue's payloads to trim
        a keyboard; it follows from the payload, so it survives the store (a
        stored message keeps a button's title and payload only).
        """
        return self.payload in ESSENTIAL_PAYLOADS


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message from a person, whatever the channel.

    ``user_id`` is the channel's own id of the person (a Telegram chat id, a
    Viber user id, a web chat or REST conversation key). The engine turns it
    into a pseudonym at once and keeps it only encrypted.

    ``locale`` is a language the client chose (REST ``locale``, the web
    chat's language, a Telegram deep link): it stands against language
    detection. ``locale_hint`` is only the device's language (Telegram's
    ``language_code``, Viber's ``language``): used when nothing else tells.
    """

    channel: str
    user_id: str
    text: str | None = None
    button: str | None = None
    kind: str = Kind.TEXT
    locale: str | None = None
    locale_hint: str | None = None
    platform_id: str | None = None
    #: The id the person's own client gave the message (the web chat), echoed back in
    #: its history so it can match its unsent copy; names nobody, unlike ``platform_id``.
    client_id: str | None = None
    helpline: str | None = None
    address: str | None = None  # where replies go, when not the user id itself
    #: The channel answers this one itself (e.g. Viber's welcome message in the
    #: webhook response), so its replies are not queued in the outbox.
    direct_reply: bool = False


@dataclass(frozen=True, slots=True)
class Outbound:
    """One message for the person, the one shape every channel renders (a step's reply, a stored message)."""

    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)
    #: What the conversation's history keeps instead of ``text`` (None: the text itself). A report's
    #: code is shown to the person once and kept masked, so that nobody reading the reporter's chat
    #: later (an operator, a database) can tie it to the report.
    kept: str | None = None

    @classmethod
    def of(cls, message: Message) -> Outbound:
        """A stored outgoing message as channels take it (the outbox, a repeated turn's replies)."""
        return cls(
            text=message.text or "",
            buttons=tuple(Button(b.get("title", ""), b.get("payload", "")) for b in message.buttons),
        )


@dataclass(frozen=True, slots=True)
class ConversationView:
    """What a channel may show about the conversation (no identifiers)."""

    id: str
    pseudonym: str
    helpline: str
    state: str
    language: str | None
    topic: str | None
    priority: str | None
    queue_position: int | None

    def as_json(self) -> dict[str, object]:
        return {
            "state": self.state,
            "language": self.language,
            "topic": self.topic,
            "priority": self.priority,
            "queue_position": self.queue_position,
        }


@dataclass(frozen=True, slots=True)
class Turn:
    """The engine's answer to one inbound message."""

    conversation: ConversationView
    replies: tuple[Outbound, ...]
    duplicate: bool = False
    #: This turn's message started the conversation (the store's create inserted it): a
    #: channel that hands out a conversation's secret does so only then.
    created: bool = False
