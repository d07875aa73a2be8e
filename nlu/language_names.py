"""Languages named in a message: "English please", "по-русски", "я не розумію українською".

Two readers need the same words. The dialogue (flows/language_words.py) reads a whole message that asks for a
language, or refuses one, as the language button it stands for. The crisis triage (nlu/risk.py) must not let
such a clause dilute a crisis said after it: "не розумію українською, мені дуже погано, не хочу жити" scored 0.05
with the crisis model (0.29 without its first clause) and was only asked about (session 18's outside attack).
"""

from __future__ import annotations

import re

__all__ = ["NAMES", "NOT", "POLITE", "REFUSING", "language_refused", "without_language_clause"]

_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ`][^\W\d_]+)*", re.UNICODE)


def words(text: str | None) -> list[str]:
    """Lower-case words, apostrophes as ', ё as е (as flows/words.py splits typed answers)."""
    low = (text or "").replace("İ", "i").lower().replace("ё", "е")
    return [w.replace("’", "'").replace("ʼ", "'").replace("`", "'") for w in _WORD.findall(low)]


#: Words that may stand around a language's name without making the message about something else.
POLITE = {
    "please", "pls", "plz", "in", "speak", "talk", "write", "can", "you", "could", "we", "language", "lang",
    "будь", "ласка", "пожалуйста", "плиз", "на", "по", "мова", "мовою", "язык", "языке", "можна",
    "можно", "говоріть", "говорите", "пишіть", "пишите", "давайте",
    "zəhmət", "zehmet", "olmasa", "dilində", "dilinde", "dili", "dil", "danışın", "danisin", "yazın", "yazin",
}  # fmt: skip

#: A language's name as people type it, in each of the four languages (and without special letters).
NAMES = {
    "uk": {
        "українська", "українською", "українськ", "українськи", "украинский", "украинском", "украински",
        "ukrainian", "ukrainska", "ukrainskoyu", "ukrainskoju", "ukrainskoiu", "ukr", "укр", "ukraynaca",
        "ukrayna", "української", "українську", "украинского", "украинскому",
    },
    "ru": {
        "русский", "русском", "русски", "російська", "російською", "russian", "russkiy", "russkij", "russki",
        "rus", "rusca", "rusça", "рус", "російської", "російську", "русского", "русскому",
    },
    "az": {
        "azərbaycanca", "azerbaycanca", "azərbaycan", "azerbaycan", "azeri", "azerbaijani", "азербайджанский",
        "азербайджанском", "азербайджанською", "азербайджанська", "азербайджански", "азербайджанської",
        "азербайджанську", "азербайджанского",
    },
    "en": {
        "english", "eng", "англійська", "англійською", "английский", "английском", "английски", "ingiliscə",
        "ingilisce", "ingilis", "англ", "англійської", "англійську", "английского", "английскому",
    },
}  # fmt: skip

#: Words a refusal of a language is made of (besides the polite words and the language's name). A negation is
#: required (:data:`NOT`): "I understand English" is not a refusal.
REFUSING = {
    "i", "я", "mən", "men", "do", "does", "well", "very", "good", "much", "at", "all", "sorry", "read", "understand",
    "speak", "know", "розумію", "понимаю", "знаю", "говорю", "розмовляю", "разговариваю", "читаю", "володію",
    "владею", "добре", "хорошо", "погано", "плохо", "вибачте", "извините", "yaxşı", "yaxsi", "başa", "basa",
    "dilini", "языка", "мови",
}  # fmt: skip

#: A negation: the separate words of uk / ru / en, and Azerbaijani verbs that carry it in their ending.
NOT = {
    "не", "ні", "нет", "not", "no", "don't", "dont", "doesn't", "can't", "cant", "cannot", "düşmürəm",
    "dusmurem", "bilmirəm", "bilmirem", "anlamıram", "anlamiram", "danışmıram", "danismiram", "oxumuram",
}  # fmt: skip

#: A name as a person's nationality, not a language's: "я не русский" refuses nothing unless a verb or "по" says so.
_WHO = {"русский", "украинский", "українська", "російська", "английский", "англійська", "азербайджанский"}
_HOW = REFUSING - {"i", "я", "mən", "men", "do", "does", "well", "very", "good", "much", "at", "all", "sorry"} | {
    "по",
    "язык",
    "языке",
    "мова",
    "мовою",
    "language",
    "dil",
    "dili",
    "dilində",
    "dilinde",
}


def language_refused(text: str | None) -> str | None:
    """The language a whole message says the person does not understand ("не по-русски"), or None."""
    said = words(text)
    if not said or len(said) > 7 or not any(w in NOT for w in said):
        return None
    named = {lang for lang, names in NAMES.items() for w in said if w in names}
    known = POLITE | REFUSING | NOT
    if len(named) != 1 or any(w not in known and not any(w in names for names in NAMES.values()) for w in said):
        return None
    if all(w in _WHO for w in said if any(w in names for names in NAMES.values())) and not (
        set(said) & (_HOW | NOT - {"не", "ні", "нет", "not", "no"})
    ):
        return None
    return next(iter(named))


#: Where the first clause of a message ends: a comma, a stop, a question or exclamation mark, a dash, a line break.
_CLAUSE_END = re.compile(r"[,.;:!?\n]|\s[-–—]\s")
_HEAD_WORDS = 8  # a language clause is short: "я дуже погано розумію українську мову, вибачте"


def _is_name(word: str) -> bool:
    return any(word in names for names in NAMES.values())


def split_language_clause(text: str) -> tuple[str, str] | None:
    """A first clause that only asks for or refuses a language, and the rest: ("не розумію українською", "мені
    погано"); None when the message does not begin with one or has nothing after it.

    Where punctuation ends the clause it is the clause; typed without it ("не розумію українською мені погано не
    хочу жити", as on a phone: session 18's second attack) the clause ends after its last language name and the
    polite words after it ("English please he is hitting me"), never taking a "не" or "not" that may belong to
    what follows ("по-русски не хочу жити")."""
    known = POLITE | REFUSING | NOT
    end = _CLAUSE_END.search(text)
    if end is not None:
        head, rest = text[: end.start()], text[end.end() :]
        said = words(head)
        if rest.strip() and said and len(said) <= _HEAD_WORDS and any(_is_name(w) for w in said):
            if all(w in known or _is_name(w) for w in said):
                return head.strip(), rest.strip()
    cut = None
    seen_name = False
    for n, found in enumerate(_WORD.finditer(text)):
        word = words(found.group(0))[0] if words(found.group(0)) else ""
        if n >= _HEAD_WORDS or not (word in known or _is_name(word)):
            break
        if _is_name(word):
            seen_name, cut = True, found.end()
        elif seen_name and word in POLITE and word not in NOT and word not in REFUSING and cut is not None:
            if text[cut : found.start()].strip(" ") == "":
                cut = found.end()
    if cut is None or not text[cut:].strip(" ,.;:!?-–—\n"):
        return None
    return text[:cut].strip(), text[cut:].strip(" ,.;:!?-–—\n")


def without_language_clause(text: str) -> str:
    """The message without a first clause that only asks for or refuses a language (:func:`split_language_clause`);
    the message itself when it has none."""
    split = split_language_clause(text)
    return split[1] if split is not None else text
