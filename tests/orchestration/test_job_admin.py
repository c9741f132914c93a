"""The job progress page and the split action, for every role; the page's states without JavaScript."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from carrefour.dedup.models import ClusterMember
from carrefour.orchestration.jobs import job_start
from carrefour.orchestration.models import Job
from carrefour.orchestration.pipeline import pipeline_process
from carrefour.orchestration.tasks import clusters_refresh
from tests.dedup.conftest import RawFactory
from tests.worker import tasks_run

pytestmark = pytest.mark.django_db
PASSWORD = "un-mot-de-passe-assez-long-42"


def _client(role: str) -> Client:
    """A client logged in as `role` (anonymous: not logged in)."""
    client = Client()
    if role == "anonymous":
        return client
    permissions = {
        "visitor": [],
        "staff": [],
        "staff_viewing_jobs": ["view_job"],
        "staff_viewing_members": ["view_clustermember", "view_job"],
        "staff_changing_members": ["view_clustermember", "change_clustermember", "view_job"],
    }
    if role == "superuser":
        user = User.objects.create_superuser(role, f"{role}@example.org", PASSWORD)
    else:
        user = User.objects.create_user(role, f"{role}@example.org", PASSWORD, is_staff=role != "visitor")
        user.user_permissions.set(Permission.objects.filter(codename__in=permissions[role]))
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("visitor", 302),
        ("staff", 403),
        ("staff_viewing_jobs", 200),
        ("superuser", 200),
    ],
)
def test_the_job_page_is_for_staff_allowed_to_view_jobs(role: str, status: int) -> None:
    job = job_start(Job.Kind.CLUSTERS_REFRESH, clusters_refresh, [])
    response = _client(role).get(reverse("admin:orchestration_job_change", args=[job.pk]))
    assert response.status_code == status
    if status == 302:
        assert "/login/" in response["Location"]
    if status == 200:
        page = response.content.decode()
        assert "en attente du worker" in page and 'http-equiv="refresh"' in page and "Recharger" in page


def test_a_failed_job_shows_its_error_and_stops_reloading() -> None:
    job = job_start(Job.Kind.CLUSTERS_REFRESH, clusters_refresh, ["pas un identifiant"])
    tasks_run()
    page = _client("superuser").get(reverse("admin:orchestration_job_change", args=[job.pk])).content.decode()
    assert "échoué" in page and "ValueError" in page
    assert 'http-equiv="refresh"' not in page


@pytest.mark.parametrize(
    ("role", "split"),
    [("staff_viewing_members", False), ("staff_changing_members", True), ("superuser", True)],
)
def test_only_staff_allowed_to_change_cluster_members_can_split(
    raw: RawFactory, role: str, split: bool
) -> None:
    a = raw("alpha", "1", title="Jardin des Lilas", location_text="93100 Montreuil")
    b = raw("beta", "x", title="Jardin des Lilas", location_text="Montreuil (93)")
    pipeline_process([a.pk, b.pk], update_index=False)
    member = ClusterMember.objects.get(record__raw=b)
    response = _client(role).post(
        reverse("admin:dedup_clustermember_changelist"), {"action": "split", "_selected_action": [member.pk]}
    )
    assert Job.objects.exists() == split
    if split:
        assert response["Location"] == reverse("admin:orchestration_job_change", args=[Job.objects.get().pk])
    else:
        assert ClusterMember.objects.get(pk=member.pk).cluster_id == member.cluster_id
