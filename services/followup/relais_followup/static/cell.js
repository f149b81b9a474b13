// The follow-up cell's page: the token stays in this tab (sessionStorage), never in a cookie.
"use strict";
(function () {
  const T = JSON.parse(document.getElementById("texts").textContent);
  const lang = document.documentElement.lang;
  const $ = (id) => document.getElementById(id);
  const state = { token: null, department: null, claim: null, entryId: null, heartbeat: null };

  function say(text, isError) {
    const status = $("status");
    status.textContent = text;
    status.className = isError ? "error" : "";
  }

  async function api(method, path, body) {
    const response = await fetch(path, {
      method, headers: { "Authorization": "Bearer " + state.token, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store", credentials: "omit",
    });
    const data = await response.json().catch(() => ({}));
    if (response.status === 401) { signOut(); }
    if (!response.ok) {
      const detail = Array.isArray(data.detail) ? data.detail.map((d) => lang === "fr" ? d.message_fr : d.message)
        .join(" ") : (data.detail || response.status);
      const error = new Error(String(detail));
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function claims(token) {
    const part = token.split(".")[1] || "";
    return JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/")));
  }

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
  }

  // Window times are shown in the victim's own zone (the offset the server gave); the lease in the agent's.
  function local(iso) { return iso ? iso.slice(0, 16).replace("T", " ") : ""; }
  function clock(iso) { return new Date(iso).toLocaleTimeString(lang); }

  function stateOf(entry) { return entry.overdue ? T.overdue : (entry.due ? T.due : T.upcoming); }

  async function loadList() {
    const data = await api("GET", "/v1/departments/" + encodeURIComponent(state.department) + "/entries");
    const body = $("list").querySelector("tbody");
    body.replaceChildren();
    for (const entry of data.entries) {
      const row = document.createElement("tr");
      if (entry.overdue) row.className = "overdue";
      cell(row, entry.case_reference);
      cell(row, T["risk_" + entry.risk_level]);
      cell(row, local(entry.window_start) + " → " + local(entry.window_end) + " (" + entry.time_zone + ")");
      cell(row, stateOf(entry));
      cell(row, String(entry.attempts));
      cell(row, entry.claimed_by || "");
      body.appendChild(row);
    }
  }

  // Each value gets a stable id (list id + "-" + key, e.g. "contact-phone") that tests and assistive tools can find.
  function describe(list, rows) {
    list.replaceChildren();
    for (const [key, label, value] of rows) {
      if (value === null || value === undefined || value === "") continue;
      const dt = document.createElement("dt");
      const dd = document.createElement("dd");
      dt.textContent = label;
      dd.textContent = value;
      dd.id = list.id + "-" + key;
      list.append(dt, dd);
    }
  }

  function showEntry(entry, claim) {
    state.claim = claim.claim_id;
    state.entryId = claim.entry_id;
    $("entry").hidden = false;
    $("entry-case").textContent = entry.case_reference;
    $("lease").textContent = clock(claim.lease_until);
    $("contact-note").hidden = !entry.contact_note;
    $("contact-note").textContent = entry.contact_note || "";
    $("unsafe-hours").hidden = entry.safe_now;
    describe($("rules"), [["source", T.source, T["source_" + entry.source] || entry.source],
      ["risk", T.risk, T["risk_" + entry.risk_level]],
      ["channels", T.channels, entry.channels.map((c) => T["channel_" + c] || c).join(", ")],
      ["safe_hours", T.safe_hours, entry.safe_hours.join(", ")],
      ["no_voicemail", T.no_voicemail, entry.no_voicemail ? T.yes : T.no],
      ["via_trusted_person", T.via_trusted, entry.via_trusted_person ? T.yes : T.no],
      ["window", T.window, local(entry.window_start) + " → " + local(entry.window_end)]]);
    const c = entry.contact || {};
    describe($("contact"), [["phone", T.phone, c.phone], ["trusted_person", T.trusted_person,
      [c.trusted_person_name, c.trusted_person_phone].filter(Boolean).join(" — ")], ["address", T.address, c.address]]);
    fillAnswers(entry.answers || {});
    startHeartbeat(claim.lease_until);
    $("entry").scrollIntoView();
    $("entry-title").focus();
  }

  function fillAnswers(answers) {
    for (const input of $("questions").querySelectorAll("input[type=radio]")) {
      input.checked = answers[input.name] === input.value;
    }
  }

  function startHeartbeat(leaseUntil) {
    clearInterval(state.heartbeat);
    const seconds = Math.max(1, (Date.parse(leaseUntil) - Date.now()) / 1000);
    state.heartbeat = setInterval(async () => {
      try {
        const data = await api("POST", "/v1/entries/" + state.entryId + "/heartbeat", { claim_id: state.claim });
        $("lease").textContent = clock(data.lease_until);
      } catch (error) { lost(error); }
    }, Math.max(500, seconds * 1000 / 3));
  }

  function lost(error) {
    if (error.status === 409 || error.status === 404) {
      finishEntry();
      say(T.lost, true);
    } else {
      say(T.error + " : " + error.message, true);
    }
  }

  function finishEntry() {
    clearInterval(state.heartbeat);
    state.claim = null;
    state.entryId = null;
    $("entry").hidden = true;
  }

  async function claimNext() {
    try {
      const data = await api("POST", "/v1/departments/" + encodeURIComponent(state.department) + "/claim-next");
      if (!data.claimed) { say(T.nothing); return; }
      showEntry(data.entry, data.claimed);
      say("");
      await loadList();
    } catch (error) { say(T.error + " : " + error.message, true); }
  }

  async function recordAttempt(outcome) {
    try {
      const data = await api("POST", "/v1/entries/" + state.entryId + "/attempts",
        { claim_id: state.claim, outcome });
      say(T.attempt_saved + (data.welfare_check_raised ? " " + T.patrol : ""));
      await loadList();
    } catch (error) { lost(error); }
  }

  async function saveAnswers(event) {
    event.preventDefault();
    const answers = {};
    for (const input of $("questions").querySelectorAll("input[type=radio]:checked")) answers[input.name] = input.value;
    try {
      const data = await api("PUT", "/v1/entries/" + state.entryId + "/answers", { claim_id: state.claim, answers });
      say(T.saved + (data.unsafe_answer_raised ? " " + T.patrol : ""));
    } catch (error) { lost(error); }
  }

  async function closeEntry(event) {
    event.preventDefault();
    try {
      await api("POST", "/v1/entries/" + state.entryId + "/close", { claim_id: state.claim, outcome: $("outcome").value });
      finishEntry();
      say(T.closed);
      await loadList();
    } catch (error) { lost(error); }
  }

  async function release() {
    try {
      await api("POST", "/v1/entries/" + state.entryId + "/release", { claim_id: state.claim });
      finishEntry();
      await loadList();
    } catch (error) { lost(error); }
  }

  async function loadQuestionnaire() {
    const data = await api("GET", "/v1/questionnaire?lang=" + lang);
    const holder = $("questions");
    holder.replaceChildren();
    for (const question of data.questions) {
      const fieldset = document.createElement("fieldset");
      const legend = document.createElement("legend");
      legend.textContent = question.text;
      fieldset.appendChild(legend);
      for (const option of question.options) {
        const id = "q-" + question.id + "-" + option.value;
        const input = Object.assign(document.createElement("input"),
          { type: "radio", name: question.id, value: option.value, id });
        const label = Object.assign(document.createElement("label"), { htmlFor: id, textContent: option.label });
        fieldset.append(input, label);
      }
      holder.appendChild(fieldset);
    }
    $("outcome").replaceChildren(...data.close_outcomes.map((code) =>
      Object.assign(document.createElement("option"), { value: code, textContent: T["outcome_" + code] || code })));
  }

  async function signIn(event) {
    if (event) event.preventDefault();
    const token = (state.token || $("token").value).trim();
    let who;
    try { who = claims(token); } catch (_) { say(T.bad_token, true); return; }
    state.token = token;
    state.department = state.department || $("login-department").value.trim().toUpperCase();
    try {
      await loadQuestionnaire();
      await loadList();
    } catch (error) { say(T.error + " : " + error.message, true); return; }
    sessionStorage.setItem("relais.followup.token", token);
    sessionStorage.setItem("relais.followup.department", state.department);
    $("token").value = "";
    $("who").textContent = who.relais_alias + " (" + who.relais_force + ")";
    $("department").textContent = state.department;
    $("login").hidden = true;
    $("work").hidden = false;
    say("");
  }

  function signOut() {
    finishEntry();
    sessionStorage.clear();
    state.token = null;
    state.department = null;
    $("work").hidden = true;
    $("login").hidden = false;
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("login-form").addEventListener("submit", signIn);
    $("sign-out").addEventListener("click", signOut);
    $("claim-next").addEventListener("click", claimNext);
    $("refresh").addEventListener("click", () => loadList().catch((e) => say(T.error + " : " + e.message, true)));
    $("questionnaire").addEventListener("submit", saveAnswers);
    $("close-form").addEventListener("submit", closeEntry);
    $("release").addEventListener("click", release);
    for (const button of $("attempt-buttons").querySelectorAll("button")) {
      button.addEventListener("click", () => recordAttempt(button.dataset.outcome));
    }
    $("entry-title").tabIndex = -1;
    const saved = sessionStorage.getItem("relais.followup.token");
    if (saved) {
      state.token = saved;
      state.department = sessionStorage.getItem("relais.followup.department");
      signIn();
    }
  });
})();
