"""URL configuration: pages, API, accounts (/compte/), admin (CARREFOUR_ADMIN_PATH); API errors as JSON."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path(f"{settings.ADMIN_PATH}/", admin.site.urls),
    path("api/v1/", include("carrefour.api.urls")),
    path("", include("carrefour.history.urls")),
    path("", include("carrefour.contributions.urls")),
    path("", include("carrefour.partners.urls")),
    path("compte/", include("carrefour.accounts.urls")),
    path("", include("carrefour.web.urls")),
]

handler400 = "carrefour.web.errors.bad_request"
handler403 = "carrefour.web.errors.permission_denied"
handler404 = "carrefour.web.errors.page_not_found"
handler500 = "carrefour.web.errors.server_error"
