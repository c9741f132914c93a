"""Links in e-mails about contributions are absolute and open the right page from a mail client."""

from __future__ import annotations

import urllib.request
from typing import Any

import pytest
from django.test import Client

from carrefour.contributions.models import Contribution
from carrefour.contributions.services import contribution_accept
from tests.mail import Mailbox
from tests.test_settings import PRODUCTION, _check
from tests.worker import tasks_run


def test_the_e_mail_links_to_the_configured_site_and_the_link_opens_the_project(
    transactional_db: None,
    live_server: Any,
    make_user: Any,
    world: dict[str, Any],
    mailbox: Mailbox,
    settings: Any,
) -> None:
    settings.SITE_URL = live_server.url
    project = world["own_project"]
    contribution = Contribution.objects.create(
        project=project,
        author=make_user("contributor"),
        fields={"title": ["Projet own", "Jardin des Lilas"]},
        reason="r",
    )
    contribution_accept(contribution, make_user("moderator"))
    tasks_run()
    link = mailbox.link("contributor@example.org", "/projets/")
    assert link == f"{live_server.url}/projets/{project.pk}"
    with urllib.request.urlopen(link) as response:
        assert response.status == 200 and "Jardin des Lilas" in response.read().decode()
    mine = mailbox.link("contributor@example.org", "/compte/contributions")
    with urllib.request.urlopen(mine) as response:
        assert "/compte/login" in response.url and "next=/compte/contributions" in response.url


@pytest.mark.django_db
def test_without_a_site_url_development_links_to_the_host_the_request_came_to(
    make_user: Any, world: dict[str, Any], mailbox: Mailbox, settings: Any
) -> None:
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["carrefour.test"]
    project = world["own_project"]
    Contribution.objects.create(
        project=project,
        author=make_user("contributor"),
        fields={"title": ["Projet own", "Lilas"]},
        reason="r",
    )
    moderator = Client(HTTP_HOST="carrefour.test")
    moderator.force_login(make_user("moderator"), backend="django.contrib.auth.backends.ModelBackend")
    moderator.post("/moderation/decider", {"ids": [Contribution.objects.get().pk], "decision": "accept"})
    tasks_run()
    assert (
        mailbox.link("contributor@example.org", "/projets/") == f"http://carrefour.test/projets/{project.pk}"
    )


def test_production_requires_the_site_url() -> None:
    result = _check({key: value for key, value in PRODUCTION.items() if key != "CARREFOUR_SITE_URL"})
    assert result.returncode != 0 and "CARREFOUR_SITE_URL must be set" in result.stderr
    bad = _check({**PRODUCTION, "CARREFOUR_SITE_URL": "carrefour.example.org"})
    assert bad.returncode != 0 and "expected https://host" in bad.stderr
