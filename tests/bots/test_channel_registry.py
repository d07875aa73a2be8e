"""The channel registry: one place per channel, and nobody else naming one (issue 22).

Each channel declares in its own module what it can do and mounts itself
(bots/registry.py); the engine, the outbox, the console and live updates ask
the registry (flows/channels.py). Every channel's test table runs here in the
shared shape (channel_tables.py).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from vikno.bots.app import build_app
from vikno.bots.config import WebchatSettings, load_settings
from vikno.bots.keys import CHANNEL_REGISTRY
from vikno.bots.kit import as_shown
from vikno.bots.registry import CHANNELS, module_of
from vikno.flows.channels import NOTHING, Abilities, Channel, ChannelRegistry
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.flows.engine import Engine
from vikno.flows.messages import Inbound, Outbound
from vikno.storage.identity import IdentityVault
from vikno.storage.models import Conversation, Direction, Message
from vikno.storage.port import Store

from ..flows.conftest import ScriptedNLU, intent
from .channel_tables import TABLES, ChannelTable

ROOT = Path(__file__).resolve().parents[2]
CHANNEL_NAMES = {entry.name for entry in CHANNELS}

#: The way of a message outside the channels: the engine and the sweeps that speak to people, the
#: handoff service and the console's actions, live updates, the outbox, the wiring and the app.
ON_THE_WAY = [
    "flows/engine.py",
    "flows/telling.py",
    "flows/queue_news.py",
    "flows/safety_check.py",
    "flows/channels.py",
    "handoff/service.py",
    "handoff/console/actions.py",
    "handoff/console/context.py",
    "bots/live.py",
    "bots/outbox.py",
    "bots/channels.py",
    "bots/app.py",
    "bots/keys.py",
]


def test_every_channel_has_a_table_in_the_shared_shape() -> None:
    assert set(TABLES) == CHANNEL_NAMES


RECEIVED = [(channel, *row) for channel, table in TABLES.items() for row in table.received]
RENDERED = [(channel, *row) for channel, table in TABLES.items() for row in table.rendered]


def _check(table_call: Any, given: Any, want: Any) -> None:
    if isinstance(want, type) and issubclass(want, Exception):
        with pytest.raises(want):
            table_call(given)
    else:
        assert table_call(given) == want


@pytest.mark.parametrize(("channel", "name", "given", "want"), RECEIVED, ids=[f"{r[0]}: {r[1]}" for r in RECEIVED])
def test_what_arrives_becomes_what_the_engine_is_given(channel: str, name: str, given: Any, want: Any) -> None:
    table: ChannelTable = TABLES[channel]
    _check(table.receive, given, want)


@pytest.mark.parametrize(("channel", "name", "given", "want"), RENDERED, ids=[f"{r[0]}: {r[1]}" for r in RENDERED])
def test_what_the_engine_says_becomes_what_goes_on_the_wire(
    channel: str, name: str, given: Outbound, want: Any
) -> None:
    table: ChannelTable = TABLES[channel]
    _check(table.render, given, want)


def test_every_channel_declares_what_it_can_do_and_mounts_itself(tmp_path: Path) -> None:
    settings = load_settings(
        environ={
            "VIKNO_DATA_DIR": str(tmp_path / "data"),
            "VIKNO_NLU": "none",
            "VIKNO_PUBLIC_URL": "https://help.example.org",
            "VIKNO_TELEGRAM_TOKEN": "123456:ABCdefGhIJKlmNoPQRsTUVwxyZ",
            "VIKNO_VIBER_TOKEN": "viber-token",
        }
    )
    app = build_app(settings, load_helplines(shipped_helpline_folders()))
    registry = app[CHANNEL_REGISTRY]
    assert registry.names() == [entry.name for entry in CHANNELS]
    for entry in CHANNELS:
        assert registry.abilities(entry.name) == module_of(entry).ABILITIES
    assert [name for name in registry.names() if registry.pushes(name)] == ["telegram", "viber"]
    assert [name for name in registry.names() if registry.abilities(name).typing] == ["webchat"]


def test_only_the_channels_switched_on_are_mounted(tmp_path: Path) -> None:
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none"})
    settings = settings.model_copy(update={"webchat": WebchatSettings(enabled=False)})
    registry = build_app(settings, load_helplines(shipped_helpline_folders()))[CHANNEL_REGISTRY]
    assert registry.names() == ["rest"]
    # a Telegram conversation on a server without Telegram: its replies are kept, never queued
    assert registry.abilities("telegram") == NOTHING and not registry.pushes("telegram")


@pytest.mark.parametrize("path", ON_THE_WAY)
def test_no_module_on_the_way_of_a_message_names_a_channel(path: str) -> None:
    """The registry is asked; a ``== "webchat"`` (or an import of a channel's module) is a channel living elsewhere."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    named = sorted(
        {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and node.value in CHANNEL_NAMES}
    )
    imported = sorted(
        {
            node.module or ""
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            if (node.module or "").split(".")[-1] in CHANNEL_NAMES
        }
    )
    assert (named, imported) == ([], [])


