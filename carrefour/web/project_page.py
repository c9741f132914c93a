"""A project's page: territory breadcrumb, sources, schema.org structured data, social meta tags."""

from __future__ import annotations

from typing import Any

from carrefour.accounts.selectors import project_holder_names
from carrefour.projects.models import Project, ProjectSource
from carrefour.projects.selectors import project_queryset
from carrefour.search.labels import project_labels
from carrefour.search.similar import project_similar

SIMILAR_SHOWN = 4


def similar_projects(project: Project) -> list[Project]:
    """Projects most like this one elsewhere in France (another département), most similar first."""
    ids = project_similar(project.pk, limit=SIMILAR_SHOWN)
    found = project_queryset().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def territory_trail(project: Project, labels: dict[str, Any]) -> list[dict[str, str]]:
    """Région › département › commune, each a link to its search (the commune: a words search)."""
    trail = []
    if project.region_code:
        name = str(labels.get("region") or f"Région {project.region_code}")
        trail.append({"label": name, "url": f"/recherche?region={project.region_code}"})
    if project.departement_code:
        name = str(labels.get("departement") or "Département")
        trail.append(
            {
                "label": f"{name} ({project.departement_code})",
                "url": f"/recherche?departement={project.departement_code}",
            }
        )
    if project.commune_name:
        trail.append({"label": project.commune_name, "url": ""})
    return trail


def project_jsonld(project: Project, labels: dict[str, Any], url: str) -> dict[str, Any]:
    """schema.org Project, serialized by the template with HTML-safe escaping."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Project",
        "name": project.title,
        "url": url,
        "description": project.summary or None,
        "keywords": ", ".join(labels.get("themes", [])) or None,
        "dateModified": project.updated_at.isoformat(),
    }
    if project.organization:
        data["founder"] = {"@type": "Organization", "name": project.organization}
    if project.start_year:
        data["foundingDate"] = str(project.start_year)
    if project.commune_name or project.departement_code:
        place: dict[str, Any] = {"@type": "Place", "name": project.commune_name or labels.get("departement")}
        address = {
            "@type": "PostalAddress",
            "addressLocality": project.commune_name or None,
            "postalCode": project.postal_code or None,
            "addressRegion": labels.get("region") or None,
            "addressCountry": "FR",
        }
        place["address"] = {k: v for k, v in address.items() if v}
        if project.latitude is not None and project.longitude is not None:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": project.latitude,
                "longitude": project.longitude,
            }
        data["location"] = place
    return {k: v for k, v in data.items() if v is not None}


def project_page_context(project: Project, absolute_url: str) -> dict[str, Any]:
    """Everything the project template shows."""
    labels = project_labels(project)
    sources: list[ProjectSource] = list(project.sources.all())
    located = project.latitude is not None and project.longitude is not None
    place = ", ".join(filter(None, [project.commune_name, str(labels.get("departement") or "")]))
    return {
        "project": project,
        "labels": labels,
        "sources": sources,
        "trail": territory_trail(project, labels),
        "similar": similar_projects(project),
        "jsonld": project_jsonld(project, labels, absolute_url),
        "meta_description": (project.summary or project.title)[:200],
        "canonical_url": absolute_url,
        "place": place,
        "map_center": [project.latitude, project.longitude] if located else None,
        "holders": project_holder_names(project),
        "show_fictional_notice": project.fictional or any(s.source.fictional for s in sources),
    }
