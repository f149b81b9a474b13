// The supervision page: the panel is drawn by the server (tables and SVG charts, escaped by its templates) and
// fetched through RelaisKit.api with the session cookie, again every 30 seconds.
"use strict";
(function () {
  const K = window.RelaisKit, $ = K.$;
  const REFRESH_MS = 30000;

  function say(text, isError) {
    $("status").textContent = text || "";
    $("status").className = isError ? "error" : "";
  }

  async function load() {
    try {
      const html = await K.api("GET", "/v1/supervision/panel?lang=" + K.lang);
      // DOMParser runs no script; the panel's markup is the server's own template.
      const doc = new DOMParser().parseFromString(html, "text/html");
      $("panel").replaceChildren(...doc.body.childNodes);
      say("");
    } catch (error) {
      if (error.status !== 401) say(error.message, true);  // a 401 is the kit's banner: sign in again
    }
  }

  const timer = setInterval(load, REFRESH_MS);
  document.addEventListener("relais:signed-out", () => clearInterval(timer));
  $("refresh").addEventListener("click", load);
  load();
})();
