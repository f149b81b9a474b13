"""Person-facing messages of error frames and system lines, French first, English available."""

from __future__ import annotations

from relais_shared import api_errors
from relais_shared.bilingual import Bilingual

ERRORS = {
    "malformed": Bilingual(fr="Ce message n'a pas pu être lu.", en="This message could not be read."),
    "too_long": Bilingual(fr="Votre message est trop long : {limit} caractères au plus. Vous pouvez l'envoyer en "
                             "plusieurs fois.",
                          en="Your message is too long: {limit} characters at most. You can send it in several "
                             "parts."),
    "empty": Bilingual(fr="Votre message est vide.", en="Your message is empty."),
    "flood": Bilingual(fr="Vous envoyez des messages trop vite ; patientez quelques secondes.",
                       en="You are sending messages too fast; wait a few seconds."),
    "unknown_session": Bilingual(fr="Cette conversation est introuvable ou terminée.",
                                 en="This conversation is not found or over."),
    "closed": Bilingual(fr="Cette conversation est terminée.", en="This conversation is over."),
    "auth": Bilingual(fr="Jeton refusé : connectez-vous à nouveau.", en="Token refused: sign in again."),
    "role": Bilingual(fr="Votre rôle ne permet pas de répondre aux conversations.",
                      en="Your role does not allow answering chats."),
    "already_taken": Bilingual(fr="Cette conversation a déjà été prise par un autre agent.",
                               en="This conversation was already taken by another officer."),
    "not_found": api_errors.NOT_FOUND,
    "clearance": Bilingual(fr="Cette conversation est de niveau orange : une habilitation est nécessaire.",
                           en="This conversation is orange level: clearance is needed."),
    "no_target": Bilingual(fr="Cet agent n'est pas disponible pour un transfert.",
                           en="This officer cannot take a transfer."),
    "outcome": Bilingual(fr="Choisissez une issue dans la liste.", en="Choose an outcome from the list."),
    "replaced": Bilingual(fr="Cette conversation continue dans une autre page.",
                          en="This conversation goes on in another page."),
    "erased": Bilingual(fr="Cette conversation a été effacée.", en="This conversation was erased."),
    "hello_first": Bilingual(fr="Le premier message doit identifier la conversation.",
                             en="The first frame must identify the conversation."),
}

# Lines the pages show in the conversation; the scripts get them in their page's language (page_texts).
SYSTEM = {
    "welcome": Bilingual(fr="{alias} vous répond. Vous pouvez écrire librement.",
                         en="{alias} is answering you. You can write freely."),
    "handover": Bilingual(fr="Un autre agent poursuit la conversation avec vous.",
                          en="Another officer continues the conversation."),
    "victim_exited": Bilingual(fr="La personne est partie par la sortie rapide.",
                               en="The person left by the emergency exit."),
    "victim_returned": Bilingual(fr="La personne est revenue dans la conversation.",
                                 en="The person came back to the conversation."),
    "expired": Bilingual(fr="La personne est partie avant qu'un agent réponde.",
                         en="The person left before an officer answered."),
    "closed": Bilingual(fr="La conversation est terminée. En danger, appelez le 17 ou le 112.",
                        en="The conversation is over. In danger, call 17 or 112."),
}
TICKET_REFUSED = Bilingual(fr="Ce lien vers la conversation n'est plus valable : repartez de la page de signalement "
                              "ou revenez avec votre reçu.",
                           en="This link to the chat is no longer valid: start again from the reporting page or come "
                              "back with your receipt.")
OUTSIDE_SCOPE = Bilingual(fr="Vous ne pouvez pas confier une conversation à un département hors de votre périmètre.",
                          en="You cannot hand a conversation to a department outside your scope.")


def error_frame(code: str, **values: object) -> dict[str, str]:
    """An error frame: a stable code and a message a person understands, in both languages."""
    return api_errors.error_frame(code, ERRORS[code].format(**values))


def system_lines(lang: str) -> dict[str, str]:
    """The system lines in one language, for a page's script."""
    return {code: text.for_lang(lang) for code, text in SYSTEM.items()}
