"""Language detection for uk / ru / az / en, restricted to a helpline's languages.

Why not a general detector: messages are short ("привіт", "slm"), mixed
(surzhyk) and often transliterated ("mne nuzhna pomosh"); general detectors
guess among 75 languages and are slow to load. Here the choice is among at
most four, so distinctive letters (ї є і ґ / ы э ъ ё / ə ğ ı ş ç), a few
hundred frequent words and transliteration habits decide, in microseconds.

Transliterated Ukrainian or Russian is reported as ``uk``/``ru`` (the reply
should be in that language, in Cyrillic), not as English.
"""

from __future__ import annotations

import re
from itertools import repeat
from collections.abc import Sequence

__all__ = ["SAMPLE_CHARS", "SUPPORTED", "detect_language", "prepare", "sample", "strip_markup"]

SUPPORTED = ("uk", "ru", "az", "en")

# What is in a message but is no language: HTML (a script's body too), entities, links, bare
# domains, e-mail addresses and @mentions. "дивіться https://gov.ua/help" is Ukrainian, not English.
# An address or a domain is tried only where one can begin (not inside a run of its letters or after "a."), and a
# script's body ends at the next script: tried at every letter, 4,096 x "щ" cost 60 ms and "a.a.a…" 480 ms of
# one core, each try reading to the end of the message ("<script>" x 512: 8 ms).
_MARKUP_RE = re.compile(
    r"""
    <(script|style)\b[^>]*>(?:(?!<(?:script|style)\b).)*?</\1\s*>
  | <[^<>]{0,2000}>
  | &\#?\w{1,10};
  | \b(?:https?|ftp)://\S+
  | \bwww\.\S+
  | (?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+
  | (?<!\w)@\w+
  | (?<![a-z0-9-])(?<![a-z0-9-]\.)[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|info|io|me|app|dev|gov|edu
                                   |ua|ru|az|uk|eu|by|kz|ge|md|pl|de)\b(?:/\S*)?
""",
    re.VERBOSE | re.IGNORECASE | re.DOTALL,
)


def strip_markup(text: str) -> str:
    """The text without HTML, links, addresses and mentions: what is left is written in a language."""
    return _MARKUP_RE.sub(" ", text)


_WORD_RE = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)?", re.UNICODE)

_UK_LETTERS = set("їєіґ")
_RU_LETTERS = set("ыэъё")
_AZ_LETTERS = set("əğıışçöü")  # ö ü ç ş also exist elsewhere but not in en/uk/ru

_UK_WORDS = set(
    """
що як де мені мене мій моя моє мої його її їх це ця цей ці чи та й і
але або бо коли тут там теж також дуже треба потрібно потрібна потрібен хочу можна
допоможіть допомога допомогу допомоги дякую будь ласка привіт вітаю добрий доброго
немає нема є був була було буде який яка яке які скільки куди звідки чому навіщо
сьогодні зараз завжди ніколи нічого ніхто хтось щось дитина дитині сім'я сімʼя
від до для без після через під над між про щоб якщо тому тоже ще вже тільки лише
жити хата батьки тато бабуся дідусь сусід сусідка чоловік дружина донька син
робити зробити отримати оформити подати звернутися працюєте дзвонити зателефонувати
мабуть напевно певно звісно авжеж гаразд добре
""".split()
)

_RU_WORDS = set(
    """
что как где мне меня мой моя моё мои его её их это эта этот эти или но
когда тут там тоже также очень надо нужно нужна нужен хочу можно помогите помощь
помощи спасибо пожалуйста привет здравствуйте добрый доброе нет есть был была было
будет какой какая какое какие сколько куда откуда почему зачем сегодня сейчас всегда
никогда ничего никто кто-то что-то ребенок ребёнку семья от до для без после через
под над между про чтобы если потому уже только жить дом родители папа бабушка
дедушка сосед соседка муж жена дочь сын делать сделать получить оформить подать
обратиться работаете звонить позвонить ли же
наверное наверно конечно ладно хорошо
""".split()
)

