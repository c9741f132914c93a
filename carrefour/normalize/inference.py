"""Themes and publics inferred from a record's own words when its source gives none.

Deterministic rules on a small French lexicon: the text is folded (case, accents), every word is cut
to a light stem (plural and common derivational endings removed), and each code has a list of stems
and multi-word stems. Hits in the title count three times as much as in the summary or description.
A code is kept when its score reaches MIN_SCORE (publics are seldom named twice: one mention is
enough) and at least half the best score; at most MAX_CODES.
See docs/normalization.md.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from carrefour.normalize.text import text_key

MIN_SCORE = {"themes": 2.0, "publics": 1.0}
TITLE_WEIGHT = 3.0
MAX_CODES = 3
MAX_TEXT = 6000
_SUFFIXES = (
    "issements", "issement", "atrices", "atrice", "ateurs", "ateur", "ations", "ation", "ements", "ement",
    "ments", "ment", "ites", "ite", "iques", "ique", "euses", "euse", "eurs", "eur", "ives", "ive", "ifs",
    "if", "aires", "aire", "elles", "elle", "ismes", "isme", "istes", "iste", "ances", "ance", "ences",
    "ence", "ages", "age", "aux", "ales", "ale", "es", "e", "s", "x",
)  # fmt: skip

THEMES: dict[str, tuple[str, ...]] = {
    "alimentation": ("alimentation", "alimentaire", "nourriture", "épicerie", "agriculture", "agricole",
                     "maraîchage", "maraîcher", "paysan", "circuit court", "amap", "repas", "cuisine",
                     "restaurant", "potager", "produits frais", "gaspillage alimentaire", "ferme"),
    "culture": ("culture", "culturel", "artiste", "artistique", "théâtre", "musique", "patrimoine",
                "lecture", "livre", "bibliothèque", "cinéma", "spectacle", "danse", "exposition", "concert"),
    "education": ("éducation", "éducatif", "école", "scolaire", "pédagogique", "enseignement", "collège",
                  "lycée", "périscolaire", "décrochage", "élève", "apprendre"),
    "emploi": ("emploi", "insertion", "formation", "professionnel", "professionnelle", "recrutement",
               "métier", "qualification", "embauche", "chantier d'insertion", "salarié"),
    "environnement": ("environnement", "environnemental", "biodiversité", "nature", "écologie",
                      "écologique", "jardin", "arbre", "pollution", "forêt", "faune", "flore", "rivière"),
    "energie-climat": ("énergie", "énergétique", "climat", "climatique", "renouvelable", "solaire",
                       "photovoltaïque", "rénovation énergétique", "carbone", "sobriété"),
    "economie-circulaire": ("recyclage", "recyclerie", "ressourcerie", "réemploi", "réparation", "réparer",
                            "seconde main", "circulaire", "repair café", "zéro déchet", "vrac", "déchets"),
    "habitat": ("logement", "habitat", "hébergement", "colocation", "habitat partagé", "loyer",
                "mal logés", "résidence", "logements"),
    "mobilite": ("mobilité", "transport", "vélo", "covoiturage", "garage solidaire", "permis de conduire",
                 "déplacement", "autopartage"),
    "numerique": ("numérique", "informatique", "digital", "internet", "fablab", "ordinateur",
                  "fracture numérique"),
    "sante": ("santé", "soins", "soin", "médical", "bien-être", "prévention", "psychologique", "nutrition",
              "addiction", "hôpital", "médecin"),
    "lien-social": ("lien social", "convivialité", "convivial", "voisinage", "voisins", "isolement",
                    "rencontre", "entraide", "tiers-lieu", "café associatif", "solidarité"),
    "handicap": ("handicap", "handicapé", "accessibilité", "accessible", "autisme", "sourds", "aveugles",
                 "malvoyants"),
    "vieillissement": ("vieillissement", "âgées", "âgés", "seniors", "aînés", "retraités", "ehpad",
                       "autonomie", "perte d'autonomie"),
    "developpement-local": ("développement local", "rural", "ruralité", "territoire", "village",
                            "revitalisation", "commerce", "centre-bourg", "économie locale"),
    "citoyennete": ("citoyen", "citoyenne", "citoyenneté", "participation", "participatif", "démocratie",
                    "engagement", "bénévole", "bénévoles", "concertation", "débat"),
    "egalite": ("égalité", "discrimination", "discriminations", "femmes", "genre", "racisme", "mixité",
                "diversité", "violences"),
    "sport-loisirs": ("sport", "sportif", "sportive", "loisirs", "activité physique", "randonnée",
                      "football", "vacances"),
    "finance-solidaire": ("finance", "financement", "microcrédit", "épargne", "entrepreneur",
                          "entrepreneuriat", "incubateur", "création d'entreprise", "investissement",
                          "prêt", "monnaie locale"),
    "acces-aux-droits": ("droits", "accès aux droits", "pauvreté", "précarité", "exclusion", "démarches",
                         "administratives", "aide juridique", "domiciliation", "sans-abri", "rsa"),
}  # fmt: skip

PUBLICS: dict[str, tuple[str, ...]] = {
    "enfants": ("enfants", "enfant", "écoliers", "petite enfance", "bébés", "crèche", "maternelle"),
    "jeunes": ("jeunes", "jeune", "adolescents", "étudiants", "ados", "lycéens", "mission locale"),
    "familles": ("familles", "famille", "parents", "parentalité"),
    "seniors": ("seniors", "aînés", "personnes âgées", "retraités", "ehpad"),
    "personnes-handicapees": ("handicap", "situation de handicap", "handicapées", "autistes", "sourds"),
    "precarite": ("précarité", "précaires", "pauvreté", "démunis", "sans-abri", "sdf", "exclusion",
                  "bénéficiaires du rsa", "faibles revenus", "modestes"),
    "demandeurs-emploi": ("demandeurs d'emploi", "chômeurs", "chômage", "sans emploi",
                          "recherche d'emploi", "éloignés de l'emploi"),
    "migrants": ("migrants", "réfugiés", "exilés", "demandeurs d'asile", "primo-arrivants", "allophones"),
    "femmes": ("femmes", "mères isolées"),
    "habitants-qpv": ("quartiers prioritaires", "qpv", "quartiers populaires", "politique de la ville"),
    "ruraux": ("rural", "ruraux", "ruralité", "campagne", "villages"),
    "aidants": ("aidants", "aidant"),
    "tout-public": ("tout public", "tous les publics", "ouvert à tous", "tous les habitants",
                    "grand public"),
}  # fmt: skip


@lru_cache(maxsize=1 << 16)
def word_stem(word: str) -> str:
    """Light French stem of a folded word: the longest listed ending is cut, keeping 3 letters."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=8)  # the same title and text are stemmed for themes, then for publics
