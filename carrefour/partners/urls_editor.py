"""Routes of part "editor": new source, definition, versions, preview, validation queue."""

from django.urls import path

from carrefour.partners import views_editor, views_preview

urlpatterns = [
    path("espace-partenaire/sources/nouvelle", views_editor.source_new, name="partner-source-new"),
    # Before the source routes: "nouvelle" is no source's slug.
    path(
        "espace-partenaire/sources/nouvelle/apercu",
        views_preview.new_source_preview_page,
        name="partner-source-new-preview",
    ),
    path(
        "espace-partenaire/sources/<slug:slug>/definition",
        views_editor.source_definition,
        name="partner-source-definition",
    ),
    path(
        "espace-partenaire/sources/<slug:slug>/versions",
        views_editor.source_versions,
        name="partner-source-versions",
    ),
    path(
        "espace-partenaire/sources/<slug:slug>/versions/<int:number>",
        views_editor.source_version,
        name="partner-source-version",
    ),
    path(
        "espace-partenaire/sources/<slug:slug>/apercu",
        views_preview.source_preview_page,
        name="partner-source-preview",
    ),
    path("espace-partenaire/validation", views_editor.validation_queue, name="partner-validation"),
    path(
        "espace-partenaire/validation/<int:pk>",
        views_editor.validation_decide,
        name="partner-validation-decide",
    ),
]