_AZ_WORDS = set(
    """
salam salamlar necə nece nə ne mən men sən sen biz siz o var yoxdur yox
üçün ucun uchun kömək komek yardım yardim lazımdır lazimdir lazım lazim istəyirəm
isteyirem edirəm edirem edin edim olar olmaq almaq etmək etmek necədir harada harda
hara nə vaxt zəng zeng təşəkkür tesekkur sağ sag ol olun mənə mene məni meni
bizə bize ev evim uşaq usaq uşağım ana ata nənə baba qonşu qonsu ərim erim
hələlik helelik xahiş xahis edirəm zəhmət zehmet olmasa bilmirəm bilmirem
və ve amma çox cox daha indi bu gün sabah xeyir aleykum əleyküm işləyirsiniz
isleyirsiz pul pulsuz ödəniş odenis müavinət muavinet sosial qulluq qazi şəhid sehid
köçkün kockun evsiz əlil elil
""".split()
)

_EN_WORDS = set(
    """
the a an i you he she we they it is are was were be am my your our their me him her
us them this that these those what how where when why who which can could would should
will do does did have has had not no yes please help need want get to of in on for
with from at by about and or but if so im i'm dont don't cant can't hello hi hey thanks
thank bye goodbye good morning evening night there here some any anyone someone
wheelchair benefits housing child children kid kids husband wife mother mom dad father
school doctor lawyer home homeless neighbour neighbor support payment payments apply
ok okay thanks thx yeah yep yup nope sure sorry know think feel like just really very much been
""".split()
)

# Latin spellings of Ukrainian / Russian words (no diacritics). Counted only in
# Latin-script messages, where they beat English or Azerbaijani.
_UK_TRANSLIT = set(
    """
pryvit privit vitayu dobryi dobryy den dyakuyu diakuiu dyakuiu spasybi buvai bud laska
meni mene potribna potriben potribno dopomoha dopomohy dopomohu dopomozhit dopomozhy
shcho scho yak de chy nema nemaye ye khochu hochu mozhna zhyty zhytlo dytyna dytyni
simya sim'ya cholovik choloviky batko tato babusya didus susid susidka
likar likarnya shkola sadochok vyplaty vyplata subsydiya invalidnist pidtrymka
pratsyuyete pratsyuyesh operatora lyudyna zhyva ne mozhu bolyt pohano bil'she bilshe
nasylstvo vpo dovidka pereselentsi ubd zahynuv usynovlennya opika
kompensatsiya zhyttya vbyty vbyty pomerty samohubstvo ne hochu zhyty
ya ia treba duzhe vmerty vmyraty pomyraty tse tsey tsia tsiu yakshcho chomu bo abo koly teper zaraz vzhe
shchos schos nikhto nihto nichoho nikoly boyusya boiusia boiusya strashno vdoma dodomu tut tam mozhe khto
""".split()
)

_RU_TRANSLIT = set(
    """
privet zdravstvuyte zdravstvujte dobryy spasibo poka pozhaluysta pozhalujsta
mne menya nuzhna nuzhen nuzhno pomosh pomoshch pomogite chto kak gde ili net est
khochu hochu mozhno zhit zhilye zhilie rebenok rebenku semya muzh otec papa babushka
dedushka sosed sosedka vrach bolnica bolnitsa shkola sadik vyplaty subsidiya
invalidnost podderzhka rabotaete operatora chelovek zhivoy ne mogu bolit ploho
bolshe nasilie bjot bet vpl spravka pereselentsy ubit umeret samoubiystvo
ne hochu zhit zhizn ya kogda skolko
ia ochen plokho nichego nikto nikogda boyus strashno doma domoy seychas sejchas uzhe pochemu potomu esli
tut tam umirat mozhet kto chtoby hochetsya
""".split()
)

