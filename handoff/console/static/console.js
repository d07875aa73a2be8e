/* vikno operator console: live queue, chat, supervisor figures.
 *
 * Plain script, no build step. Everything a stranger wrote is put into the
 * page with textContent / createElement only, never innerHTML. The console's
 * own words come from the server in the operator's language (<body
 * data-strings>, a JSON object: catalogue key -> text; see i18n.py). The server
 * renders each page first; this keeps it fresh: a websocket brings nudges
 * ("something changed"), then the small JSON endpoints are read again.
 * If the socket drops, the same refresh runs every few seconds until it is
 * back.
 */
(function () {
  "use strict";

  var body = document.body;
  var page = body.dataset.page || "";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  if (!csrf) { return; }  // the login page: nothing live here

  var chatBox = document.getElementById("chat");
  var chatId = chatBox ? chatBox.dataset.id : null;
  var POLL_MS = 4000;
  var skew = 0;  // server clock minus ours, in ms

  var STRINGS = {};
  try { STRINGS = JSON.parse(body.dataset.strings || "{}") || {}; } catch (e) { STRINGS = {}; }
  // a catalogue text with {name} placeholders filled in (the key itself if the page did not send it)
  function T(key, values) {
    var s = Object.prototype.hasOwnProperty.call(STRINGS, key) ? String(STRINGS[key]) : key;
    return s.replace(/\{(\w+)\}/g, function (all, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  // --- small DOM helpers ------------------------------------------------------

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) { n.className = cls; }
    if (text !== undefined && text !== null) { n.textContent = String(text); }
    return n;
  }

  function duration(s) {
    if (s === null || s === undefined || isNaN(s)) { return "—"; }
    s = Math.max(0, Math.floor(s));
    if (s < 60) { return T("time.seconds", { n: s }); }
    if (s < 3600) { return T("time.minutes", { n: Math.floor(s / 60) }); }
    var m = Math.floor(s % 3600 / 60);
    return T("time.hours", { h: Math.floor(s / 3600), m: (m < 10 ? "0" : "") + m });
  }

  function hiddenCsrf() {
    var i = el("input");
    i.type = "hidden"; i.name = "csrf"; i.value = csrf;
    return i;
  }

  var flashBox = document.getElementById("flash");
  var flashTimer = null;
  function flash(message, kind) {
    if (!flashBox) { return; }
    flashBox.textContent = message;
    flashBox.className = "flash " + (kind || "error");
    flashBox.hidden = false;
    clearTimeout(flashTimer);
    flashTimer = setTimeout(function () { flashBox.hidden = true; }, 8000);
  }

  // --- forms: sent with fetch so that errors show in place ----------------------

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-ajax")) { return; }
    ev.preventDefault();
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) { return; }
    submit(form, ev.submitter || null);
  });

  // Where the operator was acting, described so that it can be found again after a refresh has
  // rebuilt that part of the page (the risk panel and the history are re-rendered from JSON).
  // Disabling a focused button, or replacing it, drops keyboard focus to <body> and the page to
  // its top: a keyboard operator would then Tab ~25 times back to the reply box.
  var pendingFocus = null;

  function focusKey(form, target) {
    var id = form.querySelector('input[name="message_id"]');
    return {
      action: form.getAttribute("action"),
      message: id ? id.value : null,
      inRisk: !!form.closest("#risk"),
      name: target && target.name || null,
      value: target && target.value || null,
      tag: target ? target.tagName : null,
      until: Date.now() + 10000
    };
  }

  function findKeyed(key) {
    var forms = document.querySelectorAll("form[data-ajax]");
    for (var i = 0; i < forms.length; i += 1) {
      var f = forms[i];
      if (f.getAttribute("action") !== key.action || !!f.closest("#risk") !== key.inRisk) { continue; }
      var id = f.querySelector('input[name="message_id"]');
      if ((id ? id.value : null) !== key.message) { continue; }
      var cands = f.querySelectorAll(key.tag === "TEXTAREA" ? "textarea" : "button");
      for (var j = 0; j < cands.length; j += 1) {
        if (key.tag === "TEXTAREA" || (cands[j].name || null) === key.name && (cands[j].value || null) === key.value) {
          return cands[j];
        }
      }
    }
    return null;
  }

  // put focus back where the operator was, unless they have moved on meanwhile
  function restoreFocus() {
    var key = pendingFocus;
    if (!key) { return; }
    if (Date.now() > key.until) { pendingFocus = null; return; }
    var active = document.activeElement;
    if (active && active !== body && active.isConnected) {
      // several refreshes may rebuild the same part (the reply's own, the socket's nudge): keep
      // following the control while focus is on it; once the operator has moved on, let go
      if (active !== key.el) { pendingFocus = null; }
      return;
    }
    var target = findKeyed(key);
    if (!target) { return; }
    var details = target.closest("details");
    if (details) { details.open = true; }
    target.focus();
    key.el = target;
  }

  function submit(form, submitter) {
    if (form.dataset.busy) { return; }  // one submission at a time (the buttons stay focusable)
    var data = new FormData(form, submitter);
    var buttons = form.querySelectorAll("button");
    var active = document.activeElement;
    var acting = active && form.contains(active) ? active : submitter;
    var clears = form.hasAttribute("data-clear") && form.querySelector("textarea");
    pendingFocus = focusKey(form, clears || acting);
    pendingFocus.el = clears || acting;
    form.dataset.busy = "1";
    // aria-disabled, not disabled: a disabled button loses keyboard focus
    buttons.forEach(function (b) { b.setAttribute("aria-disabled", "true"); });
    fetch(form.action, {
      method: "POST", credentials: "same-origin", body: new URLSearchParams(data),
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf }
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) { return [r, j]; });
    }).then(function (rj) {
      var r = rj[0], j = rj[1];
      if (r.status === 401) { location.assign("/console/login"); return; }
      if (!r.ok) { flash(j.error || T("js.failed", { status: r.status })); return; }
      if (form.hasAttribute("data-clear")) {
        form.querySelectorAll("textarea").forEach(function (t) { t.value = ""; });
        if (clears) { clears.focus(); }  // after Send: straight back to writing
      }
      if (j.redirect && !form.hasAttribute("data-stay") && j.redirect !== location.pathname) {
        location.assign(j.redirect);
        return;
      }
      refresh();
    }).catch(function () {
      flash(T("js.unreachable"));
    }).then(function () {
      delete form.dataset.busy;
      buttons.forEach(function (b) { b.removeAttribute("aria-disabled"); });
      restoreFocus();
    });
  }

  function post(url) {
    return fetch(url, { method: "POST", credentials: "same-origin",
                        headers: { "Accept": "application/json", "X-CSRF-Token": csrf } });
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (r.status === 401) { location.assign("/console/login"); throw new Error("logged out"); }
        return r.json().then(function (j) { return { status: r.status, ok: r.ok, data: j }; });
      });
  }

  // --- crisis alerts: a beep (Web Audio) and an optional notification ---------

  var alertsButton = document.getElementById("alerts");
  var alertsOn = localStorage.getItem("vikno-console-alerts") === "on";
  var audio = null;

  function audioContext() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) { return null; }
    if (!audio) { audio = new Ctx(); }
    if (audio.state === "suspended") { audio.resume(); }
    return audio;
  }

  function beep() {
    var ctx = alertsOn ? audioContext() : null;
    if (!ctx) { return; }
    [0, 0.45].forEach(function (offset) {
      var t = ctx.currentTime + offset;
      var osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.25, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.3);
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.32);
    });
  }

  function notify(item) {
    if (!alertsOn || !("Notification" in window) || Notification.permission !== "granted") { return; }
    try {
      var n = new Notification(T("alerts.title"), {
        body: (item.topic_title || T("alerts.crisis")) + " · " + item.channel_label + " · " + item.pseudonym,
        tag: "vikno-crisis-" + item.id, requireInteraction: true
      });
      n.onclick = function () { window.focus(); n.close(); };
    } catch (e) { /* some browsers allow notifications only from a service worker */ }
  }

  function showAlertsState() {
    if (!alertsButton) { return; }
    alertsButton.hidden = false;
    alertsButton.setAttribute("aria-pressed", alertsOn ? "true" : "false");
    alertsButton.textContent = T(alertsOn ? "alerts.on" : "alerts.enable");
  }

  if (alertsButton) {
    alertsButton.addEventListener("click", function () {
      alertsOn = !alertsOn;
      localStorage.setItem("vikno-console-alerts", alertsOn ? "on" : "off");
      if (alertsOn) {
        audioContext();  // a click unlocks audio for this page
        if ("Notification" in window && Notification.permission === "default") { Notification.requestPermission(); }
        beep();
      }
      showAlertsState();
    });
    showAlertsState();
  }
  // browsers start audio only after a gesture: any click on the page unlocks it
  document.addEventListener("pointerdown", function () { if (alertsOn) { audioContext(); } }, { once: true });

  // ids of waiting crisis chats already announced (kept across this tab's pages)
  var knownCrises = {};
  try { knownCrises = JSON.parse(sessionStorage.getItem("vikno-console-crises") || "{}") || {}; } catch (e) { knownCrises = {}; }
  function checkCrises(queue) {
    var now = {};
    var fresh = [];
    queue.forEach(function (c) {
      if (c.priority !== "crisis") { return; }
      now[c.id] = true;
      if (!knownCrises[c.id]) { fresh.push(c); }
    });
    knownCrises = now;
    sessionStorage.setItem("vikno-console-crises", JSON.stringify(now));
    document.title = document.title.replace(/^\(!\) /, "");
    if (Object.keys(now).length) { document.title = "(!) " + document.title; }
    if (fresh.length) { beep(); fresh.forEach(notify); }
  }

  // --- rendering -------------------------------------------------------------

  function badge(priority, label) {
    return el("span", "badge p-" + (priority || "routine"), label);
  }

  function queueRow(c) {
    var tr = el("tr", "item p-" + (c.priority || "routine") + (c.priority === "crisis" ? " crisis" : ""));
    tr.dataset.id = c.id;
    var td = el("td"); td.appendChild(badge(c.priority, c.priority_label)); tr.appendChild(td);
    tr.appendChild(el("td", "topic", c.topic_title || "—"));
    tr.appendChild(el("td", null, c.language_label));
    tr.appendChild(el("td", null, c.channel_label));
    tr.appendChild(el("td", "pseudonym", c.pseudonym));
    var wait = el("td", "wait", duration(c.seconds));
    wait.dataset.since = c.since || "";
    tr.appendChild(wait);
    var form = el("form");
    form.method = "post";
    form.action = "/console/c/" + encodeURIComponent(c.id) + "/pick";
    form.setAttribute("data-ajax", "");
    form.appendChild(hiddenCsrf());
    var button = el("button", "pick", T("queue.take"));
    button.type = "submit";
    form.appendChild(button);
    td = el("td"); td.appendChild(form); tr.appendChild(td);
    return tr;
  }

  function seenKey(id) { return "vikno-console-seen:" + id; }

  function mineItem(c) {
    var li = el("li", "mine-item" + (c.priority === "crisis" ? " crisis" : ""));
    li.dataset.id = c.id;
    var a = el("a");
    a.href = "/console/c/" + encodeURIComponent(c.id);
    if (c.id === chatId) { a.setAttribute("aria-current", "page"); }
    a.appendChild(el("span", "pseudonym", c.pseudonym));
    a.appendChild(document.createTextNode(" "));
    a.appendChild(el("span", "topic", c.topic_title || ""));
    var unread = el("span", "unread", T("queue.unread"));
    var seen = Date.parse(localStorage.getItem(seenKey(c.id)) || "") || 0;
    var last = Date.parse(c.last_message_at || "") || 0;
    unread.hidden = c.id === chatId || !(last > seen);
    a.appendChild(unread);
    li.appendChild(a);
    return li;
  }

  function replaceChildren(parent, nodes) {
    while (parent.firstChild) { parent.removeChild(parent.firstChild); }
    nodes.forEach(function (n) { parent.appendChild(n); });
  }

  var mineIds = {};
  function renderQueueData(data) {
    skew = Date.parse(data.now) - Date.now();
    mineIds = {};
    data.mine.forEach(function (c) { mineIds[c.id] = true; });
    var mine = document.getElementById("mine");
    if (mine) {
      replaceChildren(mine, data.mine.map(mineItem));
      var mineEmpty = document.getElementById("mine-empty");
      if (mineEmpty) { mineEmpty.hidden = data.mine.length > 0; }
      var mineCount = document.getElementById("mine-count");
      if (mineCount) { mineCount.textContent = data.mine.length + "/" + data.me.capacity; }
    }
    var queue = document.getElementById("queue");
    if (queue) {
      replaceChildren(queue, data.queue.map(queueRow));
      document.getElementById("queue-count").textContent = String(data.queue.length);
      document.getElementById("queue-empty").hidden = data.queue.length > 0;
    }
    document.querySelectorAll(".presence .pres").forEach(function (b) {
      b.setAttribute("aria-pressed", b.value === data.me.presence ? "true" : "false");
    });
    checkCrises(data.queue);
    restoreFocus();
  }

  // "crisis" / "not a crisis" on one message of the person (the same markup as _items.html's mark_form)
  function markForm(messageId) {
    var form = el("form", "mark");
    form.method = "post";
    form.action = "/console/c/" + encodeURIComponent(chatId) + "/mark";
    form.setAttribute("data-ajax", "");
    form.setAttribute("data-stay", "");
    form.appendChild(hiddenCsrf());
    var id = el("input");
    id.type = "hidden"; id.name = "message_id"; id.value = messageId;
    form.appendChild(id);
    form.appendChild(el("span", "mark-q", T("risk.question")));
    [["crisis", "danger"], ["not_crisis", ""]].forEach(function (pair) {
      var b = el("button", pair[1] || null, T("risk.mark." + pair[0]));
      b.type = "submit"; b.name = "label"; b.value = pair[0];
      form.appendChild(b);
    });
    return form;
  }

  function markedNote(mark) {
    return el("p", "marked mark-" + mark.label, mark.text);
  }

  var SENDERS = { bot: 1, operator: 1, system: 1 };
  function messageItem(m, pseudonym, marks) {
    var li = el("li", "msg from-" + m.sender);
    li.dataset.id = m.id;
    li.id = "m-" + m.id;
    var metaRow = el("div", "meta");
    var who = m.sender === "user" ? pseudonym
      : m.sender === "note" ? T("sender.note") + (m.author ? " · " + m.author : "")
      : T("sender." + (SENDERS[m.sender] ? m.sender : "system"));
    metaRow.appendChild(el("span", "who", who));
    metaRow.appendChild(document.createTextNode(" "));
    var time = el("time", null, (m.at || "").slice(11, 16));
    time.dateTime = m.at || "";
    metaRow.appendChild(time);
    li.appendChild(metaRow);
    var text = el("p", "text", m.text);
    text.dir = "auto";
    li.appendChild(text);
    if (m.buttons && m.buttons.length) {
      var row = el("p", "buttons");
      m.buttons.forEach(function (b) { row.appendChild(el("span", "btn-title", b)); });
      li.appendChild(row);
    }
    if (m.markable && chatId) {
      if (marks && marks[m.id]) { li.appendChild(markedNote(marks[m.id])); }
      var details = el("details", "mark-msg");
      details.appendChild(el("summary", null, T("risk.mark_other")));
      details.appendChild(markForm(m.id));
      li.appendChild(details);
    }
    return li;
  }

  // why the chat was flagged: the level, the safety question, each flagged message with its reasons
  function riskFlag(f) {
    var li = el("li", "flag level-" + f.level);
    li.dataset.message = f.message_id;
    var head = el("div", "flag-head");
    head.appendChild(el("span", "badge r-" + f.level, f.level_label));
    head.appendChild(document.createTextNode(" "));
    var time = el("time", null, f.time);
    time.dateTime = f.at || "";
    head.appendChild(time);
    head.appendChild(document.createTextNode(" "));
    var show = el("a", null, T("risk.show"));
    show.href = "#m-" + f.message_id;
    head.appendChild(show);
    li.appendChild(head);
    var excerpt = el("p", "excerpt", f.excerpt);
    excerpt.dir = "auto";
    li.appendChild(excerpt);
    var reasons = el("ul", "reasons");
    f.reasons.forEach(function (r) { reasons.appendChild(el("li", null, r)); });
    li.appendChild(reasons);
    li.appendChild(markForm(f.message_id));
    if (f.mark) { li.appendChild(markedNote(f.mark)); }
    return li;
  }

  function renderRisk(r) {
    var box = document.getElementById("risk");
    if (!box || !r) { return; }
    box.hidden = !(r.flags.length || r.check || r.danger);
    box.className = "risk level-" + r.level;
    document.getElementById("risk-level").textContent = r.level_label;
    var check = [];
    if (r.danger) { check.push(el("li", "escalated", r.danger.text)); }
    if (r.check) {
      check.push(el("li", null, r.check.asked));
      check.push(el("li", null, r.check.answer_label));
      if (r.check.escalated_label) { check.push(el("li", "escalated", r.check.escalated_label)); }
    }
    replaceChildren(document.getElementById("risk-check"), check);
    replaceChildren(document.getElementById("risk-flags"), r.flags.map(riskFlag));
  }

  // Any refresh rebuilds the history (a new message, the operator's own reply coming back on the socket),
  // which would drop a keyboard operator reading it, or about to mark a message, to <body>: where focus
  // was inside the history is found again on the rebuilt items (the item's id, the control's kind).
  function logFocus(log) {
    var a = document.activeElement;
    if (!a || a === log || !log.contains(a)) { return null; }
    var item = a.closest("li.msg");
    if (!item) { return null; }
    return { item: item.id, tag: a.tagName, name: a.name || null, value: a.value || null,
             onItem: a === item, pending: !!pendingFocus && pendingFocus.el === a };
  }

  function refocusInLog(key) {
    var item = document.getElementById(key.item);
    if (!item) { return; }
    if (key.onItem) { item.focus(); return; }
    var cands = item.querySelectorAll(key.tag);
    for (var i = 0; i < cands.length; i += 1) {
      if ((cands[i].name || null) === key.name && (cands[i].value || null) === key.value) {
        var details = cands[i].closest("details");
        if (details && key.tag !== "SUMMARY") { details.open = true; }
        cands[i].focus();
        if (key.pending && pendingFocus) { pendingFocus.el = cands[i]; }  // restoreFocus keeps following it
        return;
      }
    }
  }

  // The same for the crisis flags beside the history (rebuilt by renderRisk): a flag's mark buttons are found
  // by their form (focusKey / findKeyed), its show link by where it points. Session 16's outside attack: focus on
  // a flag's not-a-crisis button fell to <body> when the person wrote, exactly where an operator acts on crises.
  function riskFocus() {
    var a = document.activeElement, box = document.getElementById("risk");
    if (!a || !box || !box.contains(a)) { return null; }
    var form = a.closest("form[data-ajax]");
    if (form) { return { form: focusKey(form, a), pending: !!pendingFocus && pendingFocus.el === a }; }
    if (a.tagName === "A") { return { href: a.getAttribute("href") }; }
    return null;
  }

  function refocusRisk(key) {
    var box = document.getElementById("risk");
    if (!box) { return; }
    var target = key.form ? findKeyed(key.form) : box.querySelector('a[href="' + CSS.escape(key.href) + '"]');
    if (!target) { return; }
    target.focus();
    if (key.pending && pendingFocus) { pendingFocus.el = target; }
  }

  function renderChat(data) {
    var c = data.conversation;
    var log = document.getElementById("log");
    var nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    var marks = data.risk ? data.risk.marks : {};
    // the "mark this message" boxes the operator has opened stay open across a refresh
    var open = {};
    log.querySelectorAll("details[open]").forEach(function (d) {
      var item = d.closest("li.msg");
      if (item) { open[item.id] = true; }
    });
    var inLog = logFocus(log);
    replaceChildren(log, data.messages.map(function (m) { return messageItem(m, c.pseudonym, marks); }));
    log.querySelectorAll("li.msg > details").forEach(function (d) {
      if (open[d.parentNode.id]) { d.open = true; }
    });
    if (inLog) { refocusInLog(inLog); }
    var inRisk = riskFocus();
    renderRisk(data.risk);
    if (inRisk) { refocusRisk(inRisk); }
    restoreFocus();
    if (nearBottom) { log.scrollTop = log.scrollHeight; }
    document.getElementById("f-topic").textContent = c.topic_title || "—";
    document.getElementById("f-language").textContent = c.language_label;
    document.getElementById("f-state").textContent = c.state_label || c.state;
    document.getElementById("f-operator").textContent = c.operator_name || "—";
    var pr = document.getElementById("f-priority");
    pr.className = "badge p-" + (c.priority || "routine");
    pr.textContent = c.priority_label;
    if (c.last_message_at) { localStorage.setItem(seenKey(c.id), c.last_message_at); }
    document.getElementById("gone").hidden = c.state === "with_operator" || c.state === "waiting";
  }

  function chatGone(message) {
    var gone = document.getElementById("gone");
    gone.hidden = false;
    gone.firstChild.textContent = message + " ";
    document.querySelectorAll("#chat form button, #chat textarea").forEach(function (n) { n.disabled = true; });
  }

  function row(cells) {
    var tr = el("tr");
    cells.forEach(function (c) {
      var td = el("td");
      if (c instanceof Node) { td.appendChild(c); } else { td.textContent = c; }
      tr.appendChild(td);
    });
    return tr;
  }

  function renderFigures(f) {
    document.getElementById("fig-waiting").textContent = String(f.waiting);
    document.getElementById("fig-longest").textContent = duration(f.longest_wait_seconds);
    document.getElementById("fig-online").textContent = String(f.online);
    document.getElementById("fig-chats").textContent = String(f.chats.length);
    replaceChildren(document.getElementById("by-priority"), f.by_priority.map(function (p) {
      var li = el("li", "p-" + p.priority);
      li.appendChild(badge(p.priority, p.label));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("b", null, p.count));
      return li;
    }));
    var stranded = f.stranded || [];
    document.getElementById("stranded-box").hidden = !stranded.length;
    replaceChildren(document.getElementById("stranded"), stranded.map(function (c) {
      var wait = el("span", "wait", duration(c.seconds));
      wait.dataset.since = c.since || "";
      var open = el("a", null, T("sup.open"));
      open.href = "/console/c/" + encodeURIComponent(c.id);
      var tr = row([el("span", "pseudonym", c.pseudonym), badge(c.priority, c.priority_label), c.language_label,
                    el("span", "why", c.why), wait, open]);
      tr.dataset.id = c.id;
      return tr;
    }));
    replaceChildren(document.getElementById("operators"), f.operators.map(function (o) {
      return row([o.name, o.role_label, el("span", "pres-dot pres-" + o.presence, o.presence_label),
                  o.chats + "/" + o.capacity]);
    }));
    replaceChildren(document.getElementById("chats"), f.chats.map(function (c) {
      var wait = el("span", "wait", duration(c.seconds));
      wait.dataset.since = c.since || "";
      var open = el("a", null, T("sup.open"));
      open.href = "/console/c/" + encodeURIComponent(c.id);
      var tr = row([el("span", "pseudonym", c.pseudonym), badge(c.priority, c.priority_label), c.topic_title || "—",
                    c.channel_label, c.operator_name || "—", wait, open]);
      tr.dataset.id = c.id;
      return tr;
    }));
  }

  // --- refreshing ----------------------------------------------------------------

  var inFlight = false, again = false, timer = null;

  function refresh() {
    if (inFlight) { again = true; return; }
    inFlight = true;
    var jobs = [getJSON("/console/api/queue").then(function (r) { if (r.ok) { renderQueueData(r.data); } })];
    if (chatId) {
      jobs.push(getJSON("/console/api/c/" + encodeURIComponent(chatId)).then(function (r) {
        if (r.ok) { renderChat(r.data); } else { chatGone(r.data.error || T("chat.no_longer_yours")); }
      }));
    }
    if (page === "supervisor") {
      jobs.push(getJSON("/console/api/supervisor").then(function (r) { if (r.ok) { renderFigures(r.data); } }));
    }
    Promise.all(jobs).catch(function () { /* shown by the offline banner; next refresh retries */ })
      .then(function () {
        inFlight = false;
        if (again) { again = false; refresh(); }
      });
  }

  function soon(ms) {
    if (timer !== null) { if (ms > 0) { return; } clearTimeout(timer); }
    timer = setTimeout(function () { timer = null; refresh(); }, ms);
  }

  var QUEUE_TYPES = { queue: 1, crisis: 1, claimed: 1, closed: 1, transferred: 1, requeued: 1, presence: 1 };
  function onNudge(n) {
    if (n.type === "crisis") { soon(0); return; }
    if (QUEUE_TYPES[n.type]) { soon(100); return; }
    if (n.type === "message") {
      if (n.conversation_id === chatId) { soon(0); }
      else if (mineIds[n.conversation_id] || page === "supervisor") { soon(150); }
    }
  }

  // --- the live socket, with polling while it is down ----------------------------

  var offlineBanner = document.getElementById("offline");
  var pollTimer = null, attempts = 0;

  function startPolling() {
    if (offlineBanner) { offlineBanner.hidden = false; }
    if (pollTimer === null) { pollTimer = setInterval(refresh, POLL_MS); }
  }

  function stopPolling() {
    if (offlineBanner) { offlineBanner.hidden = true; }
    if (pollTimer !== null) { clearInterval(pollTimer); pollTimer = null; }
  }

  function connect() {
    var ws;
    try {
      ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/console/ws");
    } catch (e) { startPolling(); return; }
    ws.onopen = function () { attempts = 0; stopPolling(); refresh(); };
    ws.onmessage = function (e) {
      var n;
      try { n = JSON.parse(e.data); } catch (err) { return; }
      onNudge(n);
    };
    ws.onclose = function (e) {
      if (e.code === 4401) { location.assign("/console/login"); return; }
      startPolling();
      attempts += 1;
      setTimeout(connect, Math.min(30000, 500 * Math.pow(2, attempts)));
    };
  }

  // --- chat page: canned replies, typing indicator, Enter to send ---------------

  var replyText = document.getElementById("reply-text");
  if (replyText && chatId) {
    var lastTyping = 0;
    replyText.addEventListener("input", function () {
      var now = Date.now();
      if (now - lastTyping < 3000 || !replyText.value) { return; }
      lastTyping = now;
      post("/console/c/" + encodeURIComponent(chatId) + "/typing").catch(function () {});
    });
    replyText.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        document.getElementById("reply-form").requestSubmit();
      }
    });
    document.querySelectorAll(".canned-btn").forEach(function (b) {
      b.addEventListener("click", function () {
        replyText.value = replyText.value ? replyText.value + "\n" + b.dataset.text : b.dataset.text;
        replyText.focus();
      });
    });
    var log = document.getElementById("log");
    log.scrollTop = log.scrollHeight;
  }

  // --- wait times tick every second -------------------------------------------

  setInterval(function () {
    var now = Date.now() + skew;
    document.querySelectorAll("[data-since]").forEach(function (n) {
      var since = Date.parse(n.dataset.since);
      if (since) { n.textContent = duration((now - since) / 1000); }
    });
  }, 1000);

  connect();
})();
