"""Error responses: JSON under /api/, French DSFR pages elsewhere (handlers, CSRF, 414, 429, lockout)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views import defaults

from carrefour.api.errors import api_error
from carrefour.web.context_processors import carrefour

API_PREFIX = "/api/"
# Longer addresses are refused, in JSON under /api/ (no page builds one). granian hands the app
# request lines far longer than this (measured: 20,000 characters reach it; 100,000 get its own 414).
URL_MAX = 8000
# Status → (page title, message) for people.
MESSAGES = {
    400: ("Requête invalide", "La requête n'a pas pu être comprise."),
    403: ("Accès refusé", "Vous n'avez pas accès à cette page."),
    404: ("Page introuvable", "Aucune ressource à cette adresse."),
    414: ("Adresse trop longue", f"L'adresse demandée dépasse {URL_MAX} caractères : raccourcissez-la."),
    429: (
        "Trop de requêtes",
        "Vous avez envoyé trop de requêtes en peu de temps. Patientez un peu avant de réessayer.",
    ),
    500: ("Erreur inattendue", "Le service rencontre un problème. Réessayez dans quelques instants."),
}
CSRF_MESSAGE = (
    "Le formulaire a expiré ou votre navigateur bloque les cookies : rechargez la page et réessayez."
)


def error_response(request: HttpRequest, status: int, message: str = "", *, code: str = "") -> HttpResponse:
    """The error as JSON for the API, as a French page for the site."""
    title, default = MESSAGES[status]
    if request.path.startswith(API_PREFIX):
        return api_error(status, message or default, code=code)
    context = {"title": title, "status": status, "message": message or default}
    return render(request, "web/error.html", context, status=status)


def too_many_requests(request: HttpRequest, *, retry_after: int, message: str = "") -> HttpResponse:
    """429 with Retry-After (seconds)."""
    response = error_response(request, 429, message)
    response["Retry-After"] = str(retry_after)
    return response


def login_locked(request: HttpRequest, response: HttpResponse | None, credentials: Any) -> HttpResponse:
    """django-axes' answer once an IP has failed to log in too many times."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    message = (
        f"Connexion bloquée après {settings.AXES_FAILURE_LIMIT} échecs depuis votre adresse : "
        f"réessayez dans {seconds // 60} minutes."
    )
    return too_many_requests(request, retry_after=seconds, message=message)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400."""
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403."""
    return error_response(request, 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a post without its form's token."""
    return error_response(request, 403, CSRF_MESSAGE, code="csrf_failed")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: the site keeps its own page (404.html)."""
    if request.path.startswith(API_PREFIX):
        return api_error(404, "Aucune ressource de l'API à cette adresse (voir /documentation-api).")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the site keeps its own page (500.html)."""
    if request.path.startswith(API_PREFIX):
        return api_error(500, MESSAGES[500][1])
    # Unlike the other pages, none of the context processors that may be what failed: only ours (settings).
    context = {"request": request, **carrefour(request)}
    return HttpResponseServerError(loader.get_template("500.html").render(context))
