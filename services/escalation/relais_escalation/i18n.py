"""The console's words, French first; the page and its script read the same table."""

from __future__ import annotations

FR = {
    "title": "Relais — console de régie", "lang_switch": "English", "lang_other": "en",
    "login_heading": "Connexion opérateur", "token_label": "Jeton d'opérateur (collez-le ici)",
    "login": "Se connecter", "logout": "Se déconnecter", "connected_as": "Connecté·e :",
    "connecting": "Connexion…", "connected": "En ligne", "disconnected": "Hors ligne — reconnexion…",
    "incidents": "Incidents", "none": "Aucun incident en cours.",
    "alarm": "ALERTE : incident non pris en compte", "ack": "Prendre en compte", "details": "Détails",
    "patrol_label": "Patrouille envoyée", "assign": "Affecter", "note_label": "Note", "add_note": "Ajouter",
    "outcome_label": "Issue", "close": "Clore", "status_open": "À prendre en compte",
    "status_acknowledged": "Pris en compte", "status_closed": "Clos", "unresolved": "Juridiction non résolue",
    "deadline": "Échéance", "step": "Échelon", "acknowledged_by": "Pris en compte par",
    "restricted": "Contenu orange : réservé aux opérateurs habilités.", "summary": "Résumé",
    "location": "Indication de lieu", "notes": "Notes", "unstaffed": "Centre sans personne de service :",
    "sound_on": "Son activé", "error": "Erreur",
    "target_centre_dispatchers": "Opérateurs du centre", "target_centre_supervisor": "Superviseur du centre",
    "target_national_supervision": "Supervision nationale",
    "outcome_intervention_carried_out": "Intervention effectuée",
    "outcome_no_intervention_needed": "Pas d'intervention nécessaire",
    "outcome_handled_by_phone": "Traité par téléphone", "outcome_false_alarm": "Fausse alerte",
    "outcome_duplicate": "Doublon", "outcome_transferred": "Transféré",
    "kind_danger_now": "Danger immédiat", "kind_severe_assessment": "Évaluation grave",
    "kind_operator": "Alerte d'un opérateur de tchat", "kind_watchdog": "Tchat sans réponse",
    "kind_welfare_check": "Victime injoignable", "kind_unsafe_answer": "Victime en insécurité",
}

EN = {
    "title": "Relais — dispatch console", "lang_switch": "Français", "lang_other": "fr",
    "login_heading": "Operator sign-in", "token_label": "Operator token (paste it here)",
    "login": "Sign in", "logout": "Sign out", "connected_as": "Signed in:",
    "connecting": "Connecting…", "connected": "Online", "disconnected": "Offline — reconnecting…",
    "incidents": "Incidents", "none": "No incident in progress.",
    "alarm": "ALERT: incident not acknowledged", "ack": "Acknowledge", "details": "Details",
    "patrol_label": "Patrol sent", "assign": "Assign", "note_label": "Note", "add_note": "Add",
    "outcome_label": "Outcome", "close": "Close", "status_open": "To acknowledge",
    "status_acknowledged": "Acknowledged", "status_closed": "Closed", "unresolved": "Jurisdiction unresolved",
    "deadline": "Deadline", "step": "Step", "acknowledged_by": "Acknowledged by",
    "restricted": "Orange content: cleared operators only.", "summary": "Summary",
    "location": "Location hint", "notes": "Notes", "unstaffed": "Centre with nobody on duty:",
    "sound_on": "Sound on", "error": "Error",
    "target_centre_dispatchers": "Centre dispatchers", "target_centre_supervisor": "Centre supervisor",
    "target_national_supervision": "National supervision",
    "outcome_intervention_carried_out": "Intervention carried out",
    "outcome_no_intervention_needed": "No intervention needed",
    "outcome_handled_by_phone": "Handled by phone", "outcome_false_alarm": "False alarm",
    "outcome_duplicate": "Duplicate", "outcome_transferred": "Transferred",
    "kind_danger_now": "Danger now", "kind_severe_assessment": "Severe assessment",
    "kind_operator": "Raised by a chat operator", "kind_watchdog": "Chat left unanswered",
    "kind_welfare_check": "Victim unreachable", "kind_unsafe_answer": "Victim unsafe",
}

OUTCOMES = ("intervention_carried_out", "no_intervention_needed", "handled_by_phone", "false_alarm", "duplicate",
            "transferred")


def strings(lang: str) -> dict[str, str]:
    return EN if lang == "en" else FR
