"""The name a person is told an operator has: the given display name, never the login (attack report B5)."""

from __future__ import annotations

from vikno.handoff.names import name_for_person
from vikno.storage.models import Operator


def operator(login: str, display_name: str) -> Operator:
    return Operator(login=login, display_name=display_name, password_hash="$argon2id$x")


def test_a_given_display_name_is_shown() -> None:
    assert name_for_person(operator("olena.k", "Олена"), "uk") == "Олена"


def test_without_one_the_person_sees_the_role_in_their_language_never_the_login() -> None:
    for display_name in ("opa", "OPA ", ""):  # the login stored as the name (old default), or nothing
        o = operator("opa", display_name)
        assert [name_for_person(o, lang) for lang in ("uk", "ru", "az", "en")] == [
            "фахівець",
            "специалист",
            "mütəxəssis",
            "specialist",
        ]
        assert name_for_person(o, None) == name_for_person(o, "de") == "specialist"