# Word-shape cues where uk and ru spell the same stem differently: ru -ость/-ие/-ый/-ть,
# uk -ість/-ія/-ий/-ти; a word-initial "и" is Russian (Ukrainian writes "і").
_RU_SHAPE_RE = re.compile(r"(?:ость|ости|ие|ия|ию|ием|ии|ение|ения|ание|ания|ый|ой|ей|ть|ться|ешь|ишь|ем|ом)$|^и|^э|ё")
_UK_SHAPE_RE = re.compile(
    r"(?:ість|ості|ія|ію|ння|ти|тися|ться|ий|ій|ою|ею|ої|ий|ях|ім|ів)$"
    r"|^і|[бпвмф]['ʼ][яюєї]|ї|є|ґ"
)
# Transliteration habits: zh/kh/shch, ya/yu/ye, -yy/-iy, -nnya, -aya, -ogo... are
# Slavic, not English; y-for-и and h-for-г are Ukrainian, -aya/-oye/-at' Russian.
_SLAVIC_LATIN_RE = re.compile(
    r"zh|kh|shch|sch|ch[aeiouy]|[^aeiou]y[aeiou]|[aeiou]y[^aeiou\W]|y[aue]\b|iy\b|yy\b|yi\b|ii\b|nny|tsy|ts[aiyo]"
    r"|(?:aya|oye|iye|ogo|oho|yty|aty|ity|ovat|skiy|skyi|sya|nyi|ostyu|nost|nist|ennya|ennie|enie|tsiya|ciya)\b"
)
_UK_LATIN_RE = re.compile(
    r"(?:yty|aty|nnya|nist|ist\b|oho|yi|hy|ha\b|skyi|tsiya|iv\b|yky|yk\b|yn\b|ky\b)"
    r"|[^aeiou]y[^aeiouy]|^pry|^vy|^dy|^ny"
)
_RU_LATIN_RE = re.compile(
    r"(?:aya|oye|iye|ogo|enie|enno|nost|ost\b|iy\b|yy\b|at\b|it\b|et\b|ciya|aet\b|ish\b|esh\b"
    r"|osh\b)|^pri|^pomo|^vy[^y]|^mne|ya\b"
)
_AZ_SUFFIX_RE = re.compile(
    r"(?:lar|lər|ler|dır|dir|dur|dür|yam|yəm|iram|irəm|ıram|uram|miş|mış|muş|maq|mək|mek"
    r"|sız|siz|nız|niz)$"
)
_CYRILLIC_RE = re.compile(r"[\u0400-\u04FF]")
_LATIN_RE = re.compile(r"[A-Za-z\u00C0-\u024F\u0259]")


#: Words whose n-gram scores are remembered (a few MB); the cache starts over when full.
_WORD_CACHE = 50_000
#: A longer "word" is read by its beginning: no language has words of 1,000 letters, and a client sending long
#: random ones would fill the cache with them and pay 3,000 n-gram look-ups a word.
_WORD_CHARS = 40

_NGRAM_WEIGHT = 0.35  # one word-list hit is worth about three typical n-gram log-odds


class _CharProfile:
    """Character 1-4-gram naive Bayes over the shipped training texts of each language.

    Word lists miss most inflected forms ("ночлежка", "уход"); the shipped
    data already holds ~1000 real helpline messages per language, including
    transliterated ones, so their n-gram statistics separate uk/ru and en/az
    where no distinctive letter occurs. Built once per process (~0.1 s).
    """

    def __init__(self, texts: dict[str, list[str]]) -> None:
        import math
        from collections import Counter

        self.logp: dict[str, dict[str, float]] = {}
        self.floor: dict[str, float] = {}
        for lang, items in texts.items():
            counts: Counter[str] = Counter()
            for t in items:
                counts.update(_ngrams(t.lower()))
            total = sum(counts.values()) + 1
            vocab = len(counts) + 1
            self.logp[lang] = {g: math.log((c + 0.5) / (total + 0.5 * vocab)) for g, c in counts.items()}
            self.floor[lang] = math.log(0.5 / (total + 0.5 * vocab))
        self._words: dict[str, tuple[int, dict[str, float]]] = {}

    def scores(self, text: str, langs: Sequence[str], latin: bool = False) -> dict[str, float]:
        """Per language, the n-gram log-likelihood relative to the best one; ``latin``: uk and ru as typed in Latin."""
        profiles = {lang: _latin(lang) if latin else lang for lang in langs}
        profiles = {lang: name for lang, name in profiles.items() if name in self.logp}
        if not profiles:
            return {}
        raw = dict.fromkeys(profiles, 0.0)
        count = 0
        for word in _WORD_RE.findall(text):
            n, per_lang = self._word(word[:_WORD_CHARS])
            count += n
            for lang, name in profiles.items():
                raw[lang] += per_lang[name]
        top = max(raw.values())
        # Relative to the best language; divided by n-gram count so long texts do not dominate word evidence.
        norm = max(count, 1) ** 0.5
        return {lang: (v - top) / norm for lang, v in raw.items()}

    def _word(self, word: str) -> tuple[int, dict[str, float]]:
        """One word's n-gram count and log-likelihood per language, remembered.

        N-grams never cross words, so a message's score is the sum of its
        words' scores, and words repeat (Zipf): most are looked up, not scored.
        """
        found = self._words.get(word)
        if found is None:
            grams = _word_ngrams(word)
            found = (
                len(grams),
                {
                    lang: sum(map(table.get, grams, repeat(self.floor[lang], len(grams))))
                    for lang, table in self.logp.items()
                },
            )
            if len(self._words) >= _WORD_CACHE:
                self._words.clear()
            self._words[word] = found
        return found


