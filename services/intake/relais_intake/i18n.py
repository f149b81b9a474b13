"""The words of the public reporting page, in French (the default) and English."""

from __future__ import annotations

from relais_intake import i18n_pages
from relais_shared.bilingual import Bilingual

LANGS = ("fr", "en")

FR = {
    "title": "Signaler des violences sexuelles et sexistes",
    "error_title": "Erreur",
    "exit": "Quitter le site",
    "exit_hint": "Le bouton « Quitter le site », ou trois appuis sur la touche Maj, ferme aussitôt cette page.",
    "skip": "Aller au formulaire",
    "switch_lang": "English",
    "switch_lang_code": "en",
    "site": "Relais",
    "emergency_line": "En danger immédiat : appelez le 17 ou le 112, ou envoyez un SMS au 114.",
    "intro": "Anonyme, gratuit, 24 h/24. Vos réponses restent sur cette page jusqu'à l'envoi : rien n'est gardé "
             "sur votre appareil. Seules les questions marquées « obligatoire » doivent être remplies.",
    "required": "obligatoire",
    "optional": "facultatif",
    "role": "Vous êtes",
    "roles": {"victim": "Victime", "witness": "Témoin"},
    "category": "Ce qui s'est passé",
    "category_choose": "Choisissez…",
    "categories": {
        "domestic_violence": "Violences conjugales (partenaire ou ex-partenaire)",
        "intra_family_violence": "Violences intrafamiliales (autre membre de la famille)",
        "rape": "Viol",
        "sexual_assault": "Agression sexuelle",
        "sexual_harassment": "Harcèlement sexuel",
        "sexist_harassment": "Outrage sexiste, harcèlement de rue",
        "cyber_harassment": "Cyberharcèlement, diffusion d'images intimes",
        "discrimination": "Discrimination liée au sexe",
        "lgbt_phobic_violence": "Violences homophobes ou transphobes",
        "other": "Autre",
    },
    "occurred": "Quand",
    "occurred_options": {
        "ongoing": "En ce moment, ou c'est répété", "today": "Aujourd'hui", "this_week": "Cette semaine",
        "this_month": "Ce mois-ci", "older": "Il y a plus longtemps",
    },
    "occurred_on": "Date, si vous la connaissez",
    "postal_code": "Code postal du lieu des faits",
    "postal_code_hint": "5 chiffres, par exemple 35000. Il sert à prévenir le bon commissariat ou la bonne brigade.",
    "insee": "Commune",
    "insee_hint": "Ce code postal couvre plusieurs communes : choisissez la vôtre.",
    "insee_choose": "Choisissez votre commune…",
    "location_hint": "Précision sur le lieu",
    "location_hint_hint": "Par exemple : quartier, gare, lycée. N'indiquez pas votre adresse si ce n'est pas sûr.",
    "text": "Racontez ce qui s'est passé",
    "text_hint": "Avec vos mots, 5 000 caractères au plus.",
    "danger_now": "Êtes-vous en danger en ce moment ?",
    "yes": "Oui",
    "no": "Non",
    "dont_know": "Je ne sais pas",
    "urgent_title": "Appelez les secours maintenant si vous le pouvez",
    "urgent_numbers": [
        ("tel:17", "17", "Police secours"),
        ("tel:112", "112", "Numéro d'urgence européen, depuis tout téléphone"),
        ("sms:114", "114", "Par SMS, si vous ne pouvez pas parler"),
        ("tel:3919", "3919", "Violences Femmes Info : écoute gratuite et anonyme, 24 h/24"),
    ],
    "urgent_keep_going": "Vous pouvez aussi continuer ce signalement : il sera traité en priorité.",
    "danger_questions": "Questions sur votre sécurité",
    "danger_questions_hint": "Facultatif. Vos réponses aident à évaluer l'urgence.",
    "contact": "Souhaitez-vous que l'on vous recontacte ?",
    "channels": {"none": "Non, ne pas me contacter", "phone": "Oui, par téléphone",
                 "trusted_person": "Oui, par une personne de confiance"},
    "phone": "Numéro de téléphone",
    "phone_hint": "Par exemple 06 12 34 56 78.",
    "safe_windows": "Heures où l'on peut vous appeler sans danger",
    "safe_windows_hint": "Facultatif. Laissez vide si n'importe quelle heure convient.",
    "window_from": "de", "window_to": "à", "window": "Plage",
    "no_voicemail": "Ne pas laisser de message sur la messagerie",
    "trusted_person_name": "Prénom de la personne de confiance",
    "trusted_person_phone": "Numéro de la personne de confiance",
    "submit": "Envoyer le signalement",
    "sending": "Envoi en cours…",
    "error_summary": "Il y a un problème",
    "colon": " : ",
    "unavailable": "L'envoi est impossible pour le moment. Réessayez dans un instant. "
                   "En danger, appelez le 17 ou le 112.",
    "too_many": "Trop d'envois depuis cette connexion. Réessayez plus tard. En danger, appelez le 17 ou le 112.",
    "receipt_title": "Votre signalement est bien envoyé",
    "receipt_intro": "Voici votre code de suivi. Notez-le dans un endroit sûr : il ne sera plus affiché et "
                     "c'est le seul moyen de revenir sur votre signalement.",
    "receipt_label": "Code de suivi",
    "noted": "J'ai noté mon code",
    "orientation_title": "Où trouver de l'aide",
    "emergency_raised": "Votre signalement est traité en urgence par les forces de l'ordre.",
    "national": "Numéros nationaux",
    "local": "Près de chez vous",
    "footer": "Relais ne dépose aucun cookie et ne garde rien sur votre appareil.",
    **i18n_pages.FR,
}

