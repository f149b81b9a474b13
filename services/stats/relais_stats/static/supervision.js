// The supervision page: the token stays in this tab (sessionStorage), never in a cookie; the panel is drawn
// by the server (tables and SVG charts) and refreshed every 30 seconds.
"use strict";
(function () {
  const T = JSON.parse(document.getElementById("texts").textContent);
  const lang = document.documentElement.lang;
  const $ = (id) => document.getElementById(id);
  let timer = null;

  function say(text, isError) {
    $("status").textContent = text;
    $("status").className = isError ? "error" : "";
  }

  function claims(token) {
    const part = token.split(".")[1] || "";
    return JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/")));
  }

  async function load() {
    const token = sessionStorage.getItem("relais-supervision-token");
    const response = await fetch("/v1/supervision/panel?lang=" + lang, {
      headers: { "Authorization": "Bearer " + token }, cache: "no-store", credentials: "omit" });
    if (!response.ok) {
      const data = await response.json().catch(() => ({}));
      if (response.status === 401 || response.status === 403) signOut();
      say(String(data.detail || response.status), true);
      return;
    }
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    $("panel").replaceChildren(...doc.body.childNodes);
    say("");
  }

  function signIn(token) {
    try {
      const who = claims(token);
      $("who").textContent = who.relais_alias + " (" + who.relais_force + ")";
    } catch (error) {
      say(T.bad_token, true);
      return;
    }
    sessionStorage.setItem("relais-supervision-token", token);
    $("login").hidden = true;
    $("work").hidden = false;
    load();
    timer = setInterval(load, 30000);
  }

  function signOut() {
    sessionStorage.removeItem("relais-supervision-token");
    clearInterval(timer);
    $("panel").replaceChildren();
    $("work").hidden = true;
    $("login").hidden = false;
  }

  $("login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    signIn($("token").value.trim());
    $("token").value = "";
  });
  $("refresh").addEventListener("click", load);
  $("sign-out").addEventListener("click", signOut);
  const kept = sessionStorage.getItem("relais-supervision-token");
  if (kept) signIn(kept);
})();
