"""The kit's own words, French first; a console adds its own table on top (`console_page(texts=…)`)."""

from typing import Any

ROLE_NAMES = {
    "fr": {"chat_operator": "agent de tchat", "triage_operator": "agent d'orientation",
           "dispatcher": "opérateur de salle (CORG / CIC)", "followup": "agent de cellule de suivi",
           "supervisor": "superviseur", "auditor": "auditeur", "admin": "administrateur"},
    "en": {"chat_operator": "chat officer", "triage_operator": "triage operator",
           "dispatcher": "dispatcher (CORG / CIC)", "followup": "follow-up cell agent",
           "supervisor": "supervisor", "auditor": "auditor", "admin": "administrator"},
}

KIT: dict[str, dict[str, Any]] = {  # by language: strings, and "pages": kind -> (title, text)
    "fr": {
        "signed_in_as": "Connecté·e : {alias} ({force})", "sign_out": "Se déconnecter",
        "session_lost": "Votre session a pris fin. Reconnectez-vous pour continuer.",
        "sign_in_again": "Se reconnecter", "reconnecting": "Connexion perdue, nouvelle tentative…",
        "provider_away": "Le service d'identité ne répond pas ; votre session reste ouverte quelques minutes.",
        "switch_lang": "English", "role_refused": "Votre compte n'a pas le rôle nécessaire.",
        "sign_in": "Se connecter",
        "pages": {
            "missing_role": ("Accès refusé", "Cette console demande le rôle : {needed}. Votre compte a : {held}. "
                             "Demandez ce rôle à votre référent Relais."),
            "not_configured": ("Connexion indisponible", "Aucun fournisseur d'identité n'est configuré pour ce "
                               "service (RELAIS_OIDC_ISSUER)."),
            "provider_unavailable": ("Connexion momentanément impossible", "Le service d'identité ne répond pas. "
                                     "Réessayez dans un instant."),
            "signin_expired": ("Connexion expirée", "La connexion a pris trop de temps ou a été ouverte ailleurs. "
                               "Recommencez."),
            "signin_refused": ("Connexion refusée", "Le fournisseur d'identité n'a pas accepté la connexion."),
            "no_role": ("Aucun rôle Relais", "Votre compte est reconnu, mais n'a aucun rôle Relais (agent de tchat, "
                        "opérateur de salle, cellule de suivi…). Demandez à votre référent Relais le rôle de la "
                        "console que vous ouvrez."),
            "no_relais_account": ("Compte incomplet", "Votre compte n'a pas les attributs Relais nécessaires "
                                  "({detail}). Demandez-les à votre référent Relais."),
            "signed_out": ("Vous êtes déconnecté·e", "Votre session Relais et celle du fournisseur d'identité sont "
                           "fermées."),
            "onward": ("Connexion réussie", "Ouverture de la console…"),
        },
    },
    "en": {
        "signed_in_as": "Signed in: {alias} ({force})", "sign_out": "Sign out",
        "session_lost": "Your session has ended. Sign in again to continue.", "sign_in_again": "Sign in again",
        "reconnecting": "Connection lost, trying again…",
        "provider_away": "The identity provider is not answering; your session stays open for a few minutes.",
        "switch_lang": "Français", "role_refused": "Your account lacks the role this needs.", "sign_in": "Sign in",
        "pages": {
            "missing_role": ("Access refused", "This console needs the role: {needed}. Your account has: {held}. "
                             "Ask your Relais referent for this role."),
            "not_configured": ("Sign-in unavailable", "No identity provider is configured for this service "
                               "(RELAIS_OIDC_ISSUER)."),
            "provider_unavailable": ("Sign-in impossible for now", "The identity provider is not answering. "
                                     "Try again in a moment."),
            "signin_expired": ("Sign-in expired", "The sign-in took too long or was started elsewhere. Start again."),
            "signin_refused": ("Sign-in refused", "The identity provider did not accept the sign-in."),
            "no_role": ("No Relais role", "Your account is known, but holds no Relais role (chat officer, "
                        "dispatcher, follow-up cell…). Ask your Relais referent for the role of the console you "
                        "are opening."),
            "no_relais_account": ("Account incomplete", "Your account lacks the Relais attributes it needs "
                                  "({detail}). Ask your Relais referent for them."),
            "signed_out": ("You are signed out", "Your Relais session and your identity provider session are "
                           "closed."),
            "onward": ("Signed in", "Opening the console…"),
        },
    },
}

# The audit page every service serves at /audit (audit_page.py, static/audit.js).
AUDIT = {
    "fr": {
        "title": "Journal d'audit", "intro": "Qui a lu ou modifié quoi, quand et pourquoi, sur ce service. "
        "Chaque consultation de ce journal y est elle-même inscrite.",
        "filters": "Filtrer", "actor_sub": "Identifiant de l'opérateur", "object_type": "Type d'objet",
        "object_id": "Identifiant de l'objet", "since": "Depuis", "until": "Jusqu'à", "limit": "Nombre maximal",
        "search": "Afficher", "csv": "Télécharger en CSV (période choisie)", "entries": "Entrées",
        "count": "{n} entrée(s), les plus récentes d'abord", "empty": "Aucune entrée ne correspond.",
        "at": "Date", "operator": "Opérateur", "sub": "Identifiant", "roles": "Rôles", "action": "Action",
        "object": "Objet", "reason": "Motif", "details": "Détails", "loading": "Chargement…",
    },
    "en": {
        "title": "Audit log", "intro": "Who read or changed what, when and why, on this service. Every reading "
        "of this log is itself recorded in it.",
        "filters": "Filter", "actor_sub": "Operator identifier", "object_type": "Object type",
        "object_id": "Object identifier", "since": "From", "until": "Until", "limit": "At most",
        "search": "Show", "csv": "Download as CSV (chosen period)", "entries": "Entries",
        "count": "{n} entry(ies), newest first", "empty": "No entry matches.",
        "at": "Date", "operator": "Operator", "sub": "Identifier", "roles": "Roles", "action": "Action",
        "object": "Object", "reason": "Reason", "details": "Details", "loading": "Loading…",
    },
}
