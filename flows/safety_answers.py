"""What a typed reply to "are you safe right now?" says: in danger, safe, or neither.

People answer a question by writing, not only by pressing its buttons:
"ні", "no", "нет", "yox", "NOT safe", "help". A helpline reads "no" to
"are you safe?" as "I am not safe", and so does the bot (attack after
issue 21, A3: every typed reply used to count as answered, which disarmed
the no-answer escalation). Only a short reply that is one of these
phrases decides; anything longer or different leaves the question open,
so that the timer still escalates silence, and the crisis layer still
weighs what was written.

The phrases are matched after the same normalising on both sides: case,
accents (ö, ü, ё, й are read without their marks; Azerbaijani ə and ı as e
and i, as people type them on a Latin keyboard), Latin look-alikes inside a
Cyrillic word ("нi" with a Latin i), punctuation, emoji, a letter held
down ("нііі", "noooo") and the words for "please".
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from vikno.nlu.noise import AZ_PLAIN
from vikno.nlu.textnorm import LATIN_LOOKALIKES

Answer = Literal["danger", "safe"]

#: Per language, the replies that mean "no, I am not safe" (or a plain call for help).
DANGER: dict[str, tuple[str, ...]] = {
    "uk": (
        "ні",
        "не",
        "нє",
        "ні не в безпеці",
        "не в безпеці",
        "я не в безпеці",
        "ні я не в безпеці",
        "небезпека",
        "мені загрожує небезпека",
        "загрожує небезпека",
        "мені небезпечно",
        "допоможіть",
        "допоможіть мені",
        "допоможи",
        "допоможи мені",
        "допомога",
        "потрібна допомога",
        "рятуйте",
        "врятуйте",
        "ні допоможіть",
    ),
    "ru": (
        "нет",
        "не",
        "неа",
        "нет не в безопасности",
        "не в безопасности",
        "я не в безопасности",
        "нет я не в безопасности",
        "опасность",
        "мне угрожает опасность",
        "угрожает опасность",
        "мне опасно",
        "помогите",
        "помогите мне",
        "помоги",
        "помоги мне",
        "помощь",
        "нужна помощь",
        "спасите",
        "нет помогите",
    ),
    "az": (
        "yox",
        "xeyr",
        "yox təhlükəsiz deyiləm",
        "təhlükəsiz deyiləm",
        "mən təhlükəsiz deyiləm",
        "təhlükə var",
        "mənə təhlükə var",
        "kömək edin",
        "kömək et",
        "kömək",
        "mənə kömək edin",
        "kömək lazımdır",
        "imdad",
        "xilas edin",
    ),
    "en": (
        "no",
        "nope",
        "nah",
        "not safe",
        "no not safe",
        "im not safe",
        "i'm not safe",
        "i am not safe",
        "no i'm not safe",
        "no im not safe",
        "no i am not safe",
        "unsafe",
        "danger",
        "in danger",
        "i'm in danger",
        "im in danger",
        "i am in danger",
        "help",
        "help me",
        "i need help",
        "sos",
    ),
}
#: Per language, the replies that mean "yes, I am safe".
SAFE: dict[str, tuple[str, ...]] = {
    "uk": (
        "так",
        "та",
        "ага",
        "так в безпеці",
        "так я в безпеці",
        "я в безпеці",
        "в безпеці",
        "все добре",
        "усе добре",
        "все гаразд",
        "усе гаразд",
        "все ок",
        "добре",
        "гаразд",
        "нормально",
        "все нормально",
        "так все добре",
        "ок",
        "окей",
    ),
    "ru": (
        "да",
        "ага",
        "да в безопасности",
        "да я в безопасности",
        "я в безопасности",
        "в безопасности",
        "все хорошо",
        "все в порядке",
        "все нормально",
        "нормально",
        "хорошо",
        "да все хорошо",
        "ок",
        "окей",
    ),
    "az": (
        "hə",
        "bəli",
        "hə təhlükəsizəm",
        "mən təhlükəsizəm",
        "təhlükəsizəm",
        "hər şey yaxşıdır",
        "yaxşıyam",
        "hər şey qaydasındadır",
        "normaldır",
    ),
    "en": (
        "yes",
        "yeah",
        "yep",
        "yes i'm safe",
        "yes im safe",
        "yes i am safe",
        "i'm safe",
        "im safe",
        "i am safe",
        "safe",
        "i'm ok",
        "im ok",
        "i am ok",
        "i'm okay",
        "im okay",
        "i'm fine",
        "im fine",
        "i am fine",
        "fine",
        "ok",
        "okay",
        "all good",
        "i'm alright",
        "i'm all right",
    ),
}
#: Words for "please", dropped before matching ("help please", "допоможіть, будь ласка").
PLEASE = frozenset(
    {
        "please",
        "pls",
        "plz",
        "будь",
        "ласка",
        "пожалуйста",
        "пожалуста",
        "плиз",
        "zəhmət",
        "olmasa",
        "xahiş",
        "edirəm",
        "lütfən",
    }
)
#: Longer than this (after normalising) is a message, not an answer to a yes-or-no question.
LONGEST = 40

_AZ_PLAIN = str.maketrans(AZ_PLAIN)
_CYRILLIC = re.compile("[а-яёіїєґ]")
_HELD = re.compile(r"(\w)\1{2,}")  # "нііі", "noooo": a letter held down


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub("[ʼ’‘`´]", "'", text)
    words = []
    for word in re.sub(r"[^\w\s']+", " ", text).replace("_", " ").split():
        word = word.strip("'")
        if _CYRILLIC.search(word):
            word = word.translate(LATIN_LOOKALIKES)
        words.append(word)
    text = " ".join(w for w in words if w and w not in PLEASE)
    text = _HELD.sub(r"\1", text)
    text = text.translate(_AZ_PLAIN)  # ə and ı have no combining mark to drop below
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", text)


def _table(phrases: dict[str, tuple[str, ...]]) -> frozenset[str]:
    return frozenset(normalise(p) for words in phrases.values() for p in words)


_DANGER, _SAFE = _table(DANGER), _table(SAFE)
assert not _DANGER & _SAFE, f"a reply cannot mean both: {sorted(_DANGER & _SAFE)}"


def typed_answer(text: str | None) -> Answer | None:
    """ "danger", "safe", or None when the reply does not answer the question.

    Every language's phrases count, whatever the conversation's language:
    a person may answer "no" in a Ukrainian conversation.
    """
    if not text or len(text) > 4 * LONGEST:
        return None
    said = normalise(text)
    if not said or len(said) > LONGEST:
        return None
    if said in _DANGER:
        return "danger"
    if said in _SAFE:
        return "safe"
    return None
