"""Raw Telegram updates as the Bot API sends them, and what each must become.

Shapes follow updates recorded from a test bot (ids and names replaced);
the odd ones (wrong types, control characters, 10,000 emoji, lone
surrogates) are what a forger or a buggy proxy could send. Each row:
(name, raw update, the expected Inbound or None when it is ignored).
"""

from __future__ import annotations

from typing import Any

from vikno.flows.messages import Inbound, Kind

CHAT = 5_550_001
PERSON = {"id": CHAT, "is_bot": False, "first_name": "Оксана", "language_code": "uk"}
PRIVATE = {"id": CHAT, "first_name": "Оксана", "type": "private"}


def message(message_id: int, **fields: Any) -> dict[str, Any]:
    body = {"message_id": message_id, "from": PERSON, "chat": PRIVATE, "date": 1_760_000_000}
    body.update(fields)
    return {"update_id": 900_000_000 + message_id, "message": body}


def expected(message_id: int, kind: str, text: str | None = None, **fields: Any) -> Inbound:
    fields.setdefault("locale_hint", "uk")  # the app's language: a hint; a deep link's language is a choice
    return Inbound(
        channel="telegram", user_id=str(CHAT), text=text, kind=kind, platform_id=f"{CHAT}:{message_id}", **fields
    )


FILE = {"file_id": "AgACAgIAAxkBAAIB", "file_unique_id": "AQADx7", "file_size": 51234}
CALLBACK = {
    "update_id": 900_000_500,
    "callback_query": {
        "id": "4382bfdwdsb323b2d9",
        "from": {**PERSON, "language_code": "en-GB"},
        "chat_instance": "-81234",
        "data": "topic:housing_compensation",
        "message": {
            "message_id": 77,
            "from": {"id": 123456, "is_bot": True, "first_name": "vikno"},
            "chat": PRIVATE,
            "date": 1_760_000_100,
            "text": "Оберіть тему",
            "reply_markup": {"inline_keyboard": [[{"text": "Житло", "callback_data": "topic:housing_compensation"}]]},
        },
    },
}
EMOJI = "😀" * 10_000
RTL = "مرحبا، أحتاج إلى مساعدة بخصوص السكن \u200f(عاجل)"

