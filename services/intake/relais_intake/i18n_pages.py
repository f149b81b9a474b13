"""The words of the talk-now and come-back pages, in French (the default) and English (merged into i18n)."""

from __future__ import annotations

FR = {
    "other_ways": "Vous pouvez aussi",
    "talk_now": "Parler à un agent maintenant",
    "come_back": "Revenir avec mon code de suivi",
    "start_chat": "Parler à un agent maintenant",
    "start_chat_hint": "Un policier ou un gendarme formé vous répond par écrit, sans que vous ayez à donner "
                       "votre nom.",
    "talk_title": "Parler à un agent maintenant",
    "talk_intro": "Anonyme, gratuit, 24 h/24. Deux questions pour vous mettre en relation avec le bon service ; "
                  "rien n'est gardé sur votre appareil.",
    "talk_postal_code": "Code postal du lieu des faits, ou de là où vous êtes",
    "talk_category": "De quoi voulez-vous parler ?",
    "talk_submit": "Continuer",
    "talk_ready_title": "Un agent va vous répondre",
    "talk_receipt_intro": "Notez ce code de suivi dans un endroit sûr : il vous permet de revenir à cette "
                          "conversation plus tard, sur la page « Revenir avec mon code de suivi ». Il ne sera plus "
                          "affiché.",
    "come_back_title": "Revenir avec mon code de suivi",
    "come_back_intro": "Tapez le code de 16 chiffres reçu lors de votre signalement. Il n'est gardé ni sur votre "
                       "appareil ni dans l'adresse de la page.",
    "receipt_field": "Code de suivi",
    "receipt_hint": "16 chiffres ; les espaces sont acceptés.",
    "see_report": "Voir mon signalement",
    "receipt_malformed": "Votre code comporte exactement 16 chiffres.",
    "receipt_unknown": "Aucun signalement ne correspond à ce code. Vérifiez les 16 chiffres.",
    "too_many_attempts": "Trop de tentatives depuis cette connexion. Réessayez plus tard. En danger, appelez le 17 "
                         "ou le 112.",
    "report_title": "Votre signalement",
    "status_label": "État",
    "statuses": {"received": "reçu, en cours de transmission au service compétent",
                 "routed": "transmis au service compétent",
                 "unroutable": "en cours d'orientation par l'équipe nationale",
                 "closed": "clôturé"},
    "unit_label": "Service",
    "received_on": "Reçu le",
    "messages_title": "Messages avec le service",
    "no_messages": "Aucun message pour l'instant.",
    "authors": {"reporter": "Vous", "unit": "Le service"},
    "reply_label": "Votre message au service",
    "reply_missing": "Écrivez votre message avant de l'envoyer.",
    "send_reply": "Envoyer le message",
    "reply_sent": "Votre message est envoyé.",
    "chat_title": "Continuer la conversation",
    "chat_hint": "Reprenez la conversation écrite liée à ce signalement, ou commencez-la.",
    "erase_title": "Effacer mon signalement",
    "erase_intro": "Votre récit, vos coordonnées et vos messages seront effacés partout, et ce code ne "
                   "fonctionnera plus.",
    "erase": "Effacer mon signalement",
    "erase_confirm_title": "Effacer définitivement ?",
    "erase_confirm_text": "C'est définitif : personne ne pourra plus lire votre signalement ni vous recontacter à "
                          "son sujet, et ce code ne fonctionnera plus.",
    "erase_confirm": "Oui, effacer définitivement",
    "erase_cancel": "Non, garder mon signalement",
    "erased_title": "Votre signalement est effacé",
    "erased_text": "Son contenu, vos coordonnées et vos messages sont effacés, et les services qui le suivaient en "
                   "sont informés. Votre code ne fonctionne plus.",
    "back_home": "Retour à l'accueil",
}

EN = {
    "other_ways": "You can also",
    "talk_now": "Talk with an officer now",
    "come_back": "Come back with my follow-up code",
    "start_chat": "Talk with an officer now",
    "start_chat_hint": "A trained police officer or gendarme answers you in writing, without asking your name.",
    "talk_title": "Talk with an officer now",
    "talk_intro": "Anonymous, free, 24/7. Two questions to put you in touch with the right service; nothing is kept "
                  "on your device.",
    "talk_postal_code": "Postal code where it happened, or where you are",
    "talk_category": "What would you like to talk about?",
    "talk_submit": "Continue",
    "talk_ready_title": "An officer will answer you",
    "talk_receipt_intro": "Write this follow-up code down somewhere safe: it lets you come back to this conversation "
                          "later, on the “Come back with my follow-up code” page. It will not be shown again.",
    "come_back_title": "Come back with my follow-up code",
    "come_back_intro": "Type the 16-digit code you were given with your report. It is kept neither on your device "
                       "nor in the page's address.",
    "receipt_field": "Follow-up code",
    "receipt_hint": "16 digits; spaces are fine.",
    "see_report": "See my report",
    "receipt_malformed": "Your code has exactly 16 digits.",
    "receipt_unknown": "No report matches this code. Check the 16 digits.",
    "too_many_attempts": "Too many attempts from this connection. Try again later. In danger, call 17 or 112.",
    "report_title": "Your report",
    "status_label": "Status",
    "statuses": {"received": "received, being passed on to the competent service",
                 "routed": "passed on to the competent service",
                 "unroutable": "being directed by the national team",
                 "closed": "closed"},
    "unit_label": "Service",
    "received_on": "Received on",
    "messages_title": "Messages with the service",
    "no_messages": "No message yet.",
    "authors": {"reporter": "You", "unit": "The service"},
    "reply_label": "Your message to the service",
    "reply_missing": "Write your message before sending it.",
    "send_reply": "Send the message",
    "reply_sent": "Your message has been sent.",
    "chat_title": "Continue the conversation",
    "chat_hint": "Resume the written conversation linked to this report, or start it.",
    "erase_title": "Erase my report",
    "erase_intro": "Your account, your contact details and your messages will be erased everywhere, and this code "
                   "will stop working.",
    "erase": "Erase my report",
    "erase_confirm_title": "Erase for good?",
    "erase_confirm_text": "This cannot be undone: nobody will be able to read your report or contact you about it "
                          "any more, and this code will stop working.",
    "erase_confirm": "Yes, erase for good",
    "erase_cancel": "No, keep my report",
    "erased_title": "Your report has been erased",
    "erased_text": "Its content, your contact details and your messages are erased, and the services following it "
                   "have been told. Your code no longer works.",
    "back_home": "Back to the home page",
}
