"""One web kit for every page: the frames, sign-in pages, and the consoles' browser side (console-kit.js).

Every page is rendered by `kit_templates` and built on `kit/page_base.html` (one head: no referrer, no icon
request, nothing inline); the page's strings reach its scripts one way, as the JSON block #texts
(`script_texts` in the context; other values with the `json_block` filter).
A victim's page extends `kit/victim_base.html`: the quick exit first, the site, the language switch, the
emergency numbers. A console's page extends `kit/console_base.html` and gets the header with who is signed in
and a sign-out button, the language switch, the "session ended, sign in again" banner, and `RelaisKit` in the
browser (authorised fetch, socket with reconnect, session refresh, DOM helpers, an error's words in the page's
language). A console never sees a token: the session cookie is HttpOnly.
"""

from relais_shared.console_kit.pages import console_page, install_kit, kit_templates

__all__ = ["console_page", "install_kit", "kit_templates"]
