"""The spellings people use for the same words reach the intent classifier as one (issue 23).

Azerbaijani typed without ə ı ö ü ğ ş ç, and Ukrainian or Russian typed in Latin letters, are how many people
write on a phone; the training data is mostly in the language's own letters.
"""

from __future__ import annotations

import pytest

from vikno.nlu.classifier import IntentClassifier, fold_az


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("yaşamaq istəmirəm", "yasamaq istemirem"),
        ("uşağı bağçaya götürmürlər", "usagi bagcaya goturmurler"),
        ("köçkün müavinəti", "kockun muavineti"),
        ("işə qəbul", "ise qebul"),
        ("help me", "help me"),
        ("допомога", "допомога"),
    ],
)
def test_azerbaijani_letters_fold_to_what_a_phone_types(text: str, folded: str) -> None:
    assert fold_az(text) == folded


AZ = {
    "education": [
        "uşağı məktəbə necə yazdırım",
        "bağçada yer yoxdur",
        "məktəbdə müəllim uşağı incidir",
        "universitetə qəbul imtahanı",
        "uşağı başqa məktəbə keçirmək",
        "təhsil üçün təqaüd",
    ],
    "health": [
        "həkim qəbul etmir",
        "pulsuz dərman harada",
        "xəstəxanada müalicə",
        "ailə həkiminə yazılmaq",
        "dişim ağrıyır həkim lazımdır",
        "əməliyyat üçün pul yoxdur",
    ],
    "legal": [
        "pulsuz vəkil lazımdır",
        "boşanmaq istəyirəm",
        "aliment ödəmir",
        "miras necə rəsmiləşdirilir",
        "məhkəməyə şikayət",
        "işəgötürən maaş vermir hüquqlarım",
    ],
    "elderly_care": [
        "nənəmə qulluq lazımdır",
        "qocalar evi",
        "yaşlı atama baxıcı",
        "təqaüdçüyə sosial işçi",
        "babam tək yaşayır kömək",
        "anama evdə qulluq",
    ],
}
UK = {
    "education": [
        "як записати дитину до школи",
        "у садочку немає місць",
        "вчителька ображає дитину",
        "вступ до університету",
        "перевести дитину в іншу школу",
        "стипендія для студента",
    ],
    "health": [
        "лікар не приймає",
        "безкоштовні ліки де",
        "лікування в лікарні",
        "записатися до сімейного лікаря",
        "болить зуб потрібен лікар",
        "грошей на операцію немає",
    ],
    "legal": [
        "потрібен безкоштовний адвокат",
        "хочу розлучитися",
        "не платить аліменти",
        "як оформити спадщину",
        "скарга до суду",
        "роботодавець не платить зарплату мої права",
    ],
    "elderly_care": [
        "бабусі потрібен догляд",
        "будинок для літніх",
        "доглядальниця для тата",
        "соцпрацівник для пенсіонера",
        "дідусь живе сам допомога",
        "догляд за мамою вдома",
    ],
}


def _train(data: dict[str, list[str]], **params: object) -> IntentClassifier:
    pairs = [(t, i) for i, ts in data.items() for t in ts]
    return IntentClassifier(**params).fit([t for t, _ in pairs], [i for _, i in pairs])


@pytest.mark.parametrize(
    ("plain", "proper", "intent"),
    [
        ("usagi mektebe nece yazdirim", "uşağı məktəbə necə yazdırım", "education"),
        ("bagcada yer yoxdur", "bağçada yer yoxdur", "education"),
        ("hekim qebul etmir", "həkim qəbul etmir", "health"),
        ("pulsuz vekil lazimdir", "pulsuz vəkil lazımdır", "legal"),
        ("nenem ucun qulluq lazimdir", "nənəm üçün qulluq lazımdır", "elderly_care"),
        ("qocalar evi", "qocalar evi", "elderly_care"),
    ],
)
def test_azerbaijani_typed_without_its_letters_is_understood_alike(plain: str, proper: str, intent: str) -> None:
    clf = _train(AZ)
    assert clf.rank(plain, top=1)[0][0] == intent
    assert clf.rank(plain, top=3) == clf.rank(proper, top=3)  # the same message to the model, confidence too


@pytest.mark.parametrize(
    ("latin", "intent"),
    [
        ("yak zapysaty dytynu do shkoly", "education"),
        ("u sadochku nemaye mists", "education"),
        ("likar ne pryimaye", "health"),
        ("potriben bezkoshtovnyi advokat", "legal"),
        ("babusi potriben doglyad", "elderly_care"),
        ("budynok dlya litnih", "elderly_care"),
    ],
)
def test_ukrainian_in_latin_letters_is_understood(latin: str, intent: str) -> None:
    clf = _train(UK)
    assert clf.rank(latin, top=1)[0][0] == intent


def test_twins_never_leak_into_their_originals_fold() -> None:
    """Cross-validation inside training scores originals only, so the report counts the data as given."""
    clf = _train(UK)
    assert clf.report.n_examples == sum(len(v) for v in UK.values())
    assert clf.report.cv_accuracy == clf.report.cv_accuracy  # a number, not NaN


def test_a_model_saved_before_the_folding_is_retrained_not_misread(tmp_path) -> None:
    """A format-2 model's vocabulary holds ə ş ç...; read with folded features it would silently lose them."""
    import pickle

    from vikno.nlu.classifier import ModelFormatError

    path = tmp_path / "model.pkl"
    _train(AZ).save(path)
    state = pickle.loads(path.read_bytes())
    state["format_version"] = 2
    for name in ("fold_az", "latin_twins"):
        state["params"].pop(name)
    path.write_bytes(pickle.dumps(state))
    with pytest.raises(ModelFormatError, match="retrain"):
        IntentClassifier.load(path)
