"""Pages."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from carrefour.web import crawlers, views, views_pages
from carrefour.web.exports import DUMPS_ROUTE

urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", crawlers.robots_txt, name="robots"),
    path("favicon.ico", crawlers.favicon, name="favicon"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": crawlers.SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": crawlers.SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("recherche", views.search, name="search"),
    path("recherche/export.<str:fmt>", views.search_export, name="search-export"),
    path(f"{DUMPS_ROUTE.strip('/')}/<str:name>", views.download, name="download"),
    path("recherche/zone", views.search_area, name="search-area"),
    path("recherche/suggestions", views.autocomplete, name="autocomplete"),
    path("carte/donnees", views.map_data, name="map-data"),
    path("carte/departements.svg", views_pages.departements_svg, name="departements-svg"),
    path("projets/<int:pk>", views_pages.project_short, name="project-short"),
    path("projets/<int:pk>-<str:slug>", views_pages.project_detail, name="project"),
    path("observatoire", views_pages.observatoire, name="observatoire"),
    path("observatoire/<slug:slug>.csv", views_pages.observatoire_csv, name="observatoire-csv"),
    path("a-propos", views_pages.about, {"page": "a-propos"}, name="about"),
    path("donnees-ouvertes", views_pages.about, {"page": "donnees-ouvertes"}, name="open-data"),
    path("documentation-api", views_pages.about, {"page": "documentation-api"}, name="api-doc"),
]