EN = {
    **FR,
    "title": "Report sexual and gender-based violence",
    "error_title": "Error",
    "exit": "Leave this site",
    "exit_hint": "The “Leave this site” button, or pressing the Shift key three times, closes this page at once.",
    "skip": "Skip to the form",
    "switch_lang": "Français",
    "switch_lang_code": "fr",
    "emergency_line": "In immediate danger: call 17 or 112, or text 114.",
    "intro": "Anonymous, free, 24/7. Your answers stay on this page until you send them: nothing is kept on your "
             "device. Only the questions marked “required” must be answered.",
    "required": "required",
    "optional": "optional",
    "role": "You are",
    "roles": {"victim": "The victim", "witness": "A witness"},
    "category": "What happened",
    "category_choose": "Choose…",
    "categories": {
        "domestic_violence": "Domestic violence (partner or ex-partner)",
        "intra_family_violence": "Violence within the family (another family member)",
        "rape": "Rape",
        "sexual_assault": "Sexual assault",
        "sexual_harassment": "Sexual harassment",
        "sexist_harassment": "Sexist abuse, street harassment",
        "cyber_harassment": "Online harassment, sharing of intimate images",
        "discrimination": "Sex-based discrimination",
        "lgbt_phobic_violence": "Homophobic or transphobic violence",
        "other": "Other",
    },
    "occurred": "When",
    "occurred_options": {
        "ongoing": "Right now, or it keeps happening", "today": "Today", "this_week": "This week",
        "this_month": "This month", "older": "Longer ago",
    },
    "occurred_on": "Date, if you know it",
    "postal_code": "Postal code where it happened",
    "postal_code_hint": "5 digits, for example 35000. It tells us which police or gendarmerie unit to alert.",
    "insee": "Commune",
    "insee_hint": "This postal code covers several communes: choose yours.",
    "insee_choose": "Choose your commune…",
    "location_hint": "More about the place",
    "location_hint_hint": "For example: neighbourhood, station, school. Do not give your address if it is not safe.",
    "text": "Tell us what happened",
    "text_hint": "In your own words, at most 5,000 characters.",
    "danger_now": "Are you in danger right now?",
    "yes": "Yes",
    "no": "No",
    "dont_know": "I don't know",
    "urgent_title": "Call for help now if you can",
    "urgent_numbers": [
        ("tel:17", "17", "Police emergency"),
        ("tel:112", "112", "European emergency number, from any phone"),
        ("sms:114", "114", "By text message, if you cannot speak"),
        ("tel:3919", "3919", "Violences Femmes Info: free, anonymous listening, 24/7"),
    ],
    "urgent_keep_going": "You can also go on with this report: it will be handled first.",
    "danger_questions": "Questions about your safety",
    "danger_questions_hint": "Optional. Your answers help us judge how urgent it is.",
    "contact": "Would you like to be contacted?",
    "channels": {"none": "No, do not contact me", "phone": "Yes, by phone",
                 "trusted_person": "Yes, through a person I trust"},
    "phone": "Phone number",
    "phone_hint": "For example 06 12 34 56 78.",
    "safe_windows": "Times when it is safe to call you",
    "safe_windows_hint": "Optional. Leave empty if any time is fine.",
    "window_from": "from", "window_to": "to", "window": "Time slot",
    "no_voicemail": "Do not leave a voicemail message",
    "trusted_person_name": "First name of the person you trust",
    "trusted_person_phone": "Phone number of the person you trust",
    "submit": "Send the report",
    "sending": "Sending…",
    "error_summary": "There is a problem",
    "colon": ": ",
    "unavailable": "Sending is not possible right now. Try again in a moment. In danger, call 17 or 112.",
    "too_many": "Too many reports from this connection. Try again later. In danger, call 17 or 112.",
    "receipt_title": "Your report has been sent",
    "receipt_intro": "Here is your follow-up code. Write it down somewhere safe: it will not be shown again and "
                     "it is the only way back to your report.",
    "receipt_label": "Follow-up code",
    "noted": "I have noted my code",
    "orientation_title": "Where to find help",
    "emergency_raised": "Your report is being handled as an emergency by the police or gendarmerie.",
    "national": "National numbers",
    "local": "Near you",
    "footer": "Relais sets no cookie and keeps nothing on your device.",
    **i18n_pages.EN,
}

