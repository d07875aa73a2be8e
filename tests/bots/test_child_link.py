"""The link a family-care service gives a child: the web chat page opens on the line's child path (issue 27).

``/chat?helpline=kharkiv-1552&lang=uk&start=child`` writes the start word on
the page only when the line has a topic that starts with it; the widget
presses it once for a new chat (tests/bots/test_webchat_browser.py). Over
the socket, that press is the first message: the child line numbers come
back first and the chat waits at the top of the line's queue.
"""

from __future__ import annotations

import json

from aiohttp.test_utils import TestClient

from vikno.bots.keys import ENGINE

CHILD_PAGE = "/chat?helpline=kharkiv-1552&lang=uk&start=child"


async def test_the_child_link_s_page_carries_the_start_word_and_nothing_else(client: TestClient) -> None:
    page = await (await client.get(CHILD_PAGE)).text()
    assert 'data-helpline="kharkiv-1552"' in page and 'data-lang="uk"' in page and 'data-start="child"' in page
    assert 'data-start="child"' in await (await client.get(CHILD_PAGE.replace("child", "CHILD"))).text()
    line_page = await (await client.get("/chat/kharkiv-1552?lang=uk&start=child")).text()  # the line's own page
    assert 'data-helpline="kharkiv-1552"' in line_page and 'data-start="child"' in line_page
    for odd in ("nothing", '"><script>alert(1)</script>', "child%00"):
        body = await (await client.get(f"/chat?helpline=kharkiv-1552&start={odd}")).text()
        assert "data-start" not in body and "<script>alert" not in body, odd
    # line 1620 has no child path: its page has no start word
    assert "data-start" not in await (await client.get("/chat?helpline=community-1620&start=child")).text()


async def test_the_start_press_over_the_socket_gives_the_numbers_first_and_the_top_of_the_queue(
    client: TestClient,
) -> None:
    ws = await client.ws_connect("/chat/ws", headers={"Origin": str(client.make_url(""))})
    await ws.send_json({"type": "hello", "key": None, "lang": "uk", "helpline": "kharkiv-1552"})
    welcome = await ws.receive_json()
    assert welcome["type"] == "welcome" and welcome["history"] == []
    await ws.send_json({"type": "button", "id": "s1", "payload": "start:child"})
    frames = [await ws.receive_json() for _ in range(4)]
    replies = [f["message"]["text"] for f in frames if f["type"] == "reply"]
    assert replies[0].startswith("Добре, що ти нам пишеш.") and "☎ 116 111" in replies[0] and "☎ 112" in replies[0]
    (conversation,) = [f["conversation"] for f in frames if f["type"] == "conversation"]
    assert conversation["state"] == "waiting" and conversation["priority"] == "crisis"
    engine = client.app[ENGINE]
    (waiting,) = await engine.store.conversations.waiting(["kharkiv-1552"])
    assert waiting.topic == "child_help" and json.dumps(waiting.data).find("child") < 0  # nothing of the link kept
    await ws.close()
