"""Every channel's test table, in the one shape they share (after courier's ``handlers/handlertest``).

A channel's table says, as data, what arrives from its platform and what the
engine is then given (``received``), and what the engine says and what then
goes on the wire (``rendered``). ``test_channel_registry.py`` runs every row
of every table and fails when a channel of the registry (bots/registry.py) has
no table: adding a channel is its module, its registry entry and its table here.

A row is ``(name, given, want)``; ``want`` may be an exception class: ``given``
is then refused with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vikno.bots import rest, telegram, viber
from vikno.bots.webchat import protocol as webchat
from vikno.flows.messages import Button, Outbound

from . import test_telegram, test_viber
from .telegram_payloads import CHAT, UPDATES

Row = tuple[str, Any, Any]

#: A typed question's answer whose runner-up topic was close (flows/see_also.py): that topic, then the ways on.
SEE_ALSO_TEXT = "Чим ще можемо допомогти?\nАбо, можливо, питання було про це:"
SEE_ALSO_BUTTONS = (
    Button("🏚 Компенсація за пошкоджене житло", "topic:housing_compensation"),
    Button("☰ Меню", "menu"),
    Button("🙋 Поговорити з людиною", "person"),
)
SEE_ALSO_WIRE = [{"title": b.title, "payload": b.payload} for b in SEE_ALSO_BUTTONS]


@dataclass(frozen=True)
class ChannelTable:
    #: a platform payload -> what the engine is given (None: nothing to answer)
    receive: Callable[[Any], Any]
    received: list[Row]
    #: a reply of the engine -> what goes on the wire
    render: Callable[[Outbound], Any]
    rendered: list[Row]


def _rest_message(**fields: Any) -> dict[str, Any]:
    return {"text": None, "button": None, "locale": None, "id": None, "helpline": None, **fields}


REST_RECEIVED: list[Row] = [
    ("a text", {"text": "Привіт"}, _rest_message(text="Привіт")),
    ("control characters are dropped", {"text": "до\x00по\x07мога"}, _rest_message(text="допомога")),
    (
        "a button with its locale and id",
        {"button": "menu", "locale": "uk-UA", "id": "m1"},
        _rest_message(button="menu", locale="uk", id="m1"),
    ),
    ("neither text nor button", {"locale": "uk"}, rest.BadRequest),
    ("only spaces", {"text": "  \n"}, rest.BadRequest),
    ("a text over the limit", {"text": "я" * 5000}, rest.BadRequest),
]

REST_RENDERED: list[Row] = [
    (
        "a text with buttons",
        Outbound("Оберіть тему", (Button("☰ Меню", "menu"),)),
        {"text": "Оберіть тему", "buttons": [{"title": "☰ Меню", "payload": "menu"}]},
    ),
    ("a long text goes whole", Outbound("я" * 10_000), {"text": "я" * 10_000, "buttons": []}),
    (
        "an answer with the topic it nearly was",
        Outbound(SEE_ALSO_TEXT, SEE_ALSO_BUTTONS),
        {"text": SEE_ALSO_TEXT, "buttons": SEE_ALSO_WIRE},
    ),
]

WEBCHAT_RECEIVED: list[Row] = [
    ("a text", '{"type": "message", "id": "m1", "text": "Привіт"}', webchat.ChatMessage(id="m1", text="Привіт")),
    (
        "control characters are dropped",
        '{"type": "message", "id": "m2", "text": "a\\u0000b"}',
        webchat.ChatMessage(id="m2", text="ab"),
    ),
    ("a button", '{"type": "button", "id": "m3", "payload": "menu"}', webchat.ChatMessage(id="m3", payload="menu")),
    ("a lone surrogate is refused", '{"type": "message", "id": "m4", "text": "a\\ud800b"}', webchat.ProtocolError),
    ("an empty message is refused", '{"type": "message", "id": "m5", "text": " "}', webchat.ProtocolError),
    ("an unknown frame is refused", '{"type": "shout"}', webchat.ProtocolError),
]

WEBCHAT_RENDERED: list[Row] = [
    (
        "a text with buttons",
        Outbound("Оберіть тему", (Button("☰ Меню", "menu"),)),
        {
            "id": None,
            "direction": "out",
            "sender": "bot",
            "kind": "text",
            "text": "Оберіть тему",
            "buttons": [{"title": "☰ Меню", "payload": "menu"}],
        },
    ),
    (
        "an answer with the topic it nearly was",
        Outbound(SEE_ALSO_TEXT, SEE_ALSO_BUTTONS),
        {
            "id": None,
            "direction": "out",
            "sender": "bot",
            "kind": "text",
            "text": SEE_ALSO_TEXT,
            "buttons": SEE_ALSO_WIRE,
        },
    ),
]

#: By channel name, as in the registry (bots/registry.py).
TABLES: dict[str, ChannelTable] = {
    "rest": ChannelTable(
        receive=lambda payload: rest.parse_message(payload, 4096),
        received=REST_RECEIVED,
        render=rest.reply_json,
        rendered=REST_RENDERED,
    ),
    "telegram": ChannelTable(
        receive=telegram.inbound_of,
        received=UPDATES,
        render=lambda reply: telegram.render(str(CHAT), reply, telegram.CallbackCodec()),
        rendered=test_telegram.REPLIES,
    ),
    "viber": ChannelTable(
        receive=viber.inbound_of,
        received=test_viber.CALLBACKS,
        render=lambda reply: test_viber.R.messages(test_viber.USER, reply),
        rendered=test_viber.REPLIES,
    ),
    "webchat": ChannelTable(
        receive=lambda raw: webchat.parse_frame(raw, 4096),
        received=WEBCHAT_RECEIVED,
        render=webchat.reply_json,
        rendered=WEBCHAT_RENDERED,
    ),
}
