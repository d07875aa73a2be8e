"""The console's own words, in the operators' languages.

One catalogue (a dict: key → text) per language; ``CATALOGUES`` lists them:
Ukrainian, Russian, Azerbaijani (Latin script) and English. Adding a
language is adding one catalogue with the same keys as ``EN`` (a test
compares the key sets and the ``{placeholders}`` of every text) and its
label to each of handoff/wrapup.py's wrap-up labels (a test checks those too).
Texts with a number avoid plural forms (``{n} min``, "… chats: {n}"), so
no language needs plural rules.
Content (helpline names, topics, canned replies) comes in the helpline's
own languages and is not here.

Which language a page is in: the operator's explicit choice (the header's
switch, kept in a cookie), else the browser's Accept-Language among the
supported ones, else ``DEFAULT`` (Ukrainian, the language of the
helplines). ``respond.language_of`` applies that order to a request.

Texts are plain text, never markup: templates autoescape them and the
script puts them in with ``textContent``. Values are substituted with
``str.format`` into the catalogue's text only, so a value (a colleague's
name) is never itself parsed as a template.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from string import Formatter
from typing import Any

from vikno.storage.models import Presence

from ..wrapup import CHI_CATEGORIES, OUTCOME_LABELS, Labels

Translate = Callable[..., str]

EN: dict[str, str] = {
    # the language itself, as shown in the header's switch
    "lang.name": "English",
    "lang.short": "EN",
    "lang.switch": "Interface language",
    # page frame
    "app.title": "Console",
    "app.console": "console",
    "nav.label": "Console pages",
    "nav.queue": "Queue",
    "nav.supervisor": "Supervisor",
    "presence.label": "Status",
    "presence.online": "Online",
    "presence.away": "Away",
    "presence.offline": "Offline",
    "role.operator": "operator",
    "role.supervisor": "supervisor",
    "role.admin": "admin",
    "alerts.enable": "Enable crisis alerts",
    "alerts.on": "Crisis alerts on",
    "alerts.title": "Crisis in the queue",
    "alerts.crisis": "crisis",
    "header.logout": "Log out",
    "live.offline": "Live updates interrupted; refreshing every few seconds…",
    "common.back_to_queue": "Back to the queue",
    "common.choose": "Choose…",
    # login
    "login.title": "Log in",
    "login.heading": "Operator console",
    "login.login": "Login",
    "login.password": "Password",
    "login.submit": "Log in",
    "login.expired": "The login form had expired. Please try again.",
    "login.failed": "Wrong login or password, or too many attempts. If you are sure of both, wait a few minutes and try again.",
    # queue
    "queue.title": "Queue",
    "queue.mine": "My chats",
    "queue.mine_empty": "No open chats.",
    "queue.waiting": "Waiting",
    "queue.take_next": "Take next",
    "queue.take": "Take",
    "queue.empty": "Nobody is waiting.",
    "queue.unread": "new",
    "queue.col.priority": "Priority",
    "queue.col.topic": "Topic",
    "queue.col.language": "Language",
    "queue.col.channel": "Channel",
    "queue.col.person": "Person",
    "queue.col.waiting": "Waiting",
    "queue.col.action": "Action",
    # chat
    "chat.title": "Chat {pseudonym}",
    "chat.back": "← Queue",
    "chat.topic": "Topic",
    "chat.language": "Language",
    "chat.channel": "Channel",
    "chat.priority": "Priority",
    "chat.state": "State",
    "chat.operator": "Operator",
    "chat.gone": "This chat is no longer with you.",
    "chat.no_longer_yours": "This chat is no longer yours.",
    "chat.canned": "Canned replies",
    "chat.reply_label": "Reply to {pseudonym}",
    "chat.reply_placeholder": "Reply to the person…",
    "chat.send": "Send",
    "chat.takeover": "Take over this chat",
    "chat.note": "Internal note",
    "chat.note_placeholder": "Only colleagues see this",
    "chat.add_note": "Add note",
    "chat.transfer": "Transfer",
    "chat.transfer_to": "To",
    "chat.team_group": "Team (back to the queue)",
    "chat.colleague_group": "Colleague online",
    "chat.transfer_note": "Note for the colleague",
    "chat.transfer_submit": "Transfer",
    "chat.close": "Close with wrap-up",
    "chat.category": "Category",
    "chat.chi_group": "Child Helpline International",
    "chat.topics_group": "Helpline topics",
    "chat.outcome": "Outcome",
    "chat.wrapup_note": "Note",
    "chat.close_submit": "Close chat",
    "chat.block": "Block abusive user",
    "chat.block_confirm": "Block this person and close the chat?",
    "chat.block_for": "For",
    "chat.block_submit": "Block and close",
    "block.1h": "1 hour",
    "block.24h": "24 hours",
    "block.7d": "7 days",
    "block.30d": "30 days",
    "note.taken_over": "taken over by {name}",
    # who wrote a message
    "sender.note": "Internal note",
    "sender.operator": "Operator",
    "sender.bot": "Bot",
    "sender.system": "System",
    "message.button": "[button: {title}]",
    # what the console shows of a conversation
    "state.bot": "with the bot",
    "state.waiting": "waiting",
    "state.with_operator": "with an operator",
    "state.closed": "closed",
    "priority.crisis": "Crisis",
    "priority.urgent_report": "Urgent report",
    "priority.request": "Request",
    "priority.routine": "Routine",
    "channel.telegram": "Telegram",
    "channel.viber": "Viber",
    "channel.webchat": "Web chat",
    "channel.rest": "App (REST)",
    "language.uk": "Ukrainian",
    "language.ru": "Russian",
    "language.az": "Azerbaijani",
    "language.en": "English",
    "time.seconds": "{n} s",
    "time.minutes": "{n} min",
    "time.hours": "{h} h {m} min",
    # supervisor
    "sup.title": "Supervisor",
    "sup.figures": "Live figures",
    "sup.waiting": "waiting",
    "sup.longest": "longest wait",
    "sup.online": "operators online",
    "sup.open_chats": "open chats",
    "sup.by_priority": "Waiting by priority",
    "sup.operators": "Operators",
    "sup.chats": "Open chats",
    "sup.col.name": "Name",
    "sup.col.role": "Role",
    "sup.col.status": "Status",
    "sup.col.chats": "Chats",
    "sup.col.person": "Person",
    "sup.col.priority": "Priority",
    "sup.col.topic": "Topic",
    "sup.col.channel": "Channel",
    "sup.col.operator": "Operator",
    "sup.col.since": "Since",
    "sup.col.action": "Action",
    "sup.open": "Open",
    # the error page and the script's messages
    "error.title": "Error",
    "error.heading": "That did not work",
    "js.failed": "Failed ({status})",
    "js.unreachable": "The console cannot reach the server. Check the connection and try again.",
    # errors of the console itself
    "error.session_ended": "your session has ended; log in again",
    "error.other_site": "this request came from another site and was refused",
    "error.form_expired": "the form has expired or did not come from the console; reload the page and try again",
    "error.staff_only": "only supervisors can do this",
    "error.nobody_waiting": "nobody is waiting whom you can take right now",
    "error.note_empty": "the note is empty",
    "error.colleague_scope": "choose a colleague who works on this helpline",
    "error.colleague_offline": "{name} is not online; choose someone who is",
    "error.transfer_choose": "choose a team or a colleague to transfer to",
    "error.takeover_open_only": "only open chats can be taken over",
    "error.block_duration": "choose how long to block: {choices}",
    "error.not_your_chat": "this chat is not yours: take it from the queue first",
    "error.not_your_queue": "this chat is for another team or language",
    # errors of the Handoff service (handoff/service.py), by SERVICE_ERRORS below
    "error.no_such_conversation": "no such conversation",
    "error.taken": "this conversation is no longer waiting: another operator has taken it",
    "error.go_online": "set yourself online to take conversations",
    "error.capacity": "you already have {n} open chats (your capacity)",
    "error.not_yours": "this conversation is not yours; take it from the queue first",
    "error.reply_empty": "the reply is empty",
    "error.reply_too_long": "the reply is longer than 4,096 characters; split it",
    "error.transfer_target": "transfer to either a team or an operator",
    "error.category": "choose a wrap-up category from the list",
    "error.outcome": "choose an outcome: {choices}",
    "error.presence": "presence is one of {choices}",
    "error.too_fast": "the conversation is changing too fast; try again",
}

UK: dict[str, str] = {
    "lang.name": "Українська",
    "lang.short": "УКР",
    "lang.switch": "Мова інтерфейсу",
    "app.title": "Консоль",
    "app.console": "консоль",
    "nav.label": "Сторінки консолі",
    "nav.queue": "Черга",
    "nav.supervisor": "Супервізор",
    "presence.label": "Статус",
    "presence.online": "Онлайн",
    "presence.away": "Перерва",
    "presence.offline": "Офлайн",
    "role.operator": "оператор",
    "role.supervisor": "супервізор",
    "role.admin": "адміністратор",
    "alerts.enable": "Увімкнути сповіщення про кризу",
    "alerts.on": "Сповіщення про кризу ввімкнено",
    "alerts.title": "Криза в черзі",
    "alerts.crisis": "криза",
    "header.logout": "Вийти",
    "live.offline": "Оновлення наживо перервано; сторінка оновлюється кожні кілька секунд…",
    "common.back_to_queue": "Назад до черги",
    "common.choose": "Оберіть…",
    "login.title": "Вхід",
    "login.heading": "Консоль оператора",
    "login.login": "Логін",
    "login.password": "Пароль",
    "login.submit": "Увійти",
    "login.expired": "Форма входу застаріла. Спробуйте ще раз.",
    "login.failed": "Неправильний логін або пароль, або забагато спроб. Якщо ви впевнені в обох, зачекайте кілька хвилин і спробуйте ще раз.",
    "queue.title": "Черга",
    "queue.mine": "Мої чати",
    "queue.mine_empty": "Немає відкритих чатів.",
    "queue.waiting": "Очікують",
    "queue.take_next": "Взяти наступний",
    "queue.take": "Взяти",
    "queue.empty": "Ніхто не очікує.",
    "queue.unread": "нове",
    "queue.col.priority": "Пріоритет",
    "queue.col.topic": "Тема",
    "queue.col.language": "Мова",
    "queue.col.channel": "Канал",
    "queue.col.person": "Особа",
    "queue.col.waiting": "Очікує",
    "queue.col.action": "Дія",
    "chat.title": "Чат {pseudonym}",
    "chat.back": "← Черга",
    "chat.topic": "Тема",
    "chat.language": "Мова",
    "chat.channel": "Канал",
    "chat.priority": "Пріоритет",
    "chat.state": "Стан",
    "chat.operator": "Оператор",
    "chat.gone": "Цей чат більше не у вас.",
    "chat.no_longer_yours": "Цей чат уже не ваш.",
    "chat.canned": "Шаблони відповідей",
    "chat.reply_label": "Відповідь для {pseudonym}",
    "chat.reply_placeholder": "Відповідь людині…",
    "chat.send": "Надіслати",
    "chat.takeover": "Перебрати цей чат",
    "chat.note": "Внутрішня нотатка",
    "chat.note_placeholder": "Це бачать лише колеги",
    "chat.add_note": "Додати нотатку",
    "chat.transfer": "Передати",
    "chat.transfer_to": "Кому",
    "chat.team_group": "Команда (назад до черги)",
    "chat.colleague_group": "Колеги онлайн",
    "chat.transfer_note": "Нотатка для колеги",
    "chat.transfer_submit": "Передати",
    "chat.close": "Закрити з підсумком",
    "chat.category": "Категорія",
    "chat.chi_group": "Child Helpline International",
    "chat.topics_group": "Теми лінії",
    "chat.outcome": "Результат",
    "chat.wrapup_note": "Нотатка",
    "chat.close_submit": "Закрити чат",
    "chat.block": "Заблокувати образливого користувача",
    "chat.block_confirm": "Заблокувати цю людину й закрити чат?",
    "chat.block_for": "На",
    "chat.block_submit": "Заблокувати й закрити",
    "block.1h": "1 годину",
    "block.24h": "24 години",
    "block.7d": "7 днів",
    "block.30d": "30 днів",
    "note.taken_over": "чат перебирає {name}",
    "sender.note": "Внутрішня нотатка",
    "sender.operator": "Оператор",
    "sender.bot": "Бот",
    "sender.system": "Система",
    "message.button": "[кнопка: {title}]",
    "state.bot": "з ботом",
    "state.waiting": "у черзі",
    "state.with_operator": "з оператором",
    "state.closed": "закрито",
    "priority.crisis": "Криза",
    "priority.urgent_report": "Термінове повідомлення",
    "priority.request": "Запит",
    "priority.routine": "Звичайний",
    "channel.telegram": "Telegram",
    "channel.viber": "Viber",
    "channel.webchat": "Вебчат",
    "channel.rest": "Застосунок (REST)",
    "language.uk": "Українська",
    "language.ru": "Російська",
    "language.az": "Азербайджанська",
    "language.en": "Англійська",
    "time.seconds": "{n} с",
    "time.minutes": "{n} хв",
    "time.hours": "{h} год {m} хв",
    "sup.title": "Супервізор",
    "sup.figures": "Показники наживо",
    "sup.waiting": "очікують",
    "sup.longest": "найдовше очікування",
    "sup.online": "операторів онлайн",
    "sup.open_chats": "відкритих чатів",
    "sup.by_priority": "Очікують за пріоритетом",
    "sup.operators": "Оператори",
    "sup.chats": "Відкриті чати",
    "sup.col.name": "Імʼя",
    "sup.col.role": "Роль",
    "sup.col.status": "Статус",
    "sup.col.chats": "Чати",
    "sup.col.person": "Особа",
    "sup.col.priority": "Пріоритет",
    "sup.col.topic": "Тема",
    "sup.col.channel": "Канал",
    "sup.col.operator": "Оператор",
    "sup.col.since": "Триває",
    "sup.col.action": "Дія",
    "sup.open": "Відкрити",
    "error.title": "Помилка",
    "error.heading": "Не вдалося",
    "js.failed": "Не вдалося ({status})",
    "js.unreachable": "Консоль не може звʼязатися із сервером. Перевірте зʼєднання й спробуйте ще раз.",
    "error.session_ended": "ваш сеанс завершився; увійдіть знову",
    "error.other_site": "цей запит надійшов з іншого сайту й відхилений",
    "error.form_expired": "форма застаріла або надійшла не з консолі; перезавантажте сторінку й спробуйте ще раз",
    "error.staff_only": "це можуть робити лише супервізори",
    "error.nobody_waiting": "зараз немає нікого в черзі, кого ви можете взяти",
    "error.note_empty": "нотатка порожня",
    "error.colleague_scope": "оберіть колегу, який працює на цій лінії",
    "error.colleague_offline": "{name} зараз не онлайн; оберіть когось, хто онлайн",
    "error.transfer_choose": "оберіть команду або колегу, кому передати чат",
    "error.takeover_open_only": "перебрати можна лише відкритий чат",
    "error.block_duration": "оберіть, на скільки заблокувати: {choices}",
    "error.not_your_chat": "це не ваш чат: спершу візьміть його з черги",
    "error.not_your_queue": "цей чат для іншої команди чи мови",
    "error.no_such_conversation": "такої розмови немає",
    "error.taken": "ця розмова вже не в черзі: її взяв інший оператор",
    "error.go_online": "щоб брати розмови, встановіть статус «Онлайн»",
    "error.capacity": "ви вже маєте стільки відкритих чатів, скільки можна: {n}",
    "error.not_yours": "це не ваша розмова; спершу візьміть її з черги",
    "error.reply_empty": "відповідь порожня",
    "error.reply_too_long": "відповідь довша за 4096 символів; розділіть її",
    "error.transfer_target": "передайте або команді, або оператору",
    "error.category": "оберіть категорію підсумку зі списку",
    "error.outcome": "оберіть результат: {choices}",
    "error.presence": "оберіть статус: {choices}",
    "error.too_fast": "розмова змінюється надто швидко; спробуйте ще раз",
}

RU: dict[str, str] = {
    "lang.name": "Русский",
    "lang.short": "РУС",
    "lang.switch": "Язык интерфейса",
    "app.title": "Консоль",
    "app.console": "консоль",
    "nav.label": "Страницы консоли",
    "nav.queue": "Очередь",
    "nav.supervisor": "Супервизор",
    "presence.label": "Статус",
    "presence.online": "Онлайн",
    "presence.away": "Перерыв",
    "presence.offline": "Офлайн",
    "role.operator": "оператор",
    "role.supervisor": "супервизор",
    "role.admin": "администратор",
    "alerts.enable": "Включить оповещения о кризисе",
    "alerts.on": "Оповещения о кризисе включены",
    "alerts.title": "Кризис в очереди",
    "alerts.crisis": "кризис",
    "header.logout": "Выйти",
    "live.offline": "Обновление в реальном времени прервано; страница обновляется каждые несколько секунд…",
    "common.back_to_queue": "Назад к очереди",
    "common.choose": "Выберите…",
    "login.title": "Вход",
    "login.heading": "Консоль оператора",
    "login.login": "Логин",
    "login.password": "Пароль",
    "login.submit": "Войти",
    "login.expired": "Форма входа устарела. Попробуйте ещё раз.",
    "login.failed": "Неверный логин или пароль, или слишком много попыток. Если вы уверены в обоих, подождите несколько минут и попробуйте снова.",
    "queue.title": "Очередь",
    "queue.mine": "Мои чаты",
    "queue.mine_empty": "Нет открытых чатов.",
    "queue.waiting": "Ожидают",
    "queue.take_next": "Взять следующий",
    "queue.take": "Взять",
    "queue.empty": "Никто не ожидает.",
    "queue.unread": "новое",
    "queue.col.priority": "Приоритет",
    "queue.col.topic": "Тема",
    "queue.col.language": "Язык",
    "queue.col.channel": "Канал",
    "queue.col.person": "Абонент",
    "queue.col.waiting": "Ожидает",
    "queue.col.action": "Действие",
    "chat.title": "Чат {pseudonym}",
    "chat.back": "← Очередь",
    "chat.topic": "Тема",
    "chat.language": "Язык",
    "chat.channel": "Канал",
    "chat.priority": "Приоритет",
    "chat.state": "Состояние",
    "chat.operator": "Оператор",
    "chat.gone": "Этот чат больше не у вас.",
    "chat.no_longer_yours": "Этот чат уже не ваш.",
    "chat.canned": "Шаблоны ответов",
    "chat.reply_label": "Ответ для {pseudonym}",
    "chat.reply_placeholder": "Ответ абоненту…",
    "chat.send": "Отправить",
    "chat.takeover": "Взять этот чат на себя",
    "chat.note": "Внутренняя заметка",
    "chat.note_placeholder": "Это видят только коллеги",
    "chat.add_note": "Добавить заметку",
    "chat.transfer": "Передать",
    "chat.transfer_to": "Кому",
    "chat.team_group": "Команда (обратно в очередь)",
    "chat.colleague_group": "Коллеги онлайн",
    "chat.transfer_note": "Заметка для коллеги",
    "chat.transfer_submit": "Передать",
    "chat.close": "Закрыть с итогом",
    "chat.category": "Категория",
    "chat.chi_group": "Child Helpline International",
    "chat.topics_group": "Темы линии",
    "chat.outcome": "Результат",
    "chat.wrapup_note": "Заметка",
    "chat.close_submit": "Закрыть чат",
    "chat.block": "Заблокировать пользователя за оскорбления",
    "chat.block_confirm": "Заблокировать этого человека и закрыть чат?",
    "chat.block_for": "На",
    "chat.block_submit": "Заблокировать и закрыть",
    "block.1h": "1 час",
    "block.24h": "24 часа",
    "block.7d": "7 дней",
    "block.30d": "30 дней",
    "note.taken_over": "чат берёт на себя {name}",
    "sender.note": "Внутренняя заметка",
    "sender.operator": "Оператор",
    "sender.bot": "Бот",
    "sender.system": "Система",
    "message.button": "[кнопка: {title}]",
    "state.bot": "с ботом",
    "state.waiting": "в очереди",
    "state.with_operator": "с оператором",
    "state.closed": "закрыт",
    "priority.crisis": "Кризис",
    "priority.urgent_report": "Срочное сообщение",
    "priority.request": "Запрос",
    "priority.routine": "Обычный",
    "channel.telegram": "Telegram",
    "channel.viber": "Viber",
    "channel.webchat": "Веб-чат",
    "channel.rest": "Приложение (REST)",
    "language.uk": "Украинский",
    "language.ru": "Русский",
    "language.az": "Азербайджанский",
    "language.en": "Английский",
    "time.seconds": "{n} с",
    "time.minutes": "{n} мин",
    "time.hours": "{h} ч {m} мин",
    "sup.title": "Супервизор",
    "sup.figures": "Показатели в реальном времени",
    "sup.waiting": "ожидают",
    "sup.longest": "самое долгое ожидание",
    "sup.online": "операторов онлайн",
    "sup.open_chats": "открытых чатов",
    "sup.by_priority": "Ожидают по приоритету",
    "sup.operators": "Операторы",
    "sup.chats": "Открытые чаты",
    "sup.col.name": "Имя",
    "sup.col.role": "Роль",
    "sup.col.status": "Статус",
    "sup.col.chats": "Чаты",
    "sup.col.person": "Абонент",
    "sup.col.priority": "Приоритет",
    "sup.col.topic": "Тема",
    "sup.col.channel": "Канал",
    "sup.col.operator": "Оператор",
    "sup.col.since": "Длится",
    "sup.col.action": "Действие",
    "sup.open": "Открыть",
    "error.title": "Ошибка",
    "error.heading": "Не удалось",
    "js.failed": "Не удалось ({status})",
    "js.unreachable": "Консоль не может связаться с сервером. Проверьте соединение и попробуйте ещё раз.",
    "error.session_ended": "ваш сеанс завершился; войдите снова",
    "error.other_site": "этот запрос пришёл с другого сайта и отклонён",
    "error.form_expired": "форма устарела или отправлена не из консоли; перезагрузите страницу и попробуйте ещё раз",
    "error.staff_only": "это могут делать только супервизоры",
    "error.nobody_waiting": "сейчас в очереди нет никого, кого вы можете взять",
    "error.note_empty": "заметка пустая",
    "error.colleague_scope": "выберите коллегу, который работает на этой линии",
    "error.colleague_offline": "{name} сейчас не онлайн; выберите того, кто онлайн",
    "error.transfer_choose": "выберите команду или коллегу, которым передать чат",
    "error.takeover_open_only": "взять на себя можно только открытый чат",
    "error.block_duration": "выберите, на сколько заблокировать: {choices}",
    "error.not_your_chat": "это не ваш чат: сначала возьмите его из очереди",
    "error.not_your_queue": "этот чат для другой команды или языка",
    "error.no_such_conversation": "такого разговора нет",
    "error.taken": "этот разговор уже не в очереди: его взял другой оператор",
    "error.go_online": "чтобы брать разговоры, установите статус «Онлайн»",
    "error.capacity": "у вас уже столько открытых чатов, сколько можно: {n}",
    "error.not_yours": "это не ваш разговор; сначала возьмите его из очереди",
    "error.reply_empty": "ответ пустой",
    "error.reply_too_long": "ответ длиннее 4096 символов; разделите его",
    "error.transfer_target": "передайте либо команде, либо оператору",
    "error.category": "выберите категорию итога из списка",
    "error.outcome": "выберите результат: {choices}",
    "error.presence": "выберите статус: {choices}",
    "error.too_fast": "разговор меняется слишком быстро; попробуйте ещё раз",
}

#: Azerbaijani in the Latin script, as written in Azerbaijan today.
AZ: dict[str, str] = {
    "lang.name": "Azərbaycanca",
    "lang.short": "AZ",
    "lang.switch": "İnterfeys dili",
    "app.title": "Konsol",
    "app.console": "konsol",
    "nav.label": "Konsolun səhifələri",
    "nav.queue": "Növbə",
    "nav.supervisor": "Supervayzer",
    "presence.label": "Status",
    "presence.online": "Onlayn",
    "presence.away": "Fasilə",
    "presence.offline": "Oflayn",
    "role.operator": "operator",
    "role.supervisor": "supervayzer",
    "role.admin": "administrator",
    "alerts.enable": "Böhran bildirişlərini aktivləşdir",
    "alerts.on": "Böhran bildirişləri aktivdir",
    "alerts.title": "Növbədə böhran",
    "alerts.crisis": "böhran",
    "header.logout": "Çıxış",
    "live.offline": "Canlı yeniləmə kəsildi; səhifə bir neçə saniyədən bir yenilənir…",
    "common.back_to_queue": "Növbəyə qayıt",
    "common.choose": "Seçin…",
    "login.title": "Giriş",
    "login.heading": "Operator konsolu",
    "login.login": "Login",
    "login.password": "Şifrə",
    "login.submit": "Daxil ol",
    "login.expired": "Giriş formasının vaxtı bitib. Yenidən cəhd edin.",
    "login.failed": "Login və ya şifrə yanlışdır, ya da cəhdlər çox olub. Hər ikisindən əminsinizsə, bir neçə dəqiqə gözləyin və yenidən cəhd edin.",
    "queue.title": "Növbə",
    "queue.mine": "Mənim çatlarım",
    "queue.mine_empty": "Açıq çat yoxdur.",
    "queue.waiting": "Gözləyənlər",
    "queue.take_next": "Növbətini götür",
    "queue.take": "Götür",
    "queue.empty": "Heç kim gözləmir.",
    "queue.unread": "yeni",
    "queue.col.priority": "Prioritet",
    "queue.col.topic": "Mövzu",
    "queue.col.language": "Dil",
    "queue.col.channel": "Kanal",
    "queue.col.person": "Müraciət edən",
    "queue.col.waiting": "Gözləmə",
    "queue.col.action": "Əməliyyat",
    "chat.title": "Çat {pseudonym}",
    "chat.back": "← Növbə",
    "chat.topic": "Mövzu",
    "chat.language": "Dil",
    "chat.channel": "Kanal",
    "chat.priority": "Prioritet",
    "chat.state": "Vəziyyət",
    "chat.operator": "Operator",
    "chat.gone": "Bu çat artıq sizdə deyil.",
    "chat.no_longer_yours": "Bu çat artıq sizin deyil.",
    "chat.canned": "Hazır cavablar",
    "chat.reply_label": "{pseudonym} üçün cavab",
    "chat.reply_placeholder": "Müraciət edənə cavab…",
    "chat.send": "Göndər",
    "chat.takeover": "Bu çatı öz üzərinə götür",
    "chat.note": "Daxili qeyd",
    "chat.note_placeholder": "Bunu yalnız həmkarlar görür",
    "chat.add_note": "Qeyd əlavə et",
    "chat.transfer": "Ötür",
    "chat.transfer_to": "Kimə",
    "chat.team_group": "Komanda (növbəyə qaytar)",
    "chat.colleague_group": "Onlayn həmkarlar",
    "chat.transfer_note": "Həmkar üçün qeyd",
    "chat.transfer_submit": "Ötür",
    "chat.close": "Yekunlaşdırıb bağla",
    "chat.category": "Kateqoriya",
    "chat.chi_group": "Child Helpline International",
    "chat.topics_group": "Xəttin mövzuları",
    "chat.outcome": "Nəticə",
    "chat.wrapup_note": "Qeyd",
    "chat.close_submit": "Çatı bağla",
    "chat.block": "Təhqir edən istifadəçini blokla",
    "chat.block_confirm": "Bu şəxs bloklansın və çat bağlansın?",
    "chat.block_for": "Müddət",
    "chat.block_submit": "Blokla və bağla",
    "block.1h": "1 saat",
    "block.24h": "24 saat",
    "block.7d": "7 gün",
    "block.30d": "30 gün",
    "note.taken_over": "çatı {name} öz üzərinə götürdü",
    "sender.note": "Daxili qeyd",
    "sender.operator": "Operator",
    "sender.bot": "Bot",
    "sender.system": "Sistem",
    "message.button": "[düymə: {title}]",
    "state.bot": "botla",
    "state.waiting": "növbədə",
    "state.with_operator": "operatorla",
    "state.closed": "bağlanıb",
    "priority.crisis": "Böhran",
    "priority.urgent_report": "Təcili məlumat",
    "priority.request": "Sorğu",
    "priority.routine": "Adi",
    "channel.telegram": "Telegram",
    "channel.viber": "Viber",
    "channel.webchat": "Veb-çat",
    "channel.rest": "Tətbiq (REST)",
    "language.uk": "Ukrayna dili",
    "language.ru": "Rus dili",
    "language.az": "Azərbaycan dili",
    "language.en": "İngilis dili",
    "time.seconds": "{n} san",
    "time.minutes": "{n} dəq",
    "time.hours": "{h} saat {m} dəq",
    "sup.title": "Supervayzer",
    "sup.figures": "Canlı göstəricilər",
    "sup.waiting": "gözləyir",
    "sup.longest": "ən uzun gözləmə",
    "sup.online": "onlayn operator",
    "sup.open_chats": "açıq çat",
    "sup.by_priority": "Prioritet üzrə gözləyənlər",
    "sup.operators": "Operatorlar",
    "sup.chats": "Açıq çatlar",
    "sup.col.name": "Ad",
    "sup.col.role": "Rol",
    "sup.col.status": "Status",
    "sup.col.chats": "Çatlar",
    "sup.col.person": "Müraciət edən",
    "sup.col.priority": "Prioritet",
    "sup.col.topic": "Mövzu",
    "sup.col.channel": "Kanal",
    "sup.col.operator": "Operator",
    "sup.col.since": "Müddət",
    "sup.col.action": "Əməliyyat",
    "sup.open": "Aç",
    "error.title": "Xəta",
    "error.heading": "Alınmadı",
    "js.failed": "Alınmadı ({status})",
    "js.unreachable": "Konsol serverlə əlaqə saxlaya bilmir. Bağlantını yoxlayın və yenidən cəhd edin.",
    "error.session_ended": "sessiyanız başa çatıb; yenidən daxil olun",
    "error.other_site": "bu sorğu başqa saytdan gəlib və rədd edilib",
    "error.form_expired": "formanın vaxtı bitib və ya forma konsoldan göndərilməyib; "
                          "səhifəni yeniləyin və yenidən cəhd edin",
    "error.staff_only": "bunu yalnız supervayzerlər edə bilər",
    "error.nobody_waiting": "hazırda növbədə götürə biləcəyiniz heç kim yoxdur",
    "error.note_empty": "qeyd boşdur",
    "error.colleague_scope": "bu xətdə işləyən həmkar seçin",
    "error.colleague_offline": "{name} hazırda onlayn deyil; onlayn olan birini seçin",
    "error.transfer_choose": "çatı kimə ötürəcəyinizi seçin: komandaya və ya həmkara",
    "error.takeover_open_only": "yalnız açıq çatı öz üzərinə götürmək olar",
    "error.block_duration": "bloklama müddətini seçin: {choices}",
    "error.not_your_chat": "bu sizin çatınız deyil: əvvəlcə onu növbədən götürün",
    "error.not_your_queue": "bu çat başqa komanda və ya dil üçündür",
    "error.no_such_conversation": "belə söhbət yoxdur",
    "error.taken": "bu söhbət artıq növbədə deyil: onu başqa operator götürüb",
    "error.go_online": "söhbət götürmək üçün statusunuzu «Onlayn» edin",
    "error.capacity": "artıq icazə verilən qədər açıq çatınız var: {n}",
    "error.not_yours": "bu sizin söhbətiniz deyil; əvvəlcə onu növbədən götürün",
    "error.reply_empty": "cavab boşdur",
    "error.reply_too_long": "cavab 4096 simvoldan uzundur; onu hissələrə bölün",
    "error.transfer_target": "ya komandaya, ya da operatora ötürün",
    "error.category": "siyahıdan yekun kateqoriyasını seçin",
    "error.outcome": "nəticəni seçin: {choices}",
    "error.presence": "statusu seçin: {choices}",
    "error.too_fast": "söhbət çox tez dəyişir; yenidən cəhd edin",
}

#: Every interface language, in the order the header's switch shows them.
CATALOGUES: dict[str, dict[str, str]] = {"uk": UK, "ru": RU, "az": AZ, "en": EN}
DEFAULT = "uk"
#: Where a text missing from a catalogue (or a wrap-up label) is taken from (the tests keep this from happening).
FALLBACK = "en"

#: Strings the page script needs (passed to it in a data attribute of <body>).
SCRIPT_KEYS = ("queue.take", "queue.unread", "sender.note", "sender.operator", "sender.bot", "sender.system",
               "alerts.enable", "alerts.on", "alerts.title", "alerts.crisis", "chat.no_longer_yours",
               "sup.open", "time.seconds", "time.minutes", "time.hours", "js.failed", "js.unreachable")

#: The Handoff service's messages (English, written for operators) → catalogue keys.
#: Named groups become values; ``choices`` is filled in by ``message`` in the page's language.
SERVICE_ERRORS: list[tuple[re.Pattern[str], str]] = [(re.compile(p), key) for p, key in [
    (r"no such conversation", "error.no_such_conversation"),
    (r"this conversation is no longer waiting: another operator has taken it", "error.taken"),
    (r"set yourself online to take conversations", "error.go_online"),
    (r"you already have (?P<n>\d+) open chats \(your capacity\)", "error.capacity"),
    (r"this conversation is not yours; take it from the queue first", "error.not_yours"),
    (r"the reply is empty", "error.reply_empty"),
    (r"the reply is longer than 4,096 characters; split it", "error.reply_too_long"),
    (r"transfer to either a team or an operator", "error.transfer_target"),
    (r"choose a wrap-up category from the list", "error.category"),
    (r"choose an outcome: .*", "error.outcome"),
    (r"presence is one of .*", "error.presence"),
    (r"the conversation is changing too fast; try again", "error.too_fast"),
]]


def supported(lang: str | None) -> str | None:
    """``lang`` if it is an interface language (``uk``, ``en-GB`` → ``en``), else None."""
    if not lang:
        return None
    primary = lang.strip().lower().split("-")[0]
    return primary if primary in CATALOGUES else None


def negotiate(accept_language: str | None) -> str | None:
    """The best supported language of an Accept-Language header (RFC 9110 §12.5.4), or None."""
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and tag.strip() and tag.strip() != "*":
            ranked.append((-quality, index, tag.strip()))
    for _, _, tag in sorted(ranked):
        lang = supported(tag)
        if lang:
            return lang
    return None


def choose(cookie: str | None, accept_language: str | None) -> str:
    """The operator's choice, else the browser's, else Ukrainian."""
    return supported(cookie) or negotiate(accept_language) or DEFAULT


def text(lang: str, key: str, **values: Any) -> str:
    """The catalogue's text for ``key`` with ``values`` filled in (English, then the key, if missing)."""
    template = CATALOGUES.get(lang, {}).get(key) or CATALOGUES[FALLBACK].get(key)
    if template is None:
        return key
    return template.format(**values) if values else template


