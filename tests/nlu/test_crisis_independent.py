"""Independent check of the crisis detector.

This table was written WITHOUT looking at ``nlu/crisis.py`` or at
``tests/nlu/test_crisis.py``, so it measures how well the rules generalise
to the way real people write to a helpline: children and frightened adults,
typos, no punctuation, surzhyk, Latin transliteration, Azerbaijani with and
without diacritics, slang, indirect phrasing, reports about someone else.

Three tables per language (uk, ru, az, en):

``CRISIS``
    Must ALWAYS be flagged.  One parametrised test per message, so a miss
    names the message.

``NON_CRISIS``
    Hard negatives: hyperbole, idioms, games, news and fiction, calmly told
    past events, ordinary service requests.  A false alarm costs little (the
    person is shown helpline numbers / offered a human), a miss may cost a
    life, so a small budget of false alarms is tolerated:
    ``MAX_FALSE_ALARMS`` per language (about 10% of the table).  The ones we
    consider acceptable to flag are marked ``# ok-if-flagged`` below and are
    the reason for the budget:

    * a child saying a parent "will kill me" over a bad grade is usually
      hyperbole, but a counsellor would rather check;
    * fiction / news retelling a suicide uses the very words of a real
      disclosure;
    * a calmly told past suicidal episode mentions suicidal thoughts
      explicitly.

``AMBIGUOUS``
    Judgement calls, neither asserted nor counted: negated self-harm ("I'm
    not going to hurt myself, just tired") and questions about the service
    ("do you help families of suicide victims?").  Our judgement: flagging
    them is acceptable (the brief prefers flagging when unsure, and a
    negated mention of self-harm is still something a counsellor gently
    checks), and NOT flagging them is acceptable too, so they are only
    reported by ``report()``.

Run ``python -m tests.nlu.test_crisis_independent`` for a per-language
recall / false-alarm report.
"""

from __future__ import annotations

import pytest

from tests.nlu.crisis_table import Table, cases, flagged, table, texts

MAX_FALSE_ALARMS = 3

# --------------------------------------------------------------------------
# English
# --------------------------------------------------------------------------

CRISIS_EN = [
    # suicidal thoughts, direct
    "i want to kill myself",
    "i wanna die",
    "I just want to die pls help",
    "i dont want to live anymore",
    "i don't want to be alive anymore",
    "im going to end it all tonight",
    "thinking about ending my life",
    "i wish i was dead",
    "im so suicidal rn",
    "i have suicidal thoughts every night",
    "i'm going to commit suicide",
    "i wnat to kil myself",  # typos
    # slang
    "kms",
    "gonna kms tonight fr",
    "i want to unalive myself",
    "thinking about unaliving myself",
    "i'm going to off myself",
    # indirect
    "I won't be a problem for anyone much longer",
    "everyone would be better off without me",
    "I have the pills ready",
    "i took the whole bottle of pills",
    "i swallowed all my moms pills",
    "i bought a rope today",
    "i wrote my goodbye letter",
    "this is goodbye, thank you for everything",
    "i wish i could go to sleep and never wake up",
    "i don't want to wake up tomorrow",
    "no point in living",
    "life is not worth living",
    "i have nothing left to live for",
    "nobody would even notice if i was gone",
    "i'm going to overdose",
    # self-harm
    "i cut myself again",
    "i keep cutting my arms",
    "i want to hurt myself",
    "i've been self harming for weeks",
    # at the edge
    "im standing on the bridge and going to jump",
    "im on the roof i'm going to jump",
    # someone else in danger now
    "my friend says she is going to jump",
    "my brother said he's going to kill himself",
    "my friend took a lot of pills and wont wake up",
    "my little sister is not breathing",
    "my neighbour is beating his kid, i can hear screaming",
    # violence now / child in danger
    "my dad is hitting my mom right now im scared",
    "dad is beating me",
    "my stepdad hits me every day",
    "my mom is drunk and hitting me",
    "help he is hitting me",
    "my husband is choking me",
    "my uncle touches me at night and says not to tell",
    "i was raped",
    "a small child is locked in a car in this heat",
    # threat to life
    "he's threatening to kill me, he has a knife",
    "he said he will kill me if i leave",
    "i'm scared he'll kill me tonight",
    "there's a man with a gun outside my door",
    "someone is breaking into my house right now",
]

