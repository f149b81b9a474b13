// The audit page: the filters become a query to /v1/audit through RelaisKit.api (session cookie); every value
// an entry carries is written with textContent, never as markup.
"use strict";
(function () {
  const K = window.RelaisKit, T = K.texts, $ = K.$, el = K.el;
  const TEXT_FILTERS = ["actor_sub", "object_type", "object_id"];

  function say(text, isError) {
    $("status").textContent = text || "";
    $("status").className = isError ? "error" : "";
  }

  // A datetime-local value is the auditor's local time: send it as an instant, with its offset.
  function instant(value) { return value ? new Date(value).toISOString() : ""; }

  function query(form, names) {
    const params = new URLSearchParams();
    for (const name of names) {
      const raw = form.elements[name].value.trim();
      const value = name === "since" || name === "until" ? instant(raw) : raw;
      if (value) params.set(name, value);
    }
    return params.toString();
  }

  function when(iso) {
    return new Date(iso).toLocaleString(K.lang === "en" ? "en-GB" : "fr-FR", { dateStyle: "short", timeStyle: "medium" });
  }

  // {"force": "GN", "department": "2A"} reads as "force: GN · department: 2A".
  function details(value) {
    if (value === null || value === undefined) return "";
    if (typeof value !== "object") return String(value);
    return Object.entries(value).map(([key, v]) => key + ": " + (typeof v === "string" ? v : JSON.stringify(v)))
      .join(" · ");
  }

  function row(entry) {
    const tr = el("tr", "audit-entry");
    tr.setAttribute("data-action", entry.action);
    const at = el("td", "at");
    const time = el("time", null, when(entry.at));
    time.dateTime = entry.at;
    at.appendChild(time);
    tr.appendChild(at);
    tr.appendChild(el("td", "operator", entry.actor_alias + (entry.actor_force ? " (" + entry.actor_force + ")" : "")));
    tr.appendChild(el("td", "sub", entry.actor_sub));
    tr.appendChild(el("td", "roles", (entry.actor_roles || []).join(", ")));
    tr.appendChild(el("td", "action", entry.action));
    tr.appendChild(el("td", "object", entry.object_type + " " + entry.object_id));
    tr.appendChild(el("td", "reason", entry.reason || ""));
    tr.appendChild(el("td", "details", details(entry.details)));
    return tr;
  }

  async function load() {
    const form = $("audit-filters");
    const csv = query(form, ["since", "until"]);
    $("audit-csv").href = "/v1/audit.csv" + (csv ? "?" + csv : "");
    say(T.loading);
    try {
      const entries = await K.api("GET", "/v1/audit?" + query(form, TEXT_FILTERS.concat(["since", "until", "limit"])));
      $("audit-entries").querySelector("tbody").replaceChildren(...entries.map(row));
      $("audit-count").textContent = "— " + K.fmt(T.count, { n: entries.length });
      $("audit-empty").hidden = entries.length > 0;
      say("");
    } catch (error) {
      if (error.status === 401) say(""); else say(error.message, true);  // a 401 is the kit's banner
    }
  }

  $("audit-filters").addEventListener("submit", (event) => { event.preventDefault(); load(); });
  load();
})();