def translator(lang: str) -> Translate:
    """``t(key, **values)`` bound to one language (a Jinja global per request)."""
    lang = lang if lang in CATALOGUES else DEFAULT

    def t(key: str, **values: Any) -> str:
        return text(lang, key, **values)

    return t


def label(lang: str, prefix: str, value: str | None, default: str = "—") -> str:
    """The label of a code (``priority.crisis``); the code itself when the catalogue has none."""
    if not value:
        return default
    key = f"{prefix}.{value}"
    return text(lang, key) if key in CATALOGUES[FALLBACK] else value


def localized(labels: Labels, lang: str) -> str:
    """One language's text of a handoff/wrapup.py label (English if it has none)."""
    return labels.get(lang) or labels[FALLBACK]


def chi_label(category: str, lang: str) -> str:
    return localized(CHI_CATEGORIES[category], lang)


def outcome_label(outcome: str, lang: str) -> str:
    return localized(OUTCOME_LABELS[outcome], lang)


def message(lang: str, msg: str, **values: Any) -> str:
    """A message for the operator: a catalogue key, or a Handoff service message, or (unknown) as it is."""
    if msg in CATALOGUES[FALLBACK]:
        return text(lang, msg, **values)
    for pattern, key in SERVICE_ERRORS:
        found = pattern.fullmatch(msg)
        if found:
            found_values = {**found.groupdict(), **values}
            if key == "error.outcome":
                found_values["choices"] = ", ".join(outcome_label(o, lang) for o in OUTCOME_LABELS)
            elif key == "error.presence":
                found_values["choices"] = ", ".join(text(lang, f"presence.{p}") for p in Presence)
            return text(lang, key, **found_values)
    return msg


def switch_choices() -> list[tuple[str, str, str]]:
    """(code, short label, own name) of every interface language, for the header's switch."""
    return [(code, cat["lang.short"], cat["lang.name"]) for code, cat in CATALOGUES.items()]


def script_strings(lang: str) -> dict[str, str]:
    return {key: text(lang, key) for key in SCRIPT_KEYS}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}

