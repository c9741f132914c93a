"""The guide in the partner space has no dead link: its anchors exist, other docs' files are not links."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from tests.accounts.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_every_link_of_the_guide_leads_somewhere(make_user: Any, world: dict[str, Any]) -> None:
    page = signed_in(make_user("org_member")).get(reverse("partner-guide")).content.decode()
    anchors = set(re.findall(r' id="([^"]+)"', page))
    targets = re.findall(r'href="#([^"]+)"', page)
    # The guide links its own sections (the schedule) and they exist.
    assert "planification--carrefour-harvest---due" in targets
    assert [target for target in targets if target not in anchors] == []
    # deploiement.md is not a page of the site: its name stays as text, not as a link to a 404.
    assert "docs/deploiement.md" in page and 'href="deploiement.md"' not in page
    assert not re.findall(r'href="(?![a-z]+:|#|/)[^"]*\.md', page)