NON_CRISIS_EN = [
    "this homework is killing me",
    "I'm dying of laughter",
    "killing it at work today",
    "kill the boss in level 3",
    "years ago I had suicidal thoughts, now I'm fine and volunteer",  # ok-if-flagged
    "my phone battery is dead",
    "I'd kill for a pizza right now",
    "this traffic is murder",
    "we watched a movie where the hero jumps off a bridge",
    "the news said a man was stabbed in the city center yesterday",
    "in the book the main character kills himself at the end",  # ok-if-flagged
    "I could die of embarrassment lol",
    "my feet are killing me after the shift",
    "how do I kill a process in linux",
    "the plants died while I was on holiday",
    "I nailed the exam, totally killed it",
    "that dress is drop dead gorgeous",
    "we need to kill some time before the bus",
    "my grandma died last year, I need help with the inheritance documents",
    "how do I apply for housing benefits",
    "where can I get free legal advice about divorce",
    "I'm dead tired after work",
    "I shot a video for school",
    "she was so funny I almost died",
    "knock em dead at the interview tomorrow",
    "the car battery died and it won't start",
    "my kid keeps hitting the ball against the wall",
    "we learned about world war 2 and how many people were killed",
    "I beat my brother at chess",
    "the bridge in our town is closed for repairs",
    "my mom will kill me if she sees my grades lol",  # ok-if-flagged
    "my son is bored, what activities do you offer for kids",
]

AMBIGUOUS_EN = [
    "I'm not going to hurt myself, just tired",
    "do you help families of suicide victims?",
    "I used to cut myself in school but I stopped",
]

# --------------------------------------------------------------------------
# Ukrainian (incl. surzhyk and Latin transliteration)
# --------------------------------------------------------------------------

CRISIS_UK = [
    "я хочу вбити себе",
    "хочу себе вбити",
    "не хочу жити",
    "нехочу жити",
    "не хочу більше жити",
    "я більше не хочу жити",
    "хочу померти",
    "хочу вмерти вже",
    "хочу здохнути",
    "я покінчу з собою",
    "хочу покінчити з собою",
    "хочу покінчити з життям",
    "думаю про самогубство",
    "в мене думки про суїцид",
    "хочу накласти на себе руки",
    "я більше не витримую хочу вмерти",
    # transliteration
    "ne hochu zhyty",
    "ne khochu zhyty bilshe",
    "hochu pomerty",
    "ya hochu vbyty sebe",
    # surzhyk
    "я нехочу жить",
    "всьо хочу покончить з собою",
    "батько бʼє мене по голові каждий день",
    # indirect
    "всім буде краще без мене",
    "скоро я вже нікому не буду заважати",
    "скоро мене не буде",
    "я вже приготувала таблетки",
    "випила всі таблетки які були вдома",
    "купила мотузку",
    "нема сенсу жити",
    "життя не має сенсу хочу щоб все закінчилось",
    "я не хочу прокидатися завтра",
    "прощавайте всі це мій останній лист",
    # self-harm
    "я ріжу собі руки",
    "знову порізала руки",
    "я себе ріжу",
    "я завдаю собі болю",
    # at the edge / someone else
    "хочу стрибнути з даху",
    "стою на мосту хочу стрибнути",
    "подруга каже що стрибне з вікна",
    "мій друг написав що покінчить з собою",
    "мій брат хоче себе вбити",
    # violence now / child in danger (child language, no punctuation)
    "тато б'є маму прямо зараз мені страшно",
    "тато бє маму",
    "мама п'яна і б'є мене",
    "вітчим мене бʼє кожен день",
    "мене бють вдома",
    "vin mene bye",
    "сусід бʼє дитину чути крики",
    "мене зґвалтували",
    "дядько мене чіпає коли нікого немає вдома",
    # threat to life
    "він погрожує мене вбити, він з ножем",
    "чоловік каже що вб'є мене",
    "він душить мене допоможіть",
    "допоможіть він мене вбʼє",
    "мені страшно він п'яний і з сокирою",
    "хлопець каже що якщо я піду він мене вбʼє",
    "хтось ломиться в двері мені дуже страшно",
]

