"""An accepted contribution is searchable in ≤ 5 s: time from the decision until the search service finds it.

    python -m bench.contribution_searchable [--projects 100000] [--world DIR] [--data-dir DIR] [--runs 20]

In a throw-away data directory (SQLite, or DATABASE_URL; kept and reused with --data-dir): a world of the
partner-sites simulator loaded straight into projects (bench/relevance/loader.py, as the search benchmark
does), territories, the search index; `carrefour serve` (what production runs) in its own process. Each
run gives a project's title a word nobody used, then polls the server's search API for that word every
20 ms until the project comes back: once proposed by a contributor and accepted by a moderator
(`contribution_accept`, timed from its call), once proposed by a trusted contributor whose change goes
live at once (`contribution_propose`, timed from its call). p50/p95 over --runs runs of each, with the
share of the decision itself (the call returning) and the load of the machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CARREFOUR = Path(sys.executable).with_name("carrefour")
POLL = 0.02
GIVE_UP = 60.0


def _percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def _load() -> str:
    """The machine's load average (1, 5, 15 min)."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def _found(port: int, word: str, project_id: int) -> bool:
    """Whether the server's search API returns the project for the word."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", f"/api/v1/projects?q={word}&per_page=10")
        body = json.loads(connection.getresponse().read())
    finally:
        connection.close()
    return any(row.get("id") == project_id for row in body.get("results", []))


def _free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server(port: int) -> subprocess.Popen[bytes]:
    """`carrefour serve` without its worker (a service of its own in production), answering once up."""
    process = subprocess.Popen(
        [str(CARREFOUR), "serve", "--port", str(port), "--no-worker"],
        cwd=ROOT,
        # The poller asks 50 times a second: more than a visitor's limit on the API.
        env=dict(os.environ, CARREFOUR_RATE_API=""),
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(3000):  # the first start collects the static files: minutes on a busy machine
        try:
            _found(port, "warmup", 0)
            return process
        except OSError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGTERM)
    raise RuntimeError("carrefour serve did not start")


def _word(rng: random.Random) -> str:
    """A word no project holds (letters only, as a person would search it)."""
    return "zq" + "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(10))


def _timed(port: int, act: Callable[[], None], word: str, project_id: int) -> tuple[float, float]:
    """(seconds until the call returned, seconds until the search finds the project)."""
    if _found(port, word, project_id):
        raise RuntimeError(f"project {project_id} found for {word!r} before the change")
    start = time.perf_counter()
    act()
    decided = time.perf_counter() - start
    while not _found(port, word, project_id):
        if time.perf_counter() - start > GIVE_UP:
            return decided, float("inf")
        time.sleep(POLL)
    return decided, time.perf_counter() - start


def _accounts() -> dict[str, Any]:
    """A contributor, a trusted contributor and a moderator, with verified e-mail addresses."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import User

    from carrefour.accounts.models import Profile
    from carrefour.accounts.services import user_staff_role_set, user_trust_promote

    accounts = {}
    for name in ("contributrice", "confiance", "moderateur"):
        user, _ = User.objects.get_or_create(
            username=f"bench-{name}", defaults={"email": f"{name}@example.org"}
        )
        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True})
        accounts[name] = user
    user_trust_promote(accounts["confiance"])
    user_staff_role_set(accounts["moderateur"], Profile.Staff.MODERATOR)
    return accounts


def _runs(port: int, runs: int, seed: int) -> dict[str, list[tuple[float, float]]]:
    """Accepted, then instantly published, contributions on projects drawn at random."""
    from carrefour.accounts.models import Profile
    from carrefour.contributions.models import Contribution
    from carrefour.contributions.services import contribution_accept, contribution_propose
    from carrefour.projects.models import Project

    accounts = _accounts()
    rng = random.Random(seed)
    # Unseeded: a reused data directory already holds the words of earlier runs.
    words = random.Random()
    ids = list(Project.objects.filter(is_published=True).values_list("id", flat=True))
    results: dict[str, list[tuple[float, float]]] = {"accepted": [], "trusted": []}
    for _ in range(runs):
        for kind in results:
            project = Project.objects.get(pk=rng.choice(ids))
            word = _word(words)
            values = {"title": f"{project.title[:250]} {word}"}
            if kind == "accepted":
                # Accepted contributions earn trust, which would publish her next ones at once.
                Profile.objects.filter(user=accounts["contributrice"]).update(accepted_contributions=0)
                proposed = contribution_propose(project, accounts["contributrice"], values, "Banc de mesure")
                assert proposed.status == Contribution.Status.PENDING
                results[kind].append(
                    _timed(
                        port,
                        lambda c=proposed: contribution_accept(c, accounts["moderateur"]),
                        word,
                        project.pk,
                    )
                )
            else:
                results[kind].append(
                    _timed(
                        port,
                        lambda p=project, v=values: contribution_propose(
                            p, accounts["confiance"], v, "Banc de mesure"
                        ),
                        word,
                        project.pk,
                    )
                )
            print(f"{kind}: {results[kind][-1][1]:.2f} s", file=sys.stderr, flush=True)
    return results


def _table(results: dict[str, list[tuple[float, float]]]) -> None:
    """The Markdown table of the runs."""
    labels = {
        "accepted": "acceptée par un modérateur (`contribution_accept`)",
        "trusted": "publiée aussitôt, contributeur de confiance (`contribution_propose`)",
    }
    print("| contribution | décision p50 / p95 (s) | trouvable p50 / p95 (s) | pire (s) |\n|---|---|---|---|")
    for kind, rows in results.items():
        decided, visible = [row[0] for row in rows], [row[1] for row in rows]
        print(
            f"| {labels[kind]} | {statistics.median(decided):.2f} / {_percentile(decided, 95):.2f} "
            f"| {statistics.median(visible):.2f} / {_percentile(visible, 95):.2f} | {max(visible):.2f} |"
        )


def main() -> None:
    """Command-line entry point: print a Markdown table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--world", type=Path, help="world directory to reuse (generated there if missing)")
    parser.add_argument("--data-dir", type=Path, help="data directory to keep and reuse (loaded once)")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="carrefour-bench-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["CARREFOUR_DATA_DIR"] = str(data_dir.resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carrefour.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from bench.relevance.loader import truth_load, world_generate
    from carrefour.projects.models import Project
    from carrefour.search.services import index_rebuild
    from carrefour.search.storage import index_open
    from carrefour.territories.services import territories_load

    truth = world_generate(args.world or data_dir / "world", projects=args.projects, seed=args.seed)
    call_command("migrate", verbosity=0)
    territories_load(log=lambda _line: None)
    if not Project.objects.exists():
        truth_load(truth)
    if index_open() is None:
        index_rebuild()
    published = Project.objects.filter(is_published=True).count()
    port = _free_port()
    server = _server(port)
    try:
        print(f"charge au départ : {_load()} ; {published} projets publiés, {args.runs} passages\n")
        results = _runs(port, args.runs, args.seed)
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # granian and its worker processes
        server.wait(timeout=60)
    _table(results)
    print(f"\ncharge à la fin : {_load()}")


if __name__ == "__main__":
    main()
