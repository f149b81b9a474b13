"""The console's words, French first; the page and its script read the same table, merged over the console kit's
(who is signed in, sign-out, language switch, session banner)."""

from __future__ import annotations

from relais_shared.bilingual import Bilingual

FR = {
    "title": "Relais — console de régie",
    "connecting": "Connexion…", "connected": "En ligne", "disconnected": "Hors ligne — reconnexion…",
    "incidents": "Incidents", "none": "Aucun incident en cours.",
    "alarm": "ALERTE : incident non pris en compte", "ack": "Prendre en compte", "details": "Détails",
    "patrol_label": "Patrouille envoyée", "assign": "Affecter", "note_label": "Note", "add_note": "Ajouter",
    "outcome_label": "Issue", "close": "Clore", "status_open": "À prendre en compte",
    "status_acknowledged": "Pris en compte", "status_closed": "Clos", "unresolved": "Juridiction non résolue",
    "deadline": "Échéance", "step": "Échelon", "acknowledged_by": "Pris en compte par",
    "restricted": "Contenu orange : réservé aux opérateurs habilités.", "summary": "Résumé",
    "location": "Indication de lieu", "notes": "Notes", "unstaffed": "Centre sans personne de service :",
    "sound_on": "Son activé", "sound_off": "Activer le son des alertes", "error": "Erreur",
    "target_centre_dispatchers": "Opérateurs du centre", "target_centre_supervisor": "Superviseur du centre",
    "target_national_supervision": "Supervision nationale",
    "outcome_intervention_carried_out": "Intervention effectuée",
    "outcome_no_intervention_needed": "Pas d'intervention nécessaire",
    "outcome_handled_by_phone": "Traité par téléphone", "outcome_false_alarm": "Fausse alerte",
    "outcome_duplicate": "Doublon", "outcome_transferred": "Transféré",
    "kind_danger_now": "Danger immédiat", "kind_severe_assessment": "Évaluation grave",
    "kind_operator": "Alerte d'un opérateur de tchat", "kind_watchdog": "Tchat sans réponse",
    "kind_welfare_check": "Victime injoignable", "kind_unsafe_answer": "Victime en insécurité",
    "show_contact": "Voir le contact", "contact_heading": "Joindre la victime",
    "contact_none": "Aucun moyen de contact transmis.", "channel": "Canal", "channel_phone": "Téléphone",
    "channel_trusted_person": "Personne de confiance", "channel_none": "Aucun", "phone": "Téléphone",
    "safe_windows": "Créneaux sûrs pour appeler", "safe_any": "Non précisés", "voicemail": "Messagerie vocale",
    "no_voicemail": "Ne jamais laisser de message", "voicemail_ok": "Message possible",
    "trusted_person": "Personne de confiance", "danger": "Danger", "danger_standard": "standard",
    "danger_high": "élevé", "danger_severe": "grave",
    "erased": "Effacé à la demande de la personne : plus rien d'identifiant n'est conservé.",
    "jurisdiction_heading": "Attribuer la juridiction", "force_label": "Force",
    "force_GN": "Gendarmerie (GN)", "force_PN": "Police (PN)", "department_label": "Département (code)",
    "set_jurisdiction": "Attribuer",
    "burst": "Vague de signalements", "burst_reports": "signalements", "burst_waiting": "à prendre en compte",
    "burst_note": "Au-delà du plafond du département ou national : chaque signalement est conservé, une seule "
                  "alerte pour toute la vague.",
    "burst_ack": "Prendre en compte toute la vague", "burst_members": "Voir les signalements de la vague",
}

