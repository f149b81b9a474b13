// The console kit: what every operator console shares (sign-in state, authorised fetch, socket with reconnect,
// session refresh, DOM helpers, strings). The session cookie is HttpOnly: no script here ever holds a token.
(function () {
  "use strict";
  var texts = JSON.parse((document.getElementById("texts") || { textContent: "{}" }).textContent);
  var lang = document.documentElement.lang === "en" ? "en" : "fr";
  var lost = false;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function fmt(s, v) { return String(s).replace(/\{(\w+)\}/g, function (_, k) { return v[k]; }); }
  function newId() {
    var a = new Uint8Array(12); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function fillSelect(select, pairs, withEmpty) {
    select.replaceChildren();
    if (withEmpty) select.appendChild(el("option", null, ""));
    pairs.forEach(function (p) { var o = el("option", null, p[1]); o.value = p[0]; select.appendChild(o); });
  }
  function notice(text) { var n = $("kit-notice"); if (n) n.textContent = text || ""; }
  // A socket's error frame in the page's language: `message` is French, `message_en` English.
  function frameText(frame) { return lang === "en" ? (frame.message_en || frame.message) : frame.message; }

  // The session is over (expired, revoked, signed out elsewhere): say so and offer to sign in again, here.
  function sessionLost() {
    if (lost) return;
    lost = true;
    var banner = $("kit-session-lost"), again = $("kit-sign-in-again");
    if (again) again.href = "/auth/login?lang=" + lang + "&next=" + encodeURIComponent(location.pathname + location.search);
    if (banner) banner.hidden = false;
    document.body.classList.add("kit-signed-out");
    document.dispatchEvent(new CustomEvent("relais:signed-out"));
  }

  // An error's words in the page's language: every service answers {message, message_fr} (relais_shared
  // api_errors); a bare {detail} can still come from something in front of the service.
  function detailOf(data, status) {
    var said = lang === "fr" ? data.message_fr : data.message;
    if (said) return said;
    if (Array.isArray(data.detail)) {
      return data.detail.map(function (d) { return lang === "fr" ? (d.message_fr || d.msg) : (d.message || d.msg); }).join(" ");
    }
    return data.detail || String(status);
  }

  // Same-origin fetch with the session cookie; JSON in and out; a 401 means the session is over.
  function api(method, path, body) {
    var init = { method: method, credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } };
    if (body !== undefined) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch(path, init).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      var read = type.indexOf("json") >= 0 ? response.json().catch(function () { return {}; }) : response.text();
      return read.then(function (data) {
        if (response.status === 401) sessionLost();
        if (!response.ok) {
          var error = new Error(typeof data === "string" ? String(response.status) : detailOf(data, response.status));
          error.status = response.status; error.data = data;
          throw error;
        }
        return data;
      });
    });
  }

  // A console socket: the cookie signs it in at the handshake; `hello()` gives the first frame (resume points).
  // Reconnects with back-off; 4401 means signed out (no retry), 4403 a missing role.
  function socket(path, options) {
    var ws = null, retry = 500, closedByUs = false;
    function open() {
      if (lost) return;
      ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + path);
      ws.onopen = function () { retry = 500; notice(""); ws.send(JSON.stringify(options.hello ? options.hello() : { type: "auth" })); };
      ws.onmessage = function (event) {
        var frame = JSON.parse(event.data);
        if (frame.type === "signed_out") { sessionLost(); return; }
        var handler = options.handlers[frame.type];
        if (handler) handler(frame);
      };
      ws.onclose = function (event) {
        if (options.onClose) options.onClose(event);
        if (closedByUs) return;
        if (event.code === 4401) { sessionLost(); return; }
        if (event.code === 4403) { notice(texts.role_refused); return; }
        notice(texts.reconnecting);
        setTimeout(open, retry); retry = Math.min(retry * 2, 5000);
      };
    }
    open();
    return {
      send: function (frame) { if (ws && ws.readyState === 1) { ws.send(JSON.stringify(frame)); return true; } return false; },
      close: function () { closedByUs = true; if (ws) ws.close(); },
      get open() { return !!ws && ws.readyState === 1; }
    };
  }

  // Ask the server about the session now and then: it refreshes a due session with the provider, and tells
  // a page without a socket that the session is over.
  function keepSession(everyMs) {
    setInterval(function () {
      if (lost) return;
      fetch("/auth/session", { credentials: "same-origin", cache: "no-store" }).then(function (r) {
        if (r.status === 401) sessionLost();
        else if (r.status === 503) notice(texts.provider_away);
        else if ($("kit-notice") && $("kit-notice").textContent === texts.provider_away) notice("");  // only its own line
      }).catch(function () {});
    }, everyMs || 60000);
  }

  window.RelaisKit = { texts: texts, lang: lang, $: $, el: el, fmt: fmt, newId: newId, fillSelect: fillSelect,
                       notice: notice, frameText: frameText, api: api, socket: socket, sessionLost: sessionLost,
                       keepSession: keepSession };
  keepSession();
})();
