"""Everyday words for the report form's choices, in the helplines' languages.

People answer "about whom?" with "бабуся", "мій сусід", "nənəm", not with
the button's title ("Літня людина"), and "how urgent?" with "не срочно".
The form reads such words before asking again; what it still cannot read
is kept with the report, never dropped (flows/report_flow.py).

Stems are matched at the start of a word (``бабус`` finds бабуся, бабусі,
бабусю); phrases are matched within the text. Words are lower case, the
apostrophe in Ukrainian written in any of its forms.
"""

from __future__ import annotations

import re

from .words import words

#: About whom: the first option, in this order, that a word of the text names (a child beaten at home is
#: a report about a child: children's services take violence against children).
ABOUT_STEMS: dict[str, tuple[str, ...]] = {
    "child": (
        "дитин",
        "дитя",
        "діт",
        "малюк",
        "малий",
        "мала",
        "малеч",
        "хлопчик",
        "хлопч",
        "дівчин",
        "дівчат",
        "підліт",
        "школяр",
        "син",
        "сина",
        "донь",
        "доч",
        "онук",
        "онуч",
        "немовл",
        "ребен",
        "ребён",
        "дети",
        "детей",
        "детск",
        "мальчик",
        "девоч",
        "подрост",
        "сын",
        "дочк",
        "дочь",
        "внук",
        "внуч",
        "младен",
        "uşaq",
        "usaq",
        "oğlan",
        "oglan",
        "qızcığaz",
        "körpə",
        "korpe",
        "yeniyetm",
        "nəvə",
        "neve",
        "child",
        "kid",
        "boy",
        "girl",
        "teen",
        "baby",
        "son",
        "daughter",
        "grandson",
        "granddaughter",
        "toddler",
        "infant",
        "pupil",
    ),
    "elderly": (
        "бабус",
        "бабц",
        "бабу",
        "дідус",
        "діду",
        "дід",
        "діда",
        "стар",
        "літн",
        "пенсіонер",
        "пенсионер",
        "бабуш",
        "дедуш",
        "дед",
        "пожил",
        "nənə",
        "nene",
        "baba",
        "qoca",
        "yaşlı",
        "yasli",
        "təqaüdçü",
        "teqaudcu",
        "grandm",
        "grandp",
        "granny",
        "grandad",
        "elder",
        "old",
        "pensioner",
        "senior",
        "aged",
    ),
    "disability": (
        "інвалід",
        "інвалідн",
        "візок",
        "візку",
        "лежач",
        "незряч",
        "сліп",
        "глух",
        "паралізов",
        "инвалид",
        "коляск",
        "слеп",
        "парализ",
        "əlil",
        "elil",
        "kor",
        "kar",
        "iflic",
        "disab",
        "wheelchair",
        "blind",
        "deaf",
        "paralys",
        "bedridden",
    ),
    "violence": (
        "насильств",
        "насилля",
        "насили",
        "б'є",
        "бʼє",
        "бє",
        "б'ють",
        "бʼють",
        "бють",
        "побої",
        "побив",
        "бьет",
        "бьёт",
        "бьют",
        "избива",
        "побои",
        "кривдн",
        "знуща",
        "издева",
        "zorakılıq",
        "zorakiliq",
        "döyür",
        "doyur",
        "döyülür",
        "violen",
        "abus",
        "beat",
        "hits",
        "hitting",
        "batter",
    ),
}
#: Also "other" when someone is named but not in the groups above (a neighbour, a man on the street).
OTHER_STEMS = (
    "сусід",
    "сосед",
    "чолов",
    "жінк",
    "мужчин",
    "женщин",
    "людин",
    "человек",
    "qonşu",
    "qonsu",
    "kişi",
    "qadın",
    "neighbo",
    "man",
    "woman",
    "person",
    "someone",
    "інш",
    "друг",
    "other",
    "başqa",
)

#: How urgent: phrases checked in this order ("не терміново" before "терміново").
URGENCY_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "now",  # "can't wait" before "can wait" is looked for in it
        (
            "не може зачекати",
            "не можна зачекати",
            "не може чекати",
            "не можна чекати",
            "не чекає",
            "не может подождать",
            "не может ждать",
            "нельзя ждать",
            "не ждёт",
            "не ждет",
            "gözləyə bilməz",
            "gozleye bilmez",
            "gözləmək olmaz",
            "gozlemek olmaz",
            "can't wait",
            "cannot wait",
            "can not wait",
            "cant wait",
        ),
    ),
    (
        "can_wait",
        (
            "може зачекати",
            "можна зачекати",
            "не терміново",
            "не срочно",
            "может подождать",
            "можно подождать",
            "не горить",
            "не горит",
            "təcili deyil",
            "tecili deyil",
            "gözləyə bilər",
            "gozleye biler",
            "can wait",
            "not urgent",
            "no rush",
            "not in a hurry",
        ),
    ),
    (
        "now",
        (
            "зараз",
            "негайно",
            "терміново",
            "прямо",
            "сейчас",
            "срочно",
            "немедленно",
            "indi",
            "təcili",
            "tecili",
            "dərhal",
            "derhal",
            "now",
            "urgent",
            "immediately",
            "asap",
        ),
    ),
    (
        "soon",
        (
            "днями",
            "найближч",
            "завтра",
            "скоро",
            "тиждень",
            "тижня",
            "ближайш",
            "неделе",
            "недели",
            "tezliklə",
            "tezlikle",
            "sabah",
            "bu günlərdə",
            "soon",
            "days",
            "tomorrow",
            "this week",
        ),
    ),
)

words_of = words  # the one splitter (flows/words.py)


def about_of(text: str) -> str | None:
    """The group a typed answer names ("моя бабуся" → elderly), "other" for anyone else named, or None."""
    said = words_of(text)
    for about, stems in ABOUT_STEMS.items():
        if any(_starts(w, stems) for w in said):
            return about
    if any(_starts(w, OTHER_STEMS) for w in said):
        return "other"
    return None


def urgency_of(text: str) -> str | None:
    """How urgent a typed answer says it is, or None."""
    typed = " ".join(words_of(text))
    for urgency, phrases in URGENCY_PHRASES:
        if any(_has(typed, phrase) for phrase in phrases):
            return urgency
    return None


def _starts(word: str, stems: tuple[str, ...]) -> bool:
    """A word that is one of the stems or begins with one (short stems must be the whole word)."""
    return any(word == stem or (len(stem) >= 4 and word.startswith(stem.replace("ʼ", "'"))) for stem in stems)


def _has(text: str, phrase: str) -> bool:
    """A phrase within the text from a word's start ("зараз" in "прямо зараз"); a short one is a whole word."""
    end = r"(?=\s|$)" if len(phrase) <= 4 else ""
    return re.search(r"(?:^|\s)" + re.escape(phrase) + end, text) is not None
