"""Crisis layer: a table of crisis and hard non-crisis messages per language.

Every crisis message must be flagged (a missed crisis is the worst error).
The hard negatives are everyday exaggeration, negation and ordinary helpline
questions that share words with crises; none of them may be flagged.
"""

from __future__ import annotations


import pytest

from tests.nlu.crisis_table import Table, table, texts
from vikno.nlu.crisis import CHILD, SUICIDE, THREAT, VIOLENCE, CrisisDetector

DETECT = CrisisDetector()

CRISIS: Table = table(
    {
        "uk": [
            "я не хочу жити",
            "не хочу більше жити",
            "не хочу жити далі нічого не має сенсу",
            "жити не хочеться взагалі",
            "хочу вмерти",
            "я хочу просто померти",
            "думаю про самогубство",
            "в мене суїцидальні думки",
            "хочу покінчити з собою",
            "сьогодні покінчу з життям",
            "я себе вбʼю",
            "я вб'ю себе якщо він піде",
            "ріжу собі руки коли погано",
            "порізала вени",
            "хочу наковтатися таблеток",
            "вип'ю всі таблетки які є вдома",
            "стрибну з даху сьогодні",
            "хочу стрибнути з мосту",
            "думаю повіситися",
            "всім буде краще без мене",
            "краще б я помер",
            "немає сенсу жити",
            "хочу накласти на себе руки",
            "хочу заснути і не прокинутися",
            "чоловік зараз мене бʼє допоможіть",
            "він прямо зараз ломиться в двері",
            "рятуйте він мене вбʼє",
            "чоловік погрожує мене вбити",
            "тато бʼє маму зараз що робити",
            "він з ножем кричить що заріже",
            "у нього пістолет і він п'яний",
            "мене душив чоловік",
            "вітчим до мене чіпляється і торкається мене",
            "дитина 3 роки сама вдома вже день",
            "сусіди бʼють дитину зараз чую крики",
            "дитина не дихає",
            "у мене зникла дитина",
            "брат ковтнув таблетки мами",
            "мама без свідомості на підлозі",
            "пожежа в будинку а там діти",
            "ne hochu zhyty",
            "hochu pomerty",
            "мене зґвалтували",
            "ховаюся від чоловіка у ванній він бʼє двері",
        ],
        "ru": [
            "я не хочу жить",
            "не хочу больше жить",
            "жить не хочется",
            "хочу умереть",
            "хочу сдохнуть",
            "думаю о суициде",
            "у меня мысли о самоубийстве",
            "хочу покончить с собой",
            "сегодня покончу с жизнью",
            "я убью себя",
            "убить себя хочу",
            "режу себе руки",
            "вскрыла вены",
            "наглотаюсь таблеток",
            "выпью все таблетки снотворного",
            "спрыгну с крыши",
            "хочу прыгнуть с моста",
            "хочу повеситься",
            "всем будет лучше без меня",
            "лучше бы я умерла",
            "нет смысла жить",
            "жизнь потеряла смысл",
            "хочу наложить на себя руки",
            "хочу уснуть и не проснуться",
            "муж сейчас меня бьет помогите",
            "он прямо сейчас ломится в дверь",
            "спасите он меня убьет",
            "муж угрожает убить меня",
            "отец бьет маму сейчас",
            "он с ножом и кричит что зарежет",
            "у него ружье и он пьяный",
            "меня душил муж",
            "отчим пристает ко мне и трогает",
            "ребенок 2 года один дома со вчера",
            "соседи бьют ребенка сейчас слышу крики",
            "ребенок не дышит",
            "пропал ребенок",
            "сестренка проглотила таблетки",
            "папа без сознания",
            "пожар в доме там дети",
            "ne hochu zhit",
            "hochu umeret",
            "меня изнасиловали",
            "прячусь от мужа в ванной",
        ],
        "az": [
            "yaşamaq istəmirəm",
            "daha yaşamaq istəmirəm",
            "yasamaq istemirem",
            "ölmək istəyirəm",
            "olmek isteyirem",
            "intihar haqqında düşünürəm",
            "intihar etmək istəyirəm",
            "özümü öldürəcəyəm",
            "ozumu oldurecem",
            "həyatıma son qoymaq istəyirəm",
            "özümə zərər verirəm",
            "damarlarımı kəsmək istəyirəm",
            "bütün dərmanları içib ölmək istəyirəm",
            "körpüdən özümü atacağam",
            "damdan atılacağam",
            "özümü asacağam",
            "mənsiz hamıya daha yaxşı olacaq",
            "ölsəm daha yaxşıdır",
            "yaşamağın mənası yoxdur",
            "ərim indi məni döyür kömək edin",
            "ərim məni öldürəcək",
            "ərim məni öldürməklə hədələyir",
            "atam indi anamı döyür",
            "əlində bıçaq var qışqırır",
            "silahı var və sərxoşdur",
            "məni boğdu",
            "ögey atam mənə toxunur",
            "uşaq evdə təkdir iki gündür",
            "qonşular uşağı indi döyürlər",
            "uşaq nəfəs almır",
            "uşağım itib",
            "körpə dərman udub",
            "anam huşunu itirib",
            "evdə yanğın var uşaqlar içəridədir",
            "imdad kömək edin",
            "qapını sındırır içəri girmək istəyir",
            "məni xilas edin",
            "ozume zerer vermek isteyirem",
            "intihara cəhd etmək istəyirəm",
            "ərim bıçaqla hədələyir",
            "təcavüzə uğradım",
        ],
        "en": [
            "i want to die",
            "i dont want to live anymore",
            "i don't want to be alive",
            "thinking about suicide",
            "i have suicidal thoughts",
            "im going to kill myself",
            "i want to end my life",
            "i want to end it all",
            "i cut myself",
            "i've been cutting my wrists",
            "i hurt myself when im sad",
            "i took a whole bottle of pills",
            "im going to overdose",
            "i want to jump off a bridge",
            "i will hang myself",
            "everyone would be better off without me",
            "i wish i was dead",
            "no reason to live",
            "i wanna die",
            "i want to take my own life",
            "he is beating me right now help",
            "someone is breaking in right now",
            "help he is going to kill me",
            "my husband threatened to kill me",
            "dad is hitting mom right now",
            "he has a knife and is screaming",
            "he has a gun",
            "he choked me",
            "my stepdad touches me",
            "my 3 year old is home alone",
            "the neighbours are beating their child right now",
            "the baby is not breathing",
            "my child is missing",
            "my little brother swallowed pills",
            "mom is unconscious",
            "the house is on fire and kids are inside",
            "i was raped",
            "im hiding from him in the bathroom",
            "save me please",
            "i dont want to wake up tomorrow",
            "self harm again last night",
            "thoughts of killing myself",
        ],
    }
)

