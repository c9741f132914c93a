"""Clustering through the pipeline: cross-source matches, networks, stable ids, admin decisions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from carrefour.dedup.models import Cluster, ClusterMember
from carrefour.dedup.services import cluster_join, cluster_split
from carrefour.orchestration.pipeline import pipeline_clusters_refresh, pipeline_process
from carrefour.projects.models import Project
from carrefour.projects.selectors import project_network
from tests.dedup.conftest import TEXT, RawFactory
from tests.worker import tasks_run

pytestmark = pytest.mark.django_db


def _project_of(raw_id: int) -> Project:
    return Project.objects.get(sources__raw_id=raw_id)


def test_one_project_published_on_two_platforms_is_one_project(raw: RawFactory) -> None:
    a = raw("alpha", "1", title="Jardin des Lilas", location_text="93100 Montreuil", organization="Les Lilas")
    b = raw("beta", "x", title="LE JARDIN DES LILAS – Montreuil", commune="Montreuil", departement="93")
    pipeline_process([a.pk, b.pk], update_index=False)
    project = _project_of(a.pk)
    assert project == _project_of(b.pk)
    assert project.sources.count() == 2 and project.provenance["title"]["source"] in ("alpha", "beta")


def test_network_sites_in_two_communes_stay_two_projects(raw: RawFactory) -> None:
    a = raw("alpha", "1", title="Jardin des Lilas", location_text="93100 Montreuil")
    b = raw("beta", "2", title="Jardin des Lilas", location_text="Lyon (69)")
    pipeline_process([a.pk, b.pk], update_index=False)
    assert _project_of(a.pk) != _project_of(b.pk)
    assert list(project_network(_project_of(a.pk))) == [_project_of(b.pk)]


def test_project_keeps_its_id_when_its_cluster_gains_and_loses_members(raw: RawFactory) -> None:
    a = raw("alpha", "1", title="Jardin des Lilas", location_text="93100 Montreuil")
    pipeline_process([a.pk], update_index=False)
    project_id = _project_of(a.pk).pk
    b = raw("beta", "x", title="Le jardin des Lilas", location_text="Montreuil (93)")
    pipeline_process([b.pk], update_index=False)
    assert _project_of(b.pk).pk == project_id
    raw("beta", "x", title="", location_text="Montreuil (93)")  # b loses its title: dropped
    pipeline_process([b.pk], update_index=False)
    assert _project_of(a.pk).pk == project_id
    assert not ClusterMember.objects.filter(record__raw=b).exists()


def test_admin_split_survives_later_processing(raw: RawFactory) -> None:
    a = raw("alpha", "1", title="Jardin des Lilas", location_text="93100 Montreuil")
    b = raw("beta", "x", title="Jardin des Lilas", location_text="Montreuil (93)")
    pipeline_process([a.pk, b.pk], update_index=False)
    cluster = Cluster.objects.get(members__record__raw=a)
    new = cluster_split(cluster, [b.record.pk])
    pipeline_clusters_refresh([cluster.pk, new.pk])
    assert _project_of(a.pk) != _project_of(b.pk)
    raw("beta", "x", title="Jardin des Lilas", location_text="Montreuil (93)", description=TEXT + " Nouveau.")
    pipeline_process([a.pk, b.pk], force=True, update_index=False)
    assert _project_of(a.pk) != _project_of(b.pk)
    assert Project.objects.get(cluster=cluster).is_published


def test_joining_two_clusters_undoes_an_earlier_split_and_survives_later_processing(raw: RawFactory) -> None:
    a = raw("alpha", "1", title="Jardin des Lilas", location_text="93100 Montreuil")
    b = raw("beta", "x", title="Jardin des Lilas", location_text="Montreuil (93)")
    pipeline_process([a.pk, b.pk], update_index=False)
    cluster = Cluster.objects.get(members__record__raw=a)
    new = cluster_split(cluster, [b.record.pk])
    pipeline_clusters_refresh([cluster.pk, new.pk])
    cluster_join(cluster, new)
    pipeline_clusters_refresh([cluster.pk, new.pk])
    assert _project_of(a.pk) == _project_of(b.pk) == Project.objects.get(cluster=cluster)
    assert not Project.objects.get(cluster=new).is_published
    raw("beta", "x", title="Jardin des Lilas", location_text="Montreuil (93)", description=TEXT + " Nouveau.")
    pipeline_process([a.pk, b.pk], force=True, update_index=False)
    assert _project_of(a.pk) == _project_of(b.pk)
    with pytest.raises(ValueError, match="avec lui-même"):
        cluster_join(cluster, cluster)


def test_splitting_in_the_admin_makes_two_projects_in_the_worker(
    raw: RawFactory, admin_client: Client
) -> None:
    a = raw("alpha", "1", title="Jardin des Lilas", location_text="93100 Montreuil")
    b = raw("beta", "x", title="Jardin des Lilas", location_text="Montreuil (93)")
    pipeline_process([a.pk, b.pk], update_index=False)
    assert _project_of(a.pk) == _project_of(b.pk)
    member = ClusterMember.objects.get(record__raw=b)
    response = admin_client.post(
        reverse("admin:dedup_clustermember_changelist"),
        {"action": "split", "_selected_action": [member.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 regroupement(s) séparé(s) ; projets et index mis à jour en arrière-plan." in page
    assert "en attente du worker" in page and 'http-equiv="refresh"' in page
    tasks_run()  # the worker's loop: merging and indexing happen there
    assert _project_of(a.pk) != _project_of(b.pk)
    page = admin_client.get(response.redirect_chain[-1][0]).content.decode()
    assert "terminé" in page and "2 regroupement(s) recalculé(s), 2 projet(s) modifié(s)" in page
    assert 'http-equiv="refresh"' not in page


def test_rerun_without_change_writes_nothing(raw: RawFactory) -> None:
    a = raw("alpha", "1", title="Jardin des Lilas", location_text="93100 Montreuil")
    pipeline_process([a.pk], update_index=False)
    summary = pipeline_process([a.pk], force=True, update_index=False)
    assert (summary.records, summary.unchanged, summary.projects_changed) == (1, 1, 0)


def test_worker_processes_give_the_same_result(raw: RawFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    import carrefour.orchestration.pipeline

    monkeypatch.setattr(carrefour.orchestration.pipeline, "PARALLEL_MIN", 1)
    monkeypatch.setattr(carrefour.orchestration.pipeline, "BATCH", 3)
    monkeypatch.setattr(carrefour.orchestration.pipeline, "TASK", 2)
    raws = [
        raw("alpha", str(i), title=f"Jardin numéro {i}", location_text="93100 Montreuil") for i in range(5)
    ]
    raws.append(raw("beta", "x", title="Jardin numéro 1", location_text="Montreuil (93)"))
    summary = pipeline_process([r.pk for r in raws], update_index=False)
    assert (summary.records, summary.projects_changed) == (6, 5)
    assert _project_of(raws[1].pk) == _project_of(raws[5].pk)
