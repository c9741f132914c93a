"""Pages of the partner space (/espace-partenaire/…) and the public partner pages (/partenaires…)."""

from django.urls import include, path

urlpatterns: list = [
    path("", include("carrefour.partners.urls_dashboard")),
    path("", include("carrefour.partners.urls_mapping")),
    path("", include("carrefour.partners.urls_editor")),
    path("", include("carrefour.partners.urls_form")),
]
