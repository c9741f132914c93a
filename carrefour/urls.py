"""URL configuration: pages, API and admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("carrefour.api.urls")),
    path("", include("carrefour.web.urls")),
]
