"""The moderation queue with 10,000 contributions waiting, and the public list: time of their pages, p50/p95.

    python -m bench.moderation_bench [--pending 10000] [--projects 2000] [--repeat 50]

In a throw-away data directory (SQLite): `--projects` projects in 100 départements, `--pending`
contributions waiting (changes of two fields with a 1,000-character description, or free-text
suggestions, from 200 authors, one in ten held with a reason, 10 authors blocked), a moderator;
`/moderation` (first page, middle, last, filtered by département and by author trust) timed through
Django's test client, signed in, after one warm-up request; then the public `/contributions` (first
page, last, pending only), as a visitor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import timedelta


def _percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def _world(projects: int, pending: int) -> object:
    """Projects, authors, contributions waiting; the moderator."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from carrefour.accounts.models import Profile, UserBlock
    from carrefour.accounts.services import user_staff_role_set
    from carrefour.contributions.models import Contribution
    from carrefour.dedup.models import Cluster
    from carrefour.projects.models import Project

    text = "Un tiers-lieu nourricier qui réunit habitants et associations du quartier. " * 14
    start = timezone.now() - timedelta(days=60)
    clusters = Cluster.objects.bulk_create(Cluster() for _ in range(projects))
    rows = Project.objects.bulk_create(
        Project(
            cluster=cluster,
            title=f"Projet n° {i}",
            updated_at=start,
            description=text,
            departement_code=f"{i % 95 + 1:02d}",
            themes=["alimentation"] if i % 3 == 0 else ["mobilite"],
        )
        for i, cluster in enumerate(clusters)
    )
    authors = User.objects.bulk_create(
        User(username=f"auteur{i}", email=f"a{i}@example.org") for i in range(200)
    )
    Profile.objects.bulk_create(
        Profile(user=author, accepted_contributions=5 if i % 10 == 0 else 0)
        for i, author in enumerate(authors)
    )
    Contribution.objects.bulk_create(
        (
            Contribution(
                project=rows[i % projects],
                author=authors[i % 200],
                fields={
                    "title": [f"Projet n° {i % projects}", f"Projet n° {i % projects} (nouveau nom)"],
                    "description": [text, text + " Et un verger."],
                },
                reason="Site du porteur",
                created_at=start + timedelta(minutes=i),
                hold_reasons=["mots interdits (viagra)"] if i % 10 == 1 else [],
            )
            if i % 4
            else Contribution(
                kind=Contribution.Kind.SUGGESTION,
                project=rows[i % projects],
                subject="location",
                reason="La commune est Bagnolet.",
                created_at=start + timedelta(minutes=i),
            )
            for i in range(pending)
        ),
        batch_size=2000,
    )
    UserBlock.objects.bulk_create(
        UserBlock(user=author, reason="Publicité", until=timezone.now() + timedelta(days=7))
        for author in authors[:10]
    )
    moderator = User.objects.create_user("moderateur")
    user_staff_role_set(moderator, Profile.Staff.MODERATOR)
    return moderator


def main() -> None:
    """Command-line entry point: print a Markdown table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pending", type=int, default=10_000)
    parser.add_argument("--projects", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="carrefour-bench-") as data_dir:
        os.environ["CARREFOUR_DATA_DIR"] = data_dir
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carrefour.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        call_command("migrate", verbosity=0)
        print(f"charge au départ : {', '.join(f'{value:.2f}' for value in os.getloadavg())}\n")
        moderator = _world(args.projects, args.pending)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(moderator, backend="django.contrib.auth.backends.ModelBackend")
        last = (args.pending + 24) // 25
        print(f"{args.pending} contributions en attente, {args.repeat} requêtes par page\n")
        print("| page | p50 (ms) | p95 (ms) |\n|---|---|---|")
        visitor = Client(HTTP_HOST="127.0.0.1")
        for who, label, url in (
            (client, "file, première", "/moderation"),
            (client, f"file, milieu ({last // 2})", f"/moderation?page={last // 2}"),
            (client, f"file, dernière ({last})", f"/moderation?page={last}"),
            (client, "file, département 93", "/moderation?departement=93"),
            (
                client,
                "file, thème alimentation, auteurs de confiance",
                "/moderation?theme=alimentation&trust=trusted",
            ),
            (visitor, "/contributions, première", "/contributions"),
            (visitor, "/contributions, dernière", f"/contributions?page={(args.pending + 49) // 50}"),
            (visitor, "/contributions, en attente", "/contributions?statut=pending"),
        ):
            response = who.get(url)  # warm the process, as a running server is
            assert response.status_code == 200, response.status_code
            times = []
            for _ in range(args.repeat):
                began = time.perf_counter()
                who.get(url)
                times.append((time.perf_counter() - began) * 1000)
            print(f"| {label} | {statistics.median(times):.0f} | {_percentile(times, 95):.0f} |", flush=True)
        print(f"\ncharge à la fin : {', '.join(f'{value:.2f}' for value in os.getloadavg())}")


if __name__ == "__main__":
    main()
