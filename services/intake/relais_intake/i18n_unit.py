"""The words of the unit's console (/unit), French first; the kit adds its own (header, sign-out, banners).

The outcome codes are the ones /v1/unit/reports/{id}/close documents: they travel on report.closed and are
counted by stats, so the page offers a fixed list rather than free text.
"""

from __future__ import annotations

from relais_intake import i18n

FR = {
    "title": "Relais — signalements de l'unité",
    "heading": "Signalements de l'unité",
    "scope": "{unit} · {force} · {departments}",
    "departments": "département(s) {list}",
    "national": "tous départements",
    "no_unit": "Unité non renseignée",
    "list_title": "Signalements reçus, les plus récents en premier",
    "loading": "Chargement…",
    "empty": "Aucun signalement dans votre périmètre pour l'instant.",
    "list_failed": "La liste n'a pas pu être chargée. Réessayez dans un instant.",
    "more": "Afficher les signalements suivants",
    "col_received": "Reçu le", "col_category": "Catégorie", "col_level": "Niveau", "col_danger": "Danger",
    "col_status": "État", "col_open": "Détail",
    "open": "Ouvrir", "open_label": "Ouvrir le signalement reçu le {at}",
    "back": "Retour à la liste",
    "detail_title": "Signalement reçu le {at}",
    "facts": {"category": "Catégorie", "level": "Niveau", "danger_level": "Danger évalué", "status": "État",
              "mode": "Type", "place": "Compétence"},
    "levels": {"orange": "Orange (habilitation requise)", "blue": "Bleu"},
    "dangers": {"standard": "standard", "high": "élevé", "severe": "grave"},
    "statuses": {"received": "reçu, en attente d'orientation", "routed": "transmis à l'unité",
                 "unroutable": "sans compétence trouvée (équipe nationale)", "closed": "clôturé"},
    "modes": {"report": "Signalement écrit", "chat": "Demande de conversation (pas de récit écrit)"},
    "left_by_exit": "La personne a quitté la page par le bouton de sortie rapide.",
    "restricted": "Signalement orange : son contenu est réservé aux agents habilités. Vous ne voyez que ses "
                  "informations générales et ne pouvez pas le clôturer.",
    "text_label": "Récit", "no_text": "Aucun récit écrit.",
    "location_label": "Précisions sur le lieu", "no_location": "Aucune précision.",
    "contact_label": "Recontact", "no_contact": "La personne n'a pas demandé à être recontactée.",
    "contact_fields": {"channel": "Moyen", "phone": "Téléphone", "safe_windows": "Heures où l'appeler sans danger",
                       "voicemail": "Messagerie", "trusted_person_name": "Personne de confiance",
                       "trusted_person_phone": "Téléphone de la personne de confiance"},
    "channels": {"phone": "par téléphone", "trusted_person": "par une personne de confiance"},
    "no_voicemail": "Ne pas laisser de message", "voicemail_ok": "Message vocal possible",
    "messages_title": "Messages échangés", "no_messages": "Aucun message.",
    "authors": {"reporter": "La personne", "unit": "L'unité"},
    "close_title": "Clôturer le signalement",
    "outcome_label": "Issue", "outcome_choose": "Choisissez l'issue…",
    "outcomes": {"complaint_filed": "Plainte déposée", "oriented": "Orientée vers une association ou un service",
                 "no_follow_up": "Sans suite"},
    "outcome_missing": "Choisissez l'issue avant de clôturer.",
    "close": "Clôturer",
    "closing": "Clôture en cours…",
    "closed_done": "Signalement clôturé. La personne le voit « clôturé » avec son code de suivi.",
    "already_closed": "Ce signalement est clôturé.",
    "open_failed": "Le signalement n'a pas pu être ouvert : {error}",
}

EN = {
    "title": "Relais — unit reports",
    "heading": "The unit's reports",
    "scope": "{unit} · {force} · {departments}",
    "departments": "department(s) {list}",
    "national": "all departments",
    "no_unit": "Unit not set",
    "list_title": "Reports received, newest first",
    "loading": "Loading…",
    "empty": "No report within your scope yet.",
    "list_failed": "The list could not be loaded. Try again in a moment.",
    "more": "Show the next reports",
    "col_received": "Received", "col_category": "Category", "col_level": "Level", "col_danger": "Danger",
    "col_status": "Status", "col_open": "Detail",
    "open": "Open", "open_label": "Open the report received on {at}",
    "back": "Back to the list",
    "detail_title": "Report received on {at}",
    "facts": {"category": "Category", "level": "Level", "danger_level": "Assessed danger", "status": "Status",
              "mode": "Kind", "place": "Jurisdiction"},
    "levels": {"orange": "Orange (clearance needed)", "blue": "Blue"},
    "dangers": {"standard": "standard", "high": "high", "severe": "severe"},
    "statuses": {"received": "received, waiting to be routed", "routed": "passed on to the unit",
                 "unroutable": "no competent unit found (national team)", "closed": "closed"},
    "modes": {"report": "Written report", "chat": "Request to talk (no written account)"},
    "left_by_exit": "The person left the page with the quick exit button.",
    "restricted": "Orange report: its content is for cleared officers only. You see its general information "
                  "only and cannot close it.",
    "text_label": "Account", "no_text": "No written account.",
    "location_label": "About the place", "no_location": "Nothing more.",
    "contact_label": "Contact back", "no_contact": "The person did not ask to be contacted.",
    "contact_fields": {"channel": "How", "phone": "Phone", "safe_windows": "Times when calling is safe",
                       "voicemail": "Voicemail", "trusted_person_name": "Trusted person",
                       "trusted_person_phone": "Trusted person's phone"},
    "channels": {"phone": "by phone", "trusted_person": "through a trusted person"},
    "no_voicemail": "Leave no message", "voicemail_ok": "A voice message is fine",
    "messages_title": "Messages exchanged", "no_messages": "No message.",
    "authors": {"reporter": "The person", "unit": "The unit"},
    "close_title": "Close the report",
    "outcome_label": "Outcome", "outcome_choose": "Choose the outcome…",
    "outcomes": {"complaint_filed": "Complaint filed", "oriented": "Directed to an association or a service",
                 "no_follow_up": "No further action"},
    "outcome_missing": "Choose the outcome before closing.",
    "close": "Close",
    "closing": "Closing…",
    "closed_done": "Report closed. The person sees it \"closed\" with her follow-up code.",
    "already_closed": "This report is closed.",
    "open_failed": "The report could not be opened: {error}",
}

# The categories' names are the public form's: one list, the same words on both sides.
FR["categories"], EN["categories"] = i18n.FR["categories"], i18n.EN["categories"]


def texts(lang: str) -> dict:
    """The console's words in `lang`, French for anything else."""
    return EN if lang == "en" else FR
