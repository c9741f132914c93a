"""Pages of the partner space (/espace-partenaire/…) and the public partner pages (/partenaires…)."""

from django.urls import path  # noqa: F401  (each part of the partner space adds its routes here)

urlpatterns: list = []