NON_CRISIS_UK = [
    "ця домашка мене вб'є",
    "я вмираю зі сміху",
    "я помираю з голоду",
    "вбий боса на третьому рівні",
    "кілька років тому я думала про суїцид, зараз все добре і я волонтерю",  # ok-if-flagged
    "вчора в новинах показали що чоловіка вбили в центрі міста",
    "у фільмі герой стрибає з мосту",
    "в книжці головна героїня покінчила з собою",  # ok-if-flagged
    "телефон сів",
    "квіти засохли і померли",
    "мене вбиває ця спека",
    "я вбила весь вечір на серіал",
    "як вбити процес у лінуксі",
    "бабуся померла минулого року, потрібна допомога з документами на спадщину",
    "де оформити субсидію",
    "мій син бʼє мʼячем об стіну",
    "я вмираю від нудьги на уроках",
    "мама мене вбʼє якщо дізнається про двійку",  # ok-if-flagged
    "я вбила павука",
    "ми дивились серіал про вбивство",
    "шукаю роботу, допоможіть скласти резюме",
    "як отримати статус ВПО",
    "я смертельно втомилася після зміни",
    "в магазині ціни просто вбивчі",
    "батарейка в пульті померла",
    "ми вчимо про другу світову війну скільки людей загинуло",
    "я стрибнула з парашутом минулого літа, було круто",
    "мої ноги мене вбивають після тренування",
    "діти граються у війнушку з водяними пістолетами",
    "донька не хоче їсти кашу",
    "ne mozhu znajty dokumenty na subsydiju",
    "треба вбити час до автобуса",
]

AMBIGUOUS_UK = [
    "я не збираюсь нічого з собою робити просто втомилась",
    "чи допомагаєте ви родинам тих хто покінчив з собою?",
]

# --------------------------------------------------------------------------
# Russian (incl. transliteration and slang)
# --------------------------------------------------------------------------

CRISIS_RU = [
    "хочу умереть",
    "хачу умереть",
    "хочу умиреть",
    "не хочу жить",
    "я больше не хочу жить",
    "я хочу убить себя",
    "хочу покончить с собой",
    "хочу покончить с жизнью",
    "думаю о суициде",
    "у меня суицидальные мысли",
    "хочу сдохнуть",
    "больше не могу хочу умереть",
    # transliteration
    "hochu umeret",
    "ne hochu zhit",
    "ya hochu ubit sebya",
    "zachem zhit vse ravno nikto ne zametit",
    # slang
    "хочу роскомнадзорнуться",
    "хочу выпилиться",
    "думаю выйти в окно",
    # indirect
    "всем будет лучше без меня",
    "скоро я никому не буду мешать",
    "я уже приготовила таблетки",
    "наглоталась таблеток",
    "выпил все таблетки",
    "купила веревку",
    "нет смысла жить",
    "мне незачем жить",
    "жизнь не имеет смысла хочу чтобы все закончилось",
    "не хочу просыпаться завтра",
    "прощайте все это мое последнее сообщение",
    # self-harm
    "я режу себе руки",
    "опять порезала вены",
    "я причиняю себе боль",
    "снова селфхарм не могу остановиться",
    # at the edge / someone else
    "я стою на крыше и хочу прыгнуть",
    "подруга говорит что прыгнет с моста",
    "мой друг написал что покончит с собой",
    "мой брат хочет убить себя",
    # violence now / child in danger
    "папа бьет маму прямо сейчас мне страшно",
    "папа бьёт маму",
    "мама пьяная и бьет меня",
    "отчим избивает меня",
    "отец бьет меня ремнем каждый день",
    "меня бьют дома",
    "on menya b'et",
    "сосед бьет ребенка слышно крики",
    "меня изнасиловали",
    "дядя трогает меня когда никого нет дома",
    "мама ушла пить и оставила маленького брата одного уже два дня",
    # threat to life
    "он угрожает меня убить у него нож",
    "муж сказал что убьет меня",
    "он меня душит помогите",
    "помогите он меня убьет",
    "мне страшно он пьяный и с топором",
    "парень говорит если я уйду он меня убьет",
    "кто то ломится в дверь мне страшно",
]

