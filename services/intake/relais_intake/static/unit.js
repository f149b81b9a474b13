// The unit's console: its reports newest first (a "more" button follows the API's keyset cursor), one report
// opened at a time, and its closing with an outcome. Whatever a victim wrote is set with textContent only.
(function () {
  "use strict";
  var K = window.RelaisKit, t = K.texts, $ = K.$, el = K.el;
  var FIRST_PAGE = "/v1/unit/reports?limit=" + (parseInt($("unit").dataset.pageSize, 10) || 25);
  var next = null;  // the next page's path, from the Link header; null at the end of the list
  var opened = null;  // the report shown in the detail view

  function label(table, key) { return (t[table] && t[table][key]) || key; }

  // "2026-11-28T02:04+00:00" → the time in France, as the officers read it.
  function when(iso) {
    var moment = new Date(iso);
    if (isNaN(moment.getTime())) return iso;
    return moment.toLocaleString(K.lang === "en" ? "en-GB" : "fr-FR",
                                 { timeZone: "Europe/Paris", dateStyle: "short", timeStyle: "short" });
  }

  // RelaisKit.api gives the body only, and the next page is named by the Link header: this one call reads
  // the answer itself, same origin with the session cookie like the kit's, and hands a 401 to the kit.
  function listPage(path) {
    return fetch(path, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 401) K.sessionLost();
        if (!response.ok) throw new Error(t.list_failed);
        var link = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get("Link") || "");
        return response.json().then(function (rows) {
          return { rows: rows, next: link && link[1].indexOf("/v1/unit/reports?") === 0 ? link[1] : null };
        });
      });
  }

  function loadPage(path) {
    $("more").disabled = true;
    listPage(path).then(function (page) {
      page.rows.forEach(function (report) { $("report-rows").appendChild(row(report)); });
      next = page.next;
      var any = $("report-rows").children.length > 0;
      $("reports").hidden = !any;
      $("list-status").textContent = any ? "" : t.empty;
      $("more").hidden = next === null;
    }).catch(function (error) {
      $("list-status").textContent = error.message;
    }).then(function () { $("more").disabled = false; });
  }

  function row(report) {
    var tr = el("tr", "report");
    tr.dataset.id = report.id;
    tr.dataset.status = report.status;
    tr.appendChild(el("td", null, when(report.received_at)));
    tr.appendChild(el("td", null, label("categories", report.category)));
    tr.appendChild(el("td", "level-" + report.level, label("levels", report.level)));
    tr.appendChild(el("td", null, label("dangers", report.danger_level)));
    tr.appendChild(el("td", "status", label("statuses", report.status)));
    var open = el("button", "open", t.open);
    open.type = "button";
    open.setAttribute("aria-label", K.fmt(t.open_label, { at: when(report.received_at) }));
    open.addEventListener("click", function () { show(report.id); });
    var cell = el("td");
    cell.appendChild(open);
    tr.appendChild(cell);
    return tr;
  }

  function show(id) {
    K.notice("");
    K.api("GET", "/v1/unit/reports/" + encodeURIComponent(id)).then(render).catch(function (error) {
      K.notice(K.fmt(t.open_failed, { error: error.message }));
    });
  }

  function fact(list, name, value) {
    list.appendChild(el("dt", null, name));
    list.appendChild(el("dd", null, value));
  }

  function render(report) {
    opened = report;
    $("detail-title").textContent = K.fmt(t.detail_title, { at: when(report.received_at) });
    var facts = $("facts");
    facts.replaceChildren();
    fact(facts, t.facts.category, label("categories", report.category));
    fact(facts, t.facts.level, label("levels", report.level));
    fact(facts, t.facts.danger_level, label("dangers", report.danger_level));
    fact(facts, t.facts.status, label("statuses", report.status));
    fact(facts, t.facts.mode, label("modes", report.mode));
    fact(facts, t.facts.place, [report.force, report.department].filter(Boolean).join(" · ") || "—");
    $("left-by-exit").hidden = !report.left_by_exit;
    // The API decides: an uncleared officer gets no content of an orange report, and may not close it.
    $("restricted").hidden = !report.restricted;
    $("content").hidden = report.restricted;
    if (!report.restricted) {
      $("text").textContent = report.text || t.no_text;
      $("location").textContent = report.location_hint || t.no_location;
      showContact(report.contact);
      showMessages(report.messages || []);
    }
    var closed = report.status === "closed";
    $("closed-note").hidden = !closed;
    $("close-form").hidden = closed || report.restricted;
    $("close-form").reset();
    $("close-message").textContent = "";
    $("list").hidden = true;
    $("detail").hidden = false;
    $("detail-title").focus();
  }

  // The contact preferences as she gave them (a JSON document); anything unexpected is shown as it is.
  function showContact(raw) {
    var box = $("contact");
    box.replaceChildren();
    if (!raw) { box.appendChild(el("p", null, t.no_contact)); return; }
    var contact;
    try { contact = JSON.parse(raw); } catch (e) { contact = null; }
    if (!contact || typeof contact !== "object") { box.appendChild(el("p", "unit-victim-text", raw)); return; }
    var names = t.contact_fields, list = el("dl", "unit-facts");
    fact(list, names.channel, label("channels", contact.channel));
    ["phone", "trusted_person_name", "trusted_person_phone"].forEach(function (key) {
      if (contact[key]) fact(list, names[key], contact[key]);
    });
    if (contact.safe_windows && contact.safe_windows.length) {
      fact(list, names.safe_windows, contact.safe_windows.map(function (w) { return w.start + "–" + w.end; }).join(", "));
    }
    if (contact.channel === "phone") fact(list, names.voicemail, contact.no_voicemail ? t.no_voicemail : t.voicemail_ok);
    box.appendChild(list);
  }

  function showMessages(messages) {
    var list = $("messages");
    list.replaceChildren();
    if (!messages.length) { list.appendChild(el("li", "unit-none", t.no_messages)); return; }
    messages.forEach(function (message) {
      var item = el("li", "message");
      item.appendChild(el("strong", null, label("authors", message.author) + " — " + when(message.at)));
      item.appendChild(el("p", "unit-victim-text", message.text));
      list.appendChild(item);
    });
  }

  function close(event) {
    event.preventDefault();
    var outcome = $("outcome").value, report = opened;
    if (!outcome) { $("close-message").textContent = t.outcome_missing; $("outcome").focus(); return; }
    $("close").disabled = true;
    $("close-message").textContent = t.closing;
    K.api("POST", "/v1/unit/reports/" + encodeURIComponent(report.id) + "/close", { outcome: outcome })
      .then(function () {
        report.status = "closed";
        markClosed(report.id);
        render(report);
        K.notice(t.closed_done);
      })
      .catch(function (error) { $("close-message").textContent = error.message; })
      .then(function () { $("close").disabled = false; });
  }

  function markClosed(id) {
    Array.prototype.forEach.call($("report-rows").children, function (tr) {
      if (tr.dataset.id !== id) return;
      tr.dataset.status = "closed";
      tr.querySelector(".status").textContent = label("statuses", "closed");
    });
  }

  function back() {
    K.notice("");
    $("detail").hidden = true;
    $("list").hidden = false;
    opened = null;
  }

  $("more").addEventListener("click", function () { if (next) loadPage(next); });
  $("back").addEventListener("click", back);
  $("close-form").addEventListener("submit", close);
  loadPage(FIRST_PAGE);
})();
