"""The profiles' table of attacks (issue 27): several shipped lines in one vikno, and a renamed line.

Every shipped line runs in one deployment, and line 1620 was renamed (``line1620`` became
``community-1620``, its ``former_ids`` keep the tokens its apps hold working). A token opens the
conversation of its own line only: not one of another line with the same key, and a former id of one
line is no key to another.
"""

from __future__ import annotations

from tests.handoff.conftest import ConsoleSite

from .table import Attack, rows

URL = "/api/v1/conversations/{}/messages"


async def another_lines_token_opens_nothing(site: ConsoleSite) -> None:
    rest = next(
        r.handler.__self__
        for r in site.app.router.routes()
        if r.method == "GET" and r.resource is not None and r.resource.canonical == "/api/v1/conversations/{key}"
    )
    person = site.agent()
    started = await person.http.post(
        person.url(URL.format("k-1552")), json={"text": "Добрий день", "helpline": "kharkiv-1552"}
    )
    assert started.status == 200
    for forged_line in ("community-1620", "line1620", "az-116111"):  # another line, the 1620's former id, another
        token = rest.tokens.token(forged_line, "k-1552")
        resp = await person.http.post(
            person.url(URL.format("k-1552")),
            json={"text": "ще", "helpline": "kharkiv-1552"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert resp.status == 401, forged_line
        read = await person.http.get(
            person.url("/api/v1/conversations/k-1552?helpline=kharkiv-1552"),
            headers={"Authorization": f"Bearer {token}"},
        )
        assert read.status == 401, forged_line
    own = rest.tokens.token("kharkiv-1552", "k-1552")
    read = await person.http.get(
        person.url("/api/v1/conversations/k-1552?helpline=kharkiv-1552"), headers={"Authorization": f"Bearer {own}"}
    )
    assert read.status == 200


ATTACKS = [
    Attack(
        id="another-lines-token",
        item="27.1",
        what="open a conversation of one shipped line with a token made "
        "for another line or for the renamed line's former id: refused (401), its own line's token only",
        run=another_lines_token_opens_nothing,
    ),
]


@rows(ATTACKS)
async def test_profiles_attack(attack: Attack, any_site: ConsoleSite) -> None:
    await attack.run(any_site)
