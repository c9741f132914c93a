"""What search engines and browsers ask of any public site: robots.txt, sitemap.xml, /favicon.ico."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from carrefour.projects.models import Project

# Pages of people (accounts, partner space, moderation) and endless combinations of filters are not
# for search engines; projects are reached through the sitemap.
ROBOTS_DISALLOW = ("/compte/", "/espace-partenaire/", "/moderation", "/recherche", "/api/")
INFORMATION_PAGES = (
    "/",
    "/observatoire",
    "/partenaires",
    "/a-propos",
    "/donnees-ouvertes",
    "/documentation-api",
)


class ProjectSitemap(Sitemap):  # type: ignore[type-arg]
    """Every published project page, with its last update."""

    limit = 10_000  # URLs per sitemap page: a light answer even at 100,000 projects

    def items(self) -> QuerySet[Project]:
        """Published projects, in a stable order for paging."""
        return Project.objects.filter(is_published=True).only("pk", "title", "updated_at").order_by("pk")

    def location(self, item: Project) -> str:
        """The project's canonical page."""
        return f"/projets/{item.pk}-{item.slug}"

    def lastmod(self, item: Project) -> datetime:
        """When the project last changed."""
        return item.updated_at


class PagesSitemap(Sitemap):  # type: ignore[type-arg]
    """The public information pages."""

    def items(self) -> list[str]:
        """Their paths."""
        return list(INFORMATION_PAGES)

    def location(self, item: str) -> str:
        """The path itself."""
        return item


SITEMAPS: dict[str, Any] = {"pages": PagesSitemap, "projets": ProjectSitemap}


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawling rules and where the sitemap is."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """The DSFR favicon, for clients asking the site's root for it."""
    return HttpResponsePermanentRedirect(static("dsfr/dist/favicon/favicon.ico"))
