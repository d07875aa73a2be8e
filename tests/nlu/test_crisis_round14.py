"""Kinds of message a fresh blind table (round 14) got wrong, as our own rows in every language.

The integrator described round 14's errors as kinds (the table itself was not read); every row here was
written for this file and none of them is in the corpus. The rows of ``CRISIS_NOW``, ``FALSE_ALARM`` and
``ORDINARY_NOW`` were at the wrong level on main before this round (the rules with the model trained on main's
corpus), and the rules of ``SITUATIONS`` did not exist:

* situations read as nothing that now at least ask (``SITUATION_ROWS``, read by the rules of ``SITUATIONS``): a
  runaway child at a station or on the street offered a stranger's bed, car or money; "again. deeper than usual"
  after a cut; and, a crisis by its words, the sea or a river chosen by one who cannot swim, "it's better this way";
* crises said plainly that were only asked about (``CRISIS_NOW``): the tracks with a train's time, a threat to
  knife a pupil who brings no money, the roof instead of school "so everyone understands", "you'll know why" if I'm
  not at school, "everything to stop. permanently", "tell my mum I love her", hurt and hunted by him, beaten and
  unable to stand, a threat to shoot with a rifle (in Latin letters), "they'll kill me tonight, they know where I
  live", alone in a forest with a rope, the gas on "we'll die together", a parent gone for days with no food, a
  small child shut out on the stairs, a baby ice cold beside a drunk parent, a small child who drank or bit a
  household chemical, "climbing over would be so easy" on a high balcony, a plan and the means, "how many
  paracetamol to die", "decided. Friday";
* false alarms (``FALSE_ALARM``, at most a question now): a bungee jump off a bridge, a brother's "I want to die"
  every time he loses at a game, "stuck on the bridge, might as well jump 😅", a pill that helped a headache;
* questions that should be none (``ORDINARY_NOW``): a lost birth certificate to restore, a washing line snapped, a
  knife stuck in a pumpkin, a cat run away, a painkiller after a shift, "sorry I was rude, I'm fine now, bye!", a
  child who asks what suicide means and how to explain it, a school psychologist's questionnaire, a resuscitation
  course, a night in the shelter told after, news of a child's fall asked about window nets, "dad will kill me if he
  finds out I broke his phone", "my coach is going to murder me, I missed practice", "this commute is killing me".

Rows of the same kinds that were already at the right level on main, or that the model still only asks about, are
green before and after (``STAY_*``). The triage is built once for the module (the shipped model is trained once per
run, tests/conftest.py) and the rules once for the file.
"""

from __future__ import annotations

import pytest

from tests.nlu.crisis_table import Table, alarmed, cases, table
from vikno.nlu.crisis import ASK_RULES, CrisisDetector
from vikno.nlu.crisis_model import CrisisModel
from vikno.nlu.risk import Risk, RiskTriage

#: The rules of this round: the situations that only ask, and the crises said plainly (core where the corpus proves).
SITUATIONS = ("runaway_stranger_offer", "again_deeper")
PLAIN_CRISES = (
    "sea_cant_swim",
    "tracks_train_time",
    "extortion_knife_threat",
    "roof_so_all_understand",
    "youll_know_why",
    "stop_permanently",
    "tell_mum_i_love",
    "hurt_and_hunted",
    "beaten_cant_stand",
    "shoot_threat_gun",
    "kill_me_tonight_know_where",
    "forest_rope_alone",
    "gas_die_together",
    "parent_gone_days_no_food",
    "child_shut_out_stairs",
    "baby_cold_parent_drunk",
    "child_swallowed_chemical",
    "climb_over_easy",
    "plan_and_means",
    "how_many_paracetamol_to_die",
    "decided_day_bare",
    "packs_who_knows_how_many",
)

#: The rules, built once for the file.
RULES = CrisisDetector()