def _ngrams(text: str) -> list[str]:
    out: list[str] = []
    for w in _WORD_RE.findall(text):
        out.extend(_word_ngrams(w))
    return out


def _word_ngrams(word: str) -> list[str]:
    """Character 2-4-grams of one word, padded with a space each side."""
    w = f" {word} "
    size = len(w)
    out: list[str] = []
    for n in (2, 3, 4):
        out.extend(map(w.__getitem__, map(slice, range(size - n + 1), range(n, size + 1))))
    return out


_PROFILE: _CharProfile | None = None
#: Languages people also type in Latin letters; their Latin profiles are named ``<lang>_latin``.
LATIN_TYPED = ("uk", "ru")
#: What Latin-typed Ukrainian or Russian must show beyond English or Azerbaijani, which are Latin by nature: about
#: one word of its own. Without it single loanwords went Slavic ("okay", "insomnia", az "subsidiya", "panika").
LATIN_PRIOR = 1.0


def _latin(lang: str) -> str:
    return f"{lang}_latin" if lang in LATIN_TYPED else lang


def _profile() -> _CharProfile | None:
    global _PROFILE
    if _PROFILE is None:
        from pathlib import Path

        from .rasa_yaml import load_examples

        from .noise import latin_spellings

        base = Path(__file__).parent / "data"
        texts: dict[str, list[str]] = {}
        for lang in SUPPORTED:
            try:
                texts[lang] = [e.text for e in load_examples(base / lang, only="nlu.yml")]
            except Exception:  # a broken data file must not break language detection
                texts[lang] = []
        # Ukrainian and Russian as typed in Latin letters, every common habit (noise.py): what Latin-script text
        # is compared with, where the Cyrillic profiles would say nothing and English won ("ya hochu vmerty").
        for lang in LATIN_TYPED:
            texts[_latin(lang)] = [twin for text in texts[lang] for twin in latin_spellings(text, lang)]
        _PROFILE = _CharProfile(texts)
    return _PROFILE


def prepare() -> None:
    """Build the n-gram profile now (~0.1 s), so the first person to write does not wait for it."""
    _profile()


def _pick(scores: dict[str, float], allowed: Sequence[str]) -> str | None:
    best = max(allowed, key=lambda lang: (scores.get(lang, 0.0), -allowed.index(lang)))
    return best if scores.get(best, 0.0) > 0 else None


def _default(script: str, allowed: Sequence[str]) -> str:
    """No evidence at all: prefer a language written in the message's script, in the helpline's order."""
    if script == "cyrillic":
        order = ("uk", "ru", "en", "az")
    else:
        order = ("en", "az", "uk", "ru")
    ranked = sorted(allowed, key=lambda lang: order.index(lang) if lang in order else 9)
    # The helpline's own first language wins over our generic order when it matches the script.
    first = allowed[0]
    if (script == "cyrillic" and first in ("uk", "ru")) or (script == "latin" and first in ("en", "az")):
        return first
    return ranked[0]


