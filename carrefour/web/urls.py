"""Pages."""

from django.urls import path

from carrefour.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("recherche", views.search, name="search"),
    path("projets/<int:pk>", views.project_short, name="project-short"),
    path("projets/<int:pk>-<str:slug>", views.project_detail, name="project"),
]