#: Situations read as nothing on round 14's table, each read by a rule of this round (the model alone caught these
#: wordings on main, not the table's): caught before and after, and now never left to the model alone.
SITUATION_ROWS: Table = table(
    {
        "uk": [
            (
                "runaway",
                "мені 14, втекла з дому, сиджу на вокзалі. якийсь дядько каже що можу переночувати в нього, "
                "дав 500 гривень, я вже погодилась",
            ),
            (
                "runaway",
                "meni 15, vtekla z domu, sydzhu na vokzali, cholovik proponuye perenochuvaty u nioho i dav groshi, "
                "ya vzhe pohodylas",
            ),
            ("runaway", "моя донька 13 років втекла з дому, пише що на вокзалі чоловік дав їй гроші і кличе до себе"),
            ("deeper", "🔪🩸 знову. глибше ніж зазвичай"),
            ("sea", "йду до річки. плавати не вмію, так краще"),
        ],
        "ru": [
            (
                "runaway",
                "мне 13, сбежала из дома, сижу на вокзале, какой-то мужчина зовёт к себе переночевать, дал денег, "
                "я согласилась",
            ),
            ("runaway", "sbezhala iz doma, sizhu na vokzale, muzhik zovet k sebe nochevat i dal deneg, ya soglasilas"),
            ("deeper", "🔪🩸 опять. глубже чем обычно"),
            ("deeper", "snova. glubzhe chem obychno 🩸"),
            ("sea", "иду на море. плавать не умею, так будет лучше"),
        ],
        "az": [
            ("runaway", "evdən qovdular, küçədəyəm, bir kişi deyir maşına min, sənə pul verərəm. deyəsən getməliyəm"),
            ("runaway", "evden qovdular kucedeyem, bir kisi deyir masina min pul vererem, deyesen getmeliyem"),
            (
                "runaway",
                "15 yaşım var, evdən qaçmışam, vağzaldayam, bir kişi gecəni onun evində qalmağı təklif edir, "
                "pul verdi, razılaşdım",
            ),
            ("deeper", "🔪🩸 yenə. həmişəkindən dərin"),
            ("sea", "Xəzərə gedirəm. Üzə bilmirəm, belə daha yaxşıdır"),
            ("sea", "xezere gedirem. uze bilmirem, bele daha yaxsidir"),
            ("sea", "dənizə gedirəm, üzməyi bacarmıram. belə yaxşıdır"),
        ],
        "en": [
            (
                "runaway",
                "im 14 and ran away, sitting at the train station, a man says i can stay at his place tonight and "
                "gave me $50, i said yes",
            ),
            ("runaway", "got kicked out, im on the street, some guy says get in the car and he'll give me money"),
            ("deeper", "🔪🩸 again. deeper than usual"),
            ("sea", "going to the sea. i can't swim, it's better this way"),
        ],
    }
)

#: Crises said plainly that were only asked about: now the full alarm.
CRISIS_NOW: Table = table(
    {
        "uk": [
            ("tracks", "ввечері піду на рейки, електричка о 23:10"),
            ("packs", "купила 4 пачки парацетамолу, хто знає скільки треба"),
            ("knife", "в школі сказали якщо не принесу гроші завтра поріжуть за гаражами, вже раз били"),
        ],
        "ru": [
            (
                "stairs",
                "соседский ребёнок 4 года с утра сидит в подъезде в одной футболке, родители пьют и не открывают",
            ),
            ("beaten", "муж избил, не могу встать, ребро сломано, он спит в соседней комнате, дети рядом"),
            ("roof", "завтра в школу не пойду, пойду на крышу. пусть все поймут"),
            ("chemical", "ребёнок 2 года выпил средство для мытья посуды"),
            ("tonight", "пацаны с района поймают и убьют меня сегодня ночью, они знают где я живу"),
            ("rifle", "muzh grozitsya zastrelit menya iz ohotnichego ruzhya, on pyanyi, deti spyat"),
            ("forest", "я в лесу, ушла далеко, телефон садится, верёвка с собой"),
        ],
        "az": [
            ("knife", "məktəbdə uşaqlar dedi sabah pul gətirməsən səni bıçaqlayacağıq, bir dəfə artıq döyüblər"),
            ("tracks", "dəmir yoluna gedirəm, qatar saat 10-da keçir. hər şey üçün sağ olun"),
            ("no_food", "anam 3 gündür işdən evə gəlməyib, yemək yoxdur, qardaşım 3 yaşındadır"),
            ("decided", "qərar verdim. cümə"),
            ("gas", "anam deyir ikimiz də birlikdə öləcəyik, qazı açıb, mətbəxdə oturub"),
            ("mum", "xahiş edirəm anama deyin ki, onu çox sevirəm"),
            ("plan", "hər şey mənasızdır, planım da var, vasitəm də"),
            ("cold_baby", "evdə işıq da qaz da yoxdur, körpə buz kimidir, ana sərxoş yerdə yatıb"),
            ("paracetamol", "ölmək üçün neçə parasetamol lazımdır? evdə 3 qutu var"),
            ("forest", "Qubada meşədəyəm, ipim var, məni heç kim tapmayacaq"),
        ],
        "en": [
            ("tracks", "gonna jump in front of the 8:40 train, just so you know"),
            ("mum", "bye. i love you mom. tell her that please"),
            ("chemical", "my 2 year old bit into a dishwasher pod, he's coughing and drooling"),
            ("hunted", "he broke my nose and took my phone, he's outside looking for me"),
            ("balcony", "on the balcony of the 14th floor, climbing over would be so easy rn"),
            ("stop", "just want everything to stop. permanently"),
            ("know_why", "if i'm not at school tomorrow you'll know why"),
        ],
    }
)

