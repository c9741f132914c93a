"""Open data JSON API, version 1."""

from django.urls import path

from carrefour.api import views

app_name = "api"
urlpatterns = [
    path("projects", views.project_list, name="project-list"),
    path("projects/<int:pk>", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/similar", views.project_similar_list, name="project-similar"),
    path("suggest", views.suggest, name="suggest"),
]
