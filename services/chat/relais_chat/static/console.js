// The officer console: signed in by its session cookie (this script never holds a token); RelaisKit gives the
// socket (reconnect, sign-out), fetch, strings and DOM helpers. Everything the person wrote goes in textContent.
(function () {
  "use strict";
  var K = window.RelaisKit, T = K.texts, $ = K.$, el = K.el, fmt = K.fmt, notice = K.notice;
  var line = null, me = null, convs = {}, current = null, typingTimer = null;

  function send(frame) { if (line) line.send(frame); }

  // The first frame after each (re)connect: where each open conversation stopped, so nothing comes twice.
  function hello() {
    var after = {};
    Object.keys(convs).forEach(function (id) { after[id] = convs[id].lastSeq; });
    return { type: "auth", after: after };
  }

  var handlers = {
    hello: function (f) {
      me = f;
      $("desk").hidden = false;  // only a signed-in operator gets this page: no sign-in step to leave
      $("presence").value = f.presence; $("capacity").value = f.capacity; $("auto").checked = f.auto_assign;
      // A triage-only operator hands conversations over; the answering desk is not hers.
      document.querySelectorAll(".answering").forEach(function (e) { e.hidden = !f.answers; });
      $("triage-panel").hidden = !f.triage;
      K.fillSelect($("canned"), [["", "—"]].concat(f.canned.map(function (c) { return [c.id, c[K.lang] || c.fr]; })));
      K.fillSelect($("outcome"), f.outcomes.map(function (o) { return [o.code, o[K.lang] || o.fr]; }));
      notice("");
    },
    presence: function (f) { $("presence").value = f.presence; $("capacity").value = f.capacity; $("auto").checked = f.auto_assign; },
    queue: function (f) { renderQueue(f.items); },
    triage: function (f) { renderTriage(f.items); },
    session: function (f) { conv(f.session_id).info = f; renderMine(); if (!current) select(f.session_id); else if (current === f.session_id) renderHeader(); },
    message: function (f) { addMessage(f); },
    read: function (f) { if (f.by === "victim" && convs[f.session_id]) { convs[f.session_id].read = f.seq; markRead(); } },
    typing: function (f) {
      if (f.session_id !== current) return;
      $("victim-typing").hidden = false; clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { $("victim-typing").hidden = true; }, 4000);
    },
    alert: function (f) { if (convs[f.session_id]) { convs[f.session_id].info.alert = f.reason; renderHeader(); renderMine(); } },
    session_gone: function (f) {
      delete convs[f.session_id];
      if (current === f.session_id) { current = null; clearPane(); }
      renderMine();
    },
    emergency_raised: function () { notice(T.emergency_sent); if (current) { convs[current].info.alert = null; renderHeader(); } },
    claimed: function (f) { select(f.session_id); },
    error: function (f) { notice(K.frameText(f)); }
  };

  function conv(id) {
    if (!convs[id]) convs[id] = { info: { session_id: id }, lastSeq: 0, items: [], read: 0 };
    return convs[id];
  }

  function renderQueue(items) {
    var ul = $("queue"); ul.textContent = "";
    if (!items.length) { ul.appendChild(el("li", "empty", T.empty_queue)); return; }
    items.forEach(function (item) {
      var li = el("li", "item danger-" + item.danger_level + " level-" + item.level);
      li.setAttribute("data-session-id", item.session_id);
      li.setAttribute("data-level", item.level);
      li.appendChild(el("span", "alias", item.alias));
      li.appendChild(levelBadge(item.level));
      li.appendChild(el("span", "meta", (T.danger[item.danger_level] || item.danger_level) +
        " · " + (item.department || "—") + " · " + T.waited + " " + Math.round(item.waited_seconds / 60) + " min"));
      var b = el("button", "claim", T.claim); b.type = "button";
      b.disabled = !item.may_claim;
      b.addEventListener("click", function () { send({ type: "claim", session_id: item.session_id }); });
      li.appendChild(b); ul.appendChild(li);
    });
  }

  function levelBadge(level) {
    var b = el("span", "badge level level-" + level, T.level[level] || level);
    b.title = T.level_label;
    return b;
  }

  // National triage: each waiting conversation with a force and department to hand it to (HTTP, audited).
  function renderTriage(items) {
    var ul = $("triage"); ul.textContent = "";
    if (!items.length) { ul.appendChild(el("li", "empty", T.empty_triage)); return; }
    items.forEach(function (item) {
      var li = el("li", "item danger-" + item.danger_level + " level-" + item.level);
      li.setAttribute("data-session-id", item.session_id); li.setAttribute("data-level", item.level);
      li.appendChild(el("span", "alias", item.alias));
      li.appendChild(levelBadge(item.level));
      li.appendChild(el("span", "meta", (T.danger[item.danger_level] || item.danger_level) + " · " +
        (item.category || "—") + " · " + T.waited + " " + Math.round(item.waited_seconds / 60) + " min"));
      li.appendChild(assignForm(item.session_id));
      ul.appendChild(li);
    });
  }

  function assignForm(id) {
    var form = el("form", "assign"), force = el("select", "assign-force"), dept = el("input", "assign-department");
    var forceLabel = el("label", "", T.assign_force), deptLabel = el("label", "", T.assign_department);
    force.id = "assign-force-" + id; forceLabel.htmlFor = force.id;
    dept.id = "assign-department-" + id; deptLabel.htmlFor = dept.id;
    ["GN", "PN"].forEach(function (code) { var o = el("option", "", T.forces[code]); o.value = code; force.appendChild(o); });
    dept.required = true; dept.maxLength = 3; dept.autocomplete = "off"; dept.pattern = "[0-9]{2,3}|2[ABab]";
    var button = el("button", "assign-button", T.assign); button.type = "submit";
    [forceLabel, force, deptLabel, dept, button].forEach(function (e) { form.appendChild(e); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      assign(id, force.value, dept.value.trim().toUpperCase());
    });
    return form;
  }

  function assign(id, force, department) {
    K.api("POST", "/v1/console/sessions/" + encodeURIComponent(id) + "/assign", { force: force, department: department })
      .then(function () {
        notice(fmt(T.assigned, { force: T.forces[force], department: department })); send({ type: "queue" });
      })
      .catch(function (e) { if (e.status !== 401) notice(assignRefusal(e.status)); });  // 401: the kit's banner
  }

  function assignRefusal(status) {
    if (!status) return T.reconnecting;  // the request never got an answer
    return status === 422 ? T.bad_department : status === 403 ? T.outside_scope : T.assign_failed;
  }

  function renderMine() {
    var ul = $("mine"); ul.textContent = "";
    Object.keys(convs).forEach(function (id) {
      var c = convs[id];
      var b = el("button", "conv" + (id === current ? " current" : "") + (c.info.alert ? " alerted" : ""),
                 (c.info.alias || id.slice(0, 8)) + (c.info.exited ? " ⚠" : ""));
      b.type = "button";
      b.addEventListener("click", function () { select(id); });
      var li = el("li"); li.appendChild(b); ul.appendChild(li);
    });
  }

  function select(id) {
    if (!convs[id]) conv(id);
    current = id; renderMine(); renderHeader();
    var ol = $("transcript"); ol.textContent = "";
    convs[id].items.forEach(function (li) { ol.appendChild(li); });
    markRead(); loadOrientation();
    if (convs[id].lastSeq) send({ type: "ack", session_id: id, seq: convs[id].lastSeq });
  }

  function clearPane() {
    $("conv-title").textContent = T.none; $("transcript").textContent = ""; $("routing").textContent = "";
    $("reply").hidden = true; $("actions").hidden = true; $("alert").hidden = true; $("orientation").textContent = "";
  }

  function renderHeader() {
    if (!current) return clearPane();
    var i = convs[current].info;
    $("conv-title").textContent = i.alias || "";
    var dl = $("routing"); dl.textContent = "";
    [[T.routing, (i.force || "—") + " · " + (i.department || "—") + " · " + (i.platform_queue || "") +
      (i.operational_centre ? " · " + i.operational_centre : "")],
     ["", (i.level || "") + " · " + (T.danger[i.danger_level] || i.danger_level || "") + (i.category ? " · " + i.category : "")]]
      .forEach(function (pair) { dl.appendChild(el("dt", "", pair[0])); dl.appendChild(el("dd", "", pair[1])); });
    $("alert").hidden = !i.alert;
    $("alert-text").textContent = i.alert === "disconnected" ? T.alert_disconnected : T.alert_silent;
    $("reply").hidden = false; $("actions").hidden = false;
  }

  function addMessage(m) {
    var c = conv(m.session_id);
    if (m.seq <= c.lastSeq) return;  // seen already: reconnects never duplicate
    c.lastSeq = m.seq;
    var li = el("li", "msg " + m.author);
    li.setAttribute("data-seq", String(m.seq));
    var who = m.author === "victim" ? T.victim : m.author === "officer" ? T.you : "";
    li.appendChild(el("span", "who", who));
    var text = m.author === "system" ? fmt(T.system[m.code] || m.code, { alias: m.alias || "" })
      : m.restricted ? T.restricted : m.text;
    li.appendChild(el("p", m.restricted ? "restricted" : "", text));  // textContent: HTML shows as text
    if (m.code === "victim_exited") { li.classList.add("exit-notice"); c.info.exited = true; renderMine(); }
    c.items.push(li);
    if (m.session_id === current) {
      $("transcript").appendChild(li);
      if (m.author === "victim") $("victim-typing").hidden = true;
      send({ type: "ack", session_id: m.session_id, seq: m.seq });
    }
  }

  function markRead() {
    if (!current) return;
    var read = convs[current].read;
    convs[current].items.forEach(function (li) {
      if (li.classList.contains("officer") && parseInt(li.getAttribute("data-seq"), 10) <= read) {
        li.classList.add("read"); li.title = T.read_by_victim;
      }
    });
  }

  function loadOrientation() {
    var i = convs[current].info, ul = $("orientation"); ul.textContent = "";
    var q = "?lang=" + K.lang + (i.category ? "&category=" + encodeURIComponent(i.category) : "") +
      (i.department ? "&department=" + encodeURIComponent(i.department) : "");
    K.api("GET", "/v1/console/orientation" + q)
      .then(function (o) {
        var all = (o.national || []).concat(o.local || []);
        if (!o.available || !all.length) { ul.appendChild(el("li", "", T.no_orientation)); return; }
        all.forEach(function (r) { ul.appendChild(el("li", "", r.name + (r.number ? " — " + r.number : ""))); });
      })
      .catch(function () { ul.appendChild(el("li", "", T.no_orientation)); });
  }

  $("presence-form").addEventListener("submit", function (e) {
    e.preventDefault();
    send({ type: "presence", status: $("presence").value, capacity: parseInt($("capacity").value, 10) || 0,
           auto_assign: $("auto").checked });
  });
  $("canned").addEventListener("change", function () {
    var chosen = me && me.canned.filter(function (c) { return c.id === $("canned").value; })[0];
    if (chosen) $("reply-text").value = chosen[K.lang] || chosen.fr;
  });
  $("reply").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = $("reply-text").value.trim();
    if (!text || !current) return;
    send({ type: "send", session_id: current, client_id: K.newId(), text: text });
    $("reply-text").value = ""; $("canned").value = "";
  });
  var typingSentAt = 0;
  $("reply-text").addEventListener("input", function () {
    // One "typing" every 2.5 s at most, as the victim's page: the server thins them out anyway.
    if (!current || Date.now() - typingSentAt < 2500) return;
    typingSentAt = Date.now();
    send({ type: "typing", session_id: current });
  });
  $("transfer-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var to = $("transfer-to").value.trim();
    if (to && current) send({ type: "transfer", session_id: current, to_operator: to });
  });
  $("transfer-force").addEventListener("click", function () {
    if (current) send({ type: "transfer", session_id: current, to_other_force: true });
  });
  $("emergency-form").addEventListener("submit", function (e) {
    e.preventDefault();
    if (current) send({ type: "emergency", session_id: current, kind: "operator", summary: $("summary").value });
    $("summary").value = "";
  });
  $("escalate").addEventListener("click", function () {
    if (current) send({ type: "emergency", session_id: current, kind: "watchdog" });
  });
  $("close-form").addEventListener("submit", function (e) {
    e.preventDefault();
    if (current) send({ type: "close", session_id: current, outcome: $("outcome").value });
  });

  // Last, once every handler exists: the kit opens the socket at once (the cookie signs it in at the handshake).
  line = K.socket("/v1/console/ws", { hello: hello, handlers: handlers });
})();
