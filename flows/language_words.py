"""A language asked for in words: "English please", "по-русски", "українською", "dil".

The language buttons sit in the menus; a person inside a report or appeal form begun in a language they
cannot read saw only the form's own buttons, and "English please" or "language" typed there was taken as an
answer to the form (session 16's attack). A message that is nothing but such a request is read as the
button it names, in a form or out of one. Only whole messages count (a few polite words around the name
allowed): "I speak English at school" or "в школі українська мова" is a sentence about something else.

A language refused in words ("я не розумію українською", "не по-русски", "I don't speak English") is the
opposite request: session 17's attack found the detector reading those words as the very language refused and
switching to it. Such a message names the language it does not want; the one it is written in, when that is
another language of the line, is the one wanted (:func:`language_instead`).
"""

from __future__ import annotations

from vikno.nlu.language_names import NAMES as _NAMES
from vikno.nlu.language_names import POLITE as _POLITE
from vikno.nlu.language_names import language_refused

from .messages import LANGUAGE
from .words import words

__all__ = ["LANG_PREFIX", "language_asked", "language_instead", "language_refused"]

LANG_PREFIX = "lang:"

#: A request for the list of languages, with no language named.
_CHOOSE = {
    "language", "change language", "other language", "another language", "languages", "мова", "змінити мову",
    "інша мова", "мову", "язык", "сменить язык", "другой язык", "поменять язык", "dil", "dili dəyiş",
    "dili deyis", "dil seç", "dil sec", "başqa dil", "basqa dil",
}  # fmt: skip


def language_instead(
    text: str | None, languages: tuple[str, ...] | list[str], written_in: str | None, current: str | None = None
) -> str | None:
    """The button a refusal of a language stands for: the language the refusal is written in when the line has it
    and it is not the one refused ("I don't understand Ukrainian" -> English), else the conversation's language when
    that is not the one refused (a Russian chat stays Russian), else the line's one other language, else the list.
    None when the message refuses no language."""
    refused = language_refused(text)
    if refused is None:
        return None
    for lang in (written_in, current):
        if lang is not None and lang in languages and lang != refused:
            return LANG_PREFIX + lang
    others = [lang for lang in languages if lang != refused]
    return LANG_PREFIX + others[0] if len(others) == 1 else LANGUAGE


def language_asked(text: str | None, languages: tuple[str, ...] | list[str]) -> str | None:
    """The button a typed message stands for: ``lang:xx`` for one of ``languages``, ``language`` for the
    list of languages, or None when the message is about something else (or names a language the line has not).
    """
    said = words(text)
    if not said or len(said) > 5:
        return None
    if " ".join(said) in _CHOOSE:
        return LANGUAGE
    named = {lang for lang, names in _NAMES.items() for w in said if w in names}
    rest = [w for w in said if w not in _POLITE and not any(w in names for names in _NAMES.values())]
    if len(named) != 1 or rest:
        return None
    (lang,) = named
    return LANG_PREFIX + lang if lang in languages else LANGUAGE
