"""Projects built through the ORM for search, API and page tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from carrefour.dedup.models import Cluster
from carrefour.harvest.models import RawRecord
from carrefour.projects.models import Project, ProjectSource
from carrefour.sources.models import Source

BASE_TIME = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def project_create(title: str, *, minutes: int = 0, **fields: Any) -> Project:
    """A published project (its own cluster), updated `minutes` after BASE_TIME."""
    fields.setdefault("updated_at", BASE_TIME + timedelta(minutes=minutes))
    return Project.objects.create(cluster=Cluster.objects.create(), title=title, **fields)


def source_create(slug: str, *, fictional: bool = False) -> Source:
    """A partner source."""
    return Source.objects.create(
        slug=slug, name=f"Plateforme {slug}", kind="html", licence="Licence Ouverte 2.0", fictional=fictional
    )


def source_attach(project: Project, source: Source, record_id: str) -> ProjectSource:
    """Publish a project on a source (with the raw record behind it)."""
    raw = RawRecord.objects.create(
        source=source,
        source_record_id=record_id,
        url=f"https://{source.slug}.example/fiches/{record_id}",
        payload={"title": project.title},
        content_hash=record_id,
        fetched_at=BASE_TIME,
        first_seen_at=BASE_TIME,
        last_seen_at=BASE_TIME + timedelta(days=3),
    )
    return ProjectSource.objects.create(
        project=project,
        raw=raw,
        source=source,
        source_record_id=record_id,
        url=raw.url,
        title=project.title,
        first_seen_at=raw.first_seen_at,
        last_seen_at=raw.last_seen_at,
    )


def corpus_create() -> dict[str, Project]:
    """A small corpus: épiceries, jardins, a hostile description, an unpublished project."""
    alpha = source_create("alpha")
    simu = source_create("simu", fictional=True)
    projects = {
        "epicerie": project_create(
            "Épicerie solidaire du quartier",
            minutes=1,
            summary="Une épicerie où chacun paie selon ses moyens.",
            description="<p>Produits frais et <strong>lien social</strong>.</p>",
            themes=["alimentation", "lien-social"],
            publics=["precarite"],
            actor_type="association",
            scale="quartier",
            status="en-cours",
            start_year=2019,
            commune_code="93048",
            commune_name="Montreuil",
            departement_code="93",
            region_code="11",
            latitude=48.8611,
            longitude=2.4437,
        ),
        "epicerie_lyon": project_create(
            "Réseau des épiceries itinérantes",
            minutes=2,
            summary="Un camion qui dessert les villages.",
            themes=["alimentation", "developpement-local"],
            actor_type="entreprise-ess",
            status="en-cours",
            start_year=2021,
            commune_name="Lyon",
            commune_code="69123",
            epci_code="200046977",
            departement_code="69",
            region_code="84",
            latitude=45.76,
            longitude=4.835,
            fictional=True,
        ),
        "jardin": project_create(
            "Jardin partagé des Lilas",
            minutes=3,
            summary="Des parcelles cultivées ensemble ; on y parle d'épicerie parfois.",
            themes=["environnement", "lien-social"],
            actor_type="collectif-citoyen",
            departement_code="93",
            region_code="11",
            latitude=48.88,
            longitude=2.42,
        ),
        "hostile": project_create(
            "Atelier vélo <b>solidaire</b>",
            minutes=4,
            summary="Réparer son vélo <script>alert(1)</script>",
            description='<p>Ok</p><script>alert(1)</script><img src=x onerror="alert(1)">',
            themes=["mobilite"],
            actor_type="association",
            departement_code="69",
            region_code="84",
            latitude=45.75,
            longitude=4.85,
        ),
        "hidden": project_create("Épicerie cachée", minutes=5, is_published=False, themes=["alimentation"]),
    }
    source_attach(projects["epicerie"], alpha, "e-1")
    source_attach(projects["epicerie_lyon"], simu, "s-1")
    source_attach(projects["jardin"], alpha, "j-1")
    source_attach(projects["hostile"], alpha, "h-1")
    return projects
