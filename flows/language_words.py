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

from .messages import LANGUAGE
from .words import words

LANG_PREFIX = "lang:"

#: Words that may stand around a language's name without making the message about something else.
_POLITE = {
    "please", "pls", "plz", "in", "speak", "talk", "write", "can", "you", "could", "we", "language", "lang",
    "будь", "ласка", "пожалуйста", "плиз", "на", "по", "мова", "мовою", "язык", "языке", "можна",
    "можно", "говоріть", "говорите", "пишіть", "пишите", "давайте",
    "zəhmət", "zehmet", "olmasa", "dilində", "dilinde", "dili", "dil", "danışın", "danisin", "yazın", "yazin",
}  # fmt: skip

#: A language's name as people type it, in each of the four languages (and without special letters).
_NAMES = {
    "uk": {
        "українська", "українською", "українськ", "українськи", "украинский", "украинском", "украински",
        "ukrainian", "ukrainska", "ukrainskoyu", "ukrainskoju", "ukrainskoiu", "ukr", "укр", "ukraynaca",
        "ukrayna",
    },
    "ru": {
        "русский", "русском", "русски", "російська", "російською", "russian", "russkiy", "russkij", "russki",
        "rus", "rusca", "rusça", "рус",
    },
    "az": {
        "azərbaycanca", "azerbaycanca", "azərbaycan", "azerbaycan", "azeri", "azerbaijani", "азербайджанский",
        "азербайджанском", "азербайджанською", "азербайджанська", "азербайджански",
    },
    "en": {
        "english", "eng", "англійська", "англійською", "английский", "английском", "английски", "ingiliscə",
        "ingilisce", "ingilis", "англ",
    },
}  # fmt: skip

#: A request for the list of languages, with no language named.
_CHOOSE = {
    "language", "change language", "other language", "another language", "languages", "мова", "змінити мову",
    "інша мова", "мову", "язык", "сменить язык", "другой язык", "поменять язык", "dil", "dili dəyiş",
    "dili deyis", "dil seç", "dil sec", "başqa dil", "basqa dil",
}  # fmt: skip


#: Words a refusal of a language is made of (besides the polite words and the language's name). A negation is
#: required (:data:`_NOT`): "I understand English" is not a refusal.
_REFUSING = {
    "i", "я", "mən", "men", "do", "does", "well", "very", "good", "much", "at", "all", "sorry", "read", "understand",
    "speak", "know", "розумію", "понимаю", "знаю", "говорю", "розмовляю", "разговариваю", "читаю", "володію",
    "владею", "добре", "хорошо", "погано", "плохо", "вибачте", "извините", "yaxşı", "yaxsi", "başa", "basa",
    "dilini", "языка", "мови",
}  # fmt: skip

#: A negation: the separate words of uk / ru / en, and Azerbaijani verbs that carry it in their ending.
_NOT = {
    "не", "ні", "нет", "not", "no", "don't", "dont", "doesn't", "can't", "cant", "cannot", "düşmürəm",
    "dusmurem", "bilmirəm", "bilmirem", "anlamıram", "anlamiram", "danışmıram", "danismiram", "oxumuram",
}  # fmt: skip


def language_refused(text: str | None) -> str | None:
    """The language a whole message says the person does not understand ("не по-русски"), or None."""
    said = words(text)
    if not said or len(said) > 7 or not any(w in _NOT for w in said):
        return None
    named = {lang for lang, names in _NAMES.items() for w in said if w in names}
    known = _POLITE | _REFUSING | _NOT
    if len(named) != 1 or any(w not in known and not any(w in names for names in _NAMES.values()) for w in said):
        return None
    return next(iter(named))


def language_instead(text: str | None, languages: tuple[str, ...] | list[str], written_in: str | None) -> str | None:
    """The button a refusal of a language stands for: the language the refusal is written in when the line has it
    and it is not the one refused ("I don't understand Ukrainian" -> English), else the line's one other language,
    else the list. None when the message refuses no language."""
    refused = language_refused(text)
    if refused is None:
        return None
    if written_in is not None and written_in in languages and written_in != refused:
        return LANG_PREFIX + written_in
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