#: A crisis said in two languages at once, which the corpus (not a rule) taught: only asked about before. At least
#: asked about: the az rows reworded in 3970dbf (an everyday pill "qəbul etdim", not "içdim", to keep 11 az overdose
#: crises at the full alarm) took its model score from over the crisis line to 0.85, a question with the numbers.
CRISIS_NOW_BY_CORPUS: Table = table({"az": [("decided", "я всё решила. sabah məktəbə getməyəcəm, heç vaxt")]})

#: False alarms: each was a crisis before; now at most the safety question.
FALSE_ALARM: Table = table(
    {
        "uk": [
            ("jam", "стою в заторі на мосту вже годину, хоч стрибай з мосту 😅"),
            ("pill", "голова болить, випила таблетку, вже краще"),
        ],
        "ru": [
            ("jam", "стою в пробке на мосту уже час, хоть прыгай с моста 😅"),
            ("pill", "голова болела, выпила таблетку, уже лучше"),
            ("bungee", "прыгнул с моста на банджи сегодня, это было круто"),
        ],
        "en": [
            ("bungee", "went bungee jumping off a bridge today, best day ever"),
            (
                "game",
                'my little brother says "i want to die" every time he loses at mario kart, should i be worried?',
            ),
        ],
    }
)

#: Safety questions that should be none: each was "check" before, none now.
ORDINARY_NOW: Table = table(
    {
        "uk": [
            ("certificate", "свідоцтво про народження дитини пропало, як отримати дублікат?"),
            ("rope", "мотузка для білизни знову порвалась, ну і якість"),
            ("pumpkin", "ніж застряг у гарбузі, діти регочуть"),
            ("explain", "синок (8) питає що таке самогубство, почув у школі. як пояснити?"),
            ("cpr", "на курсах вчили робити серцево-легеневу реанімацію, що робити коли людина не дихає"),
            ("shelter", "вночі були вибухи, до ранку сиділи в укритті, зараз всі вдома, все добре"),
        ],
        "ru": [
            ("cat", "кот сбежал три дня назад, я схожу с ума"),
            ("pill", "голова раскалывается после смены, выпила обезболивающее"),
            ("kill_me", "папа убьёт меня если узнает что я разбил его телефон"),
            ("nets", "прочитала новость про мальчика который выпал из окна, какие москитные сетки самые надёжные?"),
        ],
        "az": [
            ("certificate", "uşağın doğum haqqında şəhadətnaməsi itib, necə bərpa edək?"),
            ("psychologist", "məktəb psixoloquyam, 9-cu sinifdə intihar riskini qiymətləndirmək üçün hansı sorğu var?"),
        ],
        "en": [
            ("bye", "sorry i was rude earlier, i'm fine now, bye!"),
            ("coach", "my coach is going to murder me, i missed practice"),
            ("commute", "this commute is killing me"),
            ("explain", "my daughter asked what suicide means, how do i explain it to a 7 year old?"),
        ],
    }
)

