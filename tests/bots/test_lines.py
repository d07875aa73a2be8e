"""Several lines in one deployment: each channel binding belongs to one line (issue 27).

A Telegram or Viber bot per line (several in one process, against fake platform servers, one per bot),
a web chat page per line (``/chat/{helpline}``), a REST path per line
(``/api/v1/helplines/{helpline}/conversations/{key}/messages``), and the settings that refuse a binding
that cannot work. The isolation of two lines' operators through the console is at the end.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from vikno.bots.app import build_app
from vikno.bots.bot_set import BotSet, bot_key, tagged, untagged
from vikno.bots.channel import Handle, PushChannel
from vikno.bots.config import ConfigError, load_settings
from vikno.bots.content_check import helpline_references
from vikno.bots.keys import ENGINE, HANDOFF, STORE
from vikno.bots.kit import Undeliverable
from vikno.bots.telegram import SECRET_HEADER, WEBHOOK_PATH, TelegramChannel
from vikno.bots.viber import ViberChannel
from vikno.flows.content import Helpline, load_helplines, shipped_helpline_folders
from vikno.flows.messages import Outbound
from vikno.storage.mongo.store import MongoStore
from vikno.storage.port import Store

from tests.conftest import TEST_SECRET
from tests.handoff.conftest import Agent, ConsoleSite

from .fake_telegram import FakeTelegram
from .fake_viber import FakeViber, signed_headers
from .on_duty import operator_on_duty
from .telegram_payloads import CALLBACK, CHAT, PERSON, message

PUBLIC = "https://help.example.org"
FIRST, SECOND = "community-1620", "kharkiv-1552"
SECRET_1, SECRET_2 = "first-bots-secret_1", "second-bots-secret_2"
TOKEN_2 = "654321:SECOND-token_for-the-fake-two"
VIBER_1 = "4453b6ac12345678-e02c5f12174805f9-daec9cbb5448c51f"
VIBER_2 = "5564c7bd23456789-f13d6a23285916aa-ebfd0dcc6559d62a"


@pytest.fixture(scope="module")
def helplines() -> dict[str, Helpline]:
    return load_helplines(shipped_helpline_folders())


def settings_file(tmp_path: Path, **config: Any) -> Path:
    path = tmp_path / "vikno.yml"
    path.write_text(yaml.safe_dump({"data_dir": str(tmp_path / "data"), **config}), encoding="utf-8")
    return path


# --- the settings: one bot per line, each further bot names its line -----------------------------------------


def _bot(token: str, **kw: Any) -> dict[str, Any]:
    return {"token": token, "mode": "polling", **kw}


@pytest.mark.parametrize(
    ("config", "says"),
    [
        ({"telegram_bots": [_bot(TOKEN_2)]}, "telegram_bots[0]: needs token and helpline"),
        ({"telegram_bots": [{"helpline": SECOND, "mode": "polling"}]}, "telegram_bots[0]: needs token and helpline"),
        (
            {
                "telegram": _bot("123456:TEST-token_for-the-fake", helpline=SECOND),
                "telegram_bots": [_bot(TOKEN_2, helpline=SECOND)],
            },
            f"telegram: more than one bot for {SECOND}",
        ),
        (
            {"telegram": _bot(TOKEN_2, helpline=FIRST), "telegram_bots": [_bot(TOKEN_2, helpline=SECOND)]},
            "telegram: the same bot token is given twice",
        ),
        ({"viber_bots": [{"token": VIBER_2}]}, "viber_bots[0]: needs token and helpline"),
        (
            {
                "public_url": PUBLIC,
                "viber": {"token": VIBER_1},
                "default_helpline": SECOND,
                "viber_bots": [{"token": VIBER_2, "helpline": SECOND}],
            },
            f"viber: more than one bot for {SECOND}",
        ),
        ({"telegram_bots": [{"token": TOKEN_2, "helpline": SECOND}]}, "telegram in webhook mode needs public_url"),
    ],
)
def test_a_binding_that_cannot_work_is_refused_with_what_to_do(
    tmp_path: Path, config: dict[str, Any], says: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(settings_file(tmp_path, **config), environ={})
    assert says in str(refused.value)


def test_a_further_bot_for_a_line_nobody_loaded_is_named(tmp_path: Path, helplines: dict[str, Helpline]) -> None:
    settings = load_settings(
        settings_file(tmp_path, telegram_bots=[_bot(TOKEN_2, helpline="kharkiv-1553")]), environ={}
    )
    assert helpline_references(settings, helplines) == [
        f"telegram_bots[0].helpline: no helpline 'kharkiv-1553'; loaded: {', '.join(helplines)}"
    ]


# --- the bot set: a reply leaves from the bot the person wrote to --------------------------------------------


class _Recording(PushChannel):
    name = "telegram"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def routes(self) -> list[web.RouteDef]:
        return []

    async def start(self, handle: Handle) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def send(self, address: str, reply: Outbound) -> None:
        self.sent.append((address, reply.text))


async def test_an_address_names_its_bot_an_old_one_the_first_and_a_removed_bot_is_given_up() -> None:
    one, two = _Recording(), _Recording()
    key_1, key_2 = bot_key("1:a"), bot_key("2:b")
    bots = BotSet("telegram", [(key_1, one), (key_2, two)])
    await bots.send(tagged(key_2, "42"), Outbound("to two"))
    await bots.send("42", Outbound("stored before keys"))  # one bot then: the first section's
    with pytest.raises(Undeliverable, match="no longer configured"):
        await bots.send(tagged(bot_key("3:gone"), "42"), Outbound("to a bot removed from the settings"))
    assert one.sent == [("42", "stored before keys")] and two.sent == [("42", "to two")]
    assert untagged("@channel_name") == (None, "@channel_name") and untagged(tagged(key_1, "-7~x")) == (key_1, "-7~x")
    assert key_1 != key_2 and "a" not in key_1[1:] or key_1.startswith("b")


# --- Telegram: two bots, two lines, one process --------------------------------------------------------------


@pytest.fixture(autouse=True)
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TelegramChannel, "per_chat_interval", 0.0)
    monkeypatch.setattr(TelegramChannel, "retry_first", 0.05)
    monkeypatch.setattr(TelegramChannel, "retry_most", 0.2)
    monkeypatch.setattr(ViberChannel, "per_chat_interval", 0.0)
    monkeypatch.setattr(ViberChannel, "register_backoff", (0.05, 0.2))


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeTelegram, FakeTelegram]]:
    first, second = FakeTelegram(), FakeTelegram(token=TOKEN_2)
    await first.start()
    await second.start()
    yield first, second
    await first.close()
    await second.close()


@asynccontextmanager
async def two_bots(
    tmp_path: Path, fakes: tuple[FakeTelegram, FakeTelegram], helplines: dict[str, Helpline]
) -> AsyncIterator[TestClient]:
    first, second = fakes
    config = settings_file(
        tmp_path,
        public_url=PUBLIC,
        nlu={"backend": "none"},
        telegram={"token": first.token, "api_base": first.url, "secret_token": SECRET_1, "helpline": FIRST},
        telegram_bots=[{"token": second.token, "api_base": second.url, "secret_token": SECRET_2, "helpline": SECOND}],
    )
    async with TestClient(TestServer(build_app(load_settings(config, environ={}), helplines))) as client:
        yield client


def press(callback_id: str, data: str) -> dict[str, Any]:
    cq = json.loads(json.dumps(CALLBACK["callback_query"]))
    cq.update(id=callback_id, data=data, **{"from": PERSON})
    cq["message"]["chat"] = {"id": CHAT, "type": "private"}
    return {"callback_query": cq}


async def said_by(fake: FakeTelegram, words: str) -> None:
    for _ in range(200):
        if any(words in call.params["text"] for call in fake.of("sendMessage")):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never sent: {words!r}; sent: {[c.params['text'] for c in fake.of('sendMessage')]}")


async def update(client: TestClient, path: str, secret: str, body: dict[str, Any], status: int = 200) -> None:
    resp = await client.post(path, data=json.dumps(body), headers={SECRET_HEADER: secret})
    assert resp.status == status, await resp.text()


async def test_two_bots_answer_for_their_own_lines_and_an_operator_s_reply_leaves_from_the_right_bot(
    tmp_path: Path, fakes: tuple[FakeTelegram, FakeTelegram], helplines: dict[str, Helpline]
) -> None:
    first, second = fakes
    async with two_bots(tmp_path, fakes, helplines) as client:
        registered = [(await fake.wait_for("setWebhook", 1))[0].params for fake in fakes]
        assert [(p["url"], p["secret_token"]) for p in registered] == [
            (PUBLIC + WEBHOOK_PATH, SECRET_1),
            (PUBLIC + f"{WEBHOOK_PATH}/{SECOND}", SECRET_2),
        ]
        # each bot's webhook opens only with its own secret
        await update(client, f"{WEBHOOK_PATH}/{SECOND}", SECRET_1, message(1, text="/start"), status=401)
        await update(client, WEBHOOK_PATH, SECRET_2, message(2, text="/start"), status=401)

        # the same person writes to both bots: two conversations, one per line, each answered by its bot
        await update(client, WEBHOOK_PATH, SECRET_1, message(3, text="/start"))
        await update(client, f"{WEBHOOK_PATH}/{SECOND}", SECRET_2, message(4, text="/start"))
        greeting_1 = (await first.wait_for("sendMessage", 1))[0].params["text"]
        greeting_2 = (await second.wait_for("sendMessage", 1))[0].params["text"]
        engine = client.app[ENGINE]
        conv_1, conv_2 = [await engine.find("telegram", str(CHAT), line) for line in (FIRST, SECOND)]
        assert conv_1 is not None and conv_2 is not None and conv_1.id != conv_2.id
        assert "1620" in greeting_1.replace("-", "") and "1552" in greeting_2.replace("-", "")

        # an operator of the second line takes its chat: the words go out through the second bot only
        await update(client, f"{WEBHOOK_PATH}/{SECOND}", SECRET_2, press("cb-1", "person"))
        olena = await operator_on_duty(client.app)
        olena.helplines = [SECOND]
        olena = await client.app[STORE].operators.save(olena)
        await client.app[HANDOFF].pick(olena, conv_2.id)
        await client.app[HANDOFF].reply(olena, conv_2.id, "Доброго дня, я з лінії 15-52.")
        await said_by(second, "Доброго дня, я з лінії 15-52.")
        assert [c.params["text"] for c in first.of("sendMessage")] == [greeting_1]  # the first bot said nothing


async def test_a_deep_link_to_a_third_line_is_answered_by_the_bot_the_person_wrote_to(
    tmp_path: Path, fakes: tuple[FakeTelegram, FakeTelegram], helplines: dict[str, Helpline]
) -> None:
    first, second = fakes
    async with two_bots(tmp_path, fakes, helplines) as client:
        await update(client, f"{WEBHOOK_PATH}/{SECOND}", SECRET_2, message(1, text="/start az-116111_ru"))
        await second.wait_for("sendMessage", 1)
        conv = await client.app[ENGINE].find("telegram", str(CHAT), "az-116111")
        assert conv is not None and conv.language == "ru"
        await update(client, f"{WEBHOOK_PATH}/{SECOND}", SECRET_2, message(2, text="привет"))
        await second.wait_for("sendMessage", 2)
        assert first.of("sendMessage") == []


async def test_the_same_person_s_message_numbers_on_two_bots_are_two_messages_not_a_retry(
    tmp_path: Path, fakes: tuple[FakeTelegram, FakeTelegram], helplines: dict[str, Helpline]
) -> None:
    """Telegram numbers messages per chat, and a private chat's id is the person's on every bot."""
    first, second = fakes
    async with two_bots(tmp_path, fakes, helplines) as client:
        await update(client, WEBHOOK_PATH, SECRET_1, message(1, text="/start"))
        await update(client, WEBHOOK_PATH, SECRET_1, message(2, text="пільги"))
        await update(client, f"{WEBHOOK_PATH}/{SECOND}", SECRET_2, message(1, text="/start"))
        await update(client, f"{WEBHOOK_PATH}/{SECOND}", SECRET_2, message(2, text="Я хочу покінчити з собою"))
        said = await second.wait_for("sendMessage", 2)
        assert any("112" in call.params["text"] for call in said[1:])  # the crisis got the emergency numbers
        conv = await client.app[ENGINE].find("telegram", str(CHAT), SECOND)
        assert conv is not None and conv.priority == "crisis"
        stored = [m for m in await client.app[ENGINE].history(conv) if m.direction == "in"]
        assert len(stored) == 2


async def test_a_chat_begun_on_another_line_s_bot_is_answered_by_the_bot_the_person_writes_to_now(
    tmp_path: Path, fakes: tuple[FakeTelegram, FakeTelegram], helplines: dict[str, Helpline]
) -> None:
    first, second = fakes
    async with two_bots(tmp_path, fakes, helplines) as client:
        # a deep link on the first line's bot opens a chat of the second line there ...
        await update(client, WEBHOOK_PATH, SECRET_1, message(1, text=f"/start {SECOND}"))
        await first.wait_for("sendMessage", 1)
        # ... and later the person writes to the second line's own bot: the answer comes there
        await update(client, f"{WEBHOOK_PATH}/{SECOND}", SECRET_2, message(2, text="/start"))
        await second.wait_for("sendMessage", 1)
        assert len(first.of("sendMessage")) == 1
        conv = await client.app[ENGINE].find("telegram", str(CHAT), SECOND)
        assert conv is not None
        # so do an operator's words, after the person's last message
        await update(client, f"{WEBHOOK_PATH}/{SECOND}", SECRET_2, press("cb-1", "person"))
        olena = await operator_on_duty(client.app)
        await client.app[HANDOFF].pick(olena, conv.id)
        await client.app[HANDOFF].reply(olena, conv.id, "Я на лінії 15-52, слухаю.")
        await said_by(second, "Я на лінії 15-52, слухаю.")
        assert len(first.of("sendMessage")) == 1


# --- Viber: two bots, two lines ------------------------------------------------------------------------------


async def test_two_viber_bots_answer_for_their_own_lines(tmp_path: Path, helplines: dict[str, Helpline]) -> None:
    fakes = FakeViber(VIBER_1), FakeViber(VIBER_2)
    for fake in fakes:
        await fake.start()
    server = TestServer(web.Application(), host="127.0.0.1")  # a free port the app can announce to the fakes
    await server.start_server()
    port = server.port
    await server.close()
    config = settings_file(
        tmp_path,
        public_url=f"http://127.0.0.1:{port}",
        nlu={"backend": "none"},
        viber={"token": VIBER_1, "api_base": fakes[0].url, "helpline": FIRST},
        viber_bots=[{"token": VIBER_2, "api_base": fakes[1].url, "helpline": SECOND}],
    )
    try:
        app = build_app(load_settings(config, environ={}), helplines)
        async with TestClient(TestServer(app, host="127.0.0.1", port=port)) as client:
            for fake in fakes:
                await fake.wait_until(lambda fake=fake: fake.webhook is not None)
            assert [fake.webhook for fake in fakes] == [
                f"http://127.0.0.1:{port}/viber/webhook",
                f"http://127.0.0.1:{port}/viber/webhook/{SECOND}",
            ]
            for n, (path, token) in enumerate((("/viber/webhook", VIBER_1), (f"/viber/webhook/{SECOND}", VIBER_2))):
                body = json.dumps(
                    {
                        "event": "message",
                        "timestamp": 1457764197627,
                        "message_token": 4912661846655238145 + n,
                        "sender": {"id": "viber-user-01234567890A==", "language": "uk"},
                        "message": {"type": "text", "text": "Допоможіть, будь ласка"},
                    }
                ).encode()
                wrong = await client.post(path, data=body, headers=signed_headers(VIBER_2 if n == 0 else VIBER_1, body))
                assert wrong.status == 403  # the other bot's signature does not open this webhook
                resp = await client.post(path, data=body, headers=signed_headers(token, body))
                assert resp.status == 200, await resp.text()
            for fake in fakes:
                await fake.wait_until(lambda fake=fake: len(fake.sent()) >= 1)
            engine = app[ENGINE]
            convs = [await engine.find("viber", "viber-user-01234567890A==", line) for line in (FIRST, SECOND)]
            assert all(c is not None for c in convs) and convs[0].id != convs[1].id  # type: ignore[union-attr]  # checked
            assert all(b["receiver"] == "viber-user-01234567890A==" for fake in fakes for b in fake.sent())
    finally:
        for fake in fakes:
            await fake.stop()


# --- the web chat and REST: a page and a path per line --------------------------------------------------------


@asynccontextmanager
async def plain_site(tmp_path: Path, helplines: dict[str, Helpline]) -> AsyncIterator[TestClient]:
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none"})
    async with TestClient(TestServer(build_app(settings, helplines))) as client:
        yield client


async def test_each_line_has_its_own_web_chat_page(tmp_path: Path, helplines: dict[str, Helpline]) -> None:
    async with plain_site(tmp_path, helplines) as client:
        for line in helplines:
            resp = await client.get(f"/chat/{line}")
            page = await resp.text()
            assert resp.status == 200 and f'data-helpline="{line}"' in page, line
            assert f'<html lang="{helplines[line].settings.default_language}">' in page
        assert (await client.get("/chat/no-such-line")).status == 404
        for fixed in ("/chat/widget.js", "/chat/widget.css"):  # the widget's own files are not lines
            resp = await client.get(fixed)
            assert resp.status == 200 and "text/html" not in resp.headers["Content-Type"]
        assert 'data-helpline="az-116111"' in await (await client.get("/chat?helpline=az-116111")).text()


async def test_a_key_s_message_ids_on_another_line_never_open_the_first_line_s_replies(
    tmp_path: Path, helplines: dict[str, Helpline]
) -> None:
    async with plain_site(tmp_path, helplines) as client:
        path = "/api/v1/helplines/{line}/conversations/{key}/messages"
        victim = await client.post(path.format(line="cherkasy-1545", key="8"), json={"id": "1", "text": "Привіт"})
        token = {"Authorization": f"Bearer {(await victim.json())['token']}"}
        told = "Немає опалення, вул. Смілянська 12, я Оксана, тел 0671234567"
        said = await client.post(
            path.format(line="cherkasy-1545", key="8"), json={"id": "2", "text": told}, headers=token
        )
        assert said.status == 200
        # the same key and ids on another line: a new chat of that line, nothing of the first
        other = await client.post(path.format(line="az-116111", key="8"), json={"id": "1", "text": "Salam"})
        first = await other.json()
        assert other.status == 200 and "duplicate" not in first and "token" in first, first
        again = await client.post(
            path.format(line="az-116111", key="8"),
            json={"id": "2", "text": "Salam"},
            headers={"Authorization": f"Bearer {first['token']}"},
        )
        assert again.status == 200 and "duplicate" not in await again.json()
        assert "Оксана" not in json.dumps([first, await again.json()], ensure_ascii=False)
        # and within one line, a key that joins to the same text ("8:x" + "1" against "8" + "x:1")
        await client.post(path.format(line="cherkasy-1545", key="8"), json={"id": "x:1", "text": told}, headers=token)
        joined = await client.post(path.format(line="cherkasy-1545", key="8:x"), json={"id": "1", "text": "?"})
        answer = await joined.json()
        assert joined.status == 200 and "duplicate" not in answer and "token" in answer


async def on_line(client: TestClient, line: str, key: str) -> bool:
    engine = client.app[ENGINE]
    return await engine.store.conversations.find_by_user(line, "rest", engine.vault.user_key("rest", key)) is not None


async def test_each_line_has_its_own_rest_path_and_a_token_opens_only_its_line(
    tmp_path: Path, helplines: dict[str, Helpline]
) -> None:
    async with plain_site(tmp_path, helplines) as client:
        path = "/api/v1/helplines/{line}/conversations/app-user-7/messages"
        first = await client.post(path.format(line=SECOND), json={"text": "Привіт"})
        assert first.status == 200, await first.text()
        answer = await first.json()
        assert await on_line(client, SECOND, "app-user-7")
        token = {"Authorization": f"Bearer {answer['token']}"}
        # the same key on another line is another conversation; this token does not open it
        other = await client.post(path.format(line="az-116111"), json={"text": "Salam"}, headers=token)
        assert other.status == 401 and (await other.json())["error"] == "invalid_token"
        history = await client.get(f"/api/v1/helplines/{SECOND}/conversations/app-user-7", headers=token)
        assert history.status == 200 and len((await history.json())["messages"]) >= 2
        elsewhere = await client.get("/api/v1/helplines/az-116111/conversations/app-user-7", headers=token)
        assert elsewhere.status == 401
        # a body naming another line than the path is refused, not guessed between; an unknown line is 404
        mismatch = await client.post(path.format(line=SECOND), json={"text": "x", "helpline": FIRST}, headers=token)
        assert mismatch.status == 422 and (await mismatch.json())["error"] == "helpline_mismatch"
        unknown = await client.post(path.format(line="no-such-line"), json={"text": "x"})
        assert unknown.status == 404 and (await unknown.json())["error"] == "unknown_helpline"
        # the spine's path stays the default line's
        default = await client.post("/api/v1/conversations/app-user-8/messages", json={"text": "Привіт"})
        assert default.status == 200 and await on_line(client, client.app[ENGINE].default_helpline, "app-user-8")
        assert not await on_line(client, SECOND, "app-user-8") and not await on_line(client, "az-116111", "app-user-7")


# --- two lines' operators in one deployment: neither sees, takes nor counts the other's chats -----------------


@pytest.fixture
async def two_line_site(tmp_path: Path, any_store: Store, request: pytest.FixtureRequest) -> AsyncIterator[ConsoleSite]:
    store = any_store
    if isinstance(any_store, MongoStore):  # the app closes its store's client at shutdown: give it its own
        store = MongoStore(request.getfixturevalue("mongo_uri"), any_store.db.name, secret=TEST_SECRET)
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none"})
    server = TestServer(build_app(settings, load_helplines(shipped_helpline_folders()), store=store), host="127.0.0.1")
    await server.start_server()
    site = ConsoleSite(server)
    try:
        yield site
    finally:
        for agent in site.agents:
            await agent.close()
        await server.close()


async def waiting_on(site: ConsoleSite, line: str, key: str) -> str:
    person = site.agent()
    resp = await person.http.post(
        site.base + f"/api/v1/helplines/{line}/conversations/{key}/messages", json={"button": "person"}
    )
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["conversation"]["state"] == "waiting"
    conv = await site.store.conversations.find_by_user(line, "rest", site.app[ENGINE].vault.user_key("rest", key))
    assert conv is not None
    return conv.id


async def test_an_operator_of_one_line_never_sees_takes_or_counts_the_other_line_s_chats(
    two_line_site: ConsoleSite,
) -> None:
    site = two_line_site
    kharkiv_chat = await waiting_on(site, SECOND, "kharkiv-person")
    az_chat = await waiting_on(site, "az-116111", "az-person")
    agents: dict[str, Agent] = {}
    for login, line, role in (
        ("kh-op", SECOND, "operator"),
        ("az-op", "az-116111", "operator"),
        ("kh-sup", SECOND, "supervisor"),
    ):
        await site.operator(login, helplines=[line], role=role)
        agents[login] = site.agent("en")
        assert (await agents[login].log_in(login)).status == 303
    assert [c["id"] for c in (await agents["kh-op"].queue())["queue"]] == [kharkiv_chat]
    assert [c["id"] for c in (await agents["az-op"].queue())["queue"]] == [az_chat]
    assert [c["id"] for c in (await agents["kh-sup"].queue())["queue"]] == [kharkiv_chat]
    for who, other in (
        ("kh-op", az_chat),
        ("kh-sup", az_chat),
        ("az-op", kharkiv_chat),
    ):
        agent = agents[who]
        for method, path in (
            ("get", f"/console/c/{other}"),
            ("get", f"/console/api/c/{other}"),
            ("post", f"/console/c/{other}/pick"),
            ("post", f"/console/c/{other}/reply"),
            ("post", f"/console/c/{other}/note"),
            ("post", f"/console/c/{other}/close"),
        ):
            resp = await (agent.post(path, {"text": "x"}, json_reply=True) if method == "post" else agent.get(path))
            assert resp.status == 404, (who, path, resp.status)
    for cid in (kharkiv_chat, az_chat):
        assert (await site.store.conversations.get(cid)).state == "waiting"  # type: ignore[union-attr]  # exists
    # each takes their own line's chat
    assert (await agents["kh-op"].post(f"/console/c/{kharkiv_chat}/pick", json_reply=True)).status == 200
    assert (await agents["az-op"].post(f"/console/c/{az_chat}/pick", json_reply=True)).status == 200
    # the supervisor of one line sees that line's figures and not the other's (not even that they exist)
    figures = await agents["kh-sup"].get("/console/figures")
    page = await figures.text()
    assert figures.status == 200 and "az-116111" not in page
    assert (await agents["kh-sup"].get("/console/figures?helpline=az-116111")).status == 404
