"""Words' base forms (nlu/morphology.py): Azerbaijani stems, Ukrainian and Russian lemmas, the classifier's block.

Tables of words with and without Azerbaijani's special letters, and inflected Ukrainian and Russian forms; then
the classifier: an inflected form that its small training data never had is answered with the base-form block
and was refused or wrong without it (red before round 7: there was no such block).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vikno.nlu import morphology
from vikno.nlu.classifier import IntentClassifier
from vikno.nlu.morphology import az_stems, base_grams, lemma
from vikno.nlu.textnorm import normalize


@pytest.mark.parametrize(
    ("word", "stems"),
    [
        # a bare word: itself, folded
        ("uşaq", ["usaq"]),
        ("usaq", ["usaq"]),
        ("kömək", ["komek"]),
        # dative: the softened consonant put back (ğ -> q, y -> k), with and without the special letters
        ("uşağa", ["usaga", "usaq"]),
        ("usaga", ["usaga", "usaq"]),
        ("köməyə", ["komeye", "komek"]),
        ("komeye", ["komeye", "komek"]),
        # plural, possessive, case: each place gives up one ending, the root is reached and not passed
        ("uşaqlarımızda", ["usaqlarimizda", "usaqlarimiz", "usaqlar", "usaq"]),
        ("usaqlarimizda", ["usaqlarimizda", "usaqlarimiz", "usaqlar", "usaq"]),
        ("məktəbdə", ["mektebde", "mekteb"]),
        ("məktəbə", ["mektebe", "mekteb"]),
        ("valideynlərim", ["valideynlerim", "valideynler", "valideyn"]),
        # verbs: negation, tense, person
        ("istəmirəm", ["istemirem", "istemir", "iste"]),
        ("yaşamaq", ["yasamaq", "yasa"]),
        # short roots stay whole (three letters at least, four before a one-letter ending)
        ("ev", ["ev"]),
        ("evdə", ["evde"]),
        ("ana", ["ana"]),
        ("hüquq", ["huquq"]),  # "-ıq" (we are) is not an ending here: it is the end of the root
    ],
)
def test_az_stems(word: str, stems: list[str]) -> None:
    assert az_stems(word) == stems


def test_forms_of_one_azerbaijani_word_meet_at_a_base() -> None:
    for forms in (
        ["uşaq", "uşağa", "uşaqlar", "usaqlarimiz", "uşaqlarımızda"],
        ["kömək", "köməyə", "köməyim", "komeyime"],
        ["müəllim", "müəllimə", "muellimim"],
    ):
        shared = set.intersection(*(set(az_stems(f)) for f in forms))
        assert shared, forms


@pytest.mark.parametrize(
    ("word", "lang", "base"),
    [
        ("допомогу", "uk", "допомога"),
        ("допомогою", "uk", "допомога"),
        ("хочу", "uk", "хотіти"),
        ("б'ють", "uk", "бити"),
        ("школі", "uk", "школа"),
        ("помощи", "ru", "помощь"),
        ("бьют", "ru", "бить"),
        ("меня", "ru", "я"),
        ("учительницей", "ru", "учительница"),
        ("ёлке", "ru", "елка"),  # ё folded as normalize folds it
    ],
)
def test_lemma(word: str, lang: str, base: str) -> None:
    assert lemma(word, lang) == base


def test_base_grams_read_words_by_the_message_language() -> None:
    assert base_grams(normalize("Мені потрібна допомога"), "uk") == ["=мен", "=потрібний", "=допомога"]
    assert base_grams(normalize("Мне нужна помощь"), "ru") == ["=я", "=нужный", "=помощь"]
    # Azerbaijani: Latin words by az_stems, a Russian word by its lemma
    assert base_grams(normalize("köməyə ehtiyac"), "az") == ["=komeye", "=komek", "=ehtiyac"]
    assert base_grams(normalize("мне нужна помощь"), "az")[-1] == "=помощь"
    # English and Latin-typed Ukrainian: no base
    assert base_grams(normalize("I need help"), "en") == []
    assert base_grams(normalize("meni potribna dopomoha"), "uk") == []
    # a known table is read before the dictionary
    assert base_grams("допомогу", "uk", {"uk:допомогу": "X"}) == ["=X"]


def _small(lang: str) -> tuple[list[str], list[str]]:
    """Three topics, one form of each topic word: the test messages use other forms."""
    data = {
        "uk": {
            "school": ["у школі погано", "проблеми в школі", "не хочу йти до школи", "школа мене дратує"],
            "parents": ["батьки кричать", "мої батьки сваряться", "з батьками важко", "батьки не розуміють"],
            "money": ["немає грошей", "гроші закінчились", "де взяти гроші", "гроші на їжу"],
            "sleep": ["не можу спати", "погано сплю", "сон не йде", "безсоння вночі"],
        },
        "az": {
            "school": ["məktəbdə problem var", "məktəbə getmirəm", "məktəbdə pisdir", "məktəbdə dava"],
            "parents": ["valideynlərim qışqırır", "valideynlərimlə dava", "valideynlərim anlamır", "valideynlərim"],
            "money": ["pulum yoxdur", "pul lazımdır", "pulum qurtardı", "pul tapmaq"],
            "sleep": ["yata bilmirəm", "yuxum gəlmir", "gecə yatmıram", "yuxusuzluq var"],
        },
    }[lang]
    texts = [t for ts in data.values() for t in ts]
    intents = [i for i, ts in data.items() for _ in ts]
    return texts, intents


@pytest.mark.parametrize(
    ("lang", "message", "intent"),
    [
        ("uk", "школа", "school"),  # nominative: training had школі, школи (and "школа мене" once)
        ("uk", "шкільні батьківські збори", "parents"),
        ("az", "valideyn", "parents"),  # the bare root: training had only valideynlərim(lə)
        ("az", "məktəb", "school"),
    ],
)
def test_an_inflected_form_the_data_never_had_is_answered(lang: str, message: str, intent: str) -> None:
    texts, intents = _small(lang)
    params = dict(dense=False, latin_twins=False, catch=None)
    with_bases = IntentClassifier(**params).fit(texts, intents)
    (top, conf), *_ = with_bases.rank(message, 2, language=lang)
    assert top == intent


_RU = {
    "beaten": ["отец бьет меня", "меня бьют дома", "мама бьет ремнем", "отчим бьет маму"],
    "school": ["в школе травля", "одноклассники смеются", "учитель кричит на уроке", "не хочу в школу"],
    "money": ["нет денег", "деньги закончились", "где взять деньги", "деньги на еду"],
    "sleep": ["не могу спать", "плохо сплю", "сон не идет", "бессонница ночью"],
    "lonely": ["мне одиноко", "у меня нет друзей", "никто со мной не дружит", "я совсем один"],
}


def _answered(clf: IntentClassifier, message: str, intent: str) -> bool:
    top, conf = clf.rank(message, 1, language="ru")[0]
    return top == intent and conf >= clf.threshold


@pytest.mark.parametrize("message", ["он бил меня", "бил ремнём"])
def test_the_base_block_answers_what_the_ngrams_alone_refused(message: str) -> None:
    """Red before round 7 (no base-form block: the features of base_weight 0): "бил" shares no word, stem or
    n-gram beyond "би" with "бьет / бьют", so the message was refused; its lemma "бить" is theirs."""
    texts = [t for ts in _RU.values() for t in ts]
    intents = [i for i, ts in _RU.items() for _ in ts]
    # the sharpest temperature scale, as chosen here before session 19: every scale ties on these 20 messages, and
    # a tie now goes to scale 1 (nlu/classifier.py nearest_plain_scales), whose softer confidences answer more
    params = dict(dense=False, latin_twins=False, catch=None, temperature_scales=(0.25,))
    before = IntentClassifier(base_weight=0.0, **params).fit(texts, intents)
    after = IntentClassifier(**params).fit(texts, intents)  # the default weight
    assert not _answered(before, message, "beaten")
    assert _answered(after, message, "beaten")


def test_a_saved_model_keeps_its_training_words_lemmas(tmp_path: Path) -> None:
    texts, intents = _small("uk")
    clf = IntentClassifier(dense=False, latin_twins=False).fit(texts, intents)
    assert clf._known_bases["uk:школі"] == "школа"
    clf.save(tmp_path / "m.pkl")
    loaded = IntentClassifier.load(tmp_path / "m.pkl")
    assert loaded._known_bases == clf._known_bases
    for text in ("школа", "батько кричить", "грошей нема"):
        assert loaded.rank(text, 3, language="uk") == clf.rank(text, 3, language="uk")


def test_the_dictionaries_install_with_the_package() -> None:
    assert morphology.available()
