"""Routes of part "form": a source of a common kind by a form, and the guide to definitions."""

from django.urls import path

from carrefour.partners import views_form

urlpatterns = [
    # Before the edit route: "nouvelle" is no source's slug.
    path(
        "espace-partenaire/sources/nouvelle/formulaire", views_form.source_form_new, name="partner-form-new"
    ),
    path(
        "espace-partenaire/sources/<slug:slug>/formulaire",
        views_form.source_form_edit,
        name="partner-form-edit",
    ),
    path("espace-partenaire/guide-des-sources", views_form.sources_guide, name="partner-guide"),
]
