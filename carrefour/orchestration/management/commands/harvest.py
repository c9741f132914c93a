"""`carrefour harvest [SOURCE…|--all]`: load the YAML definitions, harvest, then run the pipeline."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carrefour.harvest.kinds import KINDS_BY_NAME
from carrefour.harvest.models import HarvestRun
from carrefour.harvest.parallel import DEFAULT_JOBS, harvest_run_many
from carrefour.harvest.selectors import source_list_due
from carrefour.harvest.services import HarvestProgress
from carrefour.orchestration.commands import (
    CommandBusyError,
    command_guard,
    command_pipeline,
    command_stop_check,
)
from carrefour.orchestration.reapply import sources_definitions, sources_reapply_pending
from carrefour.sources.definitions import SourceDefinitionError
from carrefour.sources.models import Source
from carrefour.sources.services import source_load_all


def base_urls_read(options: dict[str, Any]) -> dict[str, str]:
    """Base URL overrides by source slug or simulator platform (JSON file, env, then --base-url)."""
    urls: dict[str, str] = {}
    path = options.get("simulator_urls") or os.environ.get("CARREFOUR_SIMULATOR_URLS")
    if path:
        try:
            urls.update(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise CommandError(f"--simulator-urls {path}: {exc}") from exc
    for item in options.get("base_url") or []:
        key, sep, url = item.partition("=")
        if not sep or not url.startswith(("http://", "https://")):
            raise CommandError(f"--base-url {item!r}: expected SLUG=http://host:port")
        urls[key.strip()] = url.strip()
    return urls


class _Progress:
    """Progress of concurrent harvests on stderr: one line per finished source, the running ones in between.

    On a terminal the running sources share one line rewritten in place; otherwise (cron, logs) their
    state is printed every few seconds. Called from the crawl threads, hence the lock.
    """

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last = 0.0
        self.running: dict[str, str] = {}
        self.lock = threading.Lock()

    def __call__(self, state: HarvestProgress) -> None:
        line = f"{state.stage}: {state.pages} pages, {state.records} records, {state.rejected} rejected"
        if state.stage == "store":
            line += f", {state.stored} stored"
        with self.lock:
            if state.stage == "done":
                self.running.pop(state.source, None)
                self._write([f"[{state.source}] {state.status}: {line.partition(': ')[2]}"], final=True)
                return
            self.running[state.source] = line
            now = time.monotonic()
            if state.stage == "crawl" and now - self.last < (0.2 if self.tty else 5.0):
                return
            self.last = now
            self._write([f"[{slug}] {text}" for slug, text in self.running.items()], final=False)

    def _write(self, lines: list[str], *, final: bool) -> None:
        """Lines on stderr; on a terminal the running line is rewritten, finished ones stay."""
        if self.tty:
            self.stream.write("\r\x1b[K" + " | ".join(lines)[:200] + ("\n" if final else ""))
        else:
            self.stream.write("".join(line + "\n" for line in lines))
        self.stream.flush()


class Command(BaseCommand):
    """Harvest sources declared in sources/*.yml."""

    help = "Moissonne les sources (définitions YAML de sources/) puis traite les fiches modifiées."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sources", nargs="*", metavar="SOURCE", help="slugs of the sources to harvest")
        parser.add_argument("--all", action="store_true", help="harvest every enabled, validated source")
        parser.add_argument(
            "--due", action="store_true", help="harvest the enabled sources whose frequency says they are due"
        )
        parser.add_argument(
            "--base-url",
            action="append",
            metavar="SLUG=URL",
            help="base URL filling {base_url} (slug or simulator platform; repeatable)",
        )
        parser.add_argument(
            "--simulator-urls",
            metavar="FILE.json",
            help="the simulator's first stdout line saved to a file ({platform: base URL})",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=DEFAULT_JOBS,
            metavar="N",
            help=f"sources crawled at the same time (default {DEFAULT_JOBS}; politeness stays per host)",
        )
        parser.add_argument("--no-pipeline", action="store_true", help="only harvest, do not normalize")
        parser.add_argument(
            "--validate-only", action="store_true", help="only load and validate the definitions"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        before = sources_definitions()
        try:
            sources = source_load_all()
        except SourceDefinitionError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(f"{len(sources)} source definitions loaded")
        if options["validate_only"]:
            return
        selected = self._select(options)
        base_urls = base_urls_read(options)
        if options["jobs"] < 1:
            raise CommandError("--jobs must be at least 1")
        targets = [
            (source, base_urls.get(source.slug) or base_urls.get(source.definition.get("platform", "")))
            for source in selected
        ]
        try:
            with command_guard(self):
                runs = harvest_run_many(targets, jobs=options["jobs"], progress=_Progress(sys.stderr))
                self._summary(runs)
                command_stop_check()
                if not options["no_pipeline"]:
                    # The records these runs stored, and any an interrupted run left pending.
                    command_pipeline(self)
                    # Vocabularies a file changed, or a re-apply that failed or crashed left undone.
                    sources_reapply_pending(before)
        except CommandBusyError as exc:
            if not options["due"]:
                raise
            # The timer or cron comes back within the hour: the sources stay due until then.
            self.stderr.write(
                f"{exc} : rien n'est moissonné ; les sources échues le seront au prochain passage"
            )
            return
        if any(run.status == HarvestRun.Status.FAILED for run in runs):
            raise CommandError("at least one harvest failed (see the table above)")

    def _select(self, options: dict[str, Any]) -> list[Source]:
        """Sources named on the command line, all enabled ones with --all, the due ones with --due."""
        if [bool(options["sources"]), options["all"], options["due"]].count(True) != 1:
            raise CommandError("name sources to harvest, or give --all or --due (only one of them)")
        if options["all"]:
            return list(Source.objects.filter(enabled=True, review_status=Source.Review.VALIDATED))
        if options["due"]:
            return source_list_due()
        found = {s.slug: s for s in Source.objects.filter(slug__in=options["sources"])}
        missing = [slug for slug in options["sources"] if slug not in found]
        if missing:
            known = ", ".join(Source.objects.values_list("slug", flat=True))
            raise CommandError(f"unknown source(s) {', '.join(missing)} (known: {known})")
        # Built-in sources (contributions) and imported ones have no kind to crawl them with.
        unharvestable = [slug for slug, source in found.items() if source.kind not in KINDS_BY_NAME]
        if unharvestable:
            raise CommandError(f"not harvested from the web: {', '.join(sorted(unharvestable))}")
        # A partner's new source (or one refused) runs only once the administrators validated it.
        unreviewed = [
            f"{slug} ({source.get_review_status_display().lower()})"
            for slug, source in sorted(found.items())
            if source.review_status != Source.Review.VALIDATED
        ]
        if unreviewed:
            raise CommandError(f"not validated, not harvested: {', '.join(unreviewed)}")
        return [found[slug] for slug in options["sources"]]

    def _summary(self, runs: list[HarvestRun]) -> None:
        """One line per run, then rejection reasons and messages."""
        header = (
            f"{'source':<24} {'seen':>6} {'new':>6} {'upd':>6} {'same':>6} {'rej':>5} {'gone':>5} "
            f"{'time':>7}  status"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for run in runs:
            seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at else 0.0
            self.stdout.write(
                f"{run.source.slug:<24} {run.records_seen:>6} {run.records_created:>6} "
                f"{run.records_updated:>6} {run.records_unchanged:>6} {run.records_rejected:>5} "
                f"{run.records_gone:>5} {seconds:>6.1f}s  {run.status}"
            )
        for run in runs:
            if run.message:
                self.stdout.write(f"{run.source.slug}: {run.message}")
            reasons: dict[str, int] = {}
            for error in run.errors:
                reasons[error["reason"]] = reasons.get(error["reason"], 0) + 1
            for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1])[:10]:
                self.stdout.write(f"  {run.source.slug}: {count} × {reason}")
            for reason, count in run.records_skipped:
                self.stdout.write(f"  {run.source.slug}: {count} skipped × {reason}")
