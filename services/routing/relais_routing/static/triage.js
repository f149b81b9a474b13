// National triage: the token stays in this tab's memory only (never a cookie, never storage, never a URL).
"use strict";
(function () {
  const T = JSON.parse(document.getElementById("texts").textContent);
  const DEPARTMENTS = JSON.parse(document.getElementById("departments").textContent);
  const lang = document.documentElement.lang;
  const $ = (id) => document.getElementById(id);
  const REFRESH_MS = 60000;
  let token = null, timer = null;

  function say(text, isError) {
    $("status").textContent = text;
    $("status").className = isError ? "error" : "";
  }
  function fmt(s, v) { return s.replace(/\{(\w+)\}/g, (_, k) => v[k]); }

  function message(data, status) {
    const d = data.detail;
    if (Array.isArray(d)) return d.map((x) => lang === "fr" ? x.message_fr : x.message).join(" ");
    if (d && typeof d === "object") return lang === "fr" ? d.message_fr : d.message;
    return d ? String(d) : T.error + " " + status;
  }

  async function api(method, path, body) {
    const response = await fetch(path, {
      method, headers: { "Authorization": "Bearer " + token, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store", credentials: "omit",
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(message(data, response.status));
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function alias(raw) {
    try {
      const part = raw.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
      return JSON.parse(new TextDecoder().decode(bytes)).relais_alias || "";
    } catch (e) { return ""; }
  }

  function age(seconds) {
    const m = Math.floor(seconds / 60), h = Math.floor(m / 60), d = Math.floor(h / 24);
    if (d > 0) return fmt(T.days, { d: d, h: h % 24 });
    if (h > 0) return fmt(T.hours, { h: h, m: m % 60 });
    return fmt(T.minutes, { n: m });
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function cell(row, text, cls) { row.appendChild(el("td", cls, text)); }

  function select(id, name, label, pairs, chosen) {
    const wrap = document.createDocumentFragment();
    const l = el("label", "visually-hidden", label);
    l.htmlFor = id;
    const s = el("select");
    s.id = id; s.name = name; s.required = true;
    const none = el("option", "", T.choose);
    none.value = "";
    s.appendChild(none);
    for (const [value, text] of pairs) {
      const o = el("option", "", text);
      o.value = value;
      s.appendChild(o);
    }
    s.value = chosen || "";
    wrap.append(l, s);
    return wrap;
  }

  function assignForm(report, kept) {
    const id = report.report_id;
    const form = el("form", "assign-form");
    form.setAttribute("data-report-id", id);
    form.appendChild(select("force-" + id, "force", T.force, Object.entries(T.forces), kept.force));
    const departments = DEPARTMENTS.map((d) => [d.code, d.code + " — " + d.name]);
    form.appendChild(select("department-" + id, "department", T.department, departments,
      kept.department || report.suggested_departments[0]));
    const button = el("button", "assign", T.assign);
    button.type = "submit";
    // One "Assign" per row: screen readers hear which report each one assigns.
    button.setAttribute("aria-label", T.assign + " — " + (T.categories[report.category] || report.category) + ", " +
      report.postal_code);
    button.setAttribute("data-report-id", id);
    form.appendChild(button);
    form.addEventListener("submit", (event) => { event.preventDefault(); assign(form, id); });
    return form;
  }

  function render(reports) {
    const body = $("reports").querySelector("tbody");
    const kept = {};  // a refresh must not undo choices being made
    for (const form of body.querySelectorAll("form.assign-form")) {
      kept[form.getAttribute("data-report-id")] = { force: form.force.value, department: form.department.value };
    }
    body.replaceChildren();
    for (const r of reports) {
      const row = el("tr", "report danger-" + r.danger_level + " level-" + r.level);
      row.setAttribute("data-report-id", r.report_id);
      cell(row, (T.categories[r.category] || r.category) + (r.mode === "chat" ? " · " + T.chat : ""), "category");
      cell(row, T.levels[r.level] || r.level, "level");
      cell(row, T.dangers[r.danger_level] || r.danger_level, "danger");
      cell(row, r.postal_code + (r.commune ? " " + r.commune.name : ""), "postal-code");
      cell(row, T.reasons[r.reason] || r.reason, "reason");
      cell(row, age(r.waited_seconds), "age");
      cell(row, r.callback_accepted ? T.yes : T.no, "callback");
      const td = el("td", "assign-cell");
      td.appendChild(assignForm(r, kept[r.report_id] || {}));
      row.appendChild(td);
      body.appendChild(row);
    }
    $("count").textContent = "(" + reports.length + ")";
    $("empty").hidden = reports.length > 0;
    $("reports").hidden = reports.length === 0;
  }

  async function load() {
    try {
      const data = await api("GET", "/v1/triage/reports");
      $("login").hidden = true;
      $("work").hidden = false;
      render(data.reports);
    } catch (error) { refused(error); }
  }

  function refused(error) {
    if (error.status === 401 || error.status === 403) {
      signOut();
      $("login-error").textContent = error.status === 401 ? T.bad_token : error.message;
      $("login-error").hidden = false;
    } else say(error.message, true);
  }

  async function assign(form, id) {
    const body = { force: form.force.value, department: form.department.value };
    form.querySelector("button.assign").disabled = true;
    try {
      const done = await api("POST", "/v1/triage/reports/" + encodeURIComponent(id) + "/assign", body);
      say(fmt(T.assigned, { force: T.forces[done.force] || done.force, department: done.department }));
      await load();
    } catch (error) {
      form.querySelector("button.assign").disabled = false;
      if (error.status === 404) await load();
      if (error.status === 401 || error.status === 403) refused(error); else say(error.message, true);
    }
  }

  function signOut() {
    token = null;
    clearInterval(timer);
    $("work").hidden = true;
    $("login").hidden = false;
    $("reports").querySelector("tbody").replaceChildren();
  }

  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    token = $("token").value.trim();
    $("token").value = "";
    $("login-error").hidden = true;
    $("who").textContent = alias(token);
    await load();
    clearInterval(timer);
    if (token) timer = setInterval(load, REFRESH_MS);
  });
  $("refresh").addEventListener("click", () => { say(""); load(); });
  $("sign-out").addEventListener("click", () => { signOut(); say(""); });
})();