#: Detection reads at most this many characters of a message: a few sentences decide the language, and the cost
#: would grow with the text (2 ms for 4,096 characters of words, more for text built to be slow). The crisis
#: rules and model still read the whole message; the intent classifier's encoder reads as much (sentence.py).
SAMPLE_CHARS = 1000


def sample(text: str) -> str:
    """The beginning of ``text`` that detection reads: ``SAMPLE_CHARS`` at most, not ending inside a word."""
    if len(text) <= SAMPLE_CHARS:
        return text
    cut = text[:SAMPLE_CHARS]
    space = cut.rfind(" ", SAMPLE_CHARS // 2)
    return cut[:space] if space > 0 else cut


def detect_language(text: str, languages: Sequence[str] | None = None) -> str | None:
    """Best guess among ``languages`` (default: all four); ``None`` for text with no letters."""
    allowed = [lang for lang in (languages or SUPPORTED) if lang in SUPPORTED]
    if not allowed:
        return None
    if len(allowed) == 1:
        return allowed[0]
    low = strip_markup(sample(text)).lower().replace("i\u0307", "i")  # "İndi".lower() is "i̇ndi": the dot cuts words
    n_cyr = len(_CYRILLIC_RE.findall(low))
    n_lat = len(_LATIN_RE.findall(low))
    if n_cyr == 0 and n_lat == 0:
        return None
    scores = {lang: 0.0 for lang in SUPPORTED}
    words = _WORD_RE.findall(low)
    if n_cyr >= n_lat:
        script = "cyrillic"
        chars = set(low)
        scores["uk"] += 2.0 * len(chars & _UK_LETTERS)
        scores["ru"] += 2.0 * len(chars & _RU_LETTERS)
        for w in words:
            w = w.replace("’", "'").replace("ʼ", "'")
            if w in _UK_WORDS:
                scores["uk"] += 1.0
            if w in _RU_WORDS:
                scores["ru"] += 1.0
            if len(w) > 2:
                if _RU_SHAPE_RE.search(w):
                    scores["ru"] += 0.4
                if _UK_SHAPE_RE.search(w):
                    scores["uk"] += 0.4
        # Cyrillic text in an az/en-only helpline: still Cyrillic, so nearest allowed.
    else:
        script = "latin"
        az_letters = sum(1 for ch in low if ch in _AZ_LETTERS)
        scores["az"] += 2.0 * min(az_letters, 3)
        for w in words:
            w = w.replace("’", "'").replace("ʼ", "'")
            if w in _EN_WORDS:
                scores["en"] += 1.0
            if w in _AZ_WORDS:
                scores["az"] += 1.0
            elif len(w) > 4 and _AZ_SUFFIX_RE.search(w):
                scores["az"] += 0.3
            if w in _UK_TRANSLIT:
                scores["uk"] += 1.0
            if w in _RU_TRANSLIT:
                scores["ru"] += 1.0
            if w not in _EN_WORDS and _SLAVIC_LATIN_RE.search(w):
                scores["uk"] += 0.6
                scores["ru"] += 0.6
                if _UK_LATIN_RE.search(w):
                    scores["uk"] += 0.5
                if _RU_LATIN_RE.search(w):
                    scores["ru"] += 0.5
    prof = _profile()
    if prof is not None and words:
        if script == "cyrillic":
            cands: list[str] = [lang for lang in ("uk", "ru") if lang in allowed]
        else:
            cands = list(allowed)
        if len(cands) > 1:
            for lang, v in prof.scores(low, cands, latin=script == "latin").items():
                scores[lang] += 1.0 + _NGRAM_WEIGHT * v  # +1 so the best-fitting language has evidence
        if script == "latin":
            for lang in LATIN_TYPED:
                scores[lang] -= LATIN_PRIOR
    best = _pick(scores, allowed)
    if best is not None:
        return best
    # Translit uk/ru that was not allowed falls here too: choose by script.
    return _default(script, allowed)
