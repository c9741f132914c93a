"""A split in the admin, in Chromium without JavaScript, against `carrefour serve` and its worker."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser import CHROMIUM
from tests.instance import Instance
from tests.net import free_port
from tests.orchestration.helpers import WAIT, answers, until
from tests.projects.conftest import corpus_project, corpus_write

PASSWORD = "un-mot-de-passe-assez-long-42"
_ADMIN = """
from django.contrib.auth.models import User
User.objects.create_superuser("admin", "", {password!r})
"""
_MEMBER = """
from carrefour.dedup.models import ClusterMember
print(ClusterMember.objects.get(record__raw__source__slug="autre-plateforme").pk)
"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-test-deps)"),
]


def test_a_split_runs_in_the_worker_and_its_page_shows_the_summary(
    instance: Instance, tmp_path: Path, browser: Browser
) -> None:
    # One project published by two platforms: the pipeline makes one cluster of two records.
    project: dict[str, Any] = corpus_project("1", "Garage solidaire")
    project["publications"].append({**project["publications"][0], "platform": "autre-plateforme"})
    instance.run("territories", "load")  # records are clustered once located
    instance.run("import", str(corpus_write(tmp_path / "corpus.jsonl.gz", [json.dumps(project)])))
    assert instance.counts()["published"] == 1
    instance.run("shell", "-c", _ADMIN.format(password=PASSWORD))
    member = instance.run("shell", "-c", _MEMBER).stdout.split()[-1]
    port = free_port()
    server = instance.start("serve", "--port", str(port))
    try:
        until(lambda: answers(port), "the site answers")
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/admin/login/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.goto(f"http://127.0.0.1:{port}/admin/dedup/clustermember/")
        page.check(f'input[name="_selected_action"][value="{member}"]')
        page.select_option('select[name="action"]', "split")
        page.click('button[name="index"]')
        expect(page).to_have_url(re.compile(r"/admin/orchestration/job/\d+/change/$"))
        expect(page.locator("body")).to_contain_text(
            "séparé(s) ; projets et index mis à jour en arrière-plan"
        )
        # The page reloads itself (meta refresh) until the worker has finished.
        expect(page.locator("body")).to_contain_text("terminé", timeout=WAIT * 1000)
        expect(page.locator("body")).to_contain_text(
            "2 regroupement(s) recalculé(s), 2 projet(s) modifié(s) et ré-indexé(s)"
        )
        assert page.locator('meta[http-equiv="refresh"]').count() == 0
        context.close()
    finally:
        server.terminate()
        server.wait(timeout=WAIT)
    counts = instance.counts()
    assert counts["published"] == counts["documents"] == 2
