"""The README's nginx set-up, for real: deploy/nginx/vikno.conf in front of `vikno serve`, over TLS on loopback.

Issue 25: behind nginx without the WebSocket upgrade headers the web chat and the
console's live updates failed with 400, the chat's own origin was refused until
VIKNO_PUBLIC_URL was set, and nothing said where the webhooks go. This runs the
very file the README points to (only its ports, certificate and upstream address
are changed, each checked to be there) with a certificate made now, and talks to
it as people, operators and Telegram would: a web chat conversation over the
socket, a console login with a live update, a Telegram webhook, and forwarded
addresses (limits count the address nginx saw, never one a client wrote).
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from tests.bots.fake_telegram import FakeTelegram
from ..support import free_port

#: one nginx and one vikno for the module (each test talks from its own client, address or conversation)
pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "nginx" / "vikno.conf"
NGINX = os.environ.get("VIKNO_NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"
if not os.path.exists(NGINX):  # pragma: no cover - depends on the machine
    pytest.skip(
        f"no nginx at {NGINX}: run scripts/ensure-nginx.sh (as root it installs Debian's nginx-light), "
        "or set VIKNO_NGINX",
        allow_module_level=True,
    )

PASSWORD = "correct horse battery"
TELEGRAM_SECRET = "nginx-test-secret_1"
CRISIS_TEXT = "не хочу більше жити"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 made now (cryptography is a dependency of vikno already)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "vikno nginx test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def site_for_test(https: int, http: int, upstream: int, cert: Path, key: Path) -> str:
    """deploy/nginx/vikno.conf with loopback ports and the test's certificate; every other line as shipped."""
    text = CONF.read_text()
    for shipped, here in [
        ("listen 443 ssl;", f"listen 127.0.0.1:{https} ssl;"),
        ("listen [::]:443 ssl;", ""),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("listen [::]:80;", ""),
        ("server 127.0.0.1:8080;", f"server 127.0.0.1:{upstream};"),
        ("/etc/letsencrypt/live/help.example.org/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/help.example.org/privkey.pem", str(key)),
    ]:
        assert text.count(shipped) == 1, f"{CONF} no longer has {shipped!r}: update this test with it"
        text = text.replace(shipped, here)
    return text


def nginx_conf(folder: Path, site: str) -> Path:
    """The part Debian's /etc/nginx/nginx.conf gives (events, the http block), writing only into ``folder``."""
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / temp).mkdir()
    user = "user root root;\n" if os.geteuid() == 0 else ""  # workers read the test's private folder
    conf = folder / "nginx.conf"
    conf.write_text(f"""{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log info;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
{site}
}}
""")
    return conf


def vikno_env(data: Path, **extra: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("VIKNO_") and k != "MONGODB_URI"}
    return environ | {"VIKNO_DATA_DIR": str(data), "VIKNO_NLU": "none"} | extra


@dataclass
class Proxied:
    base: str  # https://127.0.0.1:<nginx port>
    http_port: int
    tls: ssl.SSLContext
    telegram: FakeTelegram
    vikno: subprocess.Popen

    def session(self, local_address: str = "127.0.0.1") -> aiohttp.ClientSession:
        """A client that trusts the test's certificate (checked, not ignored) and connects from ``local_address``."""
        connector = aiohttp.TCPConnector(ssl=self.tls, local_addr=(local_address, 0))
        return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True))


#: How long a fresh `vikno serve` may take to answer: it trains the crisis model before it serves (10-30 s on the
#: shared 2 cores as the corpus grew; a start-up wait, not a speed target: bench/ measures speed).
START_WITHIN = 90.0