NOT_CRISIS: Table = table(
    {
        "uk": [
            "я вмираю від сміху",
            "помираю зі сміху з цього відео",
            "ця домашка мене вбʼє",
            "математика мене вбиває",
            "я не хочу вмирати я хочу жити",
            "вбʼю брата якщо зʼїсть мій торт",
            "вмираю як хочу спати",
            "вмираю з нудьги на уроці",
            "мене не буде вдома завтра",
            "хочу жити в іншому місті",
            "я хочу жити окремо від батьків",
            "як убити час в черзі",
            "мій телефон помирає батарея сіла",
            "рослина вмирає що робити",
            "мені потрібне крісло колісне для бабусі",
            "я хочу стати прийомною мамою",
            "чоловік бив мене раніше зараз ми розлучені як подати на аліменти",
            "як оформити субсидію",
            "коли ви працюєте",
            "хочу стрибнути з парашутом",
            "ріжу салат на кухні",
            "дитина грає у своїй кімнаті",
            "мама порізала палець ножем коли різала хліб",
            "син захворів температура 37 куди звернутися",
            "мій кіт помер мені сумно",
            "ненавиджу понеділки",
            "я сьогодні вбила павука",
            "як позбутися тарганів",
            "у школі мене дражнять",
            "мені сумно і самотньо",
            "краще б я не купувала цю сукню",
            "хочу жити щасливо",
            "дитина впала з велосипеда подряпала коліно",
            "ми переселенці з Херсона",
            "наш будинок зруйновано після обстрілу",
            "мені треба психолог бо тривожно",
            "ледь жива після роботи",
            "я так втомилася що хочу спати",
            "хочу жити без боргів",
            "як повісити полицю на стіну",
            "купила таблетки від тиску для мами",
        ],
        "ru": [
            "я умираю со смеху",
            "помираю от смеха",
            "эта домашка меня убьет",
            "работа меня убивает",
            "я не хочу умирать я хочу жить",
            "убью брата если съест мой торт",
            "умираю как хочу спать",
            "умираю от скуки",
            "меня не будет дома завтра",
            "хочу жить в другом городе",
            "хочу жить отдельно от родителей",
            "как убить время в очереди",
            "телефон умирает батарейка села",
            "цветок умирает что делать",
            "нужна инвалидная коляска для бабушки",
            "хочу стать приемной мамой",
            "муж бил меня раньше сейчас мы разведены как подать на алименты",
            "как оформить субсидию",
            "когда вы работаете",
            "хочу прыгнуть с парашютом",
            "режу салат на кухне",
            "ребенок играет в своей комнате",
            "мама порезала палец когда резала хлеб",
            "сын заболел температура куда обратиться",
            "мой кот умер мне грустно",
            "ненавижу понедельники",
            "я сегодня убила паука",
            "как избавиться от тараканов",
            "в школе меня дразнят",
            "мне грустно и одиноко",
            "лучше бы я не покупала это платье",
            "хочу жить счастливо",
            "ребенок упал с велосипеда поцарапал колено",
            "мы переселенцы из Херсона",
            "наш дом разрушен после обстрела",
            "нужен психолог мне тревожно",
            "еле живая после работы",
            "так устала что хочу спать",
            "хочу жить без долгов",
            "как повесить полку на стену",
            "купила таблетки от давления для мамы",
        ],
        "az": [
            "gülməkdən ölürəm",
            "gülməkdən öldüm bu videoya",
            "ölmək istəmirəm yaşamaq istəyirəm",
            "darıxmaqdan ölürəm",
            "acından ölürəm nə vaxt yemək olacaq",
            "yaşamaq istəyirəm",
            "başqa şəhərdə yaşamaq istəyirəm",
            "valideynlərimdən ayrı yaşamaq istəyirəm",
            "nənəm üçün əlil arabası lazımdır",
            "himayədar ana olmaq istəyirəm",
            "subsidiyanı necə rəsmiləşdirim",
            "nə vaxt işləyirsiniz",
            "paraşütlə tullanmaq istəyirəm",
            "mətbəxdə salat doğrayıram",
            "uşaq öz otağında oynayır",
            "oğlum xəstələnib hərarəti var",
            "pişiyim öldü kədərliyəm",
            "bazar ertəsini sevmirəm",
            "məktəbdə mənə lağ edirlər",
            "kədərliyəm və tənhayam",
            "uşaq velosipeddən yıxıldı dizi cızıldı",
            "biz məcburi köçkünük",
            "evimiz atəşdən sonra dağılıb",
            "psixoloq lazımdır narahatam",
            "işdən sonra çox yorğunam",
            "borcsuz yaşamaq istəyirəm",
            "divara rəf necə asılır",
            "anam üçün təzyiq dərmanı aldım",
            "telefonum ölür batareya bitir",
            "bu ev tapşırığı məni yorub",
            "ərim əvvəllər məni döyürdü indi boşanmışıq aliment necə alım",
            "qardaşım tortumu yesə onu öldürəcəyəm",
            "gül ölür nə edim",
            "bu gün hörümçək öldürdüm",
            "tarakanlardan necə qurtulmaq olar",
            "xoşbəxt yaşamaq istəyirəm",
            "yuxum gəlir",
            "psixoloji dəstək lazımdır",
            "uşağı bağçaya necə yazdırım",
            "oğlumun dərsləri çətindir",
        ],
        "en": [
            "this homework is killing me",
            "my feet are killing me",
            "im dying of laughter",
            "lol im dying",
            "i dont want to die i want to live",
            "ill kill my brother if he eats my cake",
            "dying to see the new movie",
            "i could kill for a pizza",
            "how to kill time in the queue",
            "my phone is dying",
            "my plant is dying what do i do",
            "i want to live in another city",
            "i want to live on my own",
            "i won't be home tomorrow",
            "bored to death in class",
            "need a wheelchair for my grandma",
            "i want to become a foster mom",
            "my husband used to hit me but we are divorced now how to get child support",
            "how do i apply for a subsidy",
            "when are you open",
            "i want to go skydiving",
            "cutting vegetables for dinner",
            "the kid is playing in his room",
            "mom cut her finger while slicing bread",
            "my son has a fever where to go",
            "my cat died and im sad",
            "i hate mondays",
            "i killed a spider today",
            "how to get rid of cockroaches",
            "they tease me at school",
            "im sad and lonely",
            "we are displaced from Kherson",
            "our house was destroyed by shelling",
            "i need a psychologist im anxious",
            "so tired after work",
            "i want to live without debt",
            "how to hang a shelf on the wall",
            "bought blood pressure pills for mom",
            "she killed it at the concert",
            "the suspense is killing me",
            "you are killing me with these jokes haha",
        ],
    }
)


