// The victim's chat: state in memory only, text rendered as text, resume from the last seq, emergency exit.
(function () {
  "use strict";
  var body = document.body;
  var T = JSON.parse(document.getElementById("texts").textContent);
  // The session id and secret live in this closure only: the data block leaves the page as soon as it is read.
  var startBlock = document.getElementById("start");
  var START = JSON.parse(startBlock.textContent);
  startBlock.parentNode.removeChild(startBlock);
  var exitUrl = body.getAttribute("data-exit-url");
  var maxChars = parseInt(body.getAttribute("data-max-chars"), 10);
  var $ = function (id) { return document.getElementById(id); };
  var session = null, ws = null, lastSeq = 0, pending = [], officerRead = 0, over = false, leaving = false;
  var retry = 500, typingSentAt = 0, typingTimer = null, shiftTimes = [];

  function fmt(s, values) { return s.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; }); }
  function newId() {
    var a = new Uint8Array(12); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function say(text) { $("status").textContent = text; }
  function showError(text) { var e = $("error"); e.textContent = text; e.hidden = !text; }

  function line(author, text, clientId, seq) {
    var li = document.createElement("li");
    li.className = "msg " + author;
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = author === "victim" ? T.you : author === "officer" ? T.officer : "";
    var words = document.createElement("p");
    words.textContent = text;  // always text, never HTML
    li.appendChild(who); li.appendChild(words);
    if (clientId) li.setAttribute("data-client-id", clientId);
    if (seq) li.setAttribute("data-seq", String(seq));
    return li;
  }

  function onMessage(m) {
    if (m.seq <= lastSeq) return;  // already shown: a resume never duplicates
    lastSeq = m.seq;
    var text = m.author === "system" ? fmt(T.system[m.code] || "", { alias: m.alias || "" }) : m.text || "";
    var mine = m.client_id && document.querySelector('li[data-client-id="' + m.client_id + '"]');
    if (mine) {
      mine.classList.remove("pending"); mine.setAttribute("data-seq", String(m.seq));
    } else {
      $("log").appendChild(line(m.author, text, m.client_id, m.seq));
    }
    pending = pending.filter(function (p) { return p.client_id !== m.client_id; });
    if (m.author === "officer") $("typing").hidden = true;
    if (m.code === "closed") finish();
    markRead();
    send({ type: "ack", seq: lastSeq });
  }

  function markRead() {
    document.querySelectorAll("li.victim[data-seq]").forEach(function (li) {
      if (parseInt(li.getAttribute("data-seq"), 10) <= officerRead) li.classList.add("read");
    });
  }

  function onStatus(s) {
    officerRead = s.officer_read_seq || officerRead;
    if (s.status === "waiting") {
      var text = s.position ? fmt(T.position, { n: s.position }) + " " : "";
      text += s.estimate_seconds ? fmt(T.estimate, { m: Math.max(1, Math.round(s.estimate_seconds / 60)) })
        : T.estimate_unknown;
      say(text);
    } else if (s.status === "active") {
      say(fmt(T.with_officer, { alias: s.officer_alias || T.officer }));
    } else {
      finish();
    }
    markRead();
  }

  function finish() { over = true; say(T.closed); $("send").disabled = true; }

  // Close codes after which reconnecting cannot help: unknown or ended, resumed in another page, erased.
  var STOP = { 4404: "gone", 4409: "replaced", 4410: "erased" };
  function stop(code) {
    over = true; session = null; pending = [];
    if (code === 4410) $("log").textContent = "";  // she asked for it to be erased: not even on her screen
    say(T[STOP[code]]); $("send").disabled = true;
  }

  function send(frame) {
    if (ws && ws.readyState === 1) { ws.send(JSON.stringify(frame)); return true; }
    return false;
  }

  function connect() {
    ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/v1/chat/ws");
    ws.onopen = function () {
      retry = 500;
      ws.send(JSON.stringify({ type: "hello", session_id: session.session_id, secret: session.secret,
                               last_seq: lastSeq }));
      pending.forEach(function (p) { send({ type: "send", client_id: p.client_id, text: p.text }); });
    };
    ws.onmessage = function (event) {
      var f = JSON.parse(event.data);
      if (f.type === "message") onMessage(f);
      else if (f.type === "status") onStatus(f);
      else if (f.type === "read" && f.by === "officer") { officerRead = f.seq; markRead(); }
      else if (f.type === "typing") showTyping();
      else if (f.type === "error") onError(f);
    };
    ws.onclose = function (event) {
      if (over || leaving) return;
      if (STOP[event.code]) { stop(event.code); return; }
      say(T.reconnecting);
      setTimeout(connect, retry); retry = Math.min(retry * 2, 5000);
    };
  }

  function onError(f) {
    showError(START.lang === "en" ? f.message_en : f.message);
    if (!f.client_id) return;
    var li = document.querySelector('li[data-client-id="' + f.client_id + '"]');
    var kept = pending.filter(function (p) { return p.client_id === f.client_id; })[0];
    if (li) li.remove();
    pending = pending.filter(function (p) { return p.client_id !== f.client_id; });
    if (kept && !$("message").value) $("message").value = kept.text;  // give her words back to resend
  }

  function showTyping() {
    $("typing").hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { $("typing").hidden = true; }, 4000);
  }

  function submit(event) {
    event.preventDefault();
    var text = $("message").value.trim();
    if (!text || over) return;
    showError("");
    var p = { client_id: newId(), text: text };
    pending.push(p);
    var li = line("victim", text, p.client_id, 0); li.classList.add("pending");
    $("log").appendChild(li);
    $("message").value = ""; $("left").textContent = String(maxChars);
    send({ type: "send", client_id: p.client_id, text: text });
  }

  function leave(event) {
    if (event) event.preventDefault();
    if (leaving) return;
    leaving = true;
    send({ type: "exit" });
    if (session && navigator.sendBeacon) {
      var beacon = JSON.stringify({ session_id: session.session_id, secret: session.secret });
      navigator.sendBeacon("/v1/sessions/exit", new Blob([beacon], { type: "application/json" }));
    }
    session = null; pending = [];
    document.body.textContent = "";  // nothing left on screen, even for a moment
    try { if (ws) ws.close(); } catch (e) { /* leaving anyway */ }
    location.replace(exitUrl);
  }

  function onKey(event) {
    if (event.key !== "Shift" || event.repeat) return;
    var now = Date.now();
    shiftTimes = shiftTimes.filter(function (t) { return now - t < 1500; });
    shiftTimes.push(now);
    if (shiftTimes.length >= 3) leave();
  }

  function onInput() {
    $("left").textContent = String(maxChars - $("message").value.length);
    var now = Date.now();
    if (now - typingSentAt > 2500) { typingSentAt = now; send({ type: "typing" }); }
  }

  $("exit").addEventListener("click", leave);
  document.addEventListener("keydown", onKey);
  $("compose").addEventListener("submit", submit);
  $("message").addEventListener("input", onInput);
  $("message").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) submit(event);
  });

  // The server opened (or resumed) the conversation for intake's ticket; a resumed one replays from seq 0.
  session = { session_id: START.session_id, secret: START.secret };
  START.secret = null;
  connect();
})();
