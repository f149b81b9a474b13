"""Words of the public and supervision pages, French first; category labels of the public table."""

CATEGORIES = {
    "domestic_violence": ("Violences conjugales", "Domestic violence"),
    "intra_family_violence": ("Violences intrafamiliales", "Intra-family violence"),
    "rape": ("Viol", "Rape"),
    "sexual_assault": ("Agression sexuelle", "Sexual assault"),
    "sexual_harassment": ("Harcèlement sexuel", "Sexual harassment"),
    "sexist_harassment": ("Outrage sexiste", "Sexist harassment"),
    "cyber_harassment": ("Cyberharcèlement", "Cyber-harassment"),
    "discrimination": ("Discrimination", "Discrimination"),
    "lgbt_phobic_violence": ("Violences anti-LGBT", "Anti-LGBT violence"),
    "other": ("Autre", "Other"),
}

PUBLIC = {
    "fr": {
        "title": "Statistiques des signalements", "other_lang": "English", "other_href": "/en/statistics",
        "intro": "Nombre de signalements reçus par département et par catégorie, sur des périodes closes. "
                 "Les chiffres d'une période sont publiés {delay} jours après sa fin et ne changent plus ensuite.",
        "privacy": "Pour que personne ne puisse être reconnu, une case de moins de {k} signalements n'est pas "
                   "publiée, et une autre case de la même ligne ou colonne est masquée aussi pour qu'on ne puisse "
                   "pas la retrouver par soustraction ; les cases masquées sont marquées « ▪ ». "
                   "Les totaux additionnent les seules cases "
                   "publiées. Aucun lieu plus fin que le département n'est jamais publié.",
        "period": "Période", "show": "Afficher", "none": "Aucune période n'est encore publiée.",
        "map": "Carte des signalements publiés par département", "department": "Département", "total": "Total",
        "partial": "total partiel (cases masquées)", "no_figure": "aucun chiffre publié", "reports": "signalements",
        "legend": "Légende", "hidden": "masqué", "table": "Tableau par département et catégorie",
        "download": "Télécharger", "overseas": "Outre-mer (encarts, échelles différentes)",
        "attribution": "Fond de carte : @svg-maps (Victor Cazanave), licence CC BY 4.0, simplifié par Relais.",
        "month": "mois", "week": "semaine", "from_to": "du {start} au {end}", "published_on": "publié le",
        "in_danger": "En danger immédiat : appelez le 17 ou le 112, ou envoyez un SMS au 114.",
    },
    "en": {
        "title": "Report statistics", "other_lang": "Français", "other_href": "/statistiques",
        "intro": "Reports received by department and category, over closed periods. A period's figures are "
                 "published {delay} days after it ends and never change afterwards.",
        "privacy": "So that nobody can be singled out, a cell under {k} reports is not published, and another "
                   "cell of the same row or column is hidden too so that it cannot be recovered by subtraction; "
                   "hidden cells are marked “▪”. Totals add up published cells only. "
                   "No place finer than the department is ever "
                   "published.",
        "period": "Period", "show": "Show", "none": "No period has been published yet.",
        "map": "Map of published reports by department", "department": "Department", "total": "Total",
        "partial": "partial total (hidden cells)", "no_figure": "no published figure", "reports": "reports",
        "legend": "Legend", "hidden": "hidden", "table": "Table by department and category",
        "download": "Download", "overseas": "Overseas (insets, different scales)",
        "attribution": "Base map: @svg-maps (Victor Cazanave), CC BY 4.0 licence, simplified by Relais.",
        "month": "month", "week": "week", "from_to": "from {start} to {end}", "published_on": "published on",
        "in_danger": "In immediate danger: call 17 or 112, or text 114.",
    },
}

SUPERVISION = {
    "fr": {
        "title": "Supervision — files et délais", "refresh": "Actualiser", "updated": "Mis à jour à",
        "chat": "Conversations en attente", "waiting": "En attente", "oldest": "Plus ancienne attente",
        "median_wait": "Attente médiane (dernière heure)", "claimed": "Prises en charge (dernière heure)",
        "operators": "Opérateurs en service", "operators_none": "personne en service dans votre périmètre",
        "console": "Console", "count": "En service", "aliases": "Qui", "national": "national",
        "nobody_on_duty": "Personne en service", "console_chat": "conversations (plateforme)",
        "console_triage": "tri national", "console_dispatch": "alertes (centre opérationnel)",
        "console_followup": "rappels (cellule de suivi)",
        "operators_active": "Opérateurs ayant pris une conversation dans la dernière heure",
        "incidents": "Incidents en attente d'acquittement", "step": "Échelon", "median_ack": "Acquittement médian "
        "(dernière heure)", "callbacks": "Rappels en retard", "overdue": "En retard", "open": "Ouverts",
        "force": "Force", "department": "Département", "nothing": "Rien en attente.", "unresolved": "non attribué",
        "scope": "Périmètre",
    },
    "en": {
        "title": "Supervision — queues and waits", "refresh": "Refresh", "updated": "Updated at",
        "chat": "Conversations waiting", "waiting": "Waiting", "oldest": "Longest wait",
        "median_wait": "Median wait (last hour)", "claimed": "Taken (last hour)",
        "operators": "Operators on duty", "operators_none": "nobody on duty in your scope",
        "console": "Console", "count": "On duty", "aliases": "Who", "national": "national",
        "nobody_on_duty": "Nobody on duty", "console_chat": "conversations (platform)",
        "console_triage": "national triage", "console_dispatch": "alerts (operational centre)",
        "console_followup": "call-backs (follow-up cell)",
        "operators_active": "Operators who took a conversation in the last hour",
        "incidents": "Incidents waiting for acknowledgement", "step": "Step", "median_ack": "Median acknowledgement "
        "(last hour)", "callbacks": "Overdue call-backs", "overdue": "Overdue", "open": "Open",
        "force": "Force", "department": "Department", "nothing": "Nothing waiting.", "unresolved": "unassigned",
        "scope": "Scope",
    },
}


def category_label(code: str, lang: str) -> str:
    fr, en = CATEGORIES.get(code, CATEGORIES["other"])
    return fr if lang == "fr" else en