@pytest.mark.parametrize("lang", sorted(CRISIS))
def test_table_sizes(lang: str) -> None:
    assert len(CRISIS[lang]) >= 40
    assert len(NOT_CRISIS[lang]) >= 40


@pytest.mark.parametrize("lang", sorted(CRISIS))
def test_no_missed_crisis(lang: str) -> None:
    missed = [t for t in texts(CRISIS, lang) if not DETECT.detect(t).crisis]
    assert missed == []


@pytest.mark.parametrize("lang", sorted(NOT_CRISIS))
def test_hard_negatives_not_flagged(lang: str) -> None:
    flagged = [(t, DETECT.detect(t).matched) for t in texts(NOT_CRISIS, lang) if DETECT.detect(t).crisis]
    assert flagged == []


@pytest.mark.parametrize(
    "text, category",
    [
        ("не хочу жити", SUICIDE),
        ("хочу покончить с собой", SUICIDE),
        ("he is beating me right now", VIOLENCE),
        ("дитина не дихає", CHILD),
        ("чоловік погрожує мене вбити", THREAT),
        ("ərim məni öldürəcək", THREAT),
    ],
)
def test_categories(text: str, category: str) -> None:
    result = DETECT.detect(text)
    assert result.crisis and result.category == category


def test_score_range_and_mixed_scripts() -> None:
    assert DETECT.detect("").score == 0.0
    assert DETECT.detect("як оформити субсидію").score == 0.0
    # Latin homoglyphs inside a Cyrillic word must not hide a crisis.
    assert DETECT.detect("нe хочу жити").crisis  # Latin "e"
    assert DETECT.detect("НЕ ХОЧУ ЖИТИ!!!").crisis
    assert DETECT.detect("не хочу жыть").crisis is True or DETECT.detect("не хочу жить").crisis
    r = DETECT.detect("хочу вмерти і покінчити з собою")
    assert 0.9 < r.score <= 1.0


