"""`carrefour sources check FILE` (dry run), `status` (health), `import [PATH…]`, `export [SLUG…]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carrefour.harvest.check import source_check
from carrefour.harvest.runner import CrawlError
from carrefour.harvest.selectors import source_status_rows
from carrefour.orchestration.management.commands.harvest import base_urls_read
from carrefour.orchestration.reapply import sources_definitions, sources_reapply_pending
from carrefour.orchestration.runs import harvest_runs_settle
from carrefour.sources.definitions import SourceDefinitionError
from carrefour.sources.models import Source
from carrefour.sources.rows import source_definition_text
from carrefour.sources.services import source_definition_validate, source_import

SHOWN_RECORDS = 3


class Command(BaseCommand):
    """Check a definition without storing anything, or show the harvest health of every source."""

    help = "Vérifie une définition de source (check FICHIER) ou affiche l'état des sources (status)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="dry run: fetch a few pages, show records and empty fields")
        check.add_argument("file", help="YAML definition file")
        check.add_argument("--base-url", help="URL filling {base_url} (else the definition's base_url)")
        check.add_argument("--simulator-urls", metavar="FILE.json", help="simulator URLs by platform")
        check.add_argument("--pages", type=int, default=10, help="responses to fetch at most (default 10)")
        check.add_argument("--records", type=int, default=SHOWN_RECORDS, help="records to print in full")
        sub.add_parser("status", help="per-source status, last success, count trend, latest errors")
        load = sub.add_parser("import", help="definition files (or directories) -> sources and versions")
        load.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: sources/)")
        dump = sub.add_parser("export", help="the definition in service of each source -> SLUG.yml files")
        dump.add_argument("slugs", nargs="*", metavar="SLUG", help="sources to export (default: all)")
        dump.add_argument("--output", default=".", metavar="DIR", help="directory to write (default: .)")

    def handle(self, *args: Any, **options: Any) -> None:
        actions = {
            "check": self._check,
            "status": self._status,
            "import": self._import,
            "export": self._export,
        }
        actions[options["action"]](options)

    def _check(self, options: dict[str, Any]) -> None:
        """Dry run of one definition file."""
        base = options.get("base_url")
        try:
            if not base and options.get("simulator_urls"):
                definition = source_definition_validate(options["file"])
                urls = base_urls_read({"simulator_urls": options["simulator_urls"]})
                base = urls.get(definition["slug"]) or urls.get(definition.get("platform", ""))
            report = source_check(options["file"], base_url=base, max_pages=options["pages"])
        except (SourceDefinitionError, CrawlError) as exc:
            raise CommandError(str(exc)) from exc
        for record in report.records[: options["records"]]:
            self.stdout.write(f"--- {record['id']}  {record['url']}")
            self.stdout.write(json.dumps(record["payload"], ensure_ascii=False, indent=2)[:3000])
        self.stdout.write(
            f"\n{report.slug}: {report.pages} pages, {len(report.records)} records, "
            f"{len(report.errors)} errors"
        )
        empty = report.empty_fields()
        if report.records:
            listed = ", ".join(f"{name} ({count}/{len(report.records)})" for name, count in empty.items())
            self.stdout.write(f"fields left empty: {listed or 'none'}")
        for error in report.errors[:10]:
            self.stdout.write(f"  {error['type']}: {error['url']}: {error['reason']}")
        for reason, count in report.skipped.most_common():
            self.stdout.write(f"  {count} skipped × {reason}")
        for note in report.lookup_notes:
            self.stdout.write(f"  {note}")
        if not report.records:
            raise CommandError("no record extracted: check start_urls, list and record_id")

    def _import(self, options: dict[str, Any]) -> None:
        """Import definition files; a source edited by its partner is never overwritten by a file."""
        paths = [Path(path) for path in options["paths"]]
        before = sources_definitions()
        try:
            # Only a whole-directory sync of sources/ disables the sources whose file is gone.
            report = source_import(paths or None, disable_missing=not paths)
        except SourceDefinitionError as exc:
            raise CommandError(str(exc)) from exc
        # A file changing the vocabularies re-applies them to the stored records, as a partner's save does.
        reapplied = sources_reapply_pending(before)
        for label, slugs in (
            ("created", report.created),
            ("updated", report.updated),
            ("unchanged", report.unchanged),
            ("skipped (edited by their partner)", report.skipped),
            ("mapping re-applications queued", reapplied),
        ):
            self.stdout.write(f"{len(slugs)} {label}" + (f": {', '.join(slugs)}" if slugs else ""))

    def _export(self, options: dict[str, Any]) -> None:
        """Write the definition in service of each source named (default: all) to DIR/SLUG.yml."""
        sources = Source.objects.exclude(definition={})
        if options["slugs"]:
            sources = sources.filter(slug__in=options["slugs"])
            missing = sorted(set(options["slugs"]) - set(sources.values_list("slug", flat=True)))
            if missing:
                raise CommandError(f"unknown source(s) or without definition: {', '.join(missing)}")
        output = Path(options["output"])
        output.mkdir(parents=True, exist_ok=True)
        for source in sources:
            (output / f"{source.slug}.yml").write_text(source_definition_text(source), encoding="utf-8")
        self.stdout.write(f"{sources.count()} definitions written to {output}")

    def _status(self, options: dict[str, Any]) -> None:
        """One line per source, then the latest errors of unhealthy ones."""
        # Runs left `running` by a dead process show as interrupted, unless a run is really going on.
        harvest_runs_settle()
        rows = source_status_rows(Source.objects.all())
        header = f"{'source':<24} {'status':<11} {'last run':<17} {'last success':<17} {'records':>8}  trend"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for row in rows:
            self.stdout.write(
                f"{row['slug']:<24} {row['status']:<11} {row['last_run']:<17} {row['last_success']:<17} "
                f"{row['records']:>8}  {row['trend']}"
            )
        for row in rows:
            if row["message"]:
                self.stdout.write(f"{row['slug']}: {row['message']}")
            for error in row["errors"]:
                self.stdout.write(f"  {row['slug']}: {error['url']}: {error['reason']}")