UPDATES: list[tuple[str, Any, Inbound | None]] = [
    (
        "text",
        message(1, text="Привіт, мені потрібна допомога"),
        expected(1, Kind.TEXT, "Привіт, мені потрібна допомога"),
    ),
    (
        "start without deep link",
        message(2, text="/start", entities=[{"type": "bot_command", "offset": 0, "length": 6}]),
        expected(2, Kind.START, "/start"),
    ),
    ("start with language", message(3, text="/start en"), expected(3, Kind.START, "/start en", locale="en")),
    (
        "start with helpline",
        message(4, text="/start community-1620"),
        expected(4, Kind.START, "/start community-1620", helpline="community-1620"),
    ),
    (
        "start with helpline and language",
        message(5, text="/start community-1620_en"),
        expected(5, Kind.START, "/start community-1620_en", helpline="community-1620", locale="en"),
    ),
    (
        "start addressed to the bot",
        message(6, text="/start@vikno_test_bot uk"),
        expected(6, Kind.START, "/start@vikno_test_bot uk", locale="uk"),
    ),
    ("start with a junk parameter", message(7, text="/start <script>"), expected(7, Kind.START, "/start <script>")),
    ("another command is text", message(8, text="/help"), expected(8, Kind.TEXT, "/help")),
    (
        "start on a topic: a link a family-care service gives a child (kharkiv-1552's start: child)",
        message(40, text="/start kharkiv-1552_uk--child"),
        expected(
            40, Kind.START, "/start kharkiv-1552_uk--child", helpline="kharkiv-1552", locale="uk", button="start:child"
        ),
    ),
    (
        "start on a topic of the bot's own helpline",
        message(41, text="/start uk--child"),
        expected(41, Kind.START, "/start uk--child", locale="uk", button="start:child"),
    ),
    (
        "start with a junk start word",
        message(42, text="/start uk--<b>x"),
        expected(42, Kind.START, "/start uk--<b>x"),
    ),
    (
        "callback query",
        CALLBACK,
        Inbound(
            channel="telegram",
            user_id=str(CHAT),
            button="topic:housing_compensation",
            kind=Kind.BUTTON,
            locale_hint="en",
            platform_id="cb:4382bfdwdsb323b2d9",
        ),
    ),
    (
        "the optional question's answer, pressed",
        {
            "update_id": 900_000_501,
            "callback_query": {
                **CALLBACK["callback_query"],
                "id": "4382bfdwdsb323b2e0",
                "data": "profile:age_group:child",
            },
        },
        Inbound(
            channel="telegram",
            user_id=str(CHAT),
            button="profile:age_group:child",
            kind=Kind.BUTTON,
            locale_hint="en",
            platform_id="cb:4382bfdwdsb323b2e0",
        ),
    ),
    (
        "sticker",
        message(10, sticker={**FILE, "emoji": "👍", "width": 512, "height": 512, "is_animated": False}),
        expected(10, Kind.STICKER),
    ),
    (
        "photo with caption",
        message(11, photo=[FILE, FILE], caption="ось документ"),
        expected(11, Kind.PHOTO, "ось документ"),
    ),
    ("voice", message(12, voice={**FILE, "duration": 4, "mime_type": "audio/ogg"}), expected(12, Kind.VOICE)),
    ("document", message(13, document={**FILE, "file_name": "довідка.pdf"}), expected(13, Kind.DOCUMENT)),
    ("video", message(14, video={**FILE, "duration": 9, "width": 640, "height": 360}), expected(14, Kind.VIDEO)),
    ("animation (also a document)", message(15, animation=FILE, document=FILE), expected(15, Kind.VIDEO)),
    ("location", message(16, location={"latitude": 50.45, "longitude": 30.52}), expected(16, Kind.LOCATION)),
    (
        "venue (also a location)",
        message(
            17,
            venue={"location": {"latitude": 1, "longitude": 2}, "title": "ЦНАП"},
            location={"latitude": 1, "longitude": 2},
        ),
        expected(17, Kind.LOCATION),
    ),
    (
        "contact",
        message(18, contact={"phone_number": "+380501112233", "first_name": "Мама"}),
        expected(18, Kind.CONTACT),
    ),
    ("service message", message(19, pinned_message={"message_id": 1}), expected(19, Kind.OTHER)),
    ("empty text", message(20, text=""), expected(20, Kind.TEXT, "")),
    ("10,000 emoji are cut to Telegram's length", message(21, text=EMOJI), expected(21, Kind.TEXT, "😀" * 4096)),
    ("RTL Arabic", message(22, text=RTL), expected(22, Kind.TEXT, RTL)),
    (
        "control characters are dropped",
        message(23, text="до\x00по\x07мо\x1bга\x7f\n\tтак"),
        expected(23, Kind.TEXT, "допомога\n\tтак"),
    ),
    (
        "a lone surrogate is replaced",
        message(24, text="зламано \ud83d кінець"),
        expected(24, Kind.TEXT, "зламано \ufffd кінець"),
    ),
    (
        "no sender: no locale",
        {"update_id": 1, "message": {"message_id": 25, "chat": PRIVATE, "date": 1, "text": "hi"}},
        expected(25, Kind.TEXT, "hi", locale_hint=None),
    ),
    (
        "odd language code",
        message(26, text="hi", **{"from": {**PERSON, "language_code": 7}}),
        expected(26, Kind.TEXT, "hi", locale_hint=None),
    ),
    (
        "pt-br is passed as pt (the engine ignores it)",
        message(27, text="olá", **{"from": {**PERSON, "language_code": "pt-br"}}),
        expected(27, Kind.TEXT, "olá", locale_hint="pt"),
    ),
    # ignored: nothing to answer, or not ours to answer
    (
        "edited message",
        {"update_id": 3, "edited_message": message(30, text="виправлено", edit_date=2)["message"]},
        None,
    ),
    (
        "my_chat_member (bot blocked)",
        {
            "update_id": 4,
            "my_chat_member": {
                "chat": PRIVATE,
                "from": PERSON,
                "date": 1,
                "old_chat_member": {"status": "member"},
                "new_chat_member": {"status": "kicked"},
            },
        },
        None,
    ),
    ("unknown update type", {"update_id": 5, "poll": {"id": "1", "question": "?"}}, None),
    ("not an object", [1, 2, 3], None),
    ("message is a string", {"update_id": 6, "message": "hello"}, None),
    ("text is a number", message(31, text=42), None),
    ("text is a list", message(32, text=["a"]), None),
    ("chat id is a string", message(33, text="hi", chat={"id": "5550001", "type": "private"}), None),
    ("chat id is a bool", message(34, text="hi", chat={"id": True, "type": "private"}), None),
    ("message id missing", {"update_id": 7, "message": {"chat": PRIVATE, "text": "hi"}}, None),
    ("group chat", message(35, text="hi", chat={"id": -100123, "type": "supergroup", "title": "g"}), None),
    (
        "callback without data (game)",
        {
            "update_id": 8,
            "callback_query": {
                "id": "77",
                "from": PERSON,
                "chat_instance": "1",
                "game_short_name": "g",
                "message": {"message_id": 1, "chat": PRIVATE, "date": 1},
            },
        },
        None,
    ),
    (
        "callback with data of the wrong type",
        {
            "update_id": 9,
            "callback_query": {
                "id": "78",
                "from": PERSON,
                "data": {"x": 1},
                "message": {"message_id": 1, "chat": PRIVATE},
            },
        },
        None,
    ),
    (
        "callback without id",
        {"update_id": 10, "callback_query": {"data": "menu", "message": {"message_id": 1, "chat": PRIVATE}}},
        None,
    ),
    (
        "inline-mode callback (no message)",
        {"update_id": 11, "callback_query": {"id": "79", "from": PERSON, "inline_message_id": "AAA", "data": "menu"}},
        None,
    ),
]
