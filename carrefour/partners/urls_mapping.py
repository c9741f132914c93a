"""Routes of the vocabulary mapping, "Moissonner maintenant" and the job progress page."""

from django.urls import path

from carrefour.partners import views_mapping

urlpatterns = [
    path(
        "espace-partenaire/sources/<slug:slug>/vocabulaire",
        views_mapping.source_vocabulary,
        name="partner-vocabulary",
    ),
    path(
        "espace-partenaire/sources/<slug:slug>/moissonner",
        views_mapping.source_harvest,
        name="partner-harvest-now",
    ),
    path("espace-partenaire/travaux/<int:job_id>", views_mapping.job_detail, name="partner-job"),
]
