"""Routes of the partner home, the source dashboards and the public partner pages."""

from django.urls import path

from carrefour.partners import views_dashboard, views_public

urlpatterns = [
    path("espace-partenaire/", views_dashboard.partner_home, name="partner-home"),
    path("espace-partenaire/sources/<slug:slug>/", views_dashboard.source_dashboard, name="partner-source"),
    path(
        "espace-partenaire/sources/<slug:slug>/conflits/<int:override_id>/<str:choice>",
        views_dashboard.source_conflict_resolve,
        name="partner-conflict-resolve",
    ),
    # The URL name "partners" is the one the site's pages link to (it was the static page's).
    path("partenaires", views_public.partners_page, name="partners"),
    path("partenaires/sources.json", views_public.sources_json, name="partners-json"),
    path("partenaires/<slug:slug>", views_public.partner_page, name="partner-public"),
]
