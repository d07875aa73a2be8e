"""The name a person is told an operator has.

A console login is half of a credential: an anonymous person who asks for a
human must not learn one (attack report B5; issue 20 item 19 keeps logins
from leaking anywhere else). An operator is shown to the person by the
display name an administrator gave, or else as a neutral role in the
conversation's language. A display name that is just the login counts as
none: ``vikno operator add`` without ``--display-name`` stores the login
there (the console's own lists show it to colleagues), and accounts made
before this rule hold the same.
"""

from __future__ import annotations

from vikno.storage.models import Operator

#: The neutral role, per language of the shipped helplines; other languages get the English word.
ROLE = {"uk": "фахівець", "ru": "специалист", "az": "mütəxəssis", "en": "specialist"}


def has_name_for_person(operator: Operator) -> bool:
    """Whether an administrator gave this operator a name to show (not just the login)."""
    shown = (operator.display_name or "").strip()
    return bool(shown) and shown.casefold() != operator.login.strip().casefold()


def name_for_person(operator: Operator, lang: str | None) -> str:
    """What the person sees: the given display name, never the login."""
    if has_name_for_person(operator):
        return operator.display_name.strip()
    return ROLE.get(lang or "", ROLE["en"])
