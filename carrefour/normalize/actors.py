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
            r"syndicat intercommunal|pays|pnr|parc naturel regional|collectivite)\b",
            "collectivite",
        ),
        (r"\b(association|asso|loi 1901|federation|union|ligue|amicale)\b", "association"),
        (r"\b(collectif|citoyens|habitants|groupe citoyen)\b", "collectif-citoyen"),
        (
            r"\b(universite|ecole|lycee|college|cnrs|inserm|inrae|laboratoire|institut de recherche)\b",
            "enseignement-recherche",
        ),
        (
            r"\b(prefecture|ministere|agence nationale|france travail|pole emploi|caf|cpam|"
            r"etablissement public)\b",
            "etat",
        ),
        (r"\b(sarl|sas|sasu|eurl|sa|entreprise|societe|startup|start up)\b", "entreprise"),
    )
)


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