async def _wait_healthy(base: str, tls: ssl.SSLContext, *procs: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_WITHIN
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=tls)) as http:
        while time.monotonic() < deadline:
            for proc in procs:
                assert proc.poll() is None, f"{proc.args[0]} exited: {proc.stderr.read() if proc.stderr else ''}"
            try:
                async with http.get(base + "/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    raise AssertionError(f"vikno did not answer through nginx within {START_WITHIN:.0f} s")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def proxied(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Proxied]:
    tmp_path = tmp_path_factory.mktemp("nginx")
    https, http, upstream = free_port(), free_port(), free_port()
    cert, key = self_signed(tmp_path)
    conf = nginx_conf(tmp_path, site_for_test(https, http, upstream, cert, key))
    checked = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    telegram = FakeTelegram()
    api = await telegram.start()
    base = f"https://127.0.0.1:{https}"
    env = vikno_env(
        tmp_path / "data",
        VIKNO_PORT=str(upstream),
        VIKNO_PUBLIC_URL=base,
        VIKNO_TRUSTED_PROXIES="127.0.0.1,::1",
        VIKNO_TELEGRAM_TOKEN=telegram.token,
        VIKNO_TELEGRAM_API=api,
        VIKNO_TELEGRAM_SECRET=TELEGRAM_SECRET,
    )
    added = subprocess.run(
        [sys.executable, "-m", "vikno.bots", "operator", "add", "olena", "--role", "supervisor"],
        env=env | {"VIKNO_OPERATOR_PASSWORD": PASSWORD},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert added.returncode == 0, added.stderr
    server = subprocess.Popen(
        [sys.executable, "-m", "vikno.bots", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    nginx = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
        text=True,
    )
    tls = ssl.create_default_context(cafile=str(cert))
    try:
        await _wait_healthy(base, tls, server, nginx)
        yield Proxied(base, http, tls, telegram, server)
    finally:
        for proc in (nginx, server):
            proc.terminate()
        for proc in (nginx, server):
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:  # pragma: no cover
                proc.kill()
        await telegram.close()


async def _receive_until(ws: aiohttp.ClientWebSocketResponse, kind: str) -> list[dict]:
    seen: list[dict] = []
    while not any(frame.get("type") == kind for frame in seen):
        seen.append(await ws.receive_json(timeout=10))
    return seen


async def test_https_and_the_redirect(proxied: Proxied) -> None:
    async with proxied.session() as http:
        async with http.get(proxied.base + "/healthz") as resp:
            assert resp.status == 200 and (await resp.json())["status"] == "ok"
            assert resp.headers["Strict-Transport-Security"].startswith("max-age=")  # VIKNO_PUBLIC_URL is https
        async with http.get(f"http://127.0.0.1:{proxied.http_port}/chat?lang=uk", allow_redirects=False) as resp:
            assert resp.status == 301 and resp.headers["Location"] == "https://127.0.0.1/chat?lang=uk"


async def test_a_web_chat_conversation_over_the_socket(proxied: Proxied) -> None:
    async with proxied.session() as http:
        async with http.get(proxied.base + "/chat?lang=uk") as page:
            assert page.status == 200
        # a browser on the chat's own page sends its origin: https, nginx's port
        async with http.ws_connect(proxied.base.replace("https", "wss") + "/chat/ws", origin=proxied.base) as ws:
            await ws.send_json({"type": "hello", "key": None, "lang": "uk"})
            welcome = await ws.receive_json(timeout=10)
            assert welcome["type"] == "welcome" and welcome["helpline"]["id"] == "community-1620"
            await ws.send_json({"type": "message", "id": "m1", "text": "Привіт"})
            frames = await _receive_until(ws, "reply")
            assert any(f["type"] == "ack" and f["id"] == "m1" for f in frames)
            assert "1620" in next(f for f in frames if f["type"] == "reply")["message"]["text"]
        with pytest.raises(aiohttp.WSServerHandshakeError) as foreign:  # another site may not open it
            await http.ws_connect(proxied.base.replace("https", "wss") + "/chat/ws", origin="https://evil.example")
        assert foreign.value.status == 403


async def test_a_console_login_with_a_live_update(proxied: Proxied) -> None:
    async with proxied.session() as operator, proxied.session() as person:
        page = await (await operator.get(proxied.base + "/console/login")).text()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        async with operator.post(
            proxied.base + "/console/login",
            allow_redirects=False,
            data={"csrf": csrf, "login": "olena", "password": PASSWORD},
        ) as resp:
            assert resp.status == 303, await resp.text()
            assert "Secure" in resp.headers["Set-Cookie"]  # the public address is https: cookies only over TLS
        async with operator.ws_connect(
            proxied.base.replace("https", "wss") + "/console/ws", origin=proxied.base
        ) as live:
            assert (await live.receive_json(timeout=10))["type"] == "hello"
            async with person.post(
                proxied.base + "/api/v1/conversations/nginx-person-1/messages", json={"text": CRISIS_TEXT}
            ) as said:
                assert said.status == 200
            frames = await _receive_until(live, "crisis")
            assert next(f for f in frames if f["type"] == "crisis")["priority"] == "crisis"


async def test_a_telegram_webhook_through_nginx(proxied: Proxied) -> None:
    registered = await proxied.telegram.wait_for("setWebhook", timeout=15)
    assert registered[-1].params["url"] == proxied.base + "/telegram/webhook"
    update = {
        "update_id": 5001,
        "message": {
            "message_id": 1,
            "date": 1767225600,
            "text": "Привіт",
            "chat": {"id": 777001, "type": "private"},
            "from": {"id": 777001, "is_bot": False, "first_name": "Test"},
        },
    }
    async with proxied.session() as http:
        async with http.post(
            proxied.base + "/telegram/webhook", data=json.dumps(update), headers={"Content-Type": "application/json"}
        ) as resp:
            assert resp.status == 401  # no secret token: not Telegram
        async with http.post(
            proxied.base + "/telegram/webhook",
            data=json.dumps(update),
            headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
        ) as resp:
            assert resp.status == 200
    await proxied.telegram.wait_for("sendMessage", timeout=15)
    sent = proxied.telegram.sent_to(777001)
    assert sent and "1620" in sent[0].params["text"]


async def test_limits_count_the_address_nginx_saw_not_one_the_client_wrote(proxied: Proxied) -> None:
    """Five new conversations an address may start at once: a client cannot dodge that with X-Forwarded-For,
    and people behind nginx are told apart (VIKNO_TRUSTED_PROXIES names nginx)."""
    async with proxied.session("127.0.0.2") as one, proxied.session("127.0.0.3") as other:
        answers = []
        for n in range(6):
            async with one.post(
                proxied.base + f"/api/v1/conversations/nginx-forwarded-{n}/messages",
                json={"text": "Привіт"},
                headers={"X-Forwarded-For": f"198.51.100.{n}"},
            ) as resp:
                answers.append(resp.status)
        assert answers == [200] * 5 + [429]
        async with other.post(
            proxied.base + "/api/v1/conversations/nginx-forwarded-other/messages", json={"text": "Привіт"}
        ) as resp:
            assert resp.status == 200  # another person behind the same nginx is not held back
