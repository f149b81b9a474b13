// National triage: the list and the assignments go through RelaisKit.api, signed in by the session cookie.
"use strict";
(function () {
  const K = window.RelaisKit, T = K.texts, $ = K.$, el = K.el, fmt = K.fmt;
  const DEPARTMENTS = JSON.parse($("departments").textContent);
  const REFRESH_MS = 60000;

  function say(text, isError) {
    $("status").textContent = text || "";
    $("status").className = isError ? "error" : "";
  }

  function age(seconds) {
    const m = Math.floor(seconds / 60), h = Math.floor(m / 60), d = Math.floor(h / 24);
    if (d > 0) return fmt(T.days, { d: d, h: h % 24 });
    if (h > 0) return fmt(T.hours, { h: h, m: m % 60 });
    return fmt(T.minutes, { n: m });
  }

  function cell(row, text, cls) { row.appendChild(el("td", cls, text)); }

  function select(id, name, label, pairs, chosen) {
    const wrap = document.createDocumentFragment();
    const l = el("label", "visually-hidden", label);
    l.htmlFor = id;
    const s = el("select");
    s.id = id; s.name = name; s.required = true;
    K.fillSelect(s, [["", T.choose]].concat(pairs));
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
      render((await K.api("GET", "/v1/triage/reports")).reports);
    } catch (error) {
      if (error.status !== 401) say(error.message, true);  // a 401 is the kit's banner: sign in again
    }
  }

  async function assign(form, id) {
    const body = { force: form.force.value, department: form.department.value };
    form.querySelector("button.assign").disabled = true;
    try {
      const done = await K.api("POST", "/v1/triage/reports/" + encodeURIComponent(id) + "/assign", body);
      say(fmt(T.assigned, { force: T.forces[done.force] || done.force, department: done.department }));
      await load();
    } catch (error) {
      form.querySelector("button.assign").disabled = false;
      if (error.status !== 401) say(error.message, true);
      if (error.status === 404) await load();  // already assigned or erased: show the list as it is now
    }
  }

  const timer = setInterval(load, REFRESH_MS);
  document.addEventListener("relais:signed-out", () => clearInterval(timer));
  $("refresh").addEventListener("click", () => { say(""); load(); });
  load();
})();
