// The follow-up cell's page. The session cookie signs every call in (RelaisKit.api): this script never holds a
// token. Its words come from the page's #texts block, through the kit.
"use strict";
(function () {
  const K = window.RelaisKit;
  const T = K.texts;
  const $ = K.$;
  const state = { department: null, claim: null, entryId: null, heartbeat: null };

  function failed(error) { K.notice(K.fmt(T.error_detail, { detail: error.message })); }

  function cell(row, text) { row.appendChild(K.el("td", null, text)); }

  // Window times are shown in the victim's own zone (the offset the server gave); the lease in the agent's.
  function local(iso) { return iso ? iso.slice(0, 16).replace("T", " ") : ""; }
  function clock(iso) { return new Date(iso).toLocaleTimeString(K.lang); }

  function stateOf(entry) { return entry.overdue ? T.overdue : (entry.due ? T.due : T.upcoming); }

  function listPath(suffix) { return "/v1/departments/" + encodeURIComponent(state.department) + suffix; }

  async function loadList() {
    const data = await K.api("GET", listPath("/entries"));
    const body = $("list").querySelector("tbody");
    body.replaceChildren();
    for (const entry of data.entries) {
      const row = K.el("tr", entry.overdue ? "overdue" : null);
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
      const dd = K.el("dd", null, value);
      dd.id = list.id + "-" + key;
      list.append(K.el("dt", null, label), dd);
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

  // The claim is a lease: renewed three times per lease so one slow answer does not lose the entry.
  function startHeartbeat(leaseUntil) {
    clearInterval(state.heartbeat);
    const seconds = Math.max(1, (Date.parse(leaseUntil) - Date.now()) / 1000);
    state.heartbeat = setInterval(async () => {
      try {
        const data = await K.api("POST", "/v1/entries/" + state.entryId + "/heartbeat", { claim_id: state.claim });
        $("lease").textContent = clock(data.lease_until);
      } catch (error) { lost(error); }
    }, Math.max(500, seconds * 1000 / 3));
  }

  function lost(error) {
    if (error.status === 409 || error.status === 404) {
      finishEntry();
      K.notice(T.lost);
    } else {
      failed(error);
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
      const data = await K.api("POST", listPath("/claim-next"));
      if (!data.claimed) { K.notice(T.nothing); return; }
      showEntry(data.entry, data.claimed);
      K.notice("");
      await loadList();
    } catch (error) { failed(error); }
  }

  async function recordAttempt(outcome) {
    try {
      const data = await K.api("POST", "/v1/entries/" + state.entryId + "/attempts",
        { claim_id: state.claim, outcome });
      K.notice(T.attempt_saved + (data.welfare_check_raised ? " " + T.patrol : ""));
      await loadList();
    } catch (error) { lost(error); }
  }

  async function saveAnswers(event) {
    event.preventDefault();
    const answers = {};
    for (const input of $("questions").querySelectorAll("input[type=radio]:checked")) answers[input.name] = input.value;
    try {
      const data = await K.api("PUT", "/v1/entries/" + state.entryId + "/answers", { claim_id: state.claim, answers });
      K.notice(T.saved + (data.unsafe_answer_raised ? " " + T.patrol : ""));
    } catch (error) { lost(error); }
  }

  async function closeEntry(event) {
    event.preventDefault();
    try {
      await K.api("POST", "/v1/entries/" + state.entryId + "/close", { claim_id: state.claim, outcome: $("outcome").value });
      finishEntry();
      K.notice(T.closed);
      await loadList();
    } catch (error) { lost(error); }
  }

  async function release() {
    try {
      await K.api("POST", "/v1/entries/" + state.entryId + "/release", { claim_id: state.claim });
      finishEntry();
      await loadList();
    } catch (error) { lost(error); }
  }

  async function loadQuestionnaire() {
    const data = await K.api("GET", "/v1/questionnaire?lang=" + K.lang);
    const holder = $("questions");
    holder.replaceChildren();
    for (const question of data.questions) {
      const fieldset = K.el("fieldset");
      fieldset.appendChild(K.el("legend", null, question.text));
      for (const option of question.options) {
        const id = "q-" + question.id + "-" + option.value;
        const input = Object.assign(K.el("input"), { type: "radio", name: question.id, value: option.value, id });
        const label = Object.assign(K.el("label", null, option.label), { htmlFor: id });
        fieldset.append(input, label);
      }
      holder.appendChild(fieldset);
    }
    K.fillSelect($("outcome"), data.close_outcomes.map((code) => [code, T["outcome_" + code] || code]));
  }

  // Open the chosen department's list (an entry held in another list is given up only by closing or releasing).
  async function openDepartment(event) {
    if (event) event.preventDefault();
    const chosen = $("department-choice").value.trim().toUpperCase();
    if (!chosen) return;
    state.department = chosen;
    $("department").textContent = chosen;
    try {
      await loadList();
      $("claim-next").disabled = $("refresh").disabled = false;
      K.notice("");
    } catch (error) { failed(error); }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("department-form").addEventListener("submit", openDepartment);
    $("department-choice").addEventListener("change", openDepartment);
    $("claim-next").addEventListener("click", claimNext);
    $("refresh").addEventListener("click", () => loadList().catch(failed));
    $("questionnaire").addEventListener("submit", saveAnswers);
    $("close-form").addEventListener("submit", closeEntry);
    $("release").addEventListener("click", release);
    for (const button of $("attempt-buttons").querySelectorAll("button")) {
      button.addEventListener("click", () => recordAttempt(button.dataset.outcome));
    }
    // The session is over: no more lease renewals; the kit's banner offers to sign in again.
    document.addEventListener("relais:signed-out", () => clearInterval(state.heartbeat));
    loadQuestionnaire().then(() => openDepartment()).catch(failed);
  });
})();
