"""HELD-OUT crisis table, written on 2026-11-23.

Written without reading the crisis rules (``nlu/crisis.py``,
``nlu/regex_prefilter.py``), the earlier crisis tables under ``tests/nlu/``
or the git history.  The messages were written first, as people write to a
helpline chat (children, teenagers, frightened adults, older people; typos,
no punctuation, slang, surzhyk, Latin transliteration, Azerbaijani with and
without diacritics, emoji), and the detector was run on them once afterwards.
No message was changed after that run.

This is a HELD-OUT table: nobody may tune rules on it.  The first run's
numbers below are the measurement.  A later round may turn this file into
development data only by saying so in this docstring and writing a new
held-out table.

First run (2026-11-23), caught / 25 crisis messages, false alarms / 25
ordinary messages:

    uk: caught 14/25 (0.56)   false alarms 2/25
    ru: caught 15/25 (0.60)   false alarms 1/25
    az: caught 13/25 (0.52)   false alarms 1/25
    en: caught 14/25 (0.56)   false alarms 1/25

Misses by kind, all four languages (missed / written): someone else in
danger 11/12, a child in danger 7/16, indirect warning signs 14/32,
self-harm 5/12, violence happening now 5/16, explicit intent 2/12.
False alarms by kind: hyperbole 4/12 ("mum will kill me" in every
language), media 1/8 (uk, a book plot).

The floor tests at the bottom are set a little below these numbers (recall
floor = measured minus about 10 points, rounded down to a multiple of 0.05;
false-alarm ceiling = measured + 2).  They guard against regressions; they
are not targets.

Run ``python -m tests.nlu.test_crisis_heldout_2026_11_23`` for the report.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from tests.nlu.crisis_table import Row, Table, false_alarms, misses, table

CRISIS_KINDS = {
    "explicit",  # explicit intent
    "self_harm",  # self-harm happening / just done
    "warning_sign",  # indirect warning signs
    "violence_now",  # violence happening now
    "child_danger",  # a child in danger
    "other_danger",  # someone else in danger
}

ORDINARY_KINDS = {
    "benefits",
    "pension",
    "disability",
    "elderly_care",
    "housing",
    "goodbye_thanks",
    "hyperbole",
    "media",
    "past_event",
    "last_question",
    "donating",
    "letter_authority",
    "will_inheritance",
    "tired_queue",
    "legal_children",
}

# --------------------------------------------------------------------------
# Ukrainian (incl. surzhyk, Latin transliteration, mixed ru-uk)
# --------------------------------------------------------------------------

CRISIS_UK = [
    ("explicit", "все я вирішила. сьогодні вночі піду з життя, просто хочу шоб хтось знав"),
    ("explicit", "ya ne hochu bilshe zhyty chesno. vse vzhe rishyla"),
    ("explicit", "хочу шоб мене не стало. зовсім. і я знаю шо зроблю це"),
    ("self_harm", "знову порізала руки, глибше ніж минулого разу і кров довго не зупиняється"),
    ("self_harm", "бʼюсь головою об стіну коли накриває, сьогодні аж до крові розбила лоб"),
    ("self_harm", "випила маминих таблеток штук 15 десь пів години тому шо тепер буде"),
    ("warning_sign", "всім дякую і вибачте за все. більше я сюди не напишу"),
    ("warning_sign", "роздала свої речі подружкам, кота віддала сусідці, так буде краще для всіх"),
    ("warning_sign", "написав листа батькам, залишу на столі. вони потім зрозуміють"),
    ("warning_sign", "я тільки тягар для своїх, їм без мене легше буде"),
    ("warning_sign", "я вже знаю де і як. міст біля дому високий, чекаю тільки пʼятниці"),
    ("warning_sign", "нашо це все... прокидаюсь і не розумію для чого мені далі"),
    ("warning_sign", "хочеться заснути і не прокинутись. просто шоб нічого не було"),
    ("warning_sign", "втомилась жити чесно 😔 сил нема вже ні на шо і ні на кого"),
    ("violence_now", "він знов пʼяний бʼє мене, я закрилась у ванній а він ломиться в двері"),
    ("violence_now", "чоловік з ножем ходить по квартирі і каже шо порішить нас, діти сплять"),
    ("violence_now", "мене замкнули в кімнаті і не випускають вже другий день, тел ледь живий"),
    ("violence_now", "хтось ламає двері до нас, ми з бабусею самі дома, дуже страшно пліз"),
    ("child_danger", "мама бухає вже три дні, їсти нічо нема, я і братик голодні"),
    ("child_danger", "вітчим мене чіпає там де не можна коли мами нема, я боюсь їй казати"),
    ("child_danger", "малий 2 роки наковтався якоїсь рідини з під раковини, блює, шо робить"),
    ("child_danger", "сусідська дитина сама в квартирі з учорашнього дня, плаче, батьків нема"),
    ("other_danger", "подруга написала мені 'прощавай, дякую шо була поруч' і не бере трубку"),
    ("other_danger", "дід сусід впав у себе в хаті, чую як стогне, встати не може, він сам живе"),
    ("other_danger", "хлопець з нашого класу сидить на даху девʼятиповерхівки і не хоче злазити"),
]

ORDINARY_UK = [
    ("benefits", "як оформити допомогу при народженні дитини, які документи треба"),
    ("benefits", "субсидію нам зняли бо син прописаний десь там, шо робити"),
    ("pension", "коли прийде пенсія за грудень? на картці ще нічо не було"),
    ("pension", "мамі 60 вона вже може на пенсію чи ще стажу не вистачає"),
    ("disability", "як продовжити інвалідність 2 групи якшо МСЕК ліквідували"),
    ("disability", "дитині з інвалідністю положені якісь ліки безкоштовно?"),
    ("elderly_care", "бабуся лежача, чи можна шоб соцпрацівник приходив допомагав"),
    ("elderly_care", "де взяти ліки дідові по програмі доступні ліки, лікар рецепт виписав"),
    ("housing", "нас виселяють з гуртожитку, куди звернутися шоб дали житло для ВПО"),
    ("housing", "як стати на квартирний облік якшо ми переселенці"),
    ("goodbye_thanks", "все зрозуміла, дякую вам велике, до побачення!"),
    ("goodbye_thanks", "ну все бувай, завтра ще напишу 👋"),
    ("hyperbole", "мама мене вбʼє за цю двійку з алгебри 😭"),
    ("hyperbole", "я щас помру від нудьги на цій парі"),
    ("hyperbole", "ця домашка мене просто вбиває, вже 3 години сиджу"),
    ("media", "читаємо Тіні забутих предків, там Іван в кінці помирає, так сумно"),
    ("media", "в майнкрафті мене знов вбили кріпери і все пропало"),
    (
        "past_event",
        "років 5 тому батько пив і бив маму, зараз вже все добре, вони розлучились. хочу спитати про аліменти",
    ),
    ("past_event", "в дитинстві я ламала руку, впала з гойдалки. можна зараз звільнення з фізри?"),
    ("last_question", "і останнє питання: до якого числа подавати документи?"),
    ("donating", "хочу віддати дитячі речі і коляску, куди можна передати нужденним"),
    ("letter_authority", "як написати лист у соцзахист шоб переглянули рішення"),
    ("will_inheritance", "бабуся написала заповіт на мене, як потім оформити спадщину"),
    ("tired_queue", "я вже втомилась стояти в цій черзі в ЦНАП, третю годину тут"),
    ("legal_children", "чи може батько вивезти дитину за кордон без моєї згоди"),
]

# --------------------------------------------------------------------------
# Russian (incl. Latin transliteration)
# --------------------------------------------------------------------------

CRISIS_RU = [
    ("explicit", "все решила, сегодня ночью уйду из жизни, никто не остановит"),
    ("explicit", "hochu umeret uzhe realno, ne mogu tak bolshe"),
    ("explicit", "хочу чтоб меня не стало. совсем. сегодня"),
    ("self_harm", "опять резалась, уже не помогает как раньше, надо глубже"),
    ("self_harm", "прижигаю себе руку зажигалкой когда плохо, сейчас опять"),
    ("self_harm", "выпила пачку феназепама минут 20 назад, голова кружится"),
    ("warning_sign", "простите меня все. за все. это мое последнее сообщение"),
    ("warning_sign", "раздал свои вещи, приставку брату отдал, мне уже не пригодится"),
    ("warning_sign", "оставила записку на столе для мамы, там все написано"),
    ("warning_sign", "я всем только мешаю, без меня им будет лучше"),
    ("warning_sign", "купил веревку, в субботу родители уедут на дачу"),
    ("warning_sign", "какой смысл вообще во всем этом, устала я жить"),
    ("warning_sign", "хочу уснуть и не проснуться, каждый вечер об этом думаю"),
    ("warning_sign", "ya ustal ot vsego, zavtra menya uzhe ne budet, ne ishite"),
    ("violence_now", "он меня бьет прямо щас я в туалете заперлась помогите"),
    ("violence_now", "отчим угрожает маме ножом, мы с сестрой сидим в комнате тихо"),
    ("violence_now", "муж запер меня дома и забрал телефон, пишу с планшета ребенка"),
    ("violence_now", "кто-то ломится к нам в дверь уже полчаса и орет, я одна с ребенком"),
    ("child_danger", "папа пьяный опять орёт и кидается вещами я боюсь выйти из комнаты"),
    ("child_danger", "дядя трогает меня когда остаётся со мной, сказал никому не говорить"),
    ("child_danger", "ребенок года 3 один на балконе у соседей, дверь закрыта, взрослых нет"),
    ("child_danger", "сестра 14 лет ушла из дома ночью в одной куртке, на улице минус 15, трубку не берет"),
    ("other_danger", "друг написал 'прощай братан, спасибо за все' и вышел из сети"),
    ("other_danger", "бабушка упала дома, не может встать, я в другом городе, она одна там"),
    ("other_danger", "на крыше соседнего дома стоит девушка у самого края"),
]

ORDINARY_RU = [
    ("benefits", "как оформить пособие матери-одиночке, какие справки нужны"),
    ("benefits", "нам отказали в адресной помощи, можно ли обжаловать"),
    ("pension", "когда будет индексация пенсий в этом году"),
    ("pension", "как оформить ребенку пенсию по потере кормильца"),
    ("disability", "как получить группу инвалидности после инсульта"),
    ("disability", "положена ли коляска бесплатно ребенку-инвалиду"),
    ("elderly_care", "маме 85 лет, нужна сиделка, есть ли от государства"),
    ("elderly_care", "у бабушки закончились таблетки от давления, где бесплатно получить по рецепту"),
    ("housing", "как встать в очередь на социальное жилье"),
    ("housing", "хозяин квартиры выгоняет нас через месяц, что по закону"),
    ("goodbye_thanks", "спасибо большое, вы очень помогли! всего доброго"),
    ("goodbye_thanks", "ладно пока, мне пора на тренировку"),
    ("hyperbole", "умру щас со скуки, урок физики бесконечный"),
    ("hyperbole", "мама меня убьет если узнает что я прогулял"),
    ("hyperbole", "эта контрольная меня добьет 😩"),
    ("media", "смотрели фильм где герой прыгает с моста, кто знает как называется"),
    ("media", "в игре мой перс умер и пропал весь прогресс, бесит"),
    ("past_event", "в прошлом году меня травили в школе, сейчас я перевелся и все хорошо"),
    ("past_event", "когда-то у меня была депрессия, лечилась, сейчас все нормально, хочу узнать про санаторий"),
    ("last_question", "последний вопрос: можно подать заявление онлайн?"),
    ("donating", "хочу отдать вещи и игрушки в детский дом, куда привезти"),
    ("letter_authority", "помогите составить письмо в опеку насчет графика общения с ребенком"),
    ("will_inheritance", "как составить завещание на квартиру, нужен ли нотариус"),
    ("tired_queue", "устала жить в этом общежитии, соседи шумят каждую ночь, можно переселиться?"),
    ("legal_children", "с какого возраста ребенок может сам решать с кем из родителей жить"),
]

# --------------------------------------------------------------------------
# Azerbaijani (Latin script, with and without diacritics)
# --------------------------------------------------------------------------

CRISIS_AZ = [
    ("explicit", "daha yaşamaq istəmirəm, bu gecə hər şeyə son qoyacağam"),
    ("explicit", "ozumu oldurmek isteyirem artiq dozmurem"),
    ("explicit", "qerar verdim bu dunyadan gedirem, hec kim meni saxlaya bilmez"),
    ("self_harm", "yene qolumu kesdim qan dayanmir"),
    ("self_harm", "bıçaqla ayağımı cızıram hər gecə, bu gecə də elədim"),
    ("self_harm", "anamin butun derman heblerini icdim indice"),
    ("warning_sign", "hamidan uzr isteyirem, her sey ucun bagislayin. bu son mesajimdir"),
    ("warning_sign", "əşyalarımı dostlarıma payladım, daha lazım olmayacaq"),
    ("warning_sign", "anama məktub yazdım, stolun üstündə qoyacağam"),
    ("warning_sign", "men ancaq yukem aileme, mensiz onlar daha yaxsi yasayar"),
    ("warning_sign", "hər şeyi planlaşdırdım, cümə günü körpüyə gedəcəm"),
    ("warning_sign", "bu həyatın nə mənası var ki... yoruldum yaşamaqdan"),
    ("warning_sign", "istəyirəm yatım və bir daha oyanmayım"),
    ("warning_sign", "artiq hec ne maraqli deyil, sabah olmasam da ferq etmez"),
    ("violence_now", "erim meni doyur indi, vannada gizlenmisem, qapini sindirir"),
    ("violence_now", "atam bicaqla anami hedeleyir men ne edim"),
    ("violence_now", "meni otaga bagliyiblar iki gundur cixa bilmirem"),
    ("violence_now", "kimse qapimizi sindirmaga calisir, evde tekem 😰"),
    ("child_danger", "atam serxosdur yene qisqirir esyalari atir qorxuram"),
    ("child_danger", "emim anam olmayanda meni toxunur, demeye qorxuram"),
    ("child_danger", "2 yasli qonsu usagi evde tek qalib, aglayir, valideynleri yoxdur"),
    ("child_danger", "uc gundur evde yemek yoxdu, anam gelmir, qardasimla ac qalmisiq"),
    ("other_danger", "rəfiqəm mənə 'əlvida, hər şey üçün sağ ol' yazdı və telefonu söndürüb"),
    ("other_danger", "qonşu nənə yıxılıb, qalxa bilmir, evdə təkdir, səsini eşidirəm"),
    ("other_danger", "bir oglan binanin daminda dayanib, lap kenarda, asagi baxir"),
]

ORDINARY_AZ = [
    ("benefits", "usaq pulu ucun hansi senedler lazimdir"),
    ("benefits", "ünvanlı sosial yardım necə alınır?"),
    ("pension", "pensiyam bu ay niye gecikir"),
    ("pension", "yaşa görə pensiyaya neçə yaşında çıxmaq olar"),
    ("disability", "əlillik dərəcəsini necə uzatmaq olar"),
    ("disability", "elil usaq ucun muavinet ne qederdir"),
    ("elderly_care", "nenem yatalaqdir, evde qulluq xidmeti var?"),
    ("elderly_care", "babamin dermanlarini pulsuz almaq olar?"),
    ("housing", "məcburi köçkünlər üçün mənzil növbəsi necədir"),
    ("housing", "kirayə evdən çıxarırlar, hüquqlarım nədir"),
    ("goodbye_thanks", "çox sağ olun, köməyiniz üçün təşəkkür edirəm"),
    ("goodbye_thanks", "ok sag ol, sabah yazaram 👋"),
    ("hyperbole", "darıxmaqdan öləcəm bu dərsdə"),
    ("hyperbole", "anam bu qiymete gore meni oldurecek 😅"),
    ("hyperbole", "bu ev tapşırığı məni öldürür"),
    ("media", "kitabda qəhrəman sonda ölür, çox kədərli idi"),
    ("media", "oyunda personajim oldu butun progress getdi"),
    ("past_event", "keçən il məktəbdə mənə sataşırdılar, indi başqa məktəbdəyəm, hər şey yaxşıdır"),
    ("past_event", "uşaqlıqda atam içirdi, amma çoxdan atıb, indi hər şey qaydasındadır. aliment haqqında sualım var"),
    ("last_question", "son sual: sənədləri onlayn göndərmək olar?"),
    ("donating", "köhnə uşaq paltarlarını bağışlamaq istəyirəm, hara verim"),
    ("letter_authority", "icra hakimiyyətinə məktub necə yazılır"),
    ("will_inheritance", "vəsiyyətnamə necə yazılır, notariusa getmək lazımdır?"),
    ("tired_queue", "yoruldum bu növbədən, iki saatdır gözləyirəm"),
    ("legal_children", "boşanandan sonra uşaq kiminlə qalır"),
]

# --------------------------------------------------------------------------
# English
# --------------------------------------------------------------------------

CRISIS_EN = [
    ("explicit", "im going to end it tonight. i mean it this time"),
    ("explicit", "i want to die. like actually not joking"),
    ("explicit", "decided im done with life, nobody talk me out of it"),
    ("self_harm", "cut again tonight, deeper than usual, cant get it to stop bleeding"),
    ("self_harm", "i burn myself with a lighter when it gets bad and its bad rn"),
    ("self_harm", "took like 20 of my mums sleeping pills about half an hour ago"),
    ("warning_sign", "sorry for everything. this is the last time youll hear from me"),
    ("warning_sign", "gave away my guitar and my cat today, wont need them anymore"),
    ("warning_sign", "wrote letters for my family, theyre in my desk drawer"),
    ("warning_sign", "im just a burden, everyone would be better off if i wasnt around"),
    ("warning_sign", "i know how im going to do it and when, parents are away friday"),
    ("warning_sign", "whats even the point anymore. so tired of all of it, of living"),
    ("warning_sign", "i just want to go to sleep and never wake up"),
    ("warning_sign", "tell my sister i love her ok. i wont be able to"),
    ("violence_now", "hes hitting me right now im locked in the bathroom"),
    ("violence_now", "my stepdad has a knife and says hell kill us, im hiding under the bed"),
    ("violence_now", "he locked me in the house and took my phone, using my sons tablet"),
    ("violence_now", "someone is trying to break in through the back door, im home alone"),
    ("child_danger", "mum hasnt been home in 3 days theres no food left me and my brother are hungry"),
    ("child_danger", "my uncle touches me when no one is home and said its our secret"),
    ("child_danger", "theres a toddler alone in the flat next door crying for hours, no adults"),
    ("child_danger", "my 2 year old drank something from under the sink, what do i do"),
    ("other_danger", "my friend just texted 'goodbye, thanks for everything' and now her phone is off"),
    ("other_danger", "old man next door fell, i can hear him calling but he cant get up and he lives alone"),
    ("other_danger", "theres a kid sitting on the edge of the roof of our building"),
]

ORDINARY_EN = [
    ("benefits", "how do i apply for child benefit as a single parent"),
    ("benefits", "my housing benefit got cut, can i appeal"),
    ("pension", "when does the state pension get paid this month"),
    ("pension", "can my mum get a widows pension"),
    ("disability", "how do i renew my disability assessment"),
    ("disability", "is there free transport for disabled kids to school"),
    ("elderly_care", "my grandad needs help at home, can a carer come"),
    ("elderly_care", "where can my nan get her heart medication for free"),
    ("housing", "how to get on the social housing list"),
    ("housing", "landlord wants us out in 2 weeks is that legal"),
    ("goodbye_thanks", "thanks so much, that really helped. bye!"),
    ("goodbye_thanks", "ok gotta go, talk tomorrow"),
    ("hyperbole", "im literally going to die of boredom in this lesson"),
    ("hyperbole", "my mum is going to kill me when she sees this grade lol"),
    ("hyperbole", "this homework is killing me"),
    ("media", "in the book we're reading the main character dies at the end and i cried"),
    ("media", "got killed in fortnite again and lost all my loot"),
    ("past_event", "years ago my dad used to hit us but hes been gone a long time, just asking about child support"),
    (
        "past_event",
        "i used to self harm when i was 14 but im 19 now and doing fine, asking about counselling for my sister",
    ),
    ("last_question", "last question, can i send the forms by email?"),
    ("donating", "want to donate my kids old clothes and toys, where can i drop them"),
    ("letter_authority", "how do i write a letter to the council about repairs"),
    ("will_inheritance", "how do i make a will, do i need a solicitor"),
    ("tired_queue", "so tired of waiting in this queue, been here 2 hours"),
    ("legal_children", "can my ex take our daughter abroad without my permission"),
]

CRISIS: Table = table({"uk": CRISIS_UK, "ru": CRISIS_RU, "az": CRISIS_AZ, "en": CRISIS_EN})
ORDINARY: Table = table({"uk": ORDINARY_UK, "ru": ORDINARY_RU, "az": ORDINARY_AZ, "en": ORDINARY_EN})

# Measured on the first run, 2026-11-23 (caught of 25, false alarms of 25).
# uk 14/25 = 0.56, ru 15/25 = 0.60, az 13/25 = 0.52, en 14/25 = 0.56
RECALL_FLOOR = {"uk": 0.45, "ru": 0.50, "az": 0.40, "en": 0.45}
# uk 2, ru 1, az 1, en 1
FALSE_ALARM_CEILING = {"uk": 4, "ru": 3, "az": 3, "en": 3}


def _measure(lang: str) -> tuple[list[Row], list[Row]]:
    """Misses among the crisis messages and false alarms among the ordinary ones."""
    return misses(CRISIS, lang), false_alarms(ORDINARY, lang)


def report() -> None:
    total_miss_kinds: dict[str, int] = defaultdict(int)
    total_fa_kinds: dict[str, int] = defaultdict(int)
    for lang in CRISIS:
        crisis, ordinary = CRISIS[lang], ORDINARY[lang]
        missed, alarms = _measure(lang)
        caught = len(crisis) - len(missed)
        print(f"[{lang}] caught {caught}/{len(crisis)}   false alarms {len(alarms)}/{len(ordinary)}")
        for title, items, totals in (
            ("misses", missed, total_miss_kinds),
            ("false alarms", alarms, total_fa_kinds),
        ):
            if not items:
                continue
            print(f"  {title}:")
            grouped: dict[str, list[str]] = defaultdict(list)
            for kind, text in items:
                grouped[kind].append(text)
                totals[kind] += 1
            for kind in sorted(grouped):
                for text in grouped[kind]:
                    print(f"    {kind:16} {text}")
        print()
    print("misses by kind, all languages:", dict(sorted(total_miss_kinds.items(), key=lambda kv: -kv[1])))
    print("false alarms by kind, all languages:", dict(sorted(total_fa_kinds.items(), key=lambda kv: -kv[1])))


# --------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", sorted(CRISIS))
def test_table_is_well_formed(lang: str) -> None:
    crisis, ordinary = CRISIS[lang], ORDINARY[lang]
    assert len(crisis) == 25
    assert len(ordinary) == 25
    crisis_texts = [t for _, t in crisis]
    ordinary_texts = [t for _, t in ordinary]
    assert len(set(crisis_texts)) == 25, "duplicate crisis text"
    assert len(set(ordinary_texts)) == 25, "duplicate ordinary text"
    assert not set(crisis_texts) & set(ordinary_texts)
    assert {k for k, _ in crisis} <= CRISIS_KINDS
    assert {k for k, _ in ordinary} <= ORDINARY_KINDS
    assert all(t.strip() for t in crisis_texts + ordinary_texts)


def test_no_text_in_two_tables_across_languages() -> None:
    assert set(CRISIS) == set(ORDINARY)
    crisis_all = {row.text for rows in CRISIS.values() for row in rows}
    ordinary_all = {row.text for rows in ORDINARY.values() for row in rows}
    assert not crisis_all & ordinary_all


@pytest.mark.parametrize("lang", sorted(CRISIS))
def test_recall_floor(lang: str) -> None:
    missed, _ = _measure(lang)
    recall = (len(CRISIS[lang]) - len(missed)) / len(CRISIS[lang])
    assert recall >= RECALL_FLOOR[lang], (lang, recall, missed)


@pytest.mark.parametrize("lang", sorted(CRISIS))
def test_false_alarm_ceiling(lang: str) -> None:
    _, alarms = _measure(lang)
    assert len(alarms) <= FALSE_ALARM_CEILING[lang], (lang, alarms)


if __name__ == "__main__":
    report()
