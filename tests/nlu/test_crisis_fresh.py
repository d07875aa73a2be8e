"""A fresh, held-out measurement table for the crisis detector.

Written on 2026-11-23 WITHOUT reading the rules (``nlu/crisis.py``,
``nlu/regex_prefilter.py``) or any earlier crisis table (``tests/nlu/test_crisis*``).
The messages were written first, as people write to a helpline chat (children,
teenagers, frightened adults, older people; typos, no punctuation, slang,
surzhyk, Latin transliteration of uk/ru, az with and without diacritics), and
only then run through ``CrisisDetector().detect``.  (The author did glance at
``git log --oneline`` before writing, whose subjects name a few example
phrases; the overlapping items were drafted before that and kept.)

It was a HELD-OUT measurement when written (see the end of this docstring:
it has since been used as development data).

Per language: ``CRISIS`` holds 25 messages that must reach an operator at once,
``ORDINARY`` 25 hard negatives that share words with crises but are not.  Each
item is ``(kind, text)``; the kind is only for grouping the misses.

Measured on first run (2026-11-23), caught/25 and false alarms/25:

    uk  17/25 caught (0.68)   1/25 false alarms
    ru  18/25 caught (0.72)   1/25 false alarms
    az  21/25 caught (0.84)   1/25 false alarms
    en  21/25 caught (0.84)   2/25 false alarms

Missed most, all languages together (missed/total): someone else in danger
7/12, "I am locked in" 4/4 (violence now 4/12 overall), self-harm 3/8, child in
danger 3/16, indirect warning signs 5/40, explicit intent 1/12.

The tests assert only floors set a little below those numbers (recall minus
about 10 points rounded down to a multiple of 0.05; false alarms plus 2), so
this table guards against regressions without pretending the misses are fixed.
Run ``python -m tests.nlu.test_crisis_fresh`` to print the table, the misses
and the false alarms.

NO LONGER HELD OUT. Later the same day (round 3) the rules were extended for
the families this table showed missing (locked in and kept there, a child
screaming with blows heard, a child alone for days, children hiding from a
drunk parent, a friend about to jump written in Latin letters, a goodbye
story then silence, cutting/burning/hitting oneself, "вбитись", "краще буде
без мене", Azerbaijani "mənsiz ... rahat olacaqsınız", an apology to everyone
for everything, pills bought by the pack with "enough"), and two false alarms
removed ("tired of living in this dormitory"; the legal age to leave a child
alone, in one rule of two). After that: 25/25 caught in every language, false
alarms 1/25 each (a death in a school novel, uk/ru; the legal age, az/en).
The floors below were raised to that (recall 1.0; false alarms as measured
plus 1). It is development data now: the next round needs a new table.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.nlu.crisis_table import LANGS, Table, table
from vikno.nlu.crisis import CrisisDetector


# Crisis kinds (the part before "/" is the group used in the summary).
EXPLICIT = "explicit"
SELF_HARM = "self_harm"
VIOLENCE = "violence_now"
CHILD = "child_in_danger"
OTHER = "someone_else"


def W(sub: str) -> str:
    """An indirect warning sign, e.g. ``warning/farewell``."""
    return f"warning/{sub}"


CRISIS: Table = table(
    {
        "uk": [
            (EXPLICIT, "я більше не хочу жити. сьогодні вночі все закінчу"),
            (EXPLICIT, "хочу вбитись.. тільки нікому не кажіть будь ласка"),
            (EXPLICIT, "ya ne hochu bilshe zhyty vse nadoilo pokinchu z soboyu"),
            (SELF_HARM, "знов порізала руки, кров не зупиняється що робити"),
            (SELF_HARM, "я опять різала себе лезом, мама не знає і незнаю як перестать"),
            (W("farewell"), "прощавайте всі, більше ви мене не побачите"),
            (W("last_message"), "це моє останнє повідомлення. дякую що вислуховували"),
            (W("giving_away"), "роздала всі свої речі подружкам, кота віддала сусідці, мені вони вже не знадобляться"),
            (W("note"), "написала записку батькам і поклала під подушку. завтра вони все зрозуміють"),
            (W("burden"), "Добрий день. Мені 79 років, я дітям тільки тягар. Без мене їм буде легше"),
            (W("better_off"), "вам всім краще буде без мене чесно"),
            (W("plan"), "назбирав таблеток вже знаю скільки треба. в пятницю коли батьки поїдуть на дачу"),
            (W("tired_of_living"), "втомилась жити. який сенс взагалі в усьому цьому"),
            (W("sleep_forever"), "хочу заснути і більше ніколи не прокинутися"),
            (W("apology"), "вибачте мене всі за все. мамі скажіть що я її люблю"),
            (VIOLENCE, "він зараз б'є маму!!! я в кімнаті закрилась допоможіть"),
            (VIOLENCE, "вітчим пяний з ножем ходить по квартирі і кричить що вбʼє нас"),
            (VIOLENCE, "мене зачинили в квартирі і не випускають, телефон забрали пишу з планшета"),
            (CHILD, "за стіною маленька дитина сама вже другий день плаче, батьків нема"),
            (CHILD, "малий наковтався бабусиних таблеток від тиску, він якийсь сонний що робити"),
            (CHILD, "дядя мене чіпає там де не можна коли мами нема і каже нікому не казати"),
            (CHILD, "тато знов пяний бʼється, ми з братиком сховались у ванній"),
            (OTHER, "подруга виклала в інсту прощальний пост і не бере трубку вже годину"),
            (OTHER, "у сусідів дитина страшно кричить і чути удари, шо робити"),
            (OTHER, "druh napysav shcho stoit na dahu i zaraz strybne, ne vidpovidaie shcho robyty??"),
        ],
        "ru": [
            (EXPLICIT, "я больше не хочу жить. всё, решила"),
            (EXPLICIT, "хочу покончить с собой, незнаю зачем вам пишу"),
            (EXPLICIT, "ya hochu umeret prosto ischeznut. segodnya vse zakonchu"),
            (SELF_HARM, "опять резала руки, теперь ношу длинные рукава чтоб никто не видел"),
            (SELF_HARM, "бью себя пока не станет легче, а вчера прижигала руку зажигалкой"),
            (W("farewell"), "прощайте все. больше не увидимся"),
            (W("last_message"), "это моё последнее сообщение, спасибо вам"),
            (W("giving_away"), "раздал все свои вещи друзьям, приставку тоже отдал, мне уже не пригодится"),
            (W("note"), "написал письмо маме и оставил на столе. когда она прочтёт меня уже не будет"),
            (W("burden"), "я всем только обуза, мама из-за меня плачет каждый день"),
            (W("better_off"), "им будет лучше без меня, я знаю"),
            (W("plan"), "купила таблетки, 3 упаковки, хватит. сделаю в субботу когда все уедут на дачу"),
            (W("tired_of_living"), "устал жить. какой смысл если ничего не меняется"),
            (W("sleep_forever"), "хочется уснуть и не проснуться"),
            (W("apology"), "простите меня все за всё. я вас люблю"),
            (VIOLENCE, "отчим сейчас бьёт маму!! кричит, я боюсь выйти из комнаты"),
            (VIOLENCE, "муж пьяный с ножом, я заперлась в ванной он ломает дверь"),
            (VIOLENCE, "меня заперли дома и не выпускают уже третий день, телефон забрали пишу с ноута"),
            (CHILD, "в соседней квартире маленький ребёнок один, плачет с утра, мать ушла вчера и не вернулась"),
            (CHILD, "сын 3 года съел мои таблетки, сколько не знаю, что делать??"),
            (CHILD, "отчим трогает меня ночью и говорит что если расскажу маме он её убьёт"),
            (CHILD, "папа опять напился и кидается на нас, мы с сестрёнкой под кроватью"),
            (OTHER, "подруга выложила в сторис «простите меня, прощайте» и не отвечает на звонки"),
            (OTHER, "у соседей ребенок орет как резаный уже полчаса и слышно как его бьют"),
            (OTHER, "drug napisal chto stoit na mostu i prygnet, ne otvechaet"),
        ],
        "az": [
            (EXPLICIT, "Daha yaşamaq istəmirəm. Bu gecə hər şeyə son qoyacağam."),
            (EXPLICIT, "ozumu oldurmek isteyirem hec kime demeyin"),
            (EXPLICIT, "intihar etmək istəyirəm, artıq dözə bilmirəm"),
            (SELF_HARM, "yene qollarimi kesdim qan dayanmir ne edim"),
            (SELF_HARM, "özümə zərər verirəm, ülgüclə qolumu cızıram, anam bilmir"),
            (W("farewell"), "hamıya əlvida. məni bir daha görməyəcəksiniz"),
            (W("last_message"), "bu mənim son mesajımdır. hər şey üçün sağ olun"),
            (
                W("giving_away"),
                "butun esyalarimi dostlarima paylamisam, pisiyi de qonsuya verdim, mene artiq lazim olmayacaq",
            ),
            (W("note"), "valideynlərimə məktub yazıb yastığın altına qoydum. sabah hər şeyi başa düşəcəklər"),
            (W("burden"), "ailəmə ancaq yükəm, anam mənim üzümdən hər gün ağlayır"),
            (W("better_off"), "mənsiz hamınız daha rahat olacaqsınız"),
            (W("plan"), "dərmanları yığmışam, nə qədər lazımdır bilirəm. cümə günü evdə heç kim olmayanda"),
            (W("tired_of_living"), "yaşamaqdan yoruldum. bunun nə mənası var axı"),
            (W("sleep_forever"), "yatmaq istəyirəm və bir daha oyanmamaq"),
            (W("apology"), "hamınız məni bağışlayın, hər şey üçün. anama deyin ki onu sevirəm"),
            (VIOLENCE, "atam indi anamı döyür!!! kömək edin qorxuram"),
            (VIOLENCE, "ərim sərxoşdur, əlində bıçaq var, deyir hamımızı öldürəcək"),
            (VIOLENCE, "meni otaga kilidleyibler cixa bilmirem telefonumu alibler planshetden yaziram"),
            (CHILD, "qonşunun balaca uşağı iki gündür evdə təkdir, ağlayır, valideynləri yoxdur"),
            (CHILD, "uşaq nənəsinin təzyiq dərmanlarını udub, yuxuludur, nə edim?"),
            (CHILD, "əmim anam evdə olmayanda mənə toxunur, deyir heç kimə demə"),
            (CHILD, "atam yene serxosdur bizi doyur, qardasimla vanna otaginda gizlenmisik"),
            (OTHER, "rəfiqəm instagramda vidalaşma yazısı paylaşıb və telefona cavab vermir"),
            (OTHER, "qonşuda uşaq dəhşətli qışqırır, zərbə səsləri gəlir, nə edim"),
            (OTHER, "dostum yazdı ki körpünün üstündədir və indi atılacaq, cavab vermir"),
        ],
        "en": [
            (EXPLICIT, "i dont want to live anymore. tonight im ending it"),
            (EXPLICIT, "i want to kill myself and i dont even know why im texting this"),
            (EXPLICIT, "been thinking about suicide every day now, i have nobody"),
            (SELF_HARM, "cut myself again and it wont stop bleeding what do i do"),
            (SELF_HARM, "i burn myself with a lighter when it gets bad, did it again tonight"),
            (W("farewell"), "goodbye everyone. you wont be seeing me again"),
            (W("last_message"), "this is my last message. thank you for listening all those times"),
            (
                W("giving_away"),
                "gave all my stuff away to my friends today, my guitar too, i wont be needing any of it",
            ),
            (W("note"), "wrote letters to my mum and my sister and left them on my desk. they'll understand tomorrow"),
            (W("burden"), "im just a burden on everyone, my mum cries because of me"),
            (W("better_off"), "everyone would be better off without me honestly"),
            (W("plan"), "ive saved up enough pills. saturday when my parents go away for the weekend"),
            (W("tired_of_living"), "im so tired of living. whats the point of any of it"),
            (W("sleep_forever"), "i just want to go to sleep and never wake up"),
            (W("apology"), "im sorry for everything, to everyone. tell my mum i love her"),
            (VIOLENCE, "my stepdad is hitting my mum right now please help"),
            (VIOLENCE, "hes drunk and he has a knife, im hiding in the bathroom hes banging on the door"),
            (VIOLENCE, "they locked me in my room and took my phone, writing from my tablet, i cant get out"),
            (CHILD, "theres a little kid alone in the flat next door crying since yesterday, no adults there"),
            (CHILD, "my 2 year old swallowed some of grandmas pills, shes really sleepy what do i do"),
            (CHILD, "my uncle touches me when mum isnt home and says its our secret"),
            (CHILD, "dad is drunk again and throwing things at us, me and my little brother are hiding under the bed"),
            (OTHER, "my friend posted a goodbye post on insta and isnt answering her phone"),
            (OTHER, "neighbours kid is screaming really bad and i can hear hitting what should i do"),
            (OTHER, "my friend says shes on the bridge and going to jump, she stopped replying"),
        ],
    }
)

ORDINARY: Table = table(
    {
        "uk": [
            ("benefit", "як оформити субсидію на комуналку якщо пенсіонер живе сам"),
            ("medicine", "бабуся забуває пити таблетки, чи можна оформити соцпрацівника щоб приходив"),
            ("medicine", "вранці випила пігулки від тиску, а де взяти безкоштовний рецепт на них?"),
            ("goodbye", "дякую за допомогу, до побачення!"),
            ("goodbye", "все, бувайте, гарного вечора"),
            ("hyperbole", "цей екзамен мене вбʼє 😅 як підготуватись до НМТ за тиждень"),
            ("hyperbole", "я вмираю з нудьги на канікулах, є якісь безкоштовні гуртки?"),
            ("news", "бачила в новинах про повінь, куди можна передати речі постраждалим"),
            ("book", "читаємо Тіні забутих предків, там Іван помирає в кінці, допоможіть з твором"),
            ("past", "колись в дитинстві мене били в інтернаті, зараз все добре, чи можна отримати компенсацію"),
            ("last_question", "останнє питання: які документи на допомогу при народженні дитини"),
            ("giving_away", "хочу віддати старі дитячі речі, куди можна віддати для переселенців"),
            ("letter", "написала лист до міністерства соцполітики, відповіді нема вже місяць. куди ще звернутись"),
            ("will", "бабуся склала заповіт на квартиру, як вступити в спадщину"),
            ("tired", "втомилась стояти в чергах в пенсійному фонді, можна подати заяву онлайн?"),
            ("tired", "задовбав цей гуртожиток, як стати на квартирний облік як ВПО"),
            ("game", "в майнкрафті мене вбили і я все втратив лол"),
            ("disability", "як оформити інвалідність дитині з аутизмом, яка комісія"),
            ("elderly", "мамі 85, вона вже не встає, чи є державні будинки для літніх людей"),
            ("housing", "нас виселяють з орендованої квартири, чи є соціальне житло для багатодітних"),
            ("child_alone", "з якого віку дитину можна залишати вдома саму за законом"),
            ("pension", "коли буде індексація пенсії в березні"),
            ("thanks", "дякую вам за все, ви дуже допомогли, бувайте"),
            ("translit", "pidkazhit shcho treba dlia oformlennia dopomohy po dohliadu za invalidom"),
            ("cut", "порізала палець коли різала хліб, треба робити щеплення від правця?"),
        ],
        "ru": [
            ("benefit", "как оформить субсидию на коммуналку"),
            ("medicine", "бабушка забывает пить таблетки, можно ли оформить сиделку через соцслужбу"),
            (
                "medicine",
                "я уже выпила свои таблетки от давления, подскажите где получить рецепт на бесплатные лекарства",
            ),
            ("goodbye", "спасибо, до свидания!"),
            ("goodbye", "всё, пока, хорошего вечера"),
            ("hyperbole", "этот экзамен меня убьёт 😩 где найти бесплатного репетитора"),
            ("hyperbole", "умираю со скуки, есть ли бесплатные секции для подростков"),
            ("news", "смотрели новости про обстрел, ребёнок плохо спит, к какому психологу обратиться"),
            ("book", "задали Анну Каренину, она в конце бросается под поезд, помогите с сочинением"),
            ("past", "в детстве отец пил и бил маму, это было давно. может ли он теперь требовать с меня алименты"),
            ("last_question", "последний вопрос: какие документы нужны на пособие при рождении ребенка"),
            ("giving_away", "хочу отдать старую детскую одежду, куда можно отдать нуждающимся"),
            ("letter", "написала письмо в министерство соцполитики, ответа нет уже месяц"),
            ("will", "дедушка оставил завещание, как вступить в наследство"),
            ("tired", "устала стоять в очередях в пенсионном, можно ли подать заявление онлайн"),
            ("tired", "достало общежитие, как встать в очередь на жильё"),
            ("game", "меня убили в доте 10 раз подряд, я больше не могу 😂"),
            ("disability", "как оформить инвалидность ребёнку"),
            ("elderly", "маме 80 лет, она не встаёт, есть ли государственные дома престарелых"),
            ("housing", "нас выселяют из съемной квартиры, есть ли соцжильё для многодетных"),
            ("child_alone", "с какого возраста ребёнка можно оставлять дома одного по закону"),
            ("pension", "когда будет индексация пенсии"),
            ("thanks", "спасибо вам за всё, вы очень помогли"),
            ("translit", "podskazhite kakie dokumenty nuzhny dlya posobiya po uhodu za invalidom"),
            ("cut", "порезался когда чистил картошку, нужна ли прививка от столбняка"),
        ],
        "az": [
            ("benefit", "kommunal xərclər üçün subsidiyanı necə almaq olar"),
            ("medicine", "nənəm dərmanlarını içməyi unudur, sosial işçi ayırmaq mümkündürmü"),
            ("medicine", "təzyiq dərmanımı artıq içdim, pulsuz dərman üçün resepti haradan alım"),
            ("goodbye", "təşəkkür edirəm, sağ olun!"),
            ("goodbye", "yaxşı, hələlik, gecəniz xeyrə"),
            ("hyperbole", "bu imtahan məni öldürəcək 😅 buraxılış imtahanına necə hazırlaşım"),
            ("hyperbole", "darıxmaqdan ölürəm, yayda uşaqlar üçün pulsuz dərnəklər varmı"),
            ("news", "xəbərlərdə zəlzələ haqqında oxudum, kömək üçün harada ianə etmək olar"),
            ("book", "ədəbiyyatdan Əli və Nino oxuyuruq, sonda Əli ölür, inşa yazmağa kömək edin"),
            ("past", "uşaq vaxtı internatda bizi döyürdülər, indi hər şey yaxşıdır, təzminat almaq olarmı"),
            ("last_question", "son sual: uşağın doğulmasına görə müavinət üçün hansı sənədlər lazımdır"),
            ("giving_away", "köhnə uşaq paltarlarını vermək istəyirəm, məcburi köçkünlərə haraya verə bilərəm"),
            ("letter", "Əmək və Əhalinin Sosial Müdafiəsi Nazirliyinə məktub yazdım, bir aydır cavab yoxdur"),
            ("will", "babam vəsiyyətnamə yazıb, mirası necə rəsmiləşdirmək olar"),
            ("tired", "novbelerde dayanmaqdan yoruldum, pensiya ucun erizeni onlayn vermek olar?"),
            ("tired", "yataqxanadan bezmişəm, mənzil növbəsinə necə yazılmaq olar"),
            ("game", "oğlum bütün günü pubg oynayır, öldür onu deyə qışqırır, oyun vaxtını necə məhdudlaşdırım"),
            ("disability", "uşağa əlillik necə təyin olunur, hansı komissiyaya müraciət edim"),
            ("elderly", "anam 85 yaşındadır, yataqdan qalxmır, dövlət qocalar evi varmı"),
            ("housing", "kirayə evdən bizi çıxarırlar, çoxuşaqlı ailələr üçün sosial mənzil varmı"),
            ("child_alone", "uşağı neçə yaşından evdə tək qoymaq olar qanunla"),
            ("pension", "pensiya artımı nə vaxt olacaq"),
            ("thanks", "hər şey üçün çox sağ olun, çox kömək etdiniz"),
            ("translit", "elilliye gore qulluq muavineti ucun hansi senedler lazimdir"),
            ("last_day", "ünvanlı sosial yardım üçün sənəd verməyə bu gün son gündür?"),
        ],
        "en": [
            ("benefit", "how do i apply for housing benefit as a pensioner living alone"),
            ("medicine", "my grandma keeps forgetting her pills, can we get a care worker to visit"),
            (
                "medicine",
                "i took my blood pressure pills already this morning, where do i get the prescription renewed for free",
            ),
            ("goodbye", "thanks for the help, bye!"),
            ("goodbye", "ok goodbye, have a nice evening"),
            ("hyperbole", "this exam is killing me lol how do i revise in a week"),
            ("hyperbole", "im dying of boredom, are there free clubs for teens this summer"),
            ("news", "saw the flood on the news, where can we donate clothes"),
            ("book", "we're reading Romeo and Juliet, they both die at the end, can you help with my essay"),
            (
                "past",
                "years ago my ex used to hit me, ive been safe for a long time now. "
                "can i change my surname on documents",
            ),
            ("last_question", "last question: what documents do i need for the birth grant"),
            ("giving_away", "i want to give away my kids old clothes, where can i donate them for displaced families"),
            ("letter", "i wrote a letter to the ministry of social policy a month ago and still no reply"),
            ("will", "my grandad left a will, how do we go about the inheritance"),
            ("tired", "so tired of queuing at the pension office, can i apply online"),
            ("tired", "sick of living in this dormitory, how do i get on the council housing list"),
            ("game", "my character died again in minecraft and i lost everything lol"),
            ("disability", "how do i get a disability assessment for my son"),
            ("elderly", "my mum is 85 and bedridden, are there state care homes"),
            ("housing", "we're being evicted from our rented flat, is there social housing for big families"),
            ("child_alone", "at what age can a child legally be left home alone"),
            ("pension", "when is the pension going up"),
            ("thanks", "thank you for everything, you've been so helpful"),
            ("cut", "i cut my finger chopping onions, do i need a tetanus shot"),
            ("sleep", "going to sleep now, good night, ill write tomorrow about the pension"),
        ],
    }
)

# First run (held out): uk 17/25, ru 18/25, az 21/25, en 21/25 caught; 1, 1, 1, 2 false alarms.
# After round 3 used it as development data: 25/25 everywhere, 1 false alarm per language.
RECALL_FLOOR: dict[str, float] = {"uk": 1.0, "ru": 1.0, "az": 1.0, "en": 1.0}
FALSE_ALARM_CEILING: dict[str, int] = {"uk": 2, "ru": 2, "az": 2, "en": 2}

_detector: CrisisDetector | None = None


def detector() -> CrisisDetector:
    global _detector
    if _detector is None:
        _detector = CrisisDetector()
    return _detector


def misses(lang: str) -> list[tuple[str, str]]:
    d = detector()
    return [(kind, text) for kind, text in CRISIS[lang] if not d.detect(text).crisis]


def false_alarms(lang: str) -> list[tuple[str, str, str | None, float]]:
    d = detector()
    out = []
    for kind, text in ORDINARY[lang]:
        r = d.detect(text)
        if r.crisis:
            out.append((kind, text, r.category, r.score))
    return out


def report() -> None:
    by_group: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for lang in LANGS:
        for kind, _ in CRISIS[lang]:
            total[kind.split("/")[0]] += 1
    print("lang  caught/25  false alarms/25")
    details = []
    for lang in LANGS:
        m = misses(lang)
        fa = false_alarms(lang)
        print(f"{lang:4}  {len(CRISIS[lang]) - len(m):2}/{len(CRISIS[lang])}      {len(fa):2}/{len(ORDINARY[lang])}")
        details.append((lang, m, fa))
        for kind, _ in m:
            by_group[kind.split("/")[0]] += 1
    for lang, m, fa in details:
        print(f"\n[{lang}] missed crisis messages ({len(m)}):")
        for kind, text in m:
            print(f"  - ({kind}) {text}")
        print(f"[{lang}] false alarms ({len(fa)}):")
        for kind, text, category, score in fa:
            print(f"  - ({kind}; flagged {category}, score {score}) {text}")
    print("\nmisses by crisis kind, all languages (missed/total):")
    for group in sorted(total, key=lambda g: (-by_group[g] / total[g], g)):
        print(f"  {group:16} {by_group[group]:2}/{total[group]}")


def test_tables_are_well_formed() -> None:
    assert set(CRISIS) == set(ORDINARY) == set(LANGS)
    everything: list[str] = []
    for lang in LANGS:
        for rows in (CRISIS, ORDINARY):
            texts = [text for _, text in rows[lang]]
            assert len(texts) == 25, (lang, len(texts))
            assert len(set(texts)) == 25, (lang, [t for t, n in Counter(texts).items() if n > 1])
            everything.extend(texts)
        both = {t for _, t in CRISIS[lang]} & {t for _, t in ORDINARY[lang]}
        assert not both, both
    assert len(everything) == len(set(everything)), "a text appears twice across tables"


@pytest.mark.parametrize("lang", LANGS)
def test_recall_floor(lang: str) -> None:
    caught = len(CRISIS[lang]) - len(misses(lang))
    recall = caught / len(CRISIS[lang])
    assert recall >= RECALL_FLOOR[lang] - 1e-9, (
        f"{lang}: caught {caught}/25, floor {RECALL_FLOOR[lang]}; misses: {misses(lang)}"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_false_alarm_ceiling(lang: str) -> None:
    fa = false_alarms(lang)
    assert len(fa) <= FALSE_ALARM_CEILING[lang], (
        f"{lang}: {len(fa)}/25 false alarms, ceiling {FALSE_ALARM_CEILING[lang]}: {fa}"
    )


if __name__ == "__main__":
    report()
