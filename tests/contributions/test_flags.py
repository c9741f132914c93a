"""Automatic flags on queue items instead of captchas: new accounts, links in the text, bursts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from carrefour.contributions.models import Contribution

pytestmark = pytest.mark.django_db


def _flags(page: str, contribution: Contribution) -> str:
    section = page.split(f'id="contribution-{contribution.pk}"')[1].split("</section>")[0]
    return section.split('class="fr-badges-group carrefour-flags"')[1] if "carrefour-flags" in section else ""


def test_new_accounts_links_and_bursts_are_flagged_on_the_queue(
    make_user: Any, world: dict[str, Any]
) -> None:
    project = world["own_project"]
    newcomer, veteran = make_user("contributor"), make_user("trusted_granted")
    User.objects.filter(pk=veteran.pk).update(date_joined=timezone.now() - timedelta(days=400))
    now = timezone.now()
    burst = [
        Contribution.objects.create(
            project=project,
            author=newcomer,
            fields={"summary": ["", f"Voir https://promo.example.com/{i}"]},
            reason="r",
            created_at=now - timedelta(minutes=50 - i),
        )
        for i in range(10)
    ]
    calm = Contribution.objects.create(
        project=project,
        author=veteran,
        fields={"website": ["", "https://jardin.example.org"]},
        reason="Site du porteur",
        created_at=now,
    )
    moderator = Client()
    moderator.force_login(make_user("moderator"), backend="django.contrib.auth.backends.ModelBackend")
    page = moderator.get("/moderation").content.decode()
    last = _flags(page, burst[-1])
    assert "compte créé depuis moins de 7 jours" in last and "liens dans le texte" in last
    assert "10 contributions de cet auteur en moins d&#x27;une heure" in last
    assert "contributions de cet auteur" not in _flags(page, burst[0])  # the first of the burst
    assert _flags(page, calm) == ""  # an old account; a link in the website field is expected