# What the script needs in the person's language; `{n}` and `{max}` are filled in by the script.
SCRIPT = {
    "fr": {"counter": "{n} / {max} caractères", "lookup_failed": "Recherche des communes indisponible : vous "
           "pouvez continuer sans choisir de commune.", "sending": FR["sending"], "submit": FR["submit"],
           "unavailable": FR["unavailable"], "too_many": FR["too_many"],
           "too_large": "Votre texte est trop long pour être envoyé. Raccourcissez-le.", "colon": FR["colon"]},
    "en": {"counter": "{n} / {max} characters", "lookup_failed": "Commune lookup unavailable: you can go on "
           "without choosing a commune.", "sending": EN["sending"], "submit": EN["submit"],
           "unavailable": EN["unavailable"], "too_many": EN["too_many"],
           "too_large": "Your text is too long to be sent. Please shorten it.", "colon": EN["colon"]},
}

POSTAL_CODE = Bilingual(fr="Un code postal comporte exactement 5 chiffres, par exemple 35000.",
                        en="A postal code has exactly 5 digits, for example 35000.")
PHONE = Bilingual(fr="Indiquez un numéro de téléphone en chiffres, par exemple 06 12 34 56 78.",
                  en="Give a phone number with digits only, for example 06 12 34 56 78.")
# The API's wording for pydantic problems of some fields, keyed by field path.
FIELD_MESSAGES = {
    "postal_code": POSTAL_CODE,
    "receipt": Bilingual(fr="Votre code comporte exactement 16 chiffres.", en="Your code has exactly 16 digits."),
    "contact.phone": PHONE,
}
# The form's wording for them: the pages can say more, next to the field.
FORM_MESSAGES = {
    "role": Bilingual(fr="Indiquez si vous êtes victime ou témoin.", en="Say whether you are the victim or a witness."),
    "category": Bilingual(fr="Choisissez ce qui s'est passé.", en="Choose what happened."),
    "occurred": Bilingual(fr="Indiquez quand cela s'est passé.", en="Say when it happened."),
    "postal_code": POSTAL_CODE,
    "contact.phone": PHONE,
    "contact.trusted_person_phone": PHONE,
}
WINDOW_MESSAGE = Bilingual(fr="Indiquez les deux heures de chaque plage, par exemple 09:00 et 11:30.",
                           en="Give both times of each slot, for example 09:00 and 11:30.")


def texts(lang: str) -> dict:
    """The page's words in `lang`, French for anything else."""
    return EN if lang == "en" else FR