NON_CRISIS_RU = [
    "эта домашка меня убьет",
    "я умираю со смеху",
    "убей босса на третьем уровне",
    "несколько лет назад у меня были суицидальные мысли, сейчас все хорошо и я волонтер",  # ok-if-flagged
    "вчера в новостях сказали что мужчину убили в центре",
    "в фильме герой прыгает с моста",
    "в книге главная героиня покончила с собой",  # ok-if-flagged
    "телефон умер",
    "цветы умерли пока я был в отпуске",
    "меня убивает эта жара",
    "надо убить время до автобуса",
    "как убить процесс в линуксе",
    "бабушка умерла в прошлом году, нужна помощь с наследством",
    "где оформить субсидию",
    "сын бьет мячом об стену",
    "умираю от скуки на уроках",
    "мама меня убьет если узнает про двойку",  # ok-if-flagged
    "я убила паука",
    "смотрели сериал про убийство",
    "помогите составить резюме",
    "смертельно устала после смены",
    "цены в магазине убийственные",
    "батарейка сдохла",
    "изучаем вторую мировую, сколько людей погибло",
    "прыгнула с парашютом прошлым летом, было круто",
    "ноги убивают после тренировки",
    "дети играют в войнушку",
    "дочь не хочет есть кашу",
    "ne mogu najti dokumenty na subsidiyu",
    "до смерти хочу спать",
    "игра где надо прыгать с крыши на крышу",
]

AMBIGUOUS_RU = [
    "я не собираюсь ничего с собой делать просто устала",
    "вы помогаете семьям тех кто покончил с собой?",
]

# --------------------------------------------------------------------------
# Azerbaijani (with and without diacritics, colloquial)
# --------------------------------------------------------------------------

CRISIS_AZ = [
    "özümü öldürmək istəyirəm",
    "ozumu oldurmek isteyirem",
    "özümü öldürəcəm",
    "ozumu oldurecem",
    "ölmək istəyirəm",
    "olmek isteyirem",
    "olmek isteyrem",
    "ölmək istəyirəm artıq dözə bilmirəm",
    "yaşamaq istəmirəm",
    "yasamaq istemirem",
    "men artiq yasamaq istemirem",
    "yaşamaq istəmirəm heç kimə lazım deyiləm",
    "intihar etmək istəyirəm",
    "intihar etmek isteyirem",
    "intihar haqqında düşünürəm",
    "canıma qəsd etmək istəyirəm",
    "özümü asmaq istəyirəm",
    "özümü asacağam",
    "yox olmaq istəyirəm həmişəlik",
    # indirect
    "hamıya mənsiz daha yaxşı olacaq",
    "hamiya mensiz daha yaxsi olacaq",
    "tezliklə heç kimə mane olmayacağam",
    "dərmanları hazırlamışam",
    "bütün həbləri içdim",
    "butun hebleri icdim",
    "yaşamağın mənası yoxdur",
    "yasamagin menasi yoxdur",
    "sabah oyanmaq istəmirəm",
    "hamıya əlvida bu son mesajımdır",
    # self-harm
    "qollarımı kəsirəm",
    "ozume zerer vururam",
    "özümə zərər vurmaq istəyirəm",
    # at the edge / someone else
    "damdan tullanmaq istəyirəm",
    "körpünün üstündəyəm tullanacağam",
    "rəfiqəm deyir ki özünü pəncərədən atacaq",
    "dostum yazdı ki özünü öldürəcək",
    "qardaşım özünü öldürmək istəyir",
    # violence now / child in danger
    "atam indi anamı döyür qorxuram",
    "atam anami doyur",
    "anam sərxoşdur və məni döyür",
    "ögey atam hər gün məni döyür",
    "atam meni kemerle doyur her gun",
    "evdə məni döyürlər",
    "qonşu uşağını döyür qışqırıqlar eşidilir",
    "mənə təcavüz etdilər",
    "əmim evdə heç kim olmayanda mənə toxunur",
    # threat to life
    "o məni öldürməklə hədələyir əlində bıçaq var",
    "o meni oldurmekle hedeleyir bicaq var",
    "ərim deyir ki məni öldürəcək",
    "məni boğur kömək edin",
    "kömək edin o məni öldürəcək",
    "qorxuram o sərxoşdur əlində balta var",
    "sevgilim deyir ki getsəm məni öldürəcək",
    "kimsə qapını sındırır çox qorxuram",
]