def _conversation(channel: str) -> Conversation:
    return Conversation(helpline="community-1620", channel=channel, user_key="k", address=None)


async def test_an_internal_note_is_never_delivered() -> None:
    delivered: list[str] = []

    async def deliver(conversation: Conversation, message: Message) -> None:
        delivered.append(message.text or "")

    registry = ChannelRegistry([Channel("live", Abilities(), deliver=deliver)])
    conv = _conversation("live")
    for direction, text in ((Direction.INTERNAL, "a note"), (Direction.OUT, "a reply")):
        await registry.deliver(
            conv,
            Message(
                conversation_id=conv.id,
                helpline=conv.helpline,
                channel="live",
                direction=direction,
                sender="operator",
                text=text,
            ),
        )
    assert delivered == ["a reply"]


async def test_typing_reaches_only_a_channel_that_can_show_it() -> None:
    shown: list[tuple[str, bool]] = []

    async def typing(conversation_id: str, on: bool) -> None:
        shown.append((conversation_id, on))

    async def broken(conversation_id: str, on: bool) -> None:
        raise ConnectionResetError("the socket went away")

    registry = ChannelRegistry(
        [
            Channel("shows", Abilities(typing=True), typing=typing),
            Channel("cannot", Abilities(typing=False), typing=typing),
            Channel("broken", Abilities(typing=True), typing=broken),
        ]
    )
    assert registry.shows_typing()
    for name in ("shows", "cannot", "broken", "unknown"):
        await registry.typing(_conversation(name), on=True)  # a failing hint never fails the operator's action
    assert len(shown) == 1 and shown[0][1] is True
    assert not ChannelRegistry([Channel("cannot", Abilities(), typing=typing)]).shows_typing()


def test_a_channel_is_registered_once() -> None:
    registry = ChannelRegistry([Channel("one", Abilities())])
    with pytest.raises(ValueError):
        registry.add(Channel("one", Abilities(pushes=True)))


async def test_an_answer_with_the_topic_it_nearly_was_reaches_every_channel_whole(any_store: Store) -> None:
    """The dialogue's own reply (flows/see_also.py) keeps its three buttons within every channel's room."""
    nlu = ScriptedNLU(
        dict(
            [
                intent(
                    "тато після інсульту", "disability", confidence=0.5, ranking=(("disability", 0.5), ("health", 0.4))
                )
            ]
        )
    )
    engine = Engine(
        any_store, IdentityVault(b"test-secret-key-0123456789"), load_helplines(shipped_helpline_folders()), nlu
    )
    turn = await engine.handle(Inbound(channel="rest", user_id="near", text="тато після інсульту"))
    reply = turn.replies[-1]
    assert [b.payload for b in reply.buttons] == ["topic:health", "menu", "person"]
    for entry in CHANNELS:
        shown = as_shown(reply, module_of(entry).ABILITIES, entry.name)
        assert shown == reply, entry.name  # nothing dropped, nothing turned into text
        wire = json.dumps(TABLES[entry.name].render(shown), ensure_ascii=False)
        assert "topic:health" in wire and "🩺 Здоровʼя" in wire, entry.name