#: Crises beside those kinds: the full alarm before and after.
STAY_CRISIS: Table = table(
    {
        "uk": [
            ("date", "завтра 15-те. я давно пообіцяла собі що покінчу з усім до цієї дати"),
            ("uncle", "дядько приходить до мене в ліжко вночі коли батьки сплять, і сьогодні він знову ночує у нас"),
            ("dorm", "в гуртожитку хлопець зачинився в кімнаті і кричить що вистрибне з вікна 9 поверху"),
        ],
        "az": [("strangled", "ərim məni boğdu, huşumu itirdim, indi ayıldım, o qonşu otaqdadır")],
        "en": [
            ("pills_now", "took about 40 of my sertraline half an hour ago, my heart is racing"),
            ("blood", "my roommate hasn't come out of the bathroom in 2 hours, there's blood under the door"),
            ("no_food", "mum hasn't been home since tuesday, there's no food and my sister is 3 and keeps crying"),
            ("trafficked", "they force me to have sex for money, took my passport, i can only text"),
            ("cat", "please look after my cat when i'm gone"),
            ("party", "can't breathe, took something at a party, heart pounding, my friends left"),
        ],
    }
)

#: Crises of those kinds the model still only asks about (no rule reads them), and dangers beside this round's
#: everyday cases that keep at least the question: a child who asks how to kill herself, a dad's threat "if he finds
#: out I'm gay", explosions now with a child, a child who vanished in a park.
STAY_ASKED: Table = table(
    {
        "uk": [
            ("shelling", "зараз вибухи поруч, я одна з дитиною, страшно"),
            ("missing", "моя донька 5 років зникла у парку, не можу знайти"),
        ],
        "ru": [
            ("explain", "моя дочь спрашивает как покончить с собой, объясните что делать"),
            ("explain", "мой сын говорит что хочет совершить суицид, как объяснить ему?"),
        ],
        "en": [
            ("will", "just wrote my will. weird how calm i feel"),
            ("kill_me", "my dad will kill me if he finds out i'm gay"),
        ],
    }
)

#: Everyday messages of those kinds that were no crisis before and are none after, or at most a question.
STAY_NOT_CRISIS: Table = table(
    {
        "uk": [
            ("minecraft", "стрибнув з даху в майнкрафті і втратив весь лут 😭"),
            ("series", "героїня серіалу наковталась таблеток, я пів ночі плакала"),
        ],
        "ru": [
            ("series", "героиня сериала наглоталась таблеток, я полночи ревела"),
        ],
        "az": [
            ("last_bell", "əlvida, 11-ci sinif bitdi, bu gün son zəng 😢"),
        ],
        "en": [
            ("jam", "stuck in traffic on the bridge for an hour, might as well jump off 😅"),
            ("exam", "took my last exam, it's over 🎉"),
        ],
    }
)

#: Everyday messages beside those kinds: none before and after.
STAY_ORDINARY: Table = table(
    {
        "uk": [
            ("certificate", "як відновити втрачене свідоцтво про народження дитини?"),
            ("donor", "завтра здаю кров як донор, чи можна перед цим пити таблетки від тиску?"),
        ],
        "ru": [("certificate", "как восстановить потерянное свидетельство о рождении ребёнка?")],
        "az": [
            ("books", "bütün kitablarımı məktəb kitabxanasına bağışladım, universitetə qəbul oldum, lazım deyil 🎓"),
            ("balcony", "9-cu mərtəbədə balkonda gül əkirəm, dibçəklər düşə bilər?"),
        ],
        "en": [
            ("minecraft", "jumped off the roof in minecraft and lost all my loot"),
            ("certificate", "how do i get a new copy of my child's lost birth certificate?"),
            ("rooftop", "rooftop bbq on saturday, who's in?"),
            ("kill_me", "kill me now, double maths 😂"),
        ],
    }
)


