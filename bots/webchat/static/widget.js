/*
 * vikno web chat widget. One tag on any allowed site:
 *   <script src="https://HOST/chat/widget.js" data-helpline="community-1620" data-lang="uk" async></script>
 * Where quick exit goes and the longest message come from the server's settings
 * (VIKNO_WEBCHAT_EXIT_URL, webchat.max_message_chars), written into this file as it is served.
 * Optional: data-exit-url (another neutral site for quick exit, http(s) only), data-remember="session"
 * (forget the conversation when the tab closes), data-mode="page" (full page, used by /chat).
 *
 * Safety rules kept throughout: message text goes into the page with textContent only;
 * quick exit (button, or Escape three times) forgets everything and replaces the page.
 * Protocol: see bots/webchat/protocol.py.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__viknoChat) { return; }
  window.__viknoChat = true;

  // Replaced by the server with its settings; the fallbacks only matter for a copy served elsewhere.
  var SERVER = /*vikno:settings*/{}/*end*/;
  var DEFAULT_EXIT = "https://www.google.com/";
  var MAX_SENDS = 3;          // a message is sent at most this often, then the person is told
  var MAX_WAIT_S = 60;        // a refusal that asks to wait longer is not waited out with "sending…"
  // With no connection (the site is not allowed, vikno is down, no network) a message is
  // "sending…" this long at most; then the person is told, with the emergency numbers.
  var OFFLINE_GIVE_UP_MS = 20000;
  var data = script.dataset;
  // A link that opens the chat on a topic (the page's ?start=, data-start): pressed once, for a new chat only,
  // so that a child given the link gets the numbers and a person without finding a button first.
  var startWord = /^[a-z][a-z0-9_]{0,63}$/.test(data.start || "") ? data.start : null;
  var startSent = false;
  var base = new URL(script.src, location.href);
  var origin = base.origin;
  var wsUrl = origin.replace(/^http/, "ws") + "/chat/ws";
  var pageMode = data.mode === "page";
  var helpline = data.helpline || null;
  var maxChars = Math.min(parseInt(data.maxChars || "0", 10) || Infinity, SERVER.maxChars || 4096);
  var exitUrl = safeUrl(data.exitUrl) || safeUrl(SERVER.exitUrl) || DEFAULT_EXIT;
  // The helpline's emergency numbers (the server writes them into SERVER): shown when the chat cannot connect.
  var emergencies = SERVER.emergency || {};
  var emergency = emergencies[helpline] || emergencies[SERVER.helpline] || [];
  var remember = data.remember === "session" ? "session" : "local";
  var storeKey = "vikno-chat:" + origin + ":" + (helpline || "default");
  var LANG_NAMES = { uk: "Українська", ru: "Русский", az: "Azərbaycanca", en: "English" };

  var T = {
    uk: { title: "Чат підтримки", open: "Відкрити чат", close: "Згорнути чат", exit: "Швидкий вихід",
      exitLabel: "Швидкий вихід: закрити чат і перейти на інший сайт", input: "Ваше повідомлення",
      placeholder: "Напишіть повідомлення…", send: "Надіслати", connecting: "Зʼєднання…",
      reconnecting: "Немає звʼязку. Пробуємо ще раз…", typing: "Фахівець друкує…", log: "Повідомлення чату",
      intro: "Вітаємо! Тут можна анонімно написати про те, що сталося. Напишіть або оберіть нижче.",
      menu: "☰ Меню", person: "🙋 Поговорити з людиною", sending: "надсилається…", failed: "не надіслано",
      you: "Ви:", bot: "Бот", operator: "Фахівець", lineNote: "Повідомлення лінії", language: "Мова", quick: "Варіанти відповіді",
      queue: "Ви в черзі: ", withheld: "(відповідь передано фахівцям разом із повідомленням; у чаті її не збережено)", profileAnswer: "(відповідь лише для анонімної статистики лінії; у чаті її не збережено)", tooLong: "Повідомлення задовге",
      notSent: "Повідомлення не надіслано. Спробуйте ще раз трохи пізніше.",
      offline: "Немає звʼязку: повідомлення не надіслано. Ми й далі пробуємо зʼєднатися.",
      unavailable: "Чат зараз недоступний на цьому сайті.",
      callNow: "Якщо допомога потрібна зараз, телефонуйте:", start: "Почати розмову" },
    ru: { title: "Чат поддержки", open: "Открыть чат", close: "Свернуть чат", exit: "Быстрый выход",
      exitLabel: "Быстрый выход: закрыть чат и перейти на другой сайт", input: "Ваше сообщение",
      placeholder: "Напишите сообщение…", send: "Отправить", connecting: "Соединение…",
      reconnecting: "Нет связи. Пробуем снова…", typing: "Специалист печатает…", log: "Сообщения чата",
      intro: "Здравствуйте! Здесь можно анонимно написать о том, что случилось. Напишите или выберите ниже.",
      menu: "☰ Меню", person: "🙋 Поговорить с человеком", sending: "отправляется…", failed: "не отправлено",
      you: "Вы:", bot: "Бот", operator: "Специалист", lineNote: "Сообщение линии", language: "Язык", quick: "Варианты ответа",
      queue: "Вы в очереди: ", withheld: "(ответ передан специалистам вместе с сообщением; в чате он не сохранён)", profileAnswer: "(ответ только для анонимной статистики линии; в чате он не сохранён)", tooLong: "Сообщение слишком длинное",
      notSent: "Сообщение не отправлено. Попробуйте ещё раз немного позже.",
      offline: "Нет связи: сообщение не отправлено. Мы продолжаем пробовать подключиться.",
      unavailable: "Чат сейчас недоступен на этом сайте.",
      callNow: "Если помощь нужна сейчас, звоните:", start: "Начать разговор" },
    az: { title: "Dəstək çatı", open: "Çatı aç", close: "Çatı kiçilt", exit: "Tez çıxış",
      exitLabel: "Tez çıxış: çatı bağla və başqa sayta keç", input: "Mesajınız",
      placeholder: "Mesaj yazın…", send: "Göndər", connecting: "Qoşulur…",
      reconnecting: "Bağlantı yoxdur. Yenidən cəhd edilir…", typing: "Mütəxəssis yazır…", log: "Çat mesajları",
      intro: "Salam! Burada baş verənlər barədə anonim yaza bilərsiniz. Yazın və ya aşağıdan seçin.",
      menu: "☰ Menyu", person: "🙋 İnsanla danışmaq", sending: "göndərilir…", failed: "göndərilmədi",
      you: "Siz:", bot: "Bot", operator: "Mütəxəssis", lineNote: "Xəttin bildirişi", language: "Dil", quick: "Cavab variantları",
      queue: "Növbədəsiniz: ", withheld: "(cavab xəbərlə birlikdə mütəxəssislərə ötürüldü; çatda saxlanılmayıb)", profileAnswer: "(cavab yalnız xəttin anonim statistikası üçündür; çatda saxlanılmayıb)", tooLong: "Mesaj çox uzundur",
      notSent: "Mesaj göndərilmədi. Bir az sonra yenidən cəhd edin.",
      offline: "Bağlantı yoxdur: mesaj göndərilmədi. Qoşulmağa cəhd etməyə davam edirik.",
      unavailable: "Çat hazırda bu saytda əlçatan deyil.",
      callNow: "Kömək indi lazımdırsa, zəng edin:", start: "Söhbətə başla" },
    en: { title: "Support chat", open: "Open chat", close: "Minimise chat", exit: "Quick exit",
      exitLabel: "Quick exit: close the chat and go to another site", input: "Your message",
      placeholder: "Write a message…", send: "Send", connecting: "Connecting…",
      reconnecting: "No connection. Trying again…", typing: "A specialist is typing…", log: "Chat messages",
      intro: "Hello! You can write here anonymously about what happened. Write, or choose below.",
      menu: "☰ Menu", person: "🙋 Talk to a person", sending: "sending…", failed: "not sent",
      you: "You:", bot: "Bot", operator: "Specialist", lineNote: "From the helpline", language: "Language", quick: "Reply options",
      queue: "You are in the queue: ", withheld: "(passed to the specialists with your report; not kept in this chat)", profileAnswer: "(for the line's anonymous statistics only; not kept in this chat)", tooLong: "The message is too long",
      notSent: "The message was not sent. Please try again a little later.",
      offline: "No connection: the message was not sent. We keep trying to connect.",
      unavailable: "The chat is not available on this site right now.",
      callNow: "If you need help now, call:", start: "Start the chat" }
  };
  var lang = T[data.lang] ? data.lang : T[data.uiLang] ? data.uiLang : "uk";
  // Only a language the site set (data-lang) is a choice the server keeps; the labels' language
  // alone is not, so a person who writes in another language is answered in it.
  var chosenLang = T[data.lang] ? data.lang : null;
  var languages = [lang];

  // --- state --------------------------------------------------------------
  var ws = null, welcomed = false, attempts = 0, reconnectTimer = null, pingTimer = null;
  // refused: vikno said this site may not open the chat (not in webchat.allowed_origins); no retrying
  var refused = false, originKnownGood = false;
  var lastFrameAt = 0, escapes = [], unread = 0, opened = pageMode, conversation = null, notice = null;
  var byId = {};          // store id -> element
  var pending = [];       // [{id, frame, el, sentAt, sends}] in the order typed
  var titles = {};        // button payload -> title (to show a pressed button by its title)
  var key = readKey();

  // --- DOM ------------------------------------------------------------------
  var host = document.createElement("div");
  host.setAttribute("data-vikno-chat", "");
  var shadow = host.attachShadow({ mode: "open" });
  var css = el("link");
  css.rel = "stylesheet";
  css.href = origin + "/chat/widget.css";
  shadow.appendChild(css);
  var root = el("div", "vk-root " + (pageMode ? "vk-page" : "vk-widget"));
  shadow.appendChild(root);

  var launcher = null;
  if (!pageMode) {
    launcher = el("button", "vk-launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", "vk-panel");
    var launcherIcon = el("span", "vk-launcher-icon", "💬");
    launcherIcon.setAttribute("aria-hidden", "true");
    launcher.appendChild(launcherIcon);
    var launcherText = el("span", "vk-launcher-text");
    launcher.appendChild(launcherText);
    var badge = el("span", "vk-badge");
    badge.hidden = true;
    launcher.appendChild(badge);
    launcher.addEventListener("click", function () { setOpen(true); });
    root.appendChild(launcher);
  }

  var panel = el(pageMode ? "main" : "section", "vk-panel");
  panel.id = "vk-panel";
  panel.hidden = !pageMode;
  var header = el("header", "vk-header");
  var title = el(pageMode ? "h1" : "h2", "vk-title");
  var langSelect = el("select", "vk-lang");
  var exitButton = el("button", "vk-exit");
  exitButton.type = "button";
  header.appendChild(title);
  header.appendChild(langSelect);
  var closeButton = null;
  if (!pageMode) {
    closeButton = el("button", "vk-close", "✕");
    closeButton.type = "button";
    closeButton.addEventListener("click", function () { setOpen(false); });
    header.appendChild(closeButton);
  }
  header.appendChild(exitButton);
  var status = el("div", "vk-status");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  var log = el("div", "vk-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-relevant", "additions");
  log.tabIndex = 0;
  var intro = el("p", "vk-intro");
  log.appendChild(intro);
  var typing = el("div", "vk-typing");
  typing.setAttribute("aria-live", "polite");
  typing.hidden = true;
  var quick = el("div", "vk-quick");
  quick.setAttribute("role", "group");
  var form = el("form", "vk-form");
  var input = el("textarea", "vk-input");
  input.rows = 1;
  input.maxLength = maxChars;
  input.setAttribute("enterkeyhint", "send");
  var send = el("button", "vk-send", "➤");
  send.type = "submit";
  form.appendChild(input);
  form.appendChild(send);
  [header, status, log, typing, quick, form].forEach(function (n) { panel.appendChild(n); });
  root.appendChild(panel);

  function mount() { (document.body || document.documentElement).appendChild(host); }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }

  // --- events ---------------------------------------------------------------
  exitButton.addEventListener("click", quickExit);
  window.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") { return; }
    var now = Date.now();
    escapes = escapes.filter(function (t) { return now - t < 2000; });
    escapes.push(now);
    if (escapes.length >= 3) { quickExit(); }
  }, true);
  form.addEventListener("submit", function (e) { e.preventDefault(); submitText(); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submitText(); }
  });
  input.addEventListener("input", grow);
  // Chromium fires "change" on every arrow key in a closed select: a keyboard user heading for
  // English would post Русский and Azərbaycanca on the way. An arrow only moves; the choice is
  // Enter, leaving the menu with another language in it, or a pointer's pick.
  var arrowing = false;
  langSelect.addEventListener("keydown", function (e) {
    if (/^(Arrow|Page|Home$|End$)/.test(e.key) && !e.altKey) {
      arrowing = true;
      setTimeout(function () { arrowing = false; }, 0);
    } else if (e.key === "Enter") {
      chooseLang();
    }
  });
  langSelect.addEventListener("change", function () { if (!arrowing) { chooseLang(); } });
  langSelect.addEventListener("blur", chooseLang);
  function chooseLang() {
    var code = langSelect.value;
    if (!T[code] || code === lang) { return; }
    setLang(code);
    sendButton("lang:" + code, LANG_NAMES[code]);
  }
  window.addEventListener("online", reconnectNow);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && (!ws || ws.readyState > 1)) { reconnectNow(); }
  });

  setLang(lang);
  showIntroButtons();
  if (pageMode || key) { connect(); }

  // --- helpers ----------------------------------------------------------------
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) { n.className = cls; }
    if (text !== undefined) { n.textContent = text; }
    return n;
  }

  function safeUrl(value) {
    if (typeof value !== "string" || !value.trim()) { return null; }   // absent: not "<this site>/undefined"
    try {
      var u = new URL(value, location.href);
      return (u.protocol === "https:" || u.protocol === "http:") ? u.href : null;
    } catch (e) { return null; }
  }

  function storages() {
    var out = [];
    try { out.push(window.localStorage); } catch (e) { /* blocked */ }
    try { out.push(window.sessionStorage); } catch (e) { /* blocked */ }
    return out;
  }

  function readKey() {
    var list = storages();
    for (var i = 0; i < list.length; i++) {
      try { var v = list[i].getItem(storeKey); if (v) { return v; } } catch (e) { /* next */ }
    }
    return null;
  }

  function saveKey(value) {
    var list = storages();
    if (remember === "session") { list = list.slice(1).concat(list.slice(0, 1)); }
    for (var i = 0; i < list.length; i++) {
      try { list[i].setItem(storeKey, value); return; } catch (e) { /* try the next storage */ }
    }
  }

  function forgetEverything() {
    storages().forEach(function (s) {
      try {
        for (var i = s.length - 1; i >= 0; i--) {
          var k = s.key(i);
          if (k && k.indexOf("vikno-chat:") === 0) { s.removeItem(k); }
        }
      } catch (e) { /* nothing more we can do */ }
    });
  }

  function quickExit() {
    try { document.documentElement.style.visibility = "hidden"; } catch (e) { /* leaving anyway */ }
    forgetEverything();
    key = null;
    pending = [];
    try { if (ws) { ws.onclose = null; ws.close(); } } catch (e) { /* leaving anyway */ }
    try { host.remove(); } catch (e) { /* leaving anyway */ }
    location.replace(exitUrl);
  }

  // On a phone the open panel covers the whole screen: then it is a modal dialog, and Tab and
  // Shift+Tab go round inside it instead of into the page hidden behind. At desktop size it floats
  // beside the page, which stays usable: a named region, not modal.
  var fullScreen = !pageMode && window.matchMedia ? window.matchMedia("(max-width: 599px)") : null;
  function setModal() {
    if (!fullScreen) { return; }
    if (fullScreen.matches) {
      panel.setAttribute("role", "dialog");
      panel.setAttribute("aria-modal", "true");
    } else {
      panel.removeAttribute("role");
      panel.removeAttribute("aria-modal");
    }
  }
  if (fullScreen) {
    setModal();
    if (fullScreen.addEventListener) { fullScreen.addEventListener("change", setModal); }
  }
  panel.addEventListener("keydown", function (e) {
    if (e.key !== "Tab" || !fullScreen || !fullScreen.matches || panel.hidden) { return; }
    var stops = Array.prototype.filter.call(
      panel.querySelectorAll("button, select, textarea, a[href], [tabindex]"),
      function (n) { return !n.disabled && n.tabIndex >= 0 && n.getClientRects().length > 0; });
    if (!stops.length) { return; }
    var first = stops[0], last = stops[stops.length - 1], active = shadow.activeElement;
    if (e.shiftKey && (active === first || stops.indexOf(active) < 0)) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && (active === last || stops.indexOf(active) < 0)) { e.preventDefault(); first.focus(); }
  });

  function setOpen(value) {
    if (pageMode) { return; }
    opened = value;
    panel.hidden = !value;
    launcher.hidden = value;
    launcher.setAttribute("aria-expanded", value ? "true" : "false");
    if (value) {
      unread = 0;
      badge.hidden = true;
      if (!ws) { connect(); }
      input.focus();
      scrollDown();
    } else {
      launcher.focus();
    }
  }

  function setLang(code) {
    lang = T[code] ? code : lang;
    var t = T[lang];
    root.lang = lang;
    title.textContent = t.title;
    exitButton.textContent = "✕ " + t.exit;
    exitButton.setAttribute("aria-label", t.exitLabel);
    exitButton.title = t.exitLabel;
    if (closeButton) { closeButton.setAttribute("aria-label", t.close); closeButton.title = t.close; }
    if (launcher) { launcherText.textContent = t.title; launcher.removeAttribute("aria-label"); }  // named by its visible text (WCAG 2.5.3)
    panel.setAttribute("aria-label", t.title);
    log.setAttribute("aria-label", t.log);
    quick.setAttribute("aria-label", t.quick);
    langSelect.setAttribute("aria-label", t.language);
    input.setAttribute("aria-label", t.input);
    input.placeholder = t.placeholder;
    send.setAttribute("aria-label", t.send);
    send.title = t.send;
    typing.textContent = t.typing;
    intro.textContent = t.intro;
    Array.prototype.forEach.call(log.querySelectorAll("[data-sender]"), labelOf);
    renderLanguages();
    showStatus();
  }

  function renderLanguages() {
    langSelect.textContent = "";
    languages.forEach(function (code) {
      var o = el("option", null, LANG_NAMES[code] || code);
      o.value = code;
      o.selected = code === lang;
      langSelect.appendChild(o);
    });
    langSelect.hidden = languages.length < 2;
  }

  function showStatus() {
    var t = T[lang], text = "";
    if (notice) { text = t[notice]; }
    else if (!welcomed) { text = attempts ? t.reconnecting : (ws ? t.connecting : ""); }
    else if (conversation && conversation.state === "waiting" && conversation.queue_position) {
      text = t.queue + conversation.queue_position;
    }
    status.textContent = text;
    // a message that could not be sent may have been a cry for help: the numbers come with every such notice
    if ((notice === "offline" || notice === "unavailable" || notice === "notSent") && emergency.length) {
      status.appendChild(emergencyList());
    }
    status.hidden = !text;
  }

  function emergencyList() {
    var box = el("div", "vk-emergency");
    box.appendChild(el("div", null, T[lang].callNow));
    var list = el("ul", "vk-emergency-list");
    emergency.forEach(function (c) {
      var label = (c.label && (c.label[lang] || c.label[SERVER.language])) || "";
      var link = el("a", "vk-emergency-number", String(c.number));
      link.href = "tel:" + String(c.number).replace(/[^0-9+*#]/g, "");
      var item = el("li");
      item.appendChild(link);
      if (label) { item.appendChild(document.createTextNode(" — " + label)); }
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  }

  function grow() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 160) + "px";
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function newId() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    var s = "";
    for (var i = 0; i < bytes.length; i++) { s += ("0" + bytes[i].toString(16)).slice(-2); }
    return "c" + s;
  }

  // seq comes as a decimal string (nanoseconds: too big for a JS number)
  function seqLess(a, b) {
    if (a.length !== b.length) { return a.length < b.length; }
    return a < b;
  }

  // --- rendering --------------------------------------------------------------
  // Who writes is always visible: the bot and a specialist each carry a short label and their own
  // bubble style, and what the helpline tells (a specialist joined, the chat closed) is a line across
  // the chat, not a bubble. The person's own messages keep a label for screen readers only.
  // A specialist's label carries their name where the helpline shows names (the server sends it only
  // then, never a login): a colleague who took the chat over is told apart from the one before.
  function bubble(sender, text, name) {
    var item = el("div", sender === "system" ? "vk-line vk-system" : "vk-msg vk-" + sender);
    var who = el("span", sender === "user" || sender === "system" ? "vk-sr" : "vk-who");
    who.dataset.sender = sender;
    if (sender === "operator" && typeof name === "string" && name) { who.dataset.name = name; }
    labelOf(who);
    var body = el("div", "vk-text", text || "");
    body.dir = "auto";
    item.appendChild(who);
    item.appendChild(body);
    return item;
  }

  function labelOf(who) {
    var t = T[lang], sender = who.dataset.sender;
    who.textContent = sender === "user" ? t.you
      : sender === "operator" ? (who.dataset.name ? t.operator + " · " + who.dataset.name : t.operator)
      : sender === "system" ? t.lineNote + ":" : t.bot;
  }

  function shownText(m) {
    if (m.kind === "withheld") { return T[lang].withheld; }   // an answer kept in the report only
    if (m.kind === "profile_answer") { return T[lang].profileAnswer; }   // counted in the figures only
    if (m.direction === "in" && m.button) {
      if (m.button.indexOf("lang:") === 0 && LANG_NAMES[m.button.slice(5)]) { return LANG_NAMES[m.button.slice(5)]; }
      if (m.button.indexOf("start:") === 0) { return T[lang].start; }   // the link that opened the chat
      return m.title || titles[m.button] || "•";
    }
    return m.text || "";
  }

  function firstPending() {
    for (var i = 0; i < pending.length; i++) { if (pending[i].el.parentNode === log) { return pending[i].el; } }
    return null;
  }

  // Put a stored element in seq order, above any message still being sent.
  function place(node, seq) {
    var after = null;
    var children = log.children;
    for (var i = children.length - 1; i >= 0; i--) {
      var c = children[i];
      if (c === node || !c.dataset.seq) { continue; }
      if (!seqLess(seq, c.dataset.seq)) { after = c; break; }
    }
    if (after) {
      log.insertBefore(node, after.nextSibling);
    } else {
      var firstStored = null;
      for (var j = 0; j < children.length; j++) { if (children[j].dataset.seq) { firstStored = children[j]; break; } }
      log.insertBefore(node, firstStored || firstPending());
    }
    var p = firstPending();
    if (p && node.compareDocumentPosition(p) & Node.DOCUMENT_POSITION_PRECEDING) { log.insertBefore(node, p); }
  }

  function merge(m, quiet) {
    if (!m) { return; }
    if (m.buttons) { m.buttons.forEach(function (b) { titles[b.payload] = b.title; }); }
    if (m.id && byId[m.id]) { return; }                         // already shown: never twice
    var node = null;
    if (m.client_id) {
      for (var i = 0; i < pending.length; i++) {
        if (pending[i].id === m.client_id) { node = pending[i].el; break; }
      }
    }
    if (node) {
      node.classList.remove("vk-pending", "vk-failed");
      var note = node.querySelector(".vk-note");
      if (note) { note.remove(); }
    } else {
      node = bubble(m.direction === "in" ? "user" : (m.sender === "operator" || m.sender === "system" ? m.sender : "bot"),
                    shownText(m), m.name);
    }
    if (m.id) { byId[m.id] = node; node.dataset.id = m.id; }
    if (m.seq) { node.dataset.seq = String(m.seq); place(node, String(m.seq)); } else { log.insertBefore(node, firstPending()); }
    if (m.direction !== "in") {                                 // bot, operator or system
      showButtons(m.buttons || []);
      if (!opened && launcher && !quiet) { unread++; badge.textContent = String(unread); badge.hidden = false; }
    }
    intro.hidden = true;
    scrollDown();
  }

  function showButtons(buttons) {
    quick.textContent = "";
    buttons.forEach(function (b) {
      var btn = el("button", "vk-quick-btn", b.title);
      btn.type = "button";
      btn.dir = "auto";
      btn.addEventListener("click", function (e) {
        sendButton(b.payload, b.title);
        // the buttons are gone now: focus must not fall to the page. A keyboard press (no pointer:
        // detail 0) or a fine pointer goes on in the message box; a finger goes to the chat log,
        // so that no on-screen keyboard jumps up over the answer.
        var keyboard = e.detail === 0 || !window.matchMedia || window.matchMedia("(pointer: fine)").matches;
        (keyboard ? input : log).focus();
      });
      quick.appendChild(btn);
    });
    quick.hidden = !buttons.length;
  }

  function showIntroButtons() {
    if (Object.keys(byId).length) { return; }
    if (startWord) {
      if (!startSent && !pending.length && welcomed) { startSent = true; sendButton("start:" + startWord, T[lang].start); }
      return;
    }
    showButtons([{ title: T[lang].menu, payload: "menu" }, { title: T[lang].person, payload: "person" }]);
  }

  // --- sending ----------------------------------------------------------------
  // A lone half of a surrogate pair (an emoji cut in two) is not a character: the server refuses it.
  function wellFormed(text) {
    if (typeof text.toWellFormed === "function") { return text.toWellFormed(); }
    return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
                        function (m, before) { return (before || "") + "\uFFFD"; });
  }

  function submitText() {
    var text = wellFormed(input.value);
    if (!text.trim()) { return; }
    if (text.length > maxChars) { status.textContent = T[lang].tooLong; status.hidden = false; return; }
    input.value = "";
    grow();
    enqueue({ type: "message", text: text }, text);
  }

  function sendButton(payload, label) {
    titles[payload] = label;
    enqueue({ type: "button", payload: payload }, label);
  }

  function enqueue(frame, shown) {
    if (refused) { return; }
    frame.id = newId();
    var node = bubble("user", shown);
    node.classList.add("vk-pending");
    node.appendChild(el("span", "vk-note", T[lang].sending));
    log.appendChild(node);
    intro.hidden = true;
    quick.textContent = "";
    quick.hidden = true;
    var item = { id: frame.id, frame: frame, el: node, sentAt: 0, sends: 0 };
    pending.push(item);
    scrollDown();
    if (!ws) { connect(); }
    transmit(item);
    setTimeout(function () { giveUpOffline(item); }, OFFLINE_GIVE_UP_MS);
  }

  // Still waiting, and still no welcomed connection: say "not sent" and show whom to call. The
  // message leaves the queue, so a later connection never sends it (the person decides again);
  // the connection keeps being retried in the background.
  function giveUpOffline(item) {
    if (pending.indexOf(item) < 0 || (ws && ws.readyState === 1 && welcomed)) { return; }
    settle(item.id, true);
    notice = "offline";
    showStatus();
  }

  function transmit(item) {
    if (pending.indexOf(item) < 0) { return; }                 // settled meanwhile
    if (!ws || ws.readyState !== 1 || !welcomed) { return; }   // sent after the next welcome
    if (item.sends >= MAX_SENDS) { giveUp(item); return; }     // the server keeps refusing it: stop, say so
    item.sends++;
    item.sentAt = Date.now();
    ws.send(JSON.stringify(item.frame));
  }

  function giveUp(item) {
    settle(item.id, true);
    notice = "notSent";
    showStatus();
  }

  function settle(id, failed) {
    for (var i = 0; i < pending.length; i++) {
      if (pending[i].id !== id) { continue; }
      var item = pending.splice(i, 1)[0];
      var note = item.el.querySelector(".vk-note");
      item.el.classList.remove("vk-pending");
      if (failed) {
        item.el.classList.add("vk-failed");
        if (note) { note.textContent = T[lang].failed; }
      } else if (note) {
        note.remove();
      }
      return item;
    }
    return null;
  }

  // --- the socket -------------------------------------------------------------
  function connect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    if (refused || (ws && ws.readyState <= 1)) { return; }
    welcomed = false;
    var socket;
    try { socket = new WebSocket(wsUrl); } catch (e) { scheduleReconnect(); return; }
    ws = socket;
    var opened = false;
    showStatus();
    socket.onopen = function () {
      opened = true;
      originKnownGood = true;
      lastFrameAt = Date.now();
      socket.send(JSON.stringify({ type: "hello", key: key, lang: chosenLang, helpline: helpline,
                                   last_seen: Object.keys(byId).length }));
    };
    socket.onmessage = function (e) {
      lastFrameAt = Date.now();
      var frame;
      try { frame = JSON.parse(e.data); } catch (err) { return; }
      onFrame(frame);
    };
    socket.onclose = function () {
      if (ws !== socket) { return; }
      welcomed = false;
      clearInterval(pingTimer);
      if (opened || originKnownGood) { scheduleReconnect(); return; }
      // The handshake failed. A browser does not tell why; vikno down and this site not allowed
      // look the same. Ask: a refusal will not change by retrying, so the person is told once.
      checkOrigin();
    };
    socket.onerror = function () { /* onclose follows */ };
  }

  function checkOrigin() {
    var asked;
    try {
      asked = fetch(origin + "/chat/origin", { credentials: "omit", cache: "no-store" });
    } catch (e) { scheduleReconnect(); return; }
    asked.then(function (r) { return r.json(); }).then(function (answer) {
      if (answer && answer.allowed === false) { refuse(); return; }
      if (answer && answer.allowed === true) { originKnownGood = true; }
      scheduleReconnect();
    }, function () { scheduleReconnect(); });       // vikno down: keep trying as before
  }

  function refuse() {
    refused = true;
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    pending.slice().forEach(function (p) { settle(p.id, true); });
    // disabling the focused box would drop focus to the page: take it to the refusal instead
    var active = shadow.activeElement;
    var hadFocus = active === input || active === send || (!!active && quick.contains(active));
    input.disabled = true;
    send.disabled = true;
    quick.textContent = "";
    quick.hidden = true;
    notice = "unavailable";
    showStatus();
    if (hadFocus) {
      status.tabIndex = -1;
      status.focus();
    }
  }

  function scheduleReconnect() {
    if (reconnectTimer) { return; }
    attempts++;
    showStatus();
    var delay = Math.min(10000, 500 * Math.pow(2, Math.min(attempts - 1, 5))) * (0.75 + Math.random() / 2);
    reconnectTimer = setTimeout(connect, delay);
  }

  function reconnectNow() {
    if (ws && ws.readyState <= 1) { return; }
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    connect();
  }

  function onFrame(f) {
    switch (f.type) {
      case "welcome": return onWelcome(f);
      case "ack":
        merge(f.message, true);                                  // turns the "sending" bubble into the stored one
        settle(f.id, false);
        if (notice) { notice = null; showStatus(); }
        return;
      case "reply": return merge(f.message);
      case "sync": (f.messages || []).forEach(function (m) { merge(m); }); return;
      case "operator_message": typing.hidden = true; return merge(f.message);
      case "system_message": return merge(f.message);
      case "conversation": conversation = f.conversation; followLanguage(); showStatus(); return;
      case "typing": return showTyping(f.on);
      case "error": return onError(f);
      default: return;  // pong and anything newer than this script
    }
  }

  function onWelcome(f) {
    welcomed = true;
    attempts = 0;
    key = f.key;
    saveKey(key);
    conversation = f.conversation;
    if (f.helpline && f.helpline.languages) { languages = f.helpline.languages; }
    if (f.reset) {                                              // not this server's conversation: start over
      var keep = pending.map(function (p) { return p.el; });
      Object.keys(byId).forEach(function (id) { if (keep.indexOf(byId[id]) < 0) { byId[id].remove(); } });
      byId = {};
    }
    (f.history || []).forEach(function (m) { merge(m, true); });
    followLanguage();
    renderLanguages();
    showStatus();
    clearInterval(pingTimer);
    pingTimer = setInterval(keepAlive, 20000);
    pending.slice().forEach(transmit);                          // same ids: the server dedupes
    showIntroButtons();                                         // after: a link's start is sent once
  }

  function followLanguage() {
    var code = conversation && conversation.language;
    if (code && T[code] && code !== lang) { setLang(code); }
  }

  function keepAlive() {
    if (!ws || ws.readyState !== 1) { return; }
    var now = Date.now();
    var stuck = pending.some(function (p) { return p.sentAt && now - p.sentAt > 20000; });
    if (now - lastFrameAt > 50000 || stuck) { ws.close(); return; }   // silently dead: start over
    ws.send(JSON.stringify({ type: "ping" }));
  }

  var typingTimer = null;
  function showTyping(on) {
    clearTimeout(typingTimer);
    typing.hidden = !on;
    if (on) { typingTimer = setTimeout(function () { typing.hidden = true; }, 10000); }
  }

  var RETRY = ["rate_limited", "too_many_conversations", "store_unavailable", "busy"];
  var UNREADABLE = ["malformed_json", "invalid_unicode", "too_deeply_nested", "invalid_frame"];

  function onError(f) {
    var item = null, i;
    for (i = 0; i < pending.length; i++) { if (f.id && pending[i].id === f.id) { item = pending[i]; } }
    if (!item && !f.id && UNREADABLE.indexOf(f.error) >= 0) {
      // the frame could not be read, so the server could not name it: frames are answered
      // in order, so it is the oldest one sent and not yet answered
      for (i = 0; i < pending.length && !item; i++) { if (pending[i].sentAt) { item = pending[i]; } }
    }
    if (!item) { return; }
    var wait = Math.max(1, f.retry_after || 5);
    if (RETRY.indexOf(f.error) >= 0 && item.sends < MAX_SENDS && wait <= MAX_WAIT_S) {
      item.sentAt = 0;
      setTimeout(function () { transmit(item); }, wait * 1000);
      return;
    }
    giveUp(item);
  }
})();