EN = {
    "title": "Relais — dispatch console",
    "connecting": "Connecting…", "connected": "Online", "disconnected": "Offline — reconnecting…",
    "incidents": "Incidents", "none": "No incident in progress.",
    "alarm": "ALERT: incident not acknowledged", "ack": "Acknowledge", "details": "Details",
    "patrol_label": "Patrol sent", "assign": "Assign", "note_label": "Note", "add_note": "Add",
    "outcome_label": "Outcome", "close": "Close", "status_open": "To acknowledge",
    "status_acknowledged": "Acknowledged", "status_closed": "Closed", "unresolved": "Jurisdiction unresolved",
    "deadline": "Deadline", "step": "Step", "acknowledged_by": "Acknowledged by",
    "restricted": "Orange content: cleared operators only.", "summary": "Summary",
    "location": "Location hint", "notes": "Notes", "unstaffed": "Centre with nobody on duty:",
    "sound_on": "Sound on", "sound_off": "Turn on the alarm sound", "error": "Error",
    "target_centre_dispatchers": "Centre dispatchers", "target_centre_supervisor": "Centre supervisor",
    "target_national_supervision": "National supervision",
    "outcome_intervention_carried_out": "Intervention carried out",
    "outcome_no_intervention_needed": "No intervention needed",
    "outcome_handled_by_phone": "Handled by phone", "outcome_false_alarm": "False alarm",
    "outcome_duplicate": "Duplicate", "outcome_transferred": "Transferred",
    "kind_danger_now": "Danger now", "kind_severe_assessment": "Severe assessment",
    "kind_operator": "Raised by a chat operator", "kind_watchdog": "Chat left unanswered",
    "kind_welfare_check": "Victim unreachable", "kind_unsafe_answer": "Victim unsafe",
    "show_contact": "Show contact", "contact_heading": "Reaching her",
    "contact_none": "No contact details were given.", "channel": "Channel", "channel_phone": "Phone",
    "channel_trusted_person": "Trusted person", "channel_none": "None", "phone": "Phone",
    "safe_windows": "Safe times to call", "safe_any": "Not given", "voicemail": "Voicemail",
    "no_voicemail": "Never leave a message", "voicemail_ok": "A message may be left",
    "trusted_person": "Trusted person", "danger": "Danger", "danger_standard": "standard",
    "danger_high": "high", "danger_severe": "severe",
    "erased": "Erased at her request: nothing identifying is kept.",
    "jurisdiction_heading": "Set the jurisdiction", "force_label": "Force",
    "force_GN": "Gendarmerie (GN)", "force_PN": "Police (PN)", "department_label": "Department (code)",
    "set_jurisdiction": "Set",
    "burst": "Burst of reports", "burst_reports": "reports", "burst_waiting": "to acknowledge",
    "burst_note": "Past the department's or the national ceiling: every report is kept, one alarm for the whole "
                  "burst.",
    "burst_ack": "Acknowledge the whole burst", "burst_members": "Show the burst's reports",
}

OUTCOMES = ("intervention_carried_out", "no_intervention_needed", "handled_by_phone", "false_alarm", "duplicate",
            "transferred")


def strings(lang: str) -> dict[str, str]:
    return EN if lang == "en" else FR


# Refusals of the API, and its wording for pydantic problems of some fields (keyed by field path).
ALREADY_CLOSED = Bilingual(fr="Cet incident est déjà clos.", en="This incident is already closed.")
HAS_JURISDICTION = Bilingual(fr="Cet incident a déjà une juridiction.", en="This incident already has a jurisdiction.")
ALREADY_ACKNOWLEDGED = Bilingual(fr="Déjà pris en compte par {alias}.", en="Already acknowledged by {alias}.")
JURISDICTION_FIRST = Bilingual(
    fr="Indiquez d'abord la force et le département : la cellule de suivi de ce département la rappellera.",
    en="Set the force and department first: the follow-up cell of that department calls her back.")
CONTACT_NEEDS_CLEARANCE = Bilingual(
    fr="Ses coordonnées sont un contenu orange : seuls les opérateurs habilités peuvent les voir.",
    en="Her contact is orange content: only operators cleared for orange may see it.")
NATIONAL_ONLY = Bilingual(fr="Seule la supervision nationale attribue une juridiction manquante.",
                          en="Only national supervision sets a missing jurisdiction.")
FIELD_MESSAGES = {
    "unit": Bilingual(fr="Nommez la patrouille en 120 caractères au plus.",
                      en="Name the patrol in at most 120 characters."),
    "text": Bilingual(fr="Écrivez une note de 1 à 2000 caractères.", en="Write a note of 1 to 2000 characters."),
    "outcome": Bilingual(fr="Choisissez une issue dans la liste.", en="Choose an outcome from the list."),
    "incident_id": Bilingual(fr="Ce n'est pas un numéro d'incident.", en="This is not an incident number."),
    "burst_id": Bilingual(fr="Ce n'est pas un numéro de vague de signalements.", en="This is not a burst number."),
    "force": Bilingual(fr="Choisissez GN (gendarmerie) ou PN (police).", en="Choose GN (gendarmerie) or PN (police)."),
    "department": Bilingual(fr="Indiquez un code de département comme 35, 2A ou 974.",
                            en="Give a department code such as 35, 2A or 974."),
}