def _stems(text: str) -> str:
    """The text as a line of stems, padded with spaces so that stems match whole words."""
    return " " + " ".join(word_stem(w) for w in text_key(text[:MAX_TEXT]).split()) + " "


@cache
def _patterns(lexicon_name: str) -> dict[str, re.Pattern[str]]:
    """Code → one regex over stemmed text (each lexicon entry is stemmed the same way)."""
    lexicon = THEMES if lexicon_name == "themes" else PUBLICS
    return {
        code: re.compile("|".join(re.escape(_stems(entry)) for entry in entries))
        for code, entries in lexicon.items()
    }


def codes_infer(field_name: str, title: str, text: str) -> list[str]:
    """Themes or publics ("themes" / "publics") inferred from a title and a plain text, best first."""
    title_stems, text_stems = _stems(title), _stems(text)
    scores: dict[str, float] = {}
    for code, pattern in _patterns(field_name).items():
        # Overlapping matches share their spaces: count on the text with every space doubled.
        score = TITLE_WEIGHT * len(pattern.findall(title_stems.replace(" ", "  ")))
        score += len(pattern.findall(text_stems.replace(" ", "  ")))
        if score:
            scores[code] = score
    if not scores:
        return []
    best = max(scores.values())
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return [code for code, score in ranked if score >= MIN_SCORE[field_name] and score >= best / 2][
        :MAX_CODES
    ]
