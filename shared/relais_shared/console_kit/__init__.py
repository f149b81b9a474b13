"""One kit for every operator console: sign-in pages, the base template, and the browser side (console-kit.js).

A console's page extends `kit/console_base.html` and gets from the kit: the header with who is signed in and a
sign-out button, the language switch, the "session ended, sign in again" banner, the strings handed to the
script as a JSON block, and `RelaisKit` in the browser (authorised fetch, socket with reconnect, session
refresh, DOM helpers). A console never sees a token: the session cookie is HttpOnly.
"""

from relais_shared.console_kit.pages import console_page, install_kit, kit_templates

__all__ = ["console_page", "install_kit", "kit_templates"]
