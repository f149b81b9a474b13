"""Person-facing messages of error frames and system lines, French first, English available."""

from __future__ import annotations

ERRORS = {
    "malformed": ("Ce message n'a pas pu être lu.", "This message could not be read."),
    "too_long": ("Votre message est trop long : {limit} caractères au plus. Vous pouvez l'envoyer en plusieurs fois.",
                 "Your message is too long: {limit} characters at most. You can send it in several parts."),
    "empty": ("Votre message est vide.", "Your message is empty."),
    "flood": ("Vous envoyez des messages trop vite ; patientez quelques secondes.",
              "You are sending messages too fast; wait a few seconds."),
    "unknown_session": ("Cette conversation est introuvable ou terminée.", "This conversation is not found or over."),
    "closed": ("Cette conversation est terminée.", "This conversation is over."),
    "auth": ("Jeton refusé : connectez-vous à nouveau.", "Token refused: sign in again."),
    "role": ("Votre rôle ne permet pas de répondre aux conversations.", "Your role does not allow answering chats."),
    "already_taken": ("Cette conversation a déjà été prise par un autre agent.",
                      "This conversation was already taken by another officer."),
    "not_found": ("Introuvable.", "Not found."),
    "clearance": ("Cette conversation est de niveau orange : une habilitation est nécessaire.",
                  "This conversation is orange level: clearance is needed."),
    "no_target": ("Cet agent n'est pas disponible pour un transfert.", "This officer cannot take a transfer."),
    "outcome": ("Choisissez une issue dans la liste.", "Choose an outcome from the list."),
    "replaced": ("Cette conversation continue dans une autre page.", "This conversation goes on in another page."),
    "erased": ("Cette conversation a été effacée.", "This conversation was erased."),
    "hello_first": ("Le premier message doit identifier la conversation.",
                    "The first frame must identify the conversation."),
}

SYSTEM = {
    "welcome": ("{alias} vous répond. Vous pouvez écrire librement.",
                "{alias} is answering you. You can write freely."),
    "handover": ("Un autre agent poursuit la conversation avec vous.", "Another officer continues the conversation."),
    "victim_exited": ("La personne est partie par la sortie rapide.", "The person left by the emergency exit."),
    "victim_returned": ("La personne est revenue dans la conversation.", "The person came back to the conversation."),
    "expired": ("La personne est partie avant qu'un agent réponde.", "The person left before an officer answered."),
    "closed": ("La conversation est terminée. En danger, appelez le 17 ou le 112.",
               "The conversation is over. In danger, call 17 or 112."),
}


def error_frame(code: str, **values) -> dict:
    """An error frame: a stable code and a message a person understands, in both languages."""
    french, english = ERRORS[code]
    return {"type": "error", "code": code, "message": french.format(**values),
            "message_en": english.format(**values)}


def system_text(code: str, lang: str, alias: str = "") -> str:
    french, english = SYSTEM.get(code, (code, code))
    return (english if lang == "en" else french).format(alias=alias)
