"use strict";
// Dispatch console on the console kit: the session cookie signs in the page, its fetches and its socket (no
// token here); the server's feed is the truth, this script only draws it and sends the dispatcher's actions.
(function () {
  const { texts: T, $, el, api, notice, frameText } = window.RelaisKit;
  const HEARTBEAT_MS = 5000;  // on duty while the heartbeats come (the server's presence timeout is longer)
  const state = { seq: null, incidents: new Map(), selected: null, audio: null, national: false,
                  openBursts: new Set(), live: false, signedOut: false };

  // Sound needs a gesture of the dispatcher first (browsers refuse it otherwise): the button, or any click.
  function unlockSound() {
    if (!state.audio) state.audio = new AudioContext();
    state.audio.resume().then(() => { $("sound").textContent = T.sound_on; $("sound").disabled = true; });
  }

  function beep() {
    // WebAudio, no file: two short tones.
    if (!state.audio || state.audio.state !== "running") return;
    const now = state.audio.currentTime;
    [0, 0.25].forEach((offset) => {
      const osc = state.audio.createOscillator(), gain = state.audio.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.2;
      osc.connect(gain).connect(state.audio.destination);
      osc.start(now + offset); osc.stop(now + offset + 0.18);
    });
  }

  function status(text) { $("status").textContent = text; }

  function time(iso) { return iso ? new Date(iso).toLocaleTimeString(document.documentElement.lang) : "—"; }

  function render() {
    const list = $("incidents");
    list.replaceChildren();
    const items = [...state.incidents.values()].sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
    $("empty").hidden = items.length > 0;
    // A burst (reports past a ceiling) is one card, where its newest report would be: it rings once, not per report.
    const bursts = new Map();
    items.forEach((inc) => {
      if (!inc.burst_id) return;
      if (!bursts.has(inc.burst_id)) bursts.set(inc.burst_id, []);
      bursts.get(inc.burst_id).push(inc);
    });
    const drawn = new Set();
    items.forEach((inc) => {
      if (!inc.burst_id) list.appendChild(card(inc));
      else if (!drawn.has(inc.burst_id)) {
        drawn.add(inc.burst_id);
        list.appendChild(burstCard(inc.burst_id, bursts.get(inc.burst_id)));
      }
    });
    // Only what waits on my step of the ladder rings here; the rest is on the board to follow or supervise.
    $("alarm").hidden = !items.some(alerting);
  }

  function alerting(inc) { return inc.status === "open" && inc.alert === true; }

  function card(inc) {
    const item = el("li", "incident " + inc.status + (alerting(inc) ? " alerted" : ""));
    item.dataset.incident = inc.id;
    const where = inc.jurisdiction_resolved ? `${inc.force} ${inc.department} ${inc.operational_centre || ""}` : "";
    item.appendChild(el("h3", null, `${inc.priority.toUpperCase()} · ${T["kind_" + inc.kind] || inc.kind} · ${where}`));
    const badges = el("p");
    badges.appendChild(el("span", "badge " + inc.status, T["status_" + inc.status]));
    if (!inc.jurisdiction_resolved) badges.appendChild(el("span", "badge unresolved", T.unresolved));
    if (inc.erased) badges.appendChild(el("span", "badge erased", T.erased));
    item.appendChild(badges);
    const meta = inc.status === "open"
      ? `${T.step} ${inc.step} · ${T["target_" + inc.target]} · ${T.deadline} ${time(inc.deadline_at)}`
      : `${T.acknowledged_by} ${inc.acknowledged_by || "—"}${inc.outcome ? " · " + T["outcome_" + inc.outcome] : ""}`;
    item.appendChild(el("p", "meta", meta));
    if (inc.status === "open") item.appendChild(button(T.ack, () => act(inc.id, "acknowledge", {})));
    item.appendChild(button(T.details, () => show(inc.id), "secondary"));
    return item;
  }

  function burstCard(id, members) {
    const waiting = members.filter((m) => m.status === "open");
    const item = el("li", "incident burst " + (waiting.length ? "open" : "acknowledged") +
                    (members.some(alerting) ? " alerted" : ""));
    item.dataset.burst = id;
    const first = members[0];
    const where = first.jurisdiction_resolved ? `${first.force} ${first.department}` : T.unresolved;
    const size = members.reduce((n, m) => Math.max(n, m.burst_size || 0), members.length);
    item.appendChild(el("h3", null, `${T.burst} · ${size} ${T.burst_reports} · ${where}`));
    item.appendChild(el("p", "meta", `${T.burst_note} ${waiting.length} ${T.burst_waiting}.`));
    if (waiting.length) item.appendChild(button(T.burst_ack, () => acknowledgeBurst(id)));
    const more = el("details");
    more.open = state.openBursts.has(id);
    more.addEventListener("toggle", () => { if (more.open) state.openBursts.add(id); else state.openBursts.delete(id); });
    more.appendChild(el("summary", null, T.burst_members));
    const list = el("ul", "burst-members");
    members.forEach((m) => {
      const line = el("li", null, `${T["status_" + m.status]} · ${T["kind_" + m.kind] || m.kind} · ${time(m.created_at)} `);
      line.appendChild(button(T.details, () => show(m.id), "secondary"));
      list.appendChild(line);
    });
    more.appendChild(list);
    item.appendChild(more);
    return item;
  }

  async function acknowledgeBurst(id) {
    try { await api("POST", `/v1/bursts/${id}/acknowledge`, {}); }
    catch (e) { $("detail").hidden = false; $("detail-error").textContent = e.message; }
  }

  function button(label, onClick, cls) {
    const b = el("button", cls, label);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function readable(summary) {
    // Intake seals a small JSON object; show it as "key: value" lines.
    try {
      const data = JSON.parse(summary);
      return Object.entries(data).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : v}`).join("\n");
    } catch (e) { return summary || "—"; }
  }

  function showDetail(detail) {
    if (state.selected !== detail.id) { $("contact").replaceChildren(); $("contact").hidden = true; }
    state.selected = detail.id;
    state.incidents.set(detail.id, { ...state.incidents.get(detail.id), ...detail });
    const fields = $("detail-fields");
    fields.replaceChildren();
    const add = (label, value) => { fields.appendChild(el("dt", null, label)); fields.appendChild(el("dd", null, value)); };
    add(T.incidents, `${detail.priority.toUpperCase()} · ${T["kind_" + detail.kind] || detail.kind} · ${T["status_" + detail.status]}`);
    add(T.danger, T["danger_" + detail.danger_level] || detail.danger_level);
    if (detail.erased) add(T.summary, T.erased);
    else if (detail.restricted) add(T.summary, T.restricted);
    else if (detail.restricted === false) {
      add(T.summary, readable(detail.summary));
      add(T.location, detail.location_hint || "—");
      add(T.patrol_label, detail.patrol || "—");
      add(T.notes, (detail.notes || []).map((n) => `${n.author}: ${n.text}`).join("\n") || "—");
    }
    $("detail-error").textContent = "";
    $("show-contact").hidden = Boolean(detail.erased);
    $("jurisdiction-form").hidden = !(state.national && !detail.jurisdiction_resolved && detail.status !== "closed");
    $("detail").hidden = false;
    render();
  }

  function showContact(data) {
    // How to reach her safely: every opening is audited server-side; nothing is kept once the detail changes.
    const box = $("contact");
    box.replaceChildren(el("h3", null, T.contact_heading));
    const c = data.contact;
    const list = el("dl");
    const add = (label, value) => { list.appendChild(el("dt", null, label)); list.appendChild(el("dd", null, value)); };
    if (!c) add(T.channel, T.contact_none);
    else {
      add(T.channel, T["channel_" + c.channel] || c.channel || "—");
      if (c.phone) add(T.phone, c.phone);
      add(T.safe_windows, (c.safe_windows || []).map((w) => `${w.start}–${w.end}`).join(", ") || T.safe_any);
      add(T.voicemail, c.no_voicemail ? T.no_voicemail : T.voicemail_ok);
      if (c.trusted_person_name || c.trusted_person_phone) {
        add(T.trusted_person, [c.trusted_person_name, c.trusted_person_phone].filter(Boolean).join(" · "));
      }
    }
    add(T.location, data.location_hint || "—");
    box.appendChild(list);
    box.hidden = false;
  }

  async function contact() {
    const box = $("contact");
    try { showContact(await api("GET", `/v1/incidents/${state.selected}/contact`)); }
    catch (e) { box.replaceChildren(el("p", "error", e.message)); box.hidden = false; }
  }

  async function show(id) {
    try { showDetail(await api("GET", `/v1/incidents/${id}`)); $("detail").focus(); }
    catch (e) { $("detail-error").textContent = e.message; }
  }

  async function act(id, action, body) {
    try { showDetail(await api("POST", `/v1/incidents/${id}/${action}`, body)); }
    catch (e) { $("detail").hidden = false; $("detail-error").textContent = e.message; }
  }

  async function refreshUnstaffed() {
    try {
      const data = await api("GET", "/v1/centres/unstaffed");
      $("unstaffed").hidden = data.centres.length === 0;
      $("unstaffed").textContent = T.unstaffed + " " + data.centres.map((c) => c.centre).join(", ");
    } catch (e) { /* the next refresh tries again (a 401 shows the kit's banner) */ }
  }

  const handlers = {
    hello(msg) { state.national = msg.departments.includes("*"); },
    snapshot(msg) {
      state.incidents = new Map(msg.incidents.map((inc) => [inc.id, inc]));
      state.seq = msg.seq;
      state.live = true;
      status(T.connected);
      $("board").hidden = false;
      render();
      refreshUnstaffed();
      if (msg.incidents.some(alerting)) beep();
    },
    incident(msg) {
      state.incidents.set(msg.incident.id, { ...state.incidents.get(msg.incident.id), ...msg.incident });
      state.seq = Math.max(state.seq || 0, msg.seq);
      render();
      if (alerting(msg.incident)) beep();
    },
    centres_changed() { refreshUnstaffed(); },
    error(msg) { notice(frameText(msg)); },
  };

  // The cookie signed the socket in at the handshake; the first frame only says where to resume the feed.
  const feed = window.RelaisKit.socket("/v1/console/ws", {
    hello: () => ({ type: "auth", last_seq: state.seq }),
    handlers,
    onClose: () => { state.live = false; if (!state.signedOut) status(T.disconnected); },
  });
  const beat = setInterval(() => feed.send({ type: "heartbeat" }), HEARTBEAT_MS);
  const unstaffedRefresh = setInterval(() => { if (state.live) refreshUnstaffed(); }, 15000);
  document.addEventListener("relais:signed-out", () => {
    // Signed out: this console is no longer on duty and must not look as if its alarms were still live.
    clearInterval(beat); clearInterval(unstaffedRefresh);
    state.live = false; state.signedOut = true; status(""); $("alarm").hidden = true;
  });

  function submit(id, handler) {
    $(id).addEventListener("submit", (event) => { event.preventDefault(); handler(); });
  }

  submit("patrol-form", () => act(state.selected, "patrol", { unit: $("patrol").value }).then(() => { $("patrol").value = ""; }));
  submit("note-form", () => act(state.selected, "notes", { text: $("note").value }).then(() => { $("note").value = ""; }));
  submit("close-form", () => act(state.selected, "close", { outcome: $("outcome").value }));
  submit("jurisdiction-form", () => act(state.selected, "jurisdiction",
    { force: $("jurisdiction-force").value, department: $("jurisdiction-department").value.trim().toUpperCase() }));
  $("show-contact").addEventListener("click", contact);
  $("sound").addEventListener("click", unlockSound);
  document.addEventListener("pointerdown", unlockSound, { once: true });
}());