@pytest.mark.parametrize("lang, text", cases(SITUATION_ROWS))
def test_round_14_situations_are_read_by_a_rule_of_this_round(lang: str, text: str) -> None:
    matched = RULES.detect(text).matched
    assert set(matched) & {*SITUATIONS, "sea_cant_swim"}, matched


@pytest.mark.parametrize("lang, text", cases(SITUATION_ROWS))
def test_round_14_situations_are_at_least_asked_about(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert alarmed(found) or found.level is Risk.CHECK, found.reasons


@pytest.mark.parametrize("lang, text", cases(CRISIS_NOW))
def test_round_14_crises_said_plainly_are_the_full_alarm(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(CRISIS_NOW_BY_CORPUS))
def test_round_14_crises_the_corpus_taught_are_caught(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level in (Risk.CHECK, Risk.CRISIS), found.reasons


@pytest.mark.parametrize("lang, text", cases(FALSE_ALARM))
def test_round_14_false_alarms_are_at_most_asked_about(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(ORDINARY_NOW))
def test_round_14_everyday_messages_are_ordinary(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_CRISIS))
def test_crises_beside_round_14_kinds_stay_the_full_alarm(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_ASKED))
def test_crises_of_round_14_kinds_asked_about_before_stay_caught(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert alarmed(found) or found.level is Risk.CHECK, found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_NOT_CRISIS))
def test_false_alarm_kinds_of_round_14_stay_no_crisis(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_ORDINARY))
def test_everyday_messages_beside_round_14_kinds_stay_ordinary(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


#: The kinds' everyday twins: no rule of this round reads them.
TWINS = [
    "сиджу на вокзалі, чоловік допоміг з валізою, дала йому 50 гривень",
    "втекла з уроку, чоловік у кафе дав мені решту грошей",
    "got kicked out of the library, the taxi driver says get in the car, 10 dollars to the centre",
    "пірнула знову, глибше ніж зазвичай, 12 метрів!",
    "slept again deeper than usual, that new pillow works",
    "їдемо на море, плавати не вмію, тому куплю нарукавники",
    "i can't swim, so i'm taking lessons at the pool, better this way",
    "потяг о 10:15, йду на вокзал зустрічати бабусю",
    "going to the tracks at 7 to film the steam train",
    "the barber will cut my hair if i don't bring money lol",
    "going up to the roof to fix the antenna, let everyone know the tv will be off",
    "if i'm not at school tomorrow you'll know why, dentist at 9 haha",
    "tell mum i love her, happy mother's day!",
    "скажи мамі що я її люблю, запізнюсь з табору",
    "he broke my nose at football practice, the coach is outside waiting",
    "муж побил рекорд по отжиманиям, не могу встать от смеха",
    "they shoot me in paintball, my gun jammed",
    "в лесу с друзьями, верёвка для палатки с собой",
    "mum turned on the gas, we're cooking pancakes together",
    "в холодильнику нема їжі вже 3 дні, треба в магазин",
    "my son's hands are ice cold after the snowball fight",
    "climbing over the fence was so easy, the cat followed",
    "we have a plan and the means to renovate the kitchen",
    "скільки таблеток парацетамолу можна дитині від температури?",
    "decided. friday is pizza night for the whole family",
    "купила 3 пачки парацетамолу в аптечку, на скільки вистачить?",
]


@pytest.mark.parametrize("text", TWINS)
def test_no_rule_of_round_14_reads_the_everyday_twins(text: str) -> None:
    matched = RULES.detect(text).matched
    assert not set(matched) & {*SITUATIONS, *PLAIN_CRISES}, matched


def test_round_14_situations_only_ask_and_the_plain_crises_do_not(shipped_crisis_model: CrisisModel) -> None:
    """A runaway offered a bed and "again, deeper" are asked about; a plain crisis is proven on the corpus (core)."""
    assert set(SITUATIONS) <= ASK_RULES
    assert not set(PLAIN_CRISES) & ASK_RULES
    assert set(PLAIN_CRISES) <= shipped_crisis_model.core_rules