NON_CRISIS_AZ = [
    "bu ev tapşırığı məni öldürəcək",
    "gülməkdən ölürəm",
    "gulmekden olurem",
    "aclıqdan ölürəm",
    "3-cü səviyyədə bossu öldür",
    "bir neçə il əvvəl intihar fikirlərim var idi, indi yaxşıyam və könüllüyəm",  # ok-if-flagged
    "dünən xəbərlərdə dedilər ki mərkəzdə bir kişi öldürülüb",
    "filmdə qəhrəman körpüdən tullanır",
    "kitabda qəhrəman sonda intihar edir",  # ok-if-flagged
    "telefonum öldü",
    "güllər quruyub öldü",
    "bu isti məni öldürür",
    "avtobusa qədər vaxt öldürmək lazımdır",
    "nənəm keçən il vəfat edib, miras sənədlərinə kömək lazımdır",
    "subsidiyanı harada ala bilərəm",
    "oğlum topu divara vurur",
    "dərsdə darıxmaqdan ölürəm",
    "anam iki alsam məni öldürər",  # ok-if-flagged
    "hörümçəyi öldürdüm",
    "qətl haqqında serial izlədik",
    "CV yazmağa kömək edin",
    "növbədən sonra ölü kimi yorğunam",
    "qiymətlər öldürücüdür",
    "telefonun batareyası bitdi",
    "ikinci dünya müharibəsini öyrənirik, çox insan həlak olub",
    "keçən yay paraşütlə tullandım, əla idi",
    "məşqdən sonra ayaqlarım məni öldürür",
    "uşaqlar müharibə oyunu oynayır",
    "qızım sıyıq yemək istəmir",
    "senedlerimi tapa bilmirem",
    "futbolda rəqibləri məhv etdik",
]

AMBIGUOUS_AZ = [
    "özümə heç nə etməyəcəyəm sadəcə yorğunam",
    "intihar edənlərin ailələrinə kömək edirsiniz?",
]

CRISIS: Table = table({"en": CRISIS_EN, "uk": CRISIS_UK, "ru": CRISIS_RU, "az": CRISIS_AZ})
NON_CRISIS: Table = table({"en": NON_CRISIS_EN, "uk": NON_CRISIS_UK, "ru": NON_CRISIS_RU, "az": NON_CRISIS_AZ})
AMBIGUOUS: Table = table({"en": AMBIGUOUS_EN, "uk": AMBIGUOUS_UK, "ru": AMBIGUOUS_RU, "az": AMBIGUOUS_AZ})


def test_table_sizes() -> None:
    for lang in CRISIS:
        assert len(CRISIS[lang]) >= 50, lang
        assert len(NON_CRISIS[lang]) >= 30, lang
        assert len(set(texts(CRISIS, lang))) == len(CRISIS[lang]), lang
        assert len(set(texts(NON_CRISIS, lang))) == len(NON_CRISIS[lang]), lang


@pytest.mark.parametrize(
    "lang, text",
    cases(CRISIS),
)
def test_crisis_flagged(lang: str, text: str) -> None:
    assert flagged(text), f"[{lang}] crisis message not flagged: {text!r}"


@pytest.mark.parametrize("lang", sorted(NON_CRISIS))
def test_false_alarms_within_budget(lang: str) -> None:
    false_alarms = [t for t in texts(NON_CRISIS, lang) if flagged(t)]
    assert len(false_alarms) <= MAX_FALSE_ALARMS, (
        f"[{lang}] {len(false_alarms)} false alarms (max {MAX_FALSE_ALARMS}): {false_alarms}"
    )


def report() -> None:
    """Print recall / false alarms per language (not a test)."""
    for lang in ("uk", "ru", "az", "en"):
        crisis = texts(CRISIS, lang)
        missed = [t for t in crisis if not flagged(t)]
        fa = [t for t in texts(NON_CRISIS, lang) if flagged(t)]
        amb = [(t, flagged(t)) for t in texts(AMBIGUOUS, lang)]
        hit = len(crisis) - len(missed)
        print(
            f"{lang}: recall {hit}/{len(crisis)} = {hit / len(crisis):.1%}; "
            f"false alarms {len(fa)}/{len(NON_CRISIS[lang])}"
        )
        for t in missed:
            print(f"    MISS  {t}")
        for t in fa:
            print(f"    FA    {t}")
        for t, f in amb:
            print(f"    AMBIG {'flagged' if f else 'not flagged'}: {t}")


if __name__ == "__main__":
    report()
