"""Actor type from a legal form or an organization name, when the source does not give it."""

from __future__ import annotations

import re

from carrefour.normalize.text import text_key

# Ordered rules on folded text: the first that matches wins. Legal forms are checked before names
# because "Association Ville en transition" is an association, not a local authority.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), code)
    for pattern, code in (
        (
            r"\b(scic|scop|scoop|cooperative|coop|mutuelle|mutualite|esus|entreprise d insertion|"
            r"entreprise adaptee|entreprise solidaire|sapo|cae)\b",
            "entreprise-ess",
        ),
        (r"^(fondation|fonds de dotation)\b|\bfondation d entreprise\b", "fondation"),
        (
            r"^(commune|ville|mairie|communaute de communes|communaute d agglomeration|communaute urbaine|"
            r"metropole|departement|conseil departemental|conseil general|region|conseil regional|ccas|cias|"
            r"syndicat intercommunal|syndicat mixte|sivom|sivu|petr|pays|pnr|parc naturel regional|"
            r"collectivite|cc|ca|cu)\b",
            "collectivite",
        ),
        (
            r"\b(association|asso|loi 1901|federation|union|ligue|amicale|centre social|centres sociaux|"
            r"regie de quartier|maison de quartier|mjc|maison des jeunes|foyer rural|comite|club)\b|"
            r"^les amis\b",
            "association",
        ),
        (r"\b(collectif|citoyens|habitants|groupe citoyen)\b", "collectif-citoyen"),
        (
            r"\b(universite|ecole|lycee|college|cnrs|inserm|inrae|laboratoire|institut de recherche)\b",
            "enseignement-recherche",
        ),
        (
            r"\b(prefecture|ministere|agence nationale|agence regionale de sante|ars|france travail|"
            r"pole emploi|caf|caisse d allocations familiales|cpam|direction departementale|ddets|"
            r"etablissement public)\b",
            "etat",
        ),
        (r"\b(sarl|sas|sasu|eurl|sa|entreprise|societe|startup|start up)\b", "entreprise"),
    )
)


# "Portée par l'association …", "porté par la commune de …": how a text names its actor.
_CARRIED_BY = re.compile(r"\bport(?:e|ee|es|ees) par (?:l |la |le |les |un |une |des )?(.{3,40})")


def actor_type_from_text(text: str | None) -> str | None:
    """Actor type named by a text ("Porté par l'association …"), from its first such phrase."""
    match = _CARRIED_BY.search(text_key((text or "")[:3000]))
    return actor_type_guess(match.group(1)) if match else None


def actor_type_guess(*texts: str | None) -> str | None:
    """Actor type code from legal forms and names, tried in order ("SCIC", "Commune de …", "Fondation …")."""
    for text in texts:
        key = text_key(text or "")
        if not key:
            continue
        for pattern, code in _RULES:
            if pattern.search(key):
                return code
    return None
