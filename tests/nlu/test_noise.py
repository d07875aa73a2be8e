"""Latin twins of training examples (nlu/noise.py): the spelling people use without their keyboard's letters."""

from __future__ import annotations

import pytest

from vikno.nlu.crisis_model import CrisisModel
from vikno.nlu.noise import latin_twin


@pytest.mark.parametrize(
    ("text", "twin"),
    [
        ("Мені дуже погано, я не хочу жити", "meni duzhe pohano, ya ne khochu zhyty"),  # і: Ukrainian habits
        ("Мне очень плохо, щас приеду", "mne ochen ploho, schas priedu"),  # no Ukrainian letter: Russian habits
        ("Ты где? Объясни", "ty gde? obyasni"),
        ("Artıq yaşamaq istəmirəm", "artiq yasamaq istemirem"),  # Azerbaijani without ı ə ş
        ("Сім'я з дитиною", "simya z dytynoyu"),  # the apostrophe goes, as it does when people type
    ],
)
def test_the_twin_is_spelled_as_people_type(text: str, twin: str) -> None:
    assert latin_twin(text) == twin


@pytest.mark.parametrize("text", ["I want to talk to someone", "mne ploho", "yasamaq istemirem", "👍", ""])
def test_nothing_to_lose_means_no_twin(text: str) -> None:
    assert latin_twin(text) is None


def test_a_model_trained_on_cyrillic_alone_knows_the_latin_spelling() -> None:
    crises = [
        "хочу померти",
        "не хочу жити",
        "хочу померти сьогодні",
        "жити не хочу більше",
        "я хочу померти",
        "не можу жити",
    ]
    safe = [
        "де отримати субсидію",
        "як оформити пенсію",
        "субсидія на комуналку",
        "пенсія по інвалідності",
        "де оформити допомогу",
        "як отримати допомогу",
    ]
    texts, labels = crises + safe, [1] * len(crises) + [0] * len(safe)
    twins = CrisisModel(latin_twins=True).fit(texts, labels)
    plain = CrisisModel(latin_twins=False).fit(texts, labels)
    latin = ["khochu pomerty", "hochu pomerti", "de otrymaty subsydiyu", "yak oformyty pensiyu"]
    # without twins, Latin text is unknown to the model: every message gets the same prior score
    assert len({round(plain.score(t), 3) for t in latin}) == 1
    assert twins.score("khochu pomerty") > 0.9 and twins.score("hochu pomerti") > 0.9
    assert twins.score("de otrymaty subsydiyu") < 0.1 and twins.score("yak oformyty pensiyu") < 0.1


def test_latin_spellings_cover_each_habit() -> None:
    from vikno.nlu.noise import latin_spellings

    uk = latin_spellings("Я хочу вмерти, щось", "uk")
    assert {"ya khochu vmerty, schos", "ya hochu vmerty, schos", "ia khochu vmerty, shchos"} <= set(uk)
    ru = latin_spellings("Мне нужна помощь", "ru")
    assert {"mne nuzhna pomosch", "mne nuzhna pomoshch", "mne nujna pomosh'"} <= set(ru)
    assert len(uk) == len(set(uk))  # one of each
