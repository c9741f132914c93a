"""Rate limits per client IP on the views a script could hammer, counted in the database cache."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import get_usage

from carrefour.web.errors import URL_MAX, error_response, too_many_requests

logger = logging.getLogger(__name__)

# URL name (namespace:name for the admin) → (group of RATE_LIMITS, methods counted).
LIMITED: dict[str, tuple[str, tuple[str, ...]]] = {
    **{
        name: ("search", ("GET", "HEAD"))
        for name in (
            "search",
            "search-export",
            "search-area",
            "autocomplete",
            "map-data",
            "observatoire",
            "observatoire-csv",
            "commune-locate",
            # Public partner pages: anonymous, and each computes the facts of every source on a miss.
            "partners",
            "partner-public",
            "partners-json",
        )
    },
    "project-correction": ("form", ("POST",)),
    # Every step of the proposal form (preview, correction, sending): a ceiling per account.
    "change-propose": ("contribution", ("POST",)),
    "project-propose": ("contribution", ("POST",)),
    # Reports and claims are proposals too: the same ceiling per account.
    "duplicate-report": ("contribution", ("POST",)),
    "not-duplicate-report": ("contribution", ("POST",)),
    "project-claim": ("contribution", ("POST",)),
    # A harvest asked from the partner space costs the partner's site requests: a ceiling per account.
    "partner-harvest-now": ("harvest_now", ("POST",)),
    # Each mapping saved is a version and a re-application of the whole source: a ceiling per account.
    "partner-vocabulary": ("mapping", ("POST",)),
    # Each new source or saved definition is a version, with a DNS check of its hosts: a ceiling per account.
    "partner-source-new": ("partner_source_new", ("POST",)),
    "partner-source-definition": ("partner_definition", ("POST",)),
    "partner-form-new": ("partner_source_new", ("POST",)),
    "partner-form-edit": ("partner_definition", ("POST",)),
    "partner-source-version": ("partner_definition", ("POST",)),
    # Each preview crawls a site from the shared worker, unreviewed: a ceiling per account.
    "partner-source-preview": ("partner_preview", ("POST",)),
    "admin:login": ("login", ("POST",)),
    # Account forms (carrefour.accounts): counted for every process, on top of allauth's own limits.
    "account_login": ("login", ("POST",)),
    "account_confirm_login_code": ("login", ("POST",)),
    "account-delete": ("login", ("POST",)),
    "account_signup": ("form", ("POST",)),
    "account_reset_password": ("form", ("POST",)),
    "account_request_login_code": ("form", ("POST",)),
}

# Forms with several buttons: a POST carrying the button (a preview) counts in the button's group instead,
# only on the routes whose view honours the button (the revert route writes a version on any POST).
BUTTON_GROUPS = {"previsualiser": "partner_preview"}
BUTTON_ROUTES = {"partner-source-new", "partner-source-definition", "partner-form-new", "partner-form-edit"}
PARTNER_GROUPS = {"partner_source_new", "partner_definition", "partner_preview"}

# Groups counted per account (per IP for visitors) rather than per IP: django-ratelimit's keys.
PER_ACCOUNT = {"contribution", "harvest_now", "mapping", *PARTNER_GROUPS}
# What a client over the limit of a group is told, beyond the generic page.
MESSAGES = {
    "contribution": "Vous avez atteint le plafond de propositions par heure de votre compte ({rate}) : "
    "rien n'a été enregistré. Revenez en arrière pour garder votre texte et réessayez plus tard.",
    "harvest_now": "Vous avez atteint le plafond de moissons demandées par heure de votre compte ({rate}) : "
    "aucune moisson n'a été ajoutée. Les moissons prévues par le calendrier de la source continuent.",
    "mapping": "Vous avez atteint le plafond d'enregistrements de correspondances par heure de votre compte "
    "({rate}) : rien n'a été enregistré. Revenez en arrière pour garder vos choix et réessayez plus tard.",
    "partner_source_new": "Vous avez atteint le plafond de créations de source de votre compte ({rate}) : "
    "rien n'a été enregistré. Revenez en arrière pour garder votre texte et réessayez plus tard.",
    "partner_definition": "Vous avez atteint le plafond d'enregistrements de définition de votre compte "
    "({rate}) : rien n'a été enregistré. Revenez en arrière pour garder votre texte et réessayez plus tard.",
    "partner_preview": "Vous avez atteint le plafond d'aperçus de votre compte ({rate}) : aucun aperçu n'a "
    "été lancé. Revenez en arrière pour garder votre texte et réessayez plus tard.",
}


def client_ip(request: HttpRequest) -> str:
    """The client's IP: from the configured proxy header when it holds one, else the connection's."""
    header = settings.CLIENT_IP_HEADER
    if header:
        # A proxy appends the address it saw: the last one of the list is the one it vouches for.
        value = request.headers.get(header, "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            pass
    return str(request.META.get("REMOTE_ADDR") or "0.0.0.0")  # noqa: S104 - a key, never bound


def limit_group(request: HttpRequest) -> str | None:
    """The group of limits a request counts in, None when it is not limited."""
    match = request.resolver_match
    if match is None:
        return None
    if match.namespace == "api":
        return "api"
    name = f"{match.namespace}:{match.url_name}" if match.namespace else str(match.url_name)
    group, methods = LIMITED.get(name, ("", ()))
    if request.method not in methods:
        return None
    if name in BUTTON_ROUTES and request.method == "POST":
        pressed = [button for button in BUTTON_GROUPS if button in request.POST]
        return BUTTON_GROUPS[pressed[0]] if pressed else group
    return group


class RateLimitMiddleware:
    """Answer 429 with Retry-After once a client IP has used up its group's rate (settings.RATE_LIMITS)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        """Keep the next handler."""
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Nothing to do on the way in: the view is known only in process_view."""
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        """Count the request; refuse it beyond the rate."""
        group = limit_group(request)
        rate = settings.RATE_LIMITS.get(group or "", "")
        if not group or not rate:
            return None
        key = "user_or_ip" if group in PER_ACCOUNT else "ip"
        usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
        if usage is None or not usage["should_limit"]:
            return None
        if usage["count"] == usage["limit"] + 1:  # once per window and client: a flood is one line
            logger.warning("rate limit %s (%s) reached by %s", group, rate, client_ip(request))
        message = MESSAGES.get(group, "").format(rate=rate)
        return too_many_requests(request, retry_after=max(1, int(usage["time_left"])), message=message)


class UrlLengthMiddleware:
    """Answer 414 to an address longer than URL_MAX, before any work on it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        """Keep the next handler."""
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Refuse or pass on."""
        if len(request.get_full_path()) > URL_MAX:
            return error_response(request, 414)
        return self.get_response(request)
