"""Pages: propose a change, moderation, an author's contributions and notifications."""

from django.urls import path

from carrefour.contributions import (
    views,
    views_claims,
    views_duplicates,
    views_moderation,
    views_new_project,
    views_recent,
)

urlpatterns = [
    path("projets/proposer", views_new_project.project_propose_page, name="project-propose"),
    path("projets/proposer/commune", views_new_project.commune_locate, name="commune-locate"),
    path("projets/<int:pk>/proposer", views.change_propose, name="change-propose"),
    # The URL name is the one the rate limits know (carrefour/web/limits.py).
    path("projets/<int:pk>/correction", views.suggestion_propose, name="project-correction"),
    path("projets/<int:pk>/correction/envoyee", views.suggestion_sent, name="project-correction-sent"),
    path("projets/<int:pk>/doublon", views_duplicates.duplicate_page, name="duplicate-report"),
    path("projets/<int:pk>/distincts", views_duplicates.not_duplicate_page, name="not-duplicate-report"),
    path("projets/<int:pk>/porteur", views_claims.claim_page, name="project-claim"),
    path("compte/porteur", views_claims.claims_page, name="claims"),
    path("compte/porteur/<int:pk>/<str:decision>", views_claims.claim_decide, name="claim-decide"),
    path("moderation", views.moderation_page, name="moderation"),
    path("moderation/decider", views.moderation_decide, name="moderation-decide"),
    path("moderation/<int:pk>/modifier", views_moderation.contribution_edit, name="contribution-edit"),
    path(
        "moderation/conflits/<int:override_id>/<str:choice>",
        views.conflict_resolve,
        name="conflict-resolve",
    ),
    path("contributions", views_recent.contributions_recent, name="contributions-recent"),
    path("compte/contributions", views.my_contributions, name="my-contributions"),
    path("compte/notifications", views.notifications_page, name="notifications"),
]
