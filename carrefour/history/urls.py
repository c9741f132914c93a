"""Pages: a project's history, reverting one of its changes."""

from django.urls import path

from carrefour.history import views

urlpatterns = [
    path("projets/<int:pk>-<str:slug>/historique", views.project_history_page, name="project-history"),
    path("projets/<int:pk>/historique/<int:change_id>/annuler", views.change_revert, name="change-revert"),
]