@pytest.mark.parametrize(
    "text",
    [
        "this homework is killing me and honestly i want to die",
        "вмираю від сміху але взагалі хочу вмерти",
        "убью брата если съест мой торт, а вообще хочу умереть",
        "gülməkdən ölürəm amma əslində ölmək istəyirəm",
        "як оформити субсидію? і ще... я не хочу жити",
    ],
)
def test_exaggeration_does_not_hide_a_real_crisis(text: str) -> None:
    assert DETECT.detect(text).crisis


def test_a_crisis_at_the_end_of_a_long_message_is_found() -> None:
    # speed is measured by bench/nlu_latency.py, never asserted here
    assert DETECT.detect("bla help " * 500 + " не хочу жити").crisis


@pytest.mark.parametrize("text", ["🔪🩸", "💊💊💊💊💊💊😵", "🪢", "хочу 💀", "I want to 💀", "⚰️", "🔫 сьогодні"])
def test_danger_emoji_instead_of_words_are_flagged(text: str) -> None:
    # normalisation drops emoji, so these were "none" (outside attack on issue 21)
    found = CrisisDetector().detect(text)
    assert found.crisis and found.matched == ("danger_emoji",)


@pytest.mark.parametrize(
    "text", ["нарізала салат 🔪 дуже смачно вийшло, дякую за рецепт", "💀💀💀 lol this meme", "💀😂", "👍", "🙂🙂"]
)
def test_emoji_in_passing_or_in_laughter_are_not(text: str) -> None:
    assert not CrisisDetector().detect(text).crisis


#: How a frightened child types "they beat me" (an outside attack found these answered with a greeting):
#: the soft sign of Russian spelling in Ukrainian, a dropped apostrophe, the Belarusian-like ending, Latin.
BEATING_AS_TYPED: Table = table(
    {
        "uk": ["мене бьють", "мене бют", "мене бьюць", "нас бьють вдома", "бьють мене"],
        "ru": ["menia bjut", "menja b'jut"],
    }
)
NOT_BEATING: Table = table({"uk": ["мене бюрократія замучила", "бюджет громади", "мене бюро праці відправило"]})


@pytest.mark.parametrize("lang", sorted(BEATING_AS_TYPED))
def test_beating_typed_as_children_type_it_is_a_crisis(lang: str) -> None:
    assert [t for t in texts(BEATING_AS_TYPED, lang) if not DETECT.detect(t).crisis] == []
    if lang in NOT_BEATING:
        assert [t for t in texts(NOT_BEATING, lang) if DETECT.detect(t).crisis] == []
